//! The review list, its export and the coverage figures in the database.
//!
//! Every query is written once for both engines. The person's reach (the
//! whole académie, some departments, some districts) becomes a list of
//! action ids computed from indexed lookups (schools by district or
//! department, then actions by edition and school), so a district's list
//! never scans the whole edition.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::{
    actions::store::{ACTION_SELECT, Action},
    db::{Db, DbResult},
    editions::store::Edition,
    domain::{Placement, action::ActionState, declaration::Choices},
    on_db,
};

/// The states a reviewer ever sees: drafts stay with their school.
pub const REVIEWED_STATES: [ActionState; 4] = [
    ActionState::Submitted,
    ActionState::ChangesRequested,
    ActionState::Validated,
    ActionState::Declined,
];

/// Where a person may look in one edition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// The whole académie of the edition.
    pub whole: bool,
    pub departments: Vec<i64>,
    pub districts: Vec<i64>,
}

impl Reach {
    /// Whether an object placed there lies within the reach.
    pub fn covers(&self, place: &Placement) -> bool {
        self.whole
            || place.district.is_some_and(|d| self.districts.contains(&d))
            || place.department.is_some_and(|d| self.departments.contains(&d))
    }

    /// Only these districts.
    pub fn districts(ids: Vec<i64>) -> Reach {
        Reach {
            whole: false,
            departments: Vec::new(),
            districts: ids,
        }
    }
}

/// The filters of the review list, checked.
#[derive(Clone, Debug, Default)]
pub struct ReviewFilter {
    pub state: Option<ActionState>,
    /// Part of the school's name or UAI.
    pub school: Option<String>,
    /// An audience code of `AUDIENCES`.
    pub audience: Option<&'static str>,
    /// Part of the title, summary or description.
    pub text: Option<String>,
    /// Latest dates first.
    pub descending: bool,
}

/// One line of the review list.
#[derive(Clone, Debug, FromRow)]
pub struct ReviewRow {
    pub id: i64,
    pub state: String,
    pub title: String,
    pub starts_on: Option<NaiveDate>,
    pub before_week: bool,
    pub audiences: String,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    pub district_name: Option<String>,
    /// How many lines the whole filtered list has.
    pub total: i64,
}

/// A value bound to a numbered placeholder.
enum Bind {
    Int(i64),
    Text(String),
}

/// A query being written: its placeholders are numbered as values are added.
#[derive(Default)]
struct Params(Vec<Bind>);

impl Params {
    fn int(&mut self, value: i64) -> String {
        self.0.push(Bind::Int(value));
        format!("${}", self.0.len())
    }

    fn text(&mut self, value: String) -> String {
        self.0.push(Bind::Text(value));
        format!("${}", self.0.len())
    }

    fn ints(&mut self, values: &[i64]) -> String {
        values
            .iter()
            .map(|v| self.int(*v))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Binds every parameter, in order, to a query of either engine.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for value in &$params.0 {
            query = match value {
                Bind::Int(v) => query.bind(*v),
                Bind::Text(t) => query.bind(t.as_str()),
            };
        }
        query
    }};
}

/// A `LIKE` pattern that finds `text` anywhere, compared with `LOWER(column)`.
///
/// `LOWER` folds only ASCII letters on SQLite but every letter on PostgreSQL,
/// so letters outside ASCII (« é », « É ») become the one-character wildcard
/// `_`: « école » finds « École » and « école » on both engines alike. The
/// wildcards typed by the person are escaped (`ESCAPE '\'`).
///
/// The queries compare with `LIKE LOWER($n)`, never `LIKE $n`: SQLite
/// re-prepares a statement each time a bare parameter on the right of
/// `LIKE` is bound (it may plan the LIKE optimisation on its value).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().chars() {
        match c {
            '%' | '_' | '\\' => {
                pattern.push('\\');
                pattern.push(c);
            }
            c if c.is_ascii() => pattern.push(c.to_ascii_lowercase()),
            _ => pattern.push('_'),
        }
    }
    pattern.push('%');
    pattern
}

fn reviewed_states_sql() -> String {
    REVIEWED_STATES
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ids of the edition's (`$1`) actions placed within the reach, as a
/// query of one column `id`, or `None` for the whole académie. The place of
/// an action is its school's district and department or, for a district
/// action, its district's.
///
/// Each part starts from the places (the schools of the districts or
/// departments, by `schools_district` / `schools_department`) and reaches
/// their actions by `actions_edition_school`: a district's 100 schools, not
/// the edition's 20,000 actions. `CROSS JOIN` keeps that order on SQLite,
/// whose planner (without statistics) would otherwise start from the
/// edition; PostgreSQL reads it as an inner join and plans freely.
fn reach_ids(p: &mut Params, reach: &Reach) -> Option<String> {
    if reach.whole {
        return None;
    }
    let mut parts = Vec::new();
    if !reach.districts.is_empty() {
        let list = p.ints(&reach.districts);
        parts.push(format!(
            "SELECT x.id FROM schools xs CROSS JOIN actions x \
             WHERE xs.district_id IN ({list}) AND x.edition_id = $1 AND x.school_id = xs.id"
        ));
        parts.push(format!(
            "SELECT x.id FROM actions x LEFT JOIN schools xs ON xs.id = x.school_id \
             WHERE x.edition_id = $1 AND x.district_id IN ({list}) AND xs.district_id IS NULL"
        ));
    }
    if !reach.departments.is_empty() {
        let list = p.ints(&reach.departments);
        parts.push(format!(
            "SELECT x.id FROM schools xs CROSS JOIN actions x \
             WHERE xs.department_id IN ({list}) AND x.edition_id = $1 AND x.school_id = xs.id"
        ));
        parts.push(format!(
            "SELECT x.id FROM districts xd CROSS JOIN actions x \
             WHERE xd.department_id IN ({list}) AND x.edition_id = $1 AND x.district_id = xd.id \
             AND x.school_id IS NULL"
        ));
    }
    if parts.is_empty() {
        // No place at all: nothing matches.
        parts.push("SELECT x.id FROM actions x WHERE 1 = 0".into());
    }
    // UNION, not UNION ALL: a person may reach a place twice (a district
    // within their department).
    Some(parts.join(" UNION "))
}

/// The actions `a` of the edition (`$1`) within the reach: a `FROM` clause
/// and the terms of its `WHERE`.
fn reach_from(p: &mut Params, edition_id: i64, reach: &Reach) -> (String, Vec<String>) {
    let edition = p.int(edition_id);
    debug_assert_eq!(edition, "$1", "the reach queries name the edition $1");
    let mut terms = vec![format!("a.edition_id = {edition}")];
    let from = match reach_ids(p, reach) {
        None => "actions a".to_string(),
        Some(ids) => {
            terms.push("a.id = r.id".into());
            format!("({ids}) r CROSS JOIN actions a")
        }
    };
    (from, terms)
}

/// The actions of the review list (or of a selection, with `ids`): the
/// edition's, within the reach, never drafts, filtered. A `SELECT` of the
/// actions `a` (with their school `s` when a filter needs it) from its
/// `FROM` on: `"{from} WHERE {terms}"`.
fn list_query(
    p: &mut Params,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> String {
    let (mut from, mut terms) = reach_from(p, edition_id, reach);
    terms.push(format!("a.state IN ({})", reviewed_states_sql()));
    if let Some(ids) = ids {
        if ids.is_empty() {
            terms.push("1 = 0".into());
        } else {
            terms.push(format!("a.id IN ({})", p.ints(ids)));
        }
        return format!("{from} WHERE {}", terms.join(" AND "));
    }
    if let Some(state) = filter.state {
        terms.push(format!("a.state = {}", p.text(state.code().into())));
    }
    if let Some(school) = &filter.school {
        from.push_str(" LEFT JOIN schools s ON s.id = a.school_id");
        let pattern = p.text(contains_pattern(school));
        terms.push(format!(
            "(LOWER(s.name) LIKE LOWER({pattern}) ESCAPE '\\' \
             OR LOWER(s.uai) LIKE LOWER({pattern}) ESCAPE '\\')"
        ));
    }
    if let Some(audience) = filter.audience {
        let code = p.text(audience.to_string());
        terms.push(format!(
            "(',' || a.audiences || ',') LIKE ('%,' || {code} || ',%')"
        ));
    }
    if let Some(text) = &filter.text {
        let pattern = p.text(contains_pattern(text));
        terms.push(format!(
            "(LOWER(a.title) LIKE LOWER({pattern}) ESCAPE '\\' \
             OR LOWER(a.summary) LIKE LOWER({pattern}) ESCAPE '\\' \
             OR LOWER(a.description) LIKE LOWER({pattern}) ESCAPE '\\')"
        ));
    }
    format!("{from} WHERE {}", terms.join(" AND "))
}

/// By date (undated last), then by id, in the chosen direction, of the
/// actions named `alias`.
fn order_by(filter: &ReviewFilter, alias: &str) -> String {
    let dir = if filter.descending { "DESC" } else { "ASC" };
    format!(
        "ORDER BY CASE WHEN {alias}.starts_on IS NULL THEN 1 ELSE 0 END, {alias}.starts_on {dir}, {alias}.id {dir}"
    )
}

/// One page of the review list, and how many lines the whole list has.
///
/// One query: the list's ids and dates are gathered once (a materialised
/// `WITH`), counted, sorted and cut to the page; only the page's lines are
/// then joined to their school and district.
pub async fn review_page(
    db: &Db,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<ReviewRow>, i64)> {
    let mut p = Params::default();
    let list = list_query(&mut p, edition_id, reach, filter, None);
    let limit = p.int(limit);
    let offset_param = p.int(offset);
    let sql = format!(
        "WITH list AS MATERIALIZED (SELECT a.id, a.starts_on FROM {list})
         SELECT a.id, a.state, a.title, a.starts_on, a.before_week, a.audiences,
                s.name AS school_name, s.uai, di.name AS district_name,
                (SELECT COUNT(*) FROM list) AS total
         FROM (SELECT l.id FROM list l {page_order} LIMIT {limit} OFFSET {offset_param}) page
         CROSS JOIN actions a
         LEFT JOIN schools s ON s.id = a.school_id
         LEFT JOIN districts di ON di.id = COALESCE(s.district_id, a.district_id)
         WHERE a.id = page.id {order}",
        page_order = order_by(filter, "l"),
        order = order_by(filter, "a"),
    );
    let rows: Vec<ReviewRow> = on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)?;
    if let Some(total) = rows.first().map(|r| r.total) {
        return Ok((rows, total));
    }
    if offset == 0 {
        return Ok((rows, 0));
    }
    // A page past the end: count the list on its own.
    let mut p = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM {}",
        list_query(&mut p, edition_id, reach, filter, None)
    );
    let total: i64 = on_db!(db, |pool| bind_all!(sqlx::query_scalar(&sql), p)
        .fetch_one(pool)
        .await)?;
    Ok((rows, total))
}

/// Full actions for the export: the selection (`ids`) if any, else the whole
/// filtered list, always within the reach and never drafts.
pub async fn export_actions(
    db: &Db,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> DbResult<Vec<Action>> {
    let mut p = Params::default();
    let list = list_query(&mut p, edition_id, reach, filter, ids);
    let sql = format!(
        "{ACTION_SELECT} WHERE a.id IN (SELECT a.id FROM {list}) {}",
        order_by(filter, "a")
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// The answers of the same actions: (action, question, value).
pub async fn export_answers(
    db: &Db,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> DbResult<Vec<(i64, i64, String)>> {
    let mut p = Params::default();
    let list = list_query(&mut p, edition_id, reach, filter, ids);
    let sql = format!(
        "SELECT aa.action_id, aa.question_id, aa.value FROM action_answers aa
         WHERE aa.action_id IN (SELECT a.id FROM {list})"
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// An edition with the name and slug of its académie.
#[derive(Clone, Debug, FromRow)]
pub struct EditionInAcademy {
    #[sqlx(flatten)]
    pub edition: Edition,
    pub academy_name: String,
    pub academy_slug: String,
}

/// The edition and its académie, in one query (every review page needs both).
pub async fn edition_in_academy(db: &Db, edition_id: i64) -> DbResult<Option<EditionInAcademy>> {
    let sql = "SELECT e.*, ac.name AS academy_name, ac.slug AS academy_slug
               FROM editions e JOIN academies ac ON ac.id = e.academy_id WHERE e.id = $1";
    on_db!(db, |pool| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_optional(pool)
        .await)
}

/// A district, for the filter and the dashboard.
#[derive(Clone, Debug, FromRow)]
pub struct DistrictName {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub department_code: String,
}

/// The districts of an académie within the reach, by department then name.
pub async fn districts_in_reach(
    db: &Db,
    academy_id: i64,
    reach: &Reach,
) -> DbResult<Vec<DistrictName>> {
    let mut p = Params::default();
    let academy = p.int(academy_id);
    let mut sql = format!(
        "SELECT di.id, di.department_id, di.name, dp.code AS department_code
         FROM districts di JOIN departments dp ON dp.id = di.department_id
         WHERE dp.academy_id = {academy}"
    );
    if !reach.whole {
        let mut terms = vec!["1 = 0".to_string()];
        if !reach.districts.is_empty() {
            terms.push(format!("di.id IN ({})", p.ints(&reach.districts)));
        }
        if !reach.departments.is_empty() {
            terms.push(format!(
                "di.department_id IN ({})",
                p.ints(&reach.departments)
            ));
        }
        sql.push_str(&format!(" AND ({})", terms.join(" OR ")));
    }
    sql.push_str(" ORDER BY dp.code, di.name, di.id");
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// The open schools within the reach (`s`), for the dashboard.
fn school_conditions(p: &mut Params, academy_id: i64, reach: &Reach) -> String {
    let mut terms = vec![
        format!("s.academy_id = {}", p.int(academy_id)),
        "s.is_open = TRUE".to_string(),
    ];
    if !reach.whole {
        let mut places = vec!["1 = 0".to_string()];
        if !reach.districts.is_empty() {
            places.push(format!("s.district_id IN ({})", p.ints(&reach.districts)));
        }
        if !reach.departments.is_empty() {
            places.push(format!(
                "s.department_id IN ({})",
                p.ints(&reach.departments)
            ));
        }
        terms.push(format!("({})", places.join(" OR ")));
    }
    terms.join(" AND ")
}

/// Schools, and schools with at least one action beyond the draft, by district.
#[derive(Clone, Debug, FromRow)]
pub struct SchoolCoverage {
    pub district_id: Option<i64>,
    pub schools: i64,
    pub covered: i64,
}

pub async fn school_coverage(
    db: &Db,
    edition_id: i64,
    academy_id: i64,
    reach: &Reach,
) -> DbResult<Vec<SchoolCoverage>> {
    let mut p = Params::default();
    let edition = p.int(edition_id);
    let conditions = school_conditions(&mut p, academy_id, reach);
    let sql = format!(
        "SELECT s.district_id, COUNT(*) AS schools,
                COUNT(CASE WHEN EXISTS (SELECT 1 FROM actions x WHERE x.edition_id = {edition}
                      AND x.school_id = s.id AND x.state IN ({states})) THEN 1 END) AS covered
         FROM schools s WHERE {conditions} GROUP BY s.district_id",
        states = reviewed_states_sql()
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// A school that has declared nothing yet, with one of its référents.
#[derive(Clone, Debug, FromRow)]
pub struct SilentSchool {
    pub district_id: Option<i64>,
    pub id: i64,
    pub name: String,
    pub uai: String,
    pub referent: Option<String>,
}

/// The open schools of the reach without any action beyond the draft, one
/// line per référent (or one line without), by district, name and UAI.
pub async fn silent_schools(
    db: &Db,
    edition_id: i64,
    academy_id: i64,
    reach: &Reach,
) -> DbResult<Vec<SilentSchool>> {
    let mut p = Params::default();
    let edition = p.int(edition_id);
    let conditions = school_conditions(&mut p, academy_id, reach);
    let sql = format!(
        "SELECT s.district_id, s.id, s.name, s.uai, u.email AS referent
         FROM schools s
         LEFT JOIN role_grants g ON g.scope_kind = 'school' AND g.scope_id = s.id AND g.role = 'school_referent'
         LEFT JOIN users u ON u.id = g.user_id
         WHERE {conditions} AND NOT EXISTS (SELECT 1 FROM actions x WHERE x.edition_id = {edition}
               AND x.school_id = s.id AND x.state IN ({states}))
         ORDER BY s.district_id, s.name, s.uai, u.email",
        states = reviewed_states_sql()
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// A count of actions by district and by a code (a state, an audience…).
#[derive(Clone, Debug, FromRow)]
pub struct CodeCount {
    pub district_id: Option<i64>,
    pub code: String,
    pub count: i64,
}

/// Actions by district and state, drafts included.
pub async fn state_counts(db: &Db, edition_id: i64, reach: &Reach) -> DbResult<Vec<CodeCount>> {
    let mut p = Params::default();
    let (from, terms) = reach_from(&mut p, edition_id, reach);
    let sql = format!(
        "SELECT COALESCE(s.district_id, a.district_id) AS district_id, a.state AS code, COUNT(*) AS count
         FROM {from} LEFT JOIN schools s ON s.id = a.school_id
         WHERE {}
         GROUP BY COALESCE(s.district_id, a.district_id), a.state",
        terms.join(" AND ")
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

/// Which list column of `actions` to count by.
#[derive(Clone, Copy, Debug)]
pub enum ListColumn {
    Audiences,
    ShowcaseKinds,
}

/// Actions beyond the draft, by district and by each code of the list
/// column (an action counts once under each code it carries).
pub async fn choice_counts(
    db: &Db,
    edition_id: i64,
    reach: &Reach,
    column: ListColumn,
    choices: Choices,
) -> DbResult<Vec<CodeCount>> {
    let mut p = Params::default();
    let (from, terms) = reach_from(&mut p, edition_id, reach);
    let codes = choices
        .iter()
        .map(|(code, _)| format!("SELECT {} AS code", p.text((*code).to_string())))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let column = match column {
        ListColumn::Audiences => "a.audiences",
        ListColumn::ShowcaseKinds => "a.showcase_kinds",
    };
    let sql = format!(
        "SELECT COALESCE(s.district_id, a.district_id) AS district_id, k.code, COUNT(*) AS count
         FROM {from}
         LEFT JOIN schools s ON s.id = a.school_id
         JOIN ({codes}) k ON (',' || {column} || ',') LIKE ('%,' || k.code || ',%')
         WHERE {terms} AND a.state IN ({states})
         GROUP BY COALESCE(s.district_id, a.district_id), k.code",
        terms = terms.join(" AND "),
        states = reviewed_states_sql()
    );
    on_db!(db, |pool| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(pool)
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_wildcards_and_blur_non_ascii_letters() {
        assert_eq!(contains_pattern(" Forum "), "%forum%");
        assert_eq!(contains_pattern("École"), "%_cole%");
        assert_eq!(contains_pattern("100%_"), "%100\\%\\_%");
    }

    #[test]
    fn a_district_reach_starts_from_its_schools() {
        let mut p = Params::default();
        let (from, terms) = reach_from(&mut p, 7, &Reach::districts(vec![3, 4]));
        assert!(
            from.starts_with("(SELECT x.id FROM schools xs CROSS JOIN actions x"),
            "{from}"
        );
        assert!(from.contains("xs.district_id IN ($2, $3)"), "{from}");
        assert!(from.ends_with(") r CROSS JOIN actions a"), "{from}");
        assert_eq!(terms, ["a.edition_id = $1", "a.id = r.id"]);
        assert_eq!(p.0.len(), 3);
        let whole = Reach {
            whole: true,
            ..Default::default()
        };
        let mut p = Params::default();
        assert_eq!(reach_from(&mut p, 7, &whole).0, "actions a");
    }
}
