//! What the public side reads: published actions, written once.
//!
//! **Published** means: the action is validated, a coordinator has not taken
//! it off the public side (`actions.unpublished`), and its edition is
//! published (any state but `draft`). [`push_published`] is the one SQL
//! fragment that says so; every public query (agenda, action page, feeds,
//! catalogue, API, and the district programmes) pushes it.

use chrono::{NaiveDate, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        action::ActionState,
        declaration::{AUDIENCES, Choices, LEVELS, SCHEMES, SHOWCASE_KINDS},
        ids::{AcademyId, ActionId, DistrictId, EditionId, UserId},
    },
    on_conn,
    search::{self, Resolved},
};

/// Pushes the condition « the action aliased `alias` is published » (see the
/// module's doc), without a leading `AND`: `q.push_sql(" WHERE ");
/// push_published(q, "a");`. `alias` is our own table alias (a literal),
/// never input. Public: the district programmes (issue 8, branch
/// `programme`) use it too.
pub fn push_published<B: SqlBuilder>(q: &mut B, alias: &'static str) {
    q.push_sql("(");
    q.push_sql(alias);
    q.push_sql(".state = 'validated' AND ");
    q.push_sql(alias);
    q.push_sql(".unpublished = FALSE AND EXISTS (SELECT 1 FROM editions pub_e WHERE pub_e.id = ");
    q.push_sql(alias);
    q.push_sql(".edition_id AND pub_e.state <> 'draft'))");
}

/// Page size of the agenda and the catalogue.
pub const PAGE_SIZE: i64 = 50;
/// The last page anyone may ask for (beyond: an empty page saying so).
pub const MAX_PAGE: i64 = 10_000;

/// The agenda's filters, already read: an unknown code makes the filter
/// [`AgendaFilter::impossible`] (an empty list, never an error).
#[derive(Clone, Debug, Default)]
pub struct AgendaFilter {
    pub edition: Option<EditionId>,
    pub department: Option<String>,
    pub district: Option<DistrictId>,
    pub commune: Option<String>,
    pub school: Option<String>,
    pub day: Option<NaiveDate>,
    pub audience: Option<&'static str>,
    pub level: Option<&'static str>,
    pub scheme: Option<&'static str>,
    pub showcase: Option<&'static str>,
    /// The free text, resolved against the search index.
    pub text: Resolved,
    /// Only editions before this year (the reuse catalogue: past editions).
    pub before_year: Option<i64>,
    /// The reuse catalogue: hidden sheets left out, featured ones first.
    pub catalogue: bool,
    /// Only actions from this day on (undated ones kept): the agenda's
    /// default « à venir ».
    pub from: Option<NaiveDate>,
    /// A value that cannot match anything was given.
    pub impossible: bool,
}

/// A code of `choices`, or `None` and a flag when `value` is not one of them.
pub fn choice(choices: Choices, value: &str, impossible: &mut bool) -> Option<&'static str> {
    if value.is_empty() {
        return None;
    }
    let found = choices
        .iter()
        .find(|(code, _)| *code == value)
        .map(|(code, _)| *code);
    if found.is_none() {
        *impossible = true;
    }
    found
}

/// The vocabularies of the filters.
pub const FILTER_CHOICES: [(&str, Choices); 4] = [
    ("public", AUDIENCES),
    ("niveau", LEVELS),
    ("dispositif", SCHEMES),
    ("valorisation", SHOWCASE_KINDS),
];

/// One published action as lists show it.
#[derive(Clone, Debug, FromRow)]
pub struct PublicAction {
    pub id: ActionId,
    pub edition_id: EditionId,
    pub edition_year: i64,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub starts_on: Option<NaiveDate>,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub partners: String,
    pub audiences: String,
    pub levels: String,
    pub scheme: String,
    pub showcase_kinds: String,
    pub showcase_other: String,
    pub expected_participants: Option<i64>,
    /// 1 featured in the reuse catalogue, 0 as is, -1 hidden from it.
    pub catalogue_rank: i64,
    /// The owner's name, only when they agreed to show it (else empty).
    pub owner_shown: String,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    pub commune: Option<String>,
    pub postal_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub district_id: Option<DistrictId>,
    pub district_name: Option<String>,
    pub department_code: Option<String>,
    pub updated_at: chrono::DateTime<Utc>,
}

const PUBLIC_SELECT: &str = "SELECT a.id, a.edition_id, e.year AS edition_year, a.title, a.summary, a.description,
    a.starts_on, a.start_time, a.end_time, a.place, a.partners, a.audiences, a.levels, a.scheme, a.showcase_kinds,
    a.showcase_other, a.expected_participants, a.catalogue_rank, CASE WHEN a.owner_public THEN a.owner_name ELSE '' END AS owner_shown,
    s.name AS school_name, s.uai, s.commune, s.postal_code, s.latitude, s.longitude,
    a.place_district_id AS district_id, di.name AS district_name, dp.code AS department_code, a.updated_at
  FROM actions a
  JOIN editions e ON e.id = a.edition_id
  LEFT JOIN schools s ON s.id = a.school_id
  LEFT JOIN districts di ON di.id = a.place_district_id
  LEFT JOIN departments dp ON dp.id = a.place_department_id";

fn push_list<B: SqlBuilder>(q: &mut B, what: &'static str, code: &'static str) {
    // Codes come from our vocabularies (never typed text): `,code,` inside `,list,`.
    q.push_sql(" AND (',' || a.");
    q.push_sql(what);
    q.push_sql(" || ',') LIKE ");
    q.bind_text(["%,", code, ",%"].concat());
}

/// Pushes the agenda's conditions after a `WHERE` (the published condition first).
fn push_filter<B: SqlBuilder>(q: &mut B, academy: AcademyId, f: &AgendaFilter) {
    push_published(q, "a");
    q.push_sql(" AND e.academy_id = ");
    q.bind_i64(academy);
    if f.impossible || f.text.impossible {
        q.push_sql(" AND 1 = 0");
    }
    if let Some(edition) = f.edition {
        q.push_sql(" AND a.edition_id = ");
        q.bind_i64(edition);
    }
    if let Some(year) = f.before_year {
        q.push_sql(" AND e.year < ");
        q.bind_i64(year);
    }
    if f.catalogue {
        q.push_sql(" AND a.catalogue_rank >= 0");
    }
    if let Some(code) = &f.department {
        q.push_sql(" AND dp.code = ");
        q.bind_text(code.clone());
    }
    if let Some(district) = f.district {
        q.push_sql(" AND a.place_district_id = ");
        q.bind_i64(district);
    }
    if let Some(commune) = &f.commune {
        q.push_sql(" AND s.commune = ");
        q.bind_text(commune.clone());
    }
    if let Some(uai) = &f.school {
        q.push_sql(" AND s.uai = ");
        q.bind_text(uai.clone());
    }
    if let Some(day) = f.day {
        q.push_sql(" AND a.starts_on = ");
        q.bind_date(day);
    }
    if let Some(from) = f.from {
        q.push_sql(" AND (a.starts_on IS NULL OR a.starts_on >= ");
        q.bind_date(from);
        q.push_sql(")");
    }
    if let Some(code) = f.audience {
        push_list(q, "audiences", code);
    }
    if let Some(code) = f.level {
        push_list(q, "levels", code);
    }
    if let Some(code) = f.scheme {
        q.push_sql(" AND a.scheme = ");
        q.bind_text(code.to_string());
    }
    if let Some(code) = f.showcase {
        push_list(q, "showcase_kinds", code);
    }
}

fn push_from<B: SqlBuilder>(q: &mut B, f: &AgendaFilter) {
    if !f.text.groups.is_empty() && !f.text.impossible {
        q.push_sql(" JOIN ");
        search::push_hits(q, &f.text);
        q.push_sql(" hits ON hits.action_id = a.id");
    }
}

/// One page of the agenda (1-based `page`), and the total count. With a
/// free text, by relevance then date then id; without, by date (undated
/// last) then id.
pub async fn agenda(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
    page: i64,
    size: i64,
) -> DbResult<(Vec<PublicAction>, i64)> {
    let searching = !f.text.groups.is_empty() && !f.text.impossible;
    let total = count_matching(conn, academy, f).await?;
    let rows = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(PUBLIC_SELECT);
        push_from(&mut q, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f);
        if f.catalogue && searching {
            q.push(" ORDER BY a.catalogue_rank DESC, hits.score DESC, e.year DESC, a.id");
        } else if f.catalogue {
            q.push(" ORDER BY a.catalogue_rank DESC, e.year DESC, a.id");
        } else if searching {
            q.push(" ORDER BY hits.score DESC, (a.starts_on IS NULL), a.starts_on, a.id");
        } else {
            q.push(" ORDER BY (a.starts_on IS NULL), a.starts_on, a.start_time, a.id");
        }
        q.push(" LIMIT ");
        q.push_bind(size);
        q.push(" OFFSET ");
        q.push_bind((page.clamp(1, MAX_PAGE) - 1) * size);
        q.build_query_as::<PublicAction>().fetch_all(&mut *c).await
    })?;
    Ok((rows, total))
}

/// How many published actions of the académie match `f` (the agenda's,
/// the catalogue's and the map's total).
async fn count_matching(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
) -> DbResult<i64> {
    on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT COUNT(*) FROM actions a JOIN editions e ON e.id = a.edition_id
             LEFT JOIN schools s ON s.id = a.school_id LEFT JOIN departments dp ON dp.id = a.place_department_id",
        );
        push_from(&mut q, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f);
        q.build_query_scalar().fetch_one(&mut *c).await
    })
}

/// The most actions the map reads (and its list shows) at once.
pub const MAP_LIMIT: i64 = 5_000;

/// One published action as the map places it: at its school's coordinates
/// (`None` when the school has none, or the action is the district's).
#[derive(Clone, Debug, FromRow)]
pub struct MapAction {
    pub id: ActionId,
    pub title: String,
    pub starts_on: Option<NaiveDate>,
    pub start_time: String,
    pub uai: Option<String>,
    pub school_name: Option<String>,
    pub commune: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub district_name: Option<String>,
}

/// The published actions matching `f` (the agenda's filters and search),
/// grouped by school (by school name, then date), at most [`MAP_LIMIT`];
/// and how many match in all. Only public columns: never a staff name.
pub async fn map_actions(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
) -> DbResult<(Vec<MapAction>, i64)> {
    let total = count_matching(conn, academy, f).await?;
    let rows = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT a.id, a.title, a.starts_on, a.start_time, s.uai, s.name AS school_name, s.commune,
             s.latitude, s.longitude, di.name AS district_name
             FROM actions a JOIN editions e ON e.id = a.edition_id
             LEFT JOIN schools s ON s.id = a.school_id
             LEFT JOIN districts di ON di.id = a.place_district_id
             LEFT JOIN departments dp ON dp.id = a.place_department_id",
        );
        push_from(&mut q, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f);
        q.push(
            " ORDER BY (s.name IS NULL), s.name, s.uai, (a.starts_on IS NULL), a.starts_on, a.start_time, a.id LIMIT ",
        );
        q.push_bind(MAP_LIMIT);
        q.build_query_as::<MapAction>().fetch_all(&mut *c).await
    })?;
    Ok((rows, total))
}

/// What the catalogue's facets count, per matching action.
#[derive(Clone, Debug, FromRow)]
pub struct FacetRow {
    pub edition_year: i64,
    pub theme: String,
    pub district_name: Option<String>,
    pub audiences: String,
    pub levels: String,
    pub scheme: String,
    pub showcase_kinds: String,
}

/// The facet values of every action matching `f` (counted by the caller).
pub async fn facet_rows(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
) -> DbResult<Vec<FacetRow>> {
    on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT e.year AS edition_year, e.theme, di.name AS district_name, a.audiences, a.levels, a.scheme,
             a.showcase_kinds FROM actions a JOIN editions e ON e.id = a.edition_id
             LEFT JOIN schools s ON s.id = a.school_id LEFT JOIN departments dp ON dp.id = a.place_department_id
             LEFT JOIN districts di ON di.id = a.place_district_id",
        );
        push_from(&mut q, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f);
        q.build_query_as::<FacetRow>().fetch_all(&mut *c).await
    })
}

/// What the bilan of an action teaches, when it was submitted.
#[derive(Clone, Debug, FromRow)]
pub struct Lessons {
    pub took_place: String,
    pub pupils: Option<i64>,
    pub parents: Option<i64>,
    pub staff: Option<i64>,
    pub partners: Option<i64>,
    pub vigilance: String,
    pub perspectives: String,
}

/// The submitted bilan's lessons of a published action, if any.
pub async fn lessons(conn: &mut Conn<'_>, id: ActionId) -> DbResult<Option<Lessons>> {
    on_conn!(conn, |c| sqlx::query_as(
        "SELECT took_place, pupils, parents, staff, partners, vigilance, perspectives
         FROM bilans WHERE action_id = $1 AND state = 'submitted'"
    )
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// Features (`1`), hides (`-1`) or leaves as is (`0`) a sheet of the
/// reuse catalogue; marks the public pages stale.
pub async fn set_catalogue_rank(conn: &mut Conn<'_>, id: ActionId, rank: i64) -> DbResult<bool> {
    let done = on_conn!(conn, |c| sqlx::query(
        "UPDATE actions SET catalogue_rank = $2 WHERE id = $1 AND state = 'validated'"
    )
    .bind(id)
    .bind(rank)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if done > 0 {
        bump_generation(conn).await?;
    }
    Ok(done > 0)
}

/// A published action of the académie, or `None` (unpublished, unknown,
/// elsewhere: the public side cannot tell them apart).
pub async fn public_action(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    id: ActionId,
) -> DbResult<Option<PublicAction>> {
    on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(PUBLIC_SELECT);
        q.push(" WHERE ");
        push_published(&mut q, "a");
        q.push(" AND e.academy_id = ");
        q.push_bind(academy);
        q.push(" AND a.id = ");
        q.push_bind(id);
        q.build_query_as::<PublicAction>()
            .fetch_optional(&mut *c)
            .await
    })
}

/// The places offered by the agenda's filters: `(value, label)` lists.
#[derive(Clone, Debug, Default)]
pub struct FilterPlaces {
    pub departments: Vec<(String, String)>,
    pub districts: Vec<(i64, String)>,
    pub communes: Vec<String>,
}

/// The departments, districts and communes of the académie's published
/// actions of `edition`.
pub async fn filter_places(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    edition: EditionId,
) -> DbResult<FilterPlaces> {
    let departments = on_conn!(conn, |c| sqlx::query_as(
        "SELECT code, name FROM departments WHERE academy_id = $1 ORDER BY code"
    )
    .bind(academy)
    .fetch_all(c)
    .await)?;
    let districts = on_conn!(conn, |c| {
        sqlx::query_as(
        "SELECT di.id, di.name FROM districts di JOIN departments dp ON dp.id = di.department_id
         WHERE dp.academy_id = $1 ORDER BY di.name, di.id"
    )
    .bind(academy)
    .fetch_all(c)
    .await
    })?;
    let communes = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT DISTINCT s.commune FROM actions a JOIN schools s ON s.id = a.school_id WHERE ",
        );
        push_published(&mut q, "a");
        q.push(" AND a.edition_id = ");
        q.push_bind(edition);
        q.push(" ORDER BY s.commune");
        q.build_query_scalar().fetch_all(&mut *c).await
    })?;
    Ok(FilterPlaces {
        departments,
        districts,
        communes,
    })
}

/// Takes a validated action off the public side (or puts it back), with the
/// reason in the audit trail (a `validated → validated` line whose comment
/// says so), and re-indexes it, in the caller's transaction. False when the
/// action is not validated or already in that state.
pub async fn set_published(
    conn: &mut Conn<'_>,
    id: ActionId,
    published: bool,
    reason: &str,
    by: UserId,
) -> DbResult<bool> {
    let done = on_conn!(conn, |c| sqlx::query(
        "UPDATE actions SET unpublished = $2, unpublished_reason = $3
         WHERE id = $1 AND state = 'validated' AND unpublished = $4"
    )
    .bind(id)
    .bind(!published)
    .bind(if published { "" } else { reason.trim() })
    .bind(published)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    let comment = if published {
        ["Remise en publication. ", reason.trim()].concat()
    } else {
        ["Retirée de la publication : ", reason.trim()].concat()
    };
    let validated = ActionState::Validated.code();
    on_conn!(conn, |c| {
        sqlx::query(
        "INSERT INTO action_events (action_id, user_id, from_state, to_state, comment, at) VALUES ($1, $2, $3, $3, $4, $5)"
    )
    .bind(id)
    .bind(by)
    .bind(validated)
    .bind(comment.trim())
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|_| ())
    })?;
    search::index(conn, id).await?;
    bump_generation(conn).await?;
    Ok(true)
}

/// Keeps the public side in step with a change of the action (its content,
/// state or publication), in the caller's transaction: re-indexes it and,
/// when it was or is public, marks the rendered public pages stale.
pub async fn action_changed(conn: &mut Conn<'_>, id: ActionId) -> DbResult<()> {
    if search::index(conn, id).await? {
        bump_generation(conn).await?;
    }
    Ok(())
}

/// Marks every rendered public page stale (see `public::cache`): called in
/// the transaction of each change that the public side shows.
pub async fn bump_generation(conn: &mut Conn<'_>) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "UPDATE publication_generation SET generation = generation + 1 WHERE id = 1"
    )
    .execute(c)
    .await
    .map(|_| ()))
}

/// The current generation of the public pages (see [`bump_generation`]).
pub async fn generation(conn: &mut Conn<'_>) -> DbResult<i64> {
    on_conn!(conn, |c| sqlx::query_scalar(
        "SELECT generation FROM publication_generation WHERE id = 1"
    )
    .fetch_one(c)
    .await)
}

/// Whether the action is currently taken off the public side, and why.
pub async fn unpublished(conn: &mut Conn<'_>, id: ActionId) -> DbResult<Option<String>> {
    let row: Option<(bool, String)> = on_conn!(conn, |c| sqlx::query_as(
        "SELECT unpublished, unpublished_reason FROM actions WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await)?;
    Ok(row.and_then(|(u, r)| u.then_some(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::builder::SqlText;

    #[test]
    fn published_is_one_fragment() {
        let mut q = SqlText::default();
        push_published(&mut q, "a");
        assert_eq!(
            q.text,
            "(a.state = 'validated' AND a.unpublished = FALSE AND EXISTS (SELECT 1 FROM editions pub_e \
             WHERE pub_e.id = a.edition_id AND pub_e.state <> 'draft'))"
        );
        assert_eq!(q.binds, 0);
    }
}
