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
    db::{Conn, DbResult},
    domain::{
        Placement,
        action::ActionState,
        declaration::{AUDIENCES, SHOWCASE_KINDS},
    },
    editions::store::Edition,
    on_conn,
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
            || place
                .department
                .is_some_and(|d| self.departments.contains(&d))
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
    /// The district of a district action (none for a school's).
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

/// Reviewers see every state but the draft (`REVIEWED_STATES`); written
/// `<> 'draft'` so that SQLite reads one index range per school, not one
/// per state.
fn beyond_draft(alias: &str) -> String {
    format!("{alias}.state <> '{}'", ActionState::Draft.code())
}

/// The edition's (`$1`) actions placed within the reach, as a query of
/// `id, state, starts_on`, or `None` for the whole académie. The place of an
/// action is its school's district and department or, for a district
/// action, its district's.
///
/// Each part starts from the places (the schools of the districts or
/// departments, by `schools_district` / `schools_department`) and reaches
/// their actions by `actions_edition_school_state` (migration 0003), which
/// holds the state and the date too: a district's 100 schools, never the
/// edition's 20,000 actions. `CROSS JOIN` keeps that order on SQLite, whose
/// planner (without statistics) would otherwise start from the edition;
/// PostgreSQL reads it as an inner join and plans freely.
fn reach_actions(p: &mut Params, reach: &Reach) -> Option<String> {
    if reach.whole {
        return None;
    }
    let columns = "x.id, x.state, x.starts_on";
    let mut parts = Vec::new();
    if !reach.districts.is_empty() {
        let list = p.ints(&reach.districts);
        parts.push(format!(
            "SELECT {columns} FROM schools xs CROSS JOIN actions x \
             WHERE xs.district_id IN ({list}) AND x.edition_id = $1 AND x.school_id = xs.id"
        ));
        parts.push(format!(
            "SELECT {columns} FROM actions x LEFT JOIN schools xs ON xs.id = x.school_id \
             WHERE x.edition_id = $1 AND x.district_id IN ({list}) AND xs.district_id IS NULL"
        ));
    }
    if !reach.departments.is_empty() {
        let list = p.ints(&reach.departments);
        parts.push(format!(
            "SELECT {columns} FROM schools xs CROSS JOIN actions x \
             WHERE xs.department_id IN ({list}) AND x.edition_id = $1 AND x.school_id = xs.id"
        ));
        parts.push(format!(
            "SELECT {columns} FROM districts xd CROSS JOIN actions x \
             WHERE xd.department_id IN ({list}) AND x.edition_id = $1 AND x.district_id = xd.id \
             AND x.school_id IS NULL"
        ));
    }
    if parts.is_empty() {
        // No place at all: nothing matches.
        parts.push(format!("SELECT {columns} FROM actions x WHERE 1 = 0"));
    }
    // The parts of one kind of place are disjoint (an action's school has a
    // district or not; a department's schools or its district actions), so
    // they are simply appended; a person with districts and departments may
    // reach an action twice (a district within their department): UNION
    // removes the repeats, at the cost of a temporary index.
    let union = if reach.districts.is_empty() || reach.departments.is_empty() {
        " UNION ALL "
    } else {
        " UNION "
    };
    Some(parts.join(union))
}

/// The actions `a` of the edition (`$1`) within the reach, drafts included:
/// a `FROM` clause and the terms of its `WHERE`.
fn reach_from(p: &mut Params, edition_id: i64, reach: &Reach) -> (String, Vec<String>) {
    let edition = p.int(edition_id);
    debug_assert_eq!(edition, "$1", "the reach queries name the edition $1");
    let mut terms = vec![format!("a.edition_id = {edition}")];
    let from = match reach_actions(p, reach) {
        None => "actions a".to_string(),
        Some(actions) => {
            terms.push("a.id = r.id".into());
            format!("({actions}) r CROSS JOIN actions a")
        }
    };
    (from, terms)
}

/// The review list (or a selection, with `ids`): the edition's actions
/// within the reach, never drafts, filtered, as a query of `id, starts_on`.
fn list_query(
    p: &mut Params,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> String {
    let state = filter.state.filter(|_| ids.is_none());
    let needs_rows = ids.is_some()
        || filter.school.is_some()
        || filter.audience.is_some()
        || filter.text.is_some();
    let (mut from, mut terms) = reach_from(p, edition_id, reach);
    if !needs_rows && !reach.whole {
        // The reach already holds the state and the date: no action row read.
        let actions = from
            .strip_suffix(" r CROSS JOIN actions a")
            .expect("a reach query");
        let mut terms = vec![beyond_draft("r")];
        if let Some(state) = state {
            terms.push(format!("r.state = {}", p.text(state.code().into())));
        }
        return format!(
            "SELECT r.id, r.starts_on FROM {actions} r WHERE {}",
            terms.join(" AND ")
        );
    }
    terms.push(beyond_draft("a"));
    if let Some(ids) = ids {
        if ids.is_empty() {
            terms.push("1 = 0".into());
        } else {
            terms.push(format!("a.id IN ({})", p.ints(ids)));
        }
    }
    if let Some(state) = state {
        terms.push(format!("a.state = {}", p.text(state.code().into())));
    }
    if ids.is_none() {
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
    }
    format!(
        "SELECT a.id, a.starts_on FROM {from} WHERE {}",
        terms.join(" AND ")
    )
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
/// then joined to their school (or, for a district action, district).
pub async fn review_page(
    conn: &mut Conn<'_>,
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
        "WITH list AS MATERIALIZED ({list})
         SELECT a.id, a.state, a.title, a.starts_on, a.before_week, a.audiences,
                s.name AS school_name, s.uai, di.name AS district_name,
                (SELECT COUNT(*) FROM list) AS total
         FROM (SELECT l.id FROM list l {page_order} LIMIT {limit} OFFSET {offset_param}) page
         CROSS JOIN actions a
         LEFT JOIN schools s ON s.id = a.school_id
         LEFT JOIN districts di ON a.school_id IS NULL AND di.id = a.district_id
         WHERE a.id = page.id {order}",
        page_order = order_by(filter, "l"),
        order = order_by(filter, "a"),
    );
    let rows: Vec<ReviewRow> = on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
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
        "SELECT COUNT(*) FROM ({}) l",
        list_query(&mut p, edition_id, reach, filter, None)
    );
    let total: i64 = on_conn!(conn, |c| bind_all!(sqlx::query_scalar(&sql), p)
        .fetch_one(c)
        .await)?;
    Ok((rows, total))
}

/// Full actions for the export: the selection (`ids`) if any, else the whole
/// filtered list, always within the reach and never drafts.
pub async fn export_actions(
    conn: &mut Conn<'_>,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> DbResult<Vec<Action>> {
    let mut p = Params::default();
    let list = list_query(&mut p, edition_id, reach, filter, ids);
    let sql = format!(
        "{ACTION_SELECT} WHERE a.id IN (SELECT l.id FROM ({list}) l) {}",
        order_by(filter, "a")
    );
    on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
        .await)
}

/// The answers of the same actions: (action, question, value).
pub async fn export_answers(
    conn: &mut Conn<'_>,
    edition_id: i64,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[i64]>,
) -> DbResult<Vec<(i64, i64, String)>> {
    let mut p = Params::default();
    let list = list_query(&mut p, edition_id, reach, filter, ids);
    let sql = format!(
        "SELECT aa.action_id, aa.question_id, aa.value FROM action_answers aa
         WHERE aa.action_id IN (SELECT l.id FROM ({list}) l)"
    );
    on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
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
pub async fn edition_in_academy(conn: &mut Conn<'_>, edition_id: i64) -> DbResult<Option<EditionInAcademy>> {
    let sql = "SELECT e.*, ac.name AS academy_name, ac.slug AS academy_slug
               FROM editions e JOIN academies ac ON ac.id = e.academy_id WHERE e.id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_optional(c)
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
    conn: &mut Conn<'_>,
    academy_id: i64,
    reach: &Reach,
) -> DbResult<Vec<DistrictName>> {
    let mut p = Params::default();
    let academy = p.int(academy_id);
    let mut places = Vec::new();
    if reach.whole {
        places.push("TRUE".to_string());
    }
    if !reach.districts.is_empty() {
        places.push(format!("di.id IN ({})", p.ints(&reach.districts)));
    }
    if !reach.departments.is_empty() {
        places.push(format!(
            "di.department_id IN ({})",
            p.ints(&reach.departments)
        ));
    }
    if places.is_empty() {
        places.push("1 = 0".into());
    }
    let sql = format!(
        "SELECT di.id, di.department_id, di.name, dp.code AS department_code
         FROM districts di JOIN departments dp ON dp.id = di.department_id
         WHERE dp.academy_id = {academy} AND ({})
         ORDER BY dp.code, di.name, di.id",
        places.join(" OR ")
    );
    on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
        .await)
}

/// The open schools `s` within the reach: the académie's (by
/// `schools_academy_district`, migration 0003), or those of the districts
/// and departments (by their own indexes).
fn school_conditions(p: &mut Params, academy_id: i64, reach: &Reach) -> String {
    let mut places = Vec::new();
    if reach.whole {
        places.push(format!("s.academy_id = {}", p.int(academy_id)));
    }
    if !reach.districts.is_empty() {
        places.push(format!("s.district_id IN ({})", p.ints(&reach.districts)));
    }
    if !reach.departments.is_empty() {
        places.push(format!(
            "s.department_id IN ({})",
            p.ints(&reach.departments)
        ));
    }
    if places.is_empty() {
        places.push("1 = 0".into());
    }
    format!("({}) AND s.is_open = TRUE", places.join(" OR "))
}

/// Schools, and schools with at least one action beyond the draft, by district.
#[derive(Clone, Debug, FromRow)]
pub struct SchoolCoverage {
    pub district_id: Option<i64>,
    pub schools: i64,
    pub covered: i64,
}

/// Two aggregates: the open schools of the reach by district, and, from the
/// actions beyond the draft, how many distinct schools have one.
pub async fn school_coverage(
    conn: &mut Conn<'_>,
    edition_id: i64,
    academy_id: i64,
    reach: &Reach,
) -> DbResult<Vec<SchoolCoverage>> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT s.district_id, COUNT(*) AS schools, CAST(0 AS BIGINT) AS covered FROM schools s
         WHERE {} GROUP BY s.district_id",
        school_conditions(&mut p, academy_id, reach)
    );
    let mut lines: Vec<SchoolCoverage> = on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
        .await)?;
    let mut p = Params::default();
    let (from, terms) = reach_from(&mut p, edition_id, reach);
    let sql = format!(
        "SELECT s.district_id, CAST(0 AS BIGINT) AS schools, COUNT(DISTINCT s.id) AS covered
         FROM {from} JOIN schools s ON s.id = a.school_id
         WHERE {} AND {} AND s.is_open = TRUE GROUP BY s.district_id",
        terms.join(" AND "),
        beyond_draft("a")
    );
    let covered: Vec<SchoolCoverage> = on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
        .await)?;
    for c in covered {
        match lines.iter_mut().find(|l| l.district_id == c.district_id) {
            Some(line) => line.covered = c.covered,
            None => lines.push(c),
        }
    }
    Ok(lines)
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
    conn: &mut Conn<'_>,
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
               AND x.school_id = s.id AND {beyond})
         ORDER BY s.district_id, s.name, s.uai, u.email",
        beyond = beyond_draft("x")
    );
    on_conn!(conn, |c| bind_all!(sqlx::query_as(&sql), p)
        .fetch_all(c)
        .await)
}

/// The actions of one district (or of none): by state (`ActionState::ALL`,
/// drafts included), and beyond the draft by audience (`AUDIENCES`) and by
/// showcase kind (`SHOWCASE_KINDS`); an action counts under each code it
/// carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionCounts {
    pub district_id: Option<i64>,
    pub states: Vec<i64>,
    pub audiences: Vec<i64>,
    pub showcases: Vec<i64>,
}

/// Every count of the dashboard in one pass over the actions of the reach:
/// one line per district, one column per state, audience and showcase kind.
pub async fn action_counts(conn: &mut Conn<'_>, edition_id: i64, reach: &Reach) -> DbResult<Vec<ActionCounts>> {
    let mut p = Params::default();
    let (from, terms) = reach_from(&mut p, edition_id, reach);
    let beyond = beyond_draft("a");
    let mut columns = Vec::new();
    for state in ActionState::ALL {
        let code = p.text(state.code().into());
        columns.push(format!("COUNT(CASE WHEN a.state = {code} THEN 1 END)"));
    }
    for (column, choices) in [
        ("a.audiences", AUDIENCES),
        ("a.showcase_kinds", SHOWCASE_KINDS),
    ] {
        for (code, _) in choices {
            let code = p.text((*code).into());
            columns.push(format!(
                "COUNT(CASE WHEN {beyond} AND (',' || {column} || ',') LIKE ('%,' || {code} || ',%') THEN 1 END)"
            ));
        }
    }
    let sql = format!(
        "SELECT COALESCE(s.district_id, a.district_id) AS district_id, {}
         FROM {from} LEFT JOIN schools s ON s.id = a.school_id
         WHERE {}
         GROUP BY COALESCE(s.district_id, a.district_id)",
        columns.join(", "),
        terms.join(" AND ")
    );
    let (states, audiences) = (ActionState::ALL.len(), AUDIENCES.len());
    on_conn!(conn, |c| {
        use sqlx::Row;
        let rows = bind_all!(sqlx::query(&sql), p).fetch_all(c).await?;
        rows.iter()
            .map(|row| {
                let mut counts = (1..=columns.len())
                    .map(|i| row.try_get::<i64, _>(i))
                    .collect::<DbResult<Vec<i64>>>()?;
                let showcases = counts.split_off(states + audiences);
                let audiences = counts.split_off(states);
                Ok(ActionCounts {
                    district_id: row.try_get(0)?,
                    states: counts,
                    audiences,
                    showcases,
                })
            })
            .collect()
    })
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
            from.starts_with(
                "(SELECT x.id, x.state, x.starts_on FROM schools xs CROSS JOIN actions x"
            ),
            "{from}"
        );
        assert!(from.contains("xs.district_id IN ($2, $3)"), "{from}");
        assert!(from.ends_with(") r CROSS JOIN actions a"), "{from}");
        assert!(from.contains(" UNION ALL ") && !from.contains(" UNION SELECT"));
        assert_eq!(terms, ["a.edition_id = $1", "a.id = r.id"]);
        assert_eq!(p.0.len(), 3);
        let whole = Reach {
            whole: true,
            ..Default::default()
        };
        let mut p = Params::default();
        assert_eq!(reach_from(&mut p, 7, &whole).0, "actions a");
        let both = Reach {
            whole: false,
            departments: vec![1],
            districts: vec![3],
        };
        let mut p = Params::default();
        assert!(reach_from(&mut p, 7, &both).0.contains(" UNION SELECT"));
    }

    #[test]
    fn a_plain_district_list_reads_no_action_row() {
        let reach = Reach::districts(vec![3]);
        let mut p = Params::default();
        let plain = list_query(&mut p, 7, &reach, &ReviewFilter::default(), None);
        assert!(
            plain.starts_with("SELECT r.id, r.starts_on FROM (SELECT"),
            "{plain}"
        );
        assert!(plain.ends_with(") r WHERE r.state <> 'draft'"), "{plain}");
        let filter = ReviewFilter {
            text: Some("forum".into()),
            ..Default::default()
        };
        let mut p = Params::default();
        let searched = list_query(&mut p, 7, &reach, &filter, None);
        assert!(
            searched.contains(") r CROSS JOIN actions a WHERE"),
            "{searched}"
        );
        assert!(searched.contains("LIKE LOWER($3) ESCAPE"), "{searched}");
    }
}
