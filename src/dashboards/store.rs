//! The dashboards' figures, counted by the database at each request from
//! the actions and their submitted bilans: nothing is precomputed, so no
//! figure can go stale.
//!
//! Every query reads the actions `a` of some editions (by the
//! `actions_edition_*` indexes) and keeps those within a [`Scope`] by their
//! stored place ([`push_scope`]).

use chrono::NaiveDate;
use sqlx::{FromRow, QueryBuilder, Row};

use super::Scope;
use crate::{
    db::{Conn, DbResult, builder::SqlBuilder, dialect::like_pattern},
    domain::{
        bilan::ATTENDANCE,
        declaration::{AUDIENCES, SHOWCASE_KINDS},
        ids::{AcademyId, ActionId, BilanQuestionId, DepartmentId, DistrictId, EditionId},
    },
    on_conn,
};

/// Pushes the condition that keeps the actions `a` placed within `scope`,
/// by their stored place (`place_district_id`, `place_department_id`,
/// migration 0007: a school's district and department, or a district
/// action's, kept by triggers). The académie's scope needs no condition
/// (each query already names editions of that académie).
pub fn push_scope(q: &mut impl SqlBuilder, scope: &Scope) {
    match scope {
        Scope::Academy(_) => {
            q.push_sql("1 = 1");
        }
        Scope::Department(id) => {
            q.push_sql("a.place_department_id = ").bind_i64(*id);
        }
        Scope::District(id) => {
            q.push_sql("a.place_district_id = ").bind_i64(*id);
        }
    }
}

/// The figures of one edition (and one district, when asked by district).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub edition_id: EditionId,
    /// The district (of the school, or of a district action); `None` for
    /// the whole scope, or for schools outside any district.
    pub district_id: Option<DistrictId>,
    /// Actions beyond the draft (submitted, sent back, validated, declined).
    pub declared: i64,
    pub validated: i64,
    /// Submitted bilans.
    pub bilans: i64,
    /// Submitted bilans saying the action took place.
    pub held: i64,
    pub not_held: i64,
    pub postponed: i64,
    /// Distinct schools with an action beyond the draft.
    pub covered: i64,
    /// Sums of the submitted bilans, in [`ATTENDANCE`] order.
    pub attendance: [i64; 5],
    /// Actions beyond the draft by audience ([`AUDIENCES`]).
    pub audiences: Vec<i64>,
    /// Actions beyond the draft by showcase kind ([`SHOWCASE_KINDS`]).
    pub showcases: Vec<i64>,
}

impl Totals {
    pub fn attendance_total(&self) -> i64 {
        self.attendance.iter().sum()
    }

    /// Validated actions whose bilan is not submitted yet.
    pub fn missing(&self) -> i64 {
        self.validated - self.bilans
    }
}

/// Which editions a count reads: a list, or every académie's edition of a year.
#[derive(Clone, Copy, Debug)]
enum Editions<'a> {
    Ids(&'a [EditionId]),
    Year(i64),
}

impl Editions<'_> {
    /// Pushes `column IN (…)` for these editions.
    fn push_in(&self, q: &mut impl SqlBuilder, column: &str) {
        q.push_sql(column).push_sql(" IN (");
        match self {
            Editions::Ids(ids) => {
                q.bind_list(ids);
            }
            Editions::Year(year) => {
                q.push_sql("SELECT id FROM editions WHERE year = ")
                    .bind_i64(*year);
            }
        }
        q.push_sql(")");
    }
}

/// The count columns read from the actions alone: declared, validated,
/// distinct schools, then one per audience and showcase kind. A code is found
/// in a stored list by its position (`position`, from the dialect: `instr` /
/// `strpos`), exact because no code holds another
/// (`declaration::tests::no_code_holds_another`); every column read is in the
/// covering index `actions_dashboard_counts` (migration 0015), so the
/// actions' own rows (long descriptions) are never read.
fn push_action_columns(q: &mut impl SqlBuilder, position: &str) {
    q.push_sql(
        "COUNT(*), COUNT(CASE WHEN a.state = 'validated' THEN 1 END), \
         COUNT(DISTINCT a.school_id)",
    );
    for (column, choices) in [
        ("a.audiences", AUDIENCES),
        ("a.showcase_kinds", SHOWCASE_KINDS),
    ] {
        for (code, _) in choices {
            q.push_sql(", COUNT(CASE WHEN ")
                .push_sql(position)
                .push_sql("(")
                .push_sql(column)
                .push_sql(", ")
                .bind_text((*code).into())
                .push_sql(") > 0 THEN 1 END)");
        }
    }
}

/// The count columns read from the submitted bilans `b`: bilans, held, not
/// held, postponed, then the attendance sums; all in the covering index
/// `bilans_edition_state` (migration 0020).
fn push_bilan_columns(q: &mut impl SqlBuilder) {
    q.push_sql(
        "COUNT(*), COUNT(CASE WHEN b.took_place = 'yes' THEN 1 END), \
         COUNT(CASE WHEN b.took_place = 'no' THEN 1 END), \
         COUNT(CASE WHEN b.took_place = 'postponed' THEN 1 END)",
    );
    for (field, _) in ATTENDANCE {
        q.push_sql(", CAST(COALESCE(SUM(b.")
            .push_sql(field)
            .push_sql("), 0) AS BIGINT)");
    }
}

/// The figures of each of `editions` within `scope`, by edition, or by
/// edition and district when `by_district`. Editions without any action
/// beyond the draft have no line.
pub async fn totals(
    conn: &mut Conn<'_>,
    editions: &[EditionId],
    scope: &Scope,
    by_district: bool,
) -> DbResult<Vec<Totals>> {
    if editions.is_empty() {
        return Ok(Vec::new());
    }
    count(conn, Editions::Ids(editions), scope, by_district).await
}

/// Two passes, each over one covering index, joined in Rust by (edition,
/// district): the actions beyond the draft ([`push_action_columns`]), then
/// their submitted bilans ([`push_bilan_columns`]). Over a whole académie
/// (or every académie), the bilans are read by edition alone: a bilan's action
/// is never a draft (no transition leads back to the draft,
/// `domain::action`), so no join is needed; within a department or a district,
/// or by district, the bilans are reached from their actions' stored place.
async fn count(
    conn: &mut Conn<'_>,
    editions: Editions<'_>,
    scope: &Scope,
    by_district: bool,
) -> DbResult<Vec<Totals>> {
    let district = if by_district {
        "a.place_district_id"
    } else {
        "CAST(NULL AS BIGINT)"
    };
    let position = conn.dialect().position_fn();
    let actions: Vec<(i64, Option<i64>, Vec<i64>)> = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT a.edition_id, ");
        q.push_sql(district).push_sql(", ");
        push_action_columns(&mut q, position);
        q.push_sql(" FROM actions a WHERE ");
        editions.push_in(&mut q, "a.edition_id");
        // Drafts count nowhere.
        q.push_sql(" AND a.state <> 'draft' AND ");
        push_scope(&mut q, scope);
        q.push_sql(" GROUP BY a.edition_id");
        if by_district {
            q.push_sql(", ").push_sql(district);
        }
        let rows = q.build().fetch_all(c).await?;
        rows.iter()
            .map(|row| read_counts(row, 3 + AUDIENCES.len() + SHOWCASE_KINDS.len()))
            .collect::<sqlx::Result<Vec<_>>>()
    })?;
    let whole = matches!(scope, Scope::Academy(_)) && !by_district;
    let bilans: Vec<(i64, Option<i64>, Vec<i64>)> = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT b.edition_id, ");
        if whole {
            q.push_sql("CAST(NULL AS BIGINT), ");
            push_bilan_columns(&mut q);
            q.push_sql(" FROM bilans b WHERE ");
            editions.push_in(&mut q, "b.edition_id");
        } else {
            q.push_sql(district).push_sql(", ");
            push_bilan_columns(&mut q);
            q.push_sql(" FROM actions a JOIN bilans b ON b.action_id = a.id WHERE ");
            editions.push_in(&mut q, "a.edition_id");
            q.push_sql(" AND a.state <> 'draft' AND ");
            push_scope(&mut q, scope);
        }
        q.push_sql(" AND b.state = 'submitted' GROUP BY b.edition_id");
        if by_district && !whole {
            q.push_sql(", ").push_sql(district);
        }
        let rows = q.build().fetch_all(c).await?;
        rows.iter()
            .map(|row| read_counts(row, 4 + ATTENDANCE.len()))
            .collect::<sqlx::Result<Vec<_>>>()
    })?;
    Ok(actions
        .into_iter()
        .map(|(edition, district, a)| {
            let b = bilans
                .iter()
                .find(|(e, d, _)| *e == edition && *d == district)
                .map(|(_, _, b)| b.as_slice())
                .unwrap_or(&[0; 4 + ATTENDANCE.len()]);
            let audiences_at = 3;
            let showcases_at = audiences_at + AUDIENCES.len();
            let mut attendance = [0; 5];
            attendance.copy_from_slice(&b[4..4 + ATTENDANCE.len()]);
            Totals {
                edition_id: EditionId(edition),
                district_id: district.map(DistrictId),
                declared: a[0],
                validated: a[1],
                covered: a[2],
                bilans: b[0],
                held: b[1],
                not_held: b[2],
                postponed: b[3],
                attendance,
                audiences: a[audiences_at..showcases_at].to_vec(),
                showcases: a[showcases_at..].to_vec(),
            }
        })
        .collect())
}

/// Reads `(edition, district, n counts)` from a row of [`count`]'s passes.
fn read_counts<R: Row>(row: &R, n: usize) -> sqlx::Result<(i64, Option<i64>, Vec<i64>)>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let values = (2..2 + n)
        .map(|i| row.try_get::<i64, _>(i))
        .collect::<sqlx::Result<Vec<i64>>>()?;
    Ok((row.try_get(0)?, row.try_get(1)?, values))
}

/// The national view: the figures of every académie's edition of `year`,
/// one line per académie (the edition's id in `edition_id`), by académie
/// name; editions without any action beyond the draft have no line.
pub async fn national(conn: &mut Conn<'_>, year: i64) -> DbResult<Vec<(Totals, String)>> {
    let totals = count(
        conn,
        Editions::Year(year),
        &Scope::Academy(AcademyId(0)),
        false,
    )
    .await?;
    let sql = "SELECT e.id, ac.name FROM editions e JOIN academies ac ON ac.id = e.academy_id \
               WHERE e.year = $1";
    let names: Vec<(EditionId, String)> =
        on_conn!(conn, |c| sqlx::query_as(sql).bind(year).fetch_all(c).await)?;
    let mut lines: Vec<(Totals, String)> = totals
        .into_iter()
        .filter_map(|t| {
            let name = names.iter().find(|(id, _)| *id == t.edition_id)?.1.clone();
            Some((t, name))
        })
        .collect();
    lines.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(lines)
}

/// The latest year that has an edition, in any académie (`None`: no
/// edition at all): the national view's year when none is asked for, so it
/// never opens on a year with nothing (issue 11's trial).
pub async fn latest_year(conn: &mut Conn<'_>) -> DbResult<Option<i64>> {
    let sql = "SELECT MAX(year) FROM editions";
    on_conn!(conn, |c| sqlx::query_scalar(sql).fetch_one(c).await)
}

/// The open schools of the scope, by district (`None`: outside any district).
pub async fn schools(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    scope: &Scope,
) -> DbResult<Vec<(Option<DistrictId>, i64)>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT s.district_id, COUNT(*) FROM schools s WHERE s.academy_id = ",
        );
        q.bind_i64(academy).push_sql(" AND s.is_open = TRUE");
        match scope {
            Scope::Academy(_) => {}
            Scope::Department(id) => {
                q.push_sql(" AND s.department_id = ").bind_i64(*id);
            }
            Scope::District(id) => {
                q.push_sql(" AND s.district_id = ").bind_i64(*id);
            }
        }
        q.push_sql(" GROUP BY s.district_id");
        q.build_query_as().fetch_all(c).await
    })
}

/// Pushes the tables of the submitted bilans `b` of an edition and their
/// actions `a` (conditions by [`push_submitted_where`]). Over an académie,
/// every bilan of the edition is read by its index; within a department or
/// a district, the scope's actions are read first by their index
/// (`actions_dashboard_counts`, `actions_by_department`) and their bilans
/// by primary key: `CROSS JOIN` keeps that order on SQLite, whose planner
/// would otherwise read every bilan of the edition (issue 11, « Speed »:
/// 0.95 → 0.08 ms for a district's free texts); PostgreSQL reads it as an
/// ordinary join.
fn push_submitted_bilans(q: &mut impl SqlBuilder, scope: &Scope) {
    match scope {
        Scope::Academy(_) => q.push_sql("bilans b JOIN actions a ON a.id = b.action_id"),
        Scope::Department(_) | Scope::District(_) => q.push_sql("actions a CROSS JOIN bilans b"),
    };
}

/// The conditions of [`push_submitted_bilans`], without a leading `AND`.
fn push_submitted_where(q: &mut impl SqlBuilder, edition: EditionId, scope: &Scope) {
    q.push_sql("b.action_id = a.id AND b.state = 'submitted' AND b.edition_id = ")
        .bind_i64(edition)
        .push_sql(" AND a.edition_id = ")
        .bind_i64(edition)
        .push_sql(" AND ");
    push_scope(q, scope);
}

/// How many submitted bilans gave each value to each scale question.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct Distribution {
    pub question_id: BilanQuestionId,
    pub value: String,
    pub count: i64,
}

/// The answers to the scale questions of the edition's submitted bilans
/// within the scope, counted by question and value.
pub async fn distributions(
    conn: &mut Conn<'_>,
    edition: EditionId,
    scope: &Scope,
) -> DbResult<Vec<Distribution>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT ba.question_id, ba.value, COUNT(*) AS count FROM ");
        push_submitted_bilans(&mut q, scope);
        q.push_sql(
            " JOIN bilan_answers ba ON ba.action_id = b.action_id \
             JOIN bilan_questions bq ON bq.id = ba.question_id AND bq.kind = 'scale' WHERE ",
        );
        push_submitted_where(&mut q, edition, scope);
        q.push_sql(" GROUP BY ba.question_id, ba.value");
        q.build_query_as().fetch_all(c).await
    })
}

/// A submitted bilan's free texts, for the searchable list.
#[derive(Clone, Debug, FromRow)]
pub struct FreeText {
    pub action_id: ActionId,
    pub title: String,
    pub school_name: Option<String>,
    pub feedback: String,
    pub vigilance: String,
    pub perspectives: String,
}

/// The longest list of free texts on a page.
pub const TEXTS_MAX: i64 = 50;

/// The free texts of the edition's submitted bilans within the scope whose
/// feedback, points of vigilance, perspectives or a text answer contain
/// `search` (case-insensitive on ASCII letters; every bilan with some text
/// when `search` is empty), by action, at most [`TEXTS_MAX`].
pub async fn free_texts(
    conn: &mut Conn<'_>,
    edition: EditionId,
    scope: &Scope,
    search: &str,
) -> DbResult<Vec<FreeText>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT a.id AS action_id, a.title, s.name AS school_name, b.feedback, b.vigilance, \
             b.perspectives FROM ",
        );
        push_submitted_bilans(&mut q, scope);
        q.push_sql(" LEFT JOIN schools s ON s.id = a.school_id WHERE ");
        push_submitted_where(&mut q, edition, scope);
        if search.trim().is_empty() {
            q.push_sql(" AND (b.feedback <> '' OR b.vigilance <> '' OR b.perspectives <> '')");
        } else {
            let pattern = like_pattern(search);
            q.push_sql(" AND (b.search_folded LIKE ")
                .bind_text(pattern.clone())
                .push_sql(
                    " ESCAPE '\\' OR EXISTS (SELECT 1 FROM bilan_answers ba \
                     WHERE ba.action_id = b.action_id AND ba.search_folded LIKE ",
                )
                .bind_text(pattern)
                .push_sql(" ESCAPE '\\'))");
        }
        q.push_sql(" ORDER BY a.id LIMIT ").bind_i64(TEXTS_MAX);
        q.build_query_as().fetch_all(c).await
    })
}

/// What a figure counts, for the list of the actions behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Indicator {
    Declared,
    Validated,
    Bilans,
    Missing,
    Held,
    NotHeld,
    Postponed,
    /// Held, with someone of this audience ([`ATTENDANCE`] field).
    Attended(&'static str),
    /// Beyond the draft, for this audience code ([`AUDIENCES`]).
    Audience(&'static str),
    /// Beyond the draft, with this showcase kind ([`SHOWCASE_KINDS`]).
    Showcase(&'static str),
    /// A submitted bilan gave this value to this scale question.
    Answer(BilanQuestionId, u8),
}

impl Indicator {
    /// Reads the `indicateur` parameter written by [`Indicator::value`].
    pub fn parse(text: &str) -> Option<Indicator> {
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        let find = |list: &[(&'static str, &'static str)]| {
            list.iter().find(|(c, _)| *c == rest).map(|(c, _)| *c)
        };
        Some(match kind {
            "declarees" => Indicator::Declared,
            "validees" => Indicator::Validated,
            "bilans" => Indicator::Bilans,
            "manquants" => Indicator::Missing,
            "tenues" => Indicator::Held,
            "non-tenues" => Indicator::NotHeld,
            "reportees" => Indicator::Postponed,
            "frequentation" => Indicator::Attended(find(&ATTENDANCE)?),
            "public" => Indicator::Audience(find(AUDIENCES)?),
            "valorisation" => Indicator::Showcase(find(SHOWCASE_KINDS)?),
            "reponse" => {
                let (q, v) = rest.split_once(':')?;
                let v: u8 = v.parse().ok().filter(|v| (1..=5).contains(v))?;
                Indicator::Answer(BilanQuestionId(q.parse().ok()?), v)
            }
            _ => return None,
        })
    }

    /// The `indicateur` parameter.
    pub fn value(&self) -> String {
        match self {
            Indicator::Declared => "declarees".into(),
            Indicator::Validated => "validees".into(),
            Indicator::Bilans => "bilans".into(),
            Indicator::Missing => "manquants".into(),
            Indicator::Held => "tenues".into(),
            Indicator::NotHeld => "non-tenues".into(),
            Indicator::Postponed => "reportees".into(),
            Indicator::Attended(f) => format!("frequentation:{f}"),
            Indicator::Audience(c) => format!("public:{c}"),
            Indicator::Showcase(c) => format!("valorisation:{c}"),
            Indicator::Answer(q, v) => format!("reponse:{q}:{v}"),
        }
    }

    /// What the list shows, in French.
    pub fn label(&self) -> String {
        let label = |list: &[(&str, &'static str)], code: &str| {
            list.iter()
                .find(|(c, _)| *c == code)
                .map(|(_, l)| *l)
                .unwrap_or("")
        };
        match self {
            Indicator::Declared => "Actions transmises".into(),
            Indicator::Validated => "Actions validées".into(),
            Indicator::Bilans => "Actions dont le bilan est transmis".into(),
            Indicator::Missing => "Actions validées dont le bilan manque".into(),
            Indicator::Held => "Actions qui ont eu lieu".into(),
            Indicator::NotHeld => "Actions qui n'ont pas eu lieu".into(),
            Indicator::Postponed => "Actions reportées".into(),
            Indicator::Attended(f) => format!(
                "Actions qui ont eu lieu, avec au moins une personne du public « {} »",
                label(&ATTENDANCE, f)
            ),
            Indicator::Audience(c) => format!(
                "Actions transmises visant le public « {} »",
                label(AUDIENCES, c)
            ),
            Indicator::Showcase(c) => format!(
                "Actions transmises proposant « {} »",
                label(SHOWCASE_KINDS, c)
            ),
            Indicator::Answer(_, v) => format!("Bilans ayant répondu {v} à la question"),
        }
    }

    fn push_condition(&self, q: &mut impl SqlBuilder) {
        let submitted = "b.state = 'submitted'";
        match self {
            Indicator::Declared => q.push_sql("a.state <> 'draft'"),
            Indicator::Validated => q.push_sql("a.state = 'validated'"),
            Indicator::Bilans => q.push_sql(submitted),
            Indicator::Missing => {
                q.push_sql("a.state = 'validated' AND (b.state IS NULL OR b.state <> 'submitted')")
            }
            Indicator::Held => q.push_sql("b.state = 'submitted' AND b.took_place = 'yes'"),
            Indicator::NotHeld => q.push_sql("b.state = 'submitted' AND b.took_place = 'no'"),
            Indicator::Postponed => {
                q.push_sql("b.state = 'submitted' AND b.took_place = 'postponed'")
            }
            Indicator::Attended(field) => q
                .push_sql("b.state = 'submitted' AND b.took_place = 'yes' AND b.")
                .push_sql(field)
                .push_sql(" > 0"),
            Indicator::Audience(code) | Indicator::Showcase(code) => {
                let column = if matches!(self, Indicator::Audience(_)) {
                    "a.audiences"
                } else {
                    "a.showcase_kinds"
                };
                q.push_sql("a.state <> 'draft' AND (',' || ")
                    .push_sql(column)
                    .push_sql(" || ',') LIKE ('%,' || ")
                    .bind_text((*code).into())
                    .push_sql(" || ',%')")
            }
            Indicator::Answer(question, value) => q
                .push_sql(
                    "b.state = 'submitted' AND EXISTS (SELECT 1 FROM bilan_answers ba \
                     WHERE ba.action_id = a.id AND ba.question_id = ",
                )
                .bind_i64(*question)
                .push_sql(" AND ba.value = ")
                .bind_text(value.to_string())
                .push_sql(")"),
        };
    }
}

/// An action behind a figure.
#[derive(Clone, Debug, FromRow)]
pub struct Behind {
    pub id: ActionId,
    pub title: String,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    pub district_name: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub bilan_state: Option<crate::domain::bilan::BilanState>,
}

/// The longest list behind a figure.
pub const BEHIND_MAX: i64 = 1_000;

/// The actions of the edition within the scope that a figure counts, by
/// title, at most [`BEHIND_MAX`].
pub async fn behind(
    conn: &mut Conn<'_>,
    edition: EditionId,
    scope: &Scope,
    indicator: &Indicator,
) -> DbResult<Vec<Behind>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT a.id, a.title, s.name AS school_name, s.uai, d.name AS district_name, \
             a.starts_on, b.state AS bilan_state FROM actions a \
             LEFT JOIN schools s ON s.id = a.school_id \
             LEFT JOIN districts d ON d.id = a.place_district_id \
             LEFT JOIN bilans b ON b.action_id = a.id WHERE a.edition_id = ",
        );
        q.bind_i64(edition).push_sql(" AND ");
        push_scope(&mut q, scope);
        q.push_sql(" AND ");
        indicator.push_condition(&mut q);
        q.push_sql(" ORDER BY a.title, a.id LIMIT ")
            .bind_i64(BEHIND_MAX);
        q.build_query_as().fetch_all(c).await
    })
}

/// A department of the académie.
#[derive(Clone, Debug, FromRow)]
pub struct DepartmentName {
    pub id: DepartmentId,
    pub code: String,
    pub name: String,
}

/// The départements of the académie, by code.
pub async fn departments(conn: &mut Conn<'_>, academy: AcademyId) -> DbResult<Vec<DepartmentName>> {
    let sql = "SELECT id, code, name FROM departments WHERE academy_id = $1 ORDER BY code";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy)
        .fetch_all(c)
        .await)
}

/// The editions of the académie before `year`, latest first, at most `n`.
pub async fn previous_editions(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    year: i64,
    n: i64,
) -> DbResult<Vec<(EditionId, i64)>> {
    let sql = "SELECT id, year FROM editions WHERE academy_id = $1 AND year < $2 \
               AND state <> 'draft' ORDER BY year DESC LIMIT $3";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy)
        .bind(year)
        .bind(n)
        .fetch_all(c)
        .await)
}
