//! What the public side reads: published actions, written once.
//!
//! **Published** means: the action is validated, a coordinator has not taken
//! it off the public side (`actions.unpublished`), and its edition is
//! published (any state but `draft`). [`push_published`] is the one SQL
//! fragment that says so; every public query (agenda, action page, feeds,
//! catalogue, API, and the district programmes) pushes it, or, for the lists
//! of one académie, `push_published_in`, the same rule with the académie's
//! published editions read once.

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

/// Pushes the condition « the action aliased `a` is published, in an
/// edition of `academy` » (the rule of [`push_published`]), optionally only
/// in editions before `before_year`: the editions are read once, in a
/// subquery, rather than looked up for each action, so that the lists read
/// nothing but the index `actions_agenda` (migration 0021).
fn push_published_in<B: SqlBuilder>(q: &mut B, academy: AcademyId, before_year: Option<i64>) {
    q.push_sql(
        "(a.state = 'validated' AND a.unpublished = FALSE AND a.edition_id IN \
         (SELECT pub_e.id FROM editions pub_e WHERE pub_e.state <> 'draft' AND pub_e.academy_id = ",
    );
    q.bind_i64(academy);
    if let Some(year) = before_year {
        q.push_sql(" AND pub_e.year < ");
        q.bind_i64(year);
    }
    q.push_sql("))");
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

const PUBLIC_COLUMNS: &str = "SELECT a.id, a.edition_id, e.year AS edition_year, a.title, a.summary, a.description,
    a.starts_on, a.start_time, a.end_time, a.place, a.partners, a.audiences, a.levels, a.scheme, a.showcase_kinds,
    a.showcase_other, a.expected_participants, a.catalogue_rank, CASE WHEN a.owner_public THEN a.owner_name ELSE '' END AS owner_shown,
    s.name AS school_name, s.uai, s.commune, s.postal_code, s.latitude, s.longitude,
    a.place_district_id AS district_id, di.name AS district_name, dp.code AS department_code, a.updated_at";

const PUBLIC_TABLES: &str = " JOIN editions e ON e.id = a.edition_id
  LEFT JOIN schools s ON s.id = a.school_id
  LEFT JOIN districts di ON di.id = a.place_district_id
  LEFT JOIN departments dp ON dp.id = a.place_department_id";

/// `code` is in the stored list `a.<what>`: found by position (`instr` /
/// `strpos`, from the dialect), exact because no code of a vocabulary holds
/// another (`declaration::tests::no_code_holds_another`), and ten times
/// cheaper than a `LIKE` on the list between commas.
fn push_list<B: SqlBuilder>(q: &mut B, position: &str, what: &'static str, code: &'static str) {
    // Codes come from our vocabularies (never typed text).
    q.push_sql(" AND ");
    q.push_sql(position);
    q.push_sql("(a.");
    q.push_sql(what);
    q.push_sql(", ");
    q.bind_text(code.to_string());
    q.push_sql(") > 0");
}

/// Pushes the agenda's conditions after a `WHERE` (the published condition
/// first), on the actions `a` alone: places are matched by subqueries, so a
/// count needs no join. `position` is the dialect's `position_fn`.
fn push_filter<B: SqlBuilder>(q: &mut B, academy: AcademyId, f: &AgendaFilter, position: &str) {
    push_published_in(q, academy, f.before_year);
    if f.impossible || f.text.impossible {
        q.push_sql(" AND 1 = 0");
    }
    if let Some(edition) = f.edition {
        q.push_sql(" AND a.edition_id = ");
        q.bind_i64(edition);
    }
    if f.catalogue {
        q.push_sql(" AND a.catalogue_rank >= 0");
    }
    if let Some(code) = &f.department {
        q.push_sql(" AND a.place_department_id IN (SELECT f_dp.id FROM departments f_dp WHERE f_dp.code = ");
        q.bind_text(code.clone());
        q.push_sql(")");
    }
    if let Some(district) = f.district {
        q.push_sql(" AND a.place_district_id = ");
        q.bind_i64(district);
    }
    if let Some(commune) = &f.commune {
        q.push_sql(" AND a.school_id IN (SELECT f_s.id FROM schools f_s WHERE f_s.academy_id = ");
        q.bind_i64(academy);
        q.push_sql(" AND f_s.commune = ");
        q.bind_text(commune.clone());
        q.push_sql(")");
    }
    if let Some(uai) = &f.school {
        q.push_sql(" AND a.school_id IN (SELECT f_s.id FROM schools f_s WHERE f_s.uai = ");
        q.bind_text(uai.clone());
        q.push_sql(")");
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
        push_list(q, position, "audiences", code);
    }
    if let Some(code) = f.level {
        push_list(q, position, "levels", code);
    }
    if let Some(code) = f.scheme {
        q.push_sql(" AND a.scheme = ");
        q.bind_text(code.to_string());
    }
    if let Some(code) = f.showcase {
        push_list(q, position, "showcase_kinds", code);
    }
}

fn push_from<B: SqlBuilder>(q: &mut B, academy: AcademyId, f: &AgendaFilter) {
    if !f.text.groups.is_empty() && !f.text.impossible {
        q.push_sql(" JOIN ");
        search::push_hits(q, academy, &f.text);
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
    let total = count_matching(conn, academy, f).await?;
    let rows = page_of(conn, academy, f, page, size).await?;
    Ok((rows, total))
}

/// The order of a list: for the page of ids (`hits.score`) and for its rows
/// (`pg.page_score`, the score carried out of the ids' subquery).
fn order(f: &AgendaFilter) -> (&'static str, &'static str) {
    let searching = !f.text.groups.is_empty() && !f.text.impossible;
    match (f.catalogue, searching) {
        (true, true) => (
            "a.catalogue_rank DESC, hits.score DESC, e.year DESC, a.id",
            "a.catalogue_rank DESC, pg.page_score DESC, e.year DESC, a.id",
        ),
        (true, false) => (
            "a.catalogue_rank DESC, e.year DESC, a.id",
            "a.catalogue_rank DESC, e.year DESC, a.id",
        ),
        (false, true) => (
            "hits.score DESC, (a.starts_on IS NULL), a.starts_on, a.id",
            "pg.page_score DESC, (a.starts_on IS NULL), a.starts_on, a.id",
        ),
        (false, false) => (
            "(a.starts_on IS NULL), a.starts_on, a.start_time, a.id",
            "(a.starts_on IS NULL), a.starts_on, a.start_time, a.id",
        ),
    }
}

/// One page of the agenda (see [`agenda`]), without the total: for a caller
/// that counts the matching actions otherwise (the feeds). Two steps in one
/// statement: the page's ids, chosen and ordered on the index
/// `actions_agenda` alone; then only those 50 rows read with their school,
/// district and department.
pub async fn page_of(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
    page: i64,
    size: i64,
) -> DbResult<Vec<PublicAction>> {
    let searching = !f.text.groups.is_empty() && !f.text.impossible;
    let (inner, outer) = order(f);
    let position = conn.dialect().position_fn();
    on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(PUBLIC_COLUMNS);
        q.push(" FROM (SELECT a.id AS page_id, ");
        q.push(if searching { "hits.score" } else { "0" });
        q.push(" AS page_score FROM actions a");
        if f.catalogue {
            q.push(" JOIN editions e ON e.id = a.edition_id");
        }
        push_from(&mut q, academy, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f, position);
        q.push(" ORDER BY ");
        q.push(inner);
        q.push(" LIMIT ");
        q.push_bind(size);
        q.push(" OFFSET ");
        q.push_bind((page.clamp(1, MAX_PAGE) - 1) * size);
        q.push(") pg JOIN actions a ON a.id = pg.page_id");
        q.push(PUBLIC_TABLES);
        q.push(" ORDER BY ");
        q.push(outer);
        q.build_query_as::<PublicAction>().fetch_all(&mut *c).await
    })
}

/// How many published actions of the académie match `f` (the agenda's
/// and the map's total): on the actions alone (and the search's hits).
async fn count_matching(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
) -> DbResult<i64> {
    let position = conn.dialect().position_fn();
    on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM actions a");
        push_from(&mut q, academy, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f, position);
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
    let position = conn.dialect().position_fn();
    let rows = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT a.id, a.title, a.starts_on, a.start_time, s.uai, s.name AS school_name, s.commune,
             s.latitude, s.longitude, di.name AS district_name
             FROM actions a
             LEFT JOIN schools s ON s.id = a.school_id
             LEFT JOIN districts di ON di.id = a.place_district_id",
        );
        push_from(&mut q, academy, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f, position);
        q.push(
            " ORDER BY (s.name IS NULL), s.name, s.uai, (a.starts_on IS NULL), a.starts_on, a.start_time, a.id LIMIT ",
        );
        q.push_bind(MAP_LIMIT);
        q.build_query_as::<MapAction>().fetch_all(&mut *c).await
    })?;
    Ok((rows, total))
}

/// One action matching a catalogue search: what its facets count and what
/// ranks it (the ranking is done in Rust, the same on both engines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetRow {
    pub id: ActionId,
    pub edition_id: EditionId,
    pub district_id: Option<DistrictId>,
    /// 1 featured, 0 as is (hidden sheets are never matched).
    pub catalogue_rank: i64,
    /// The search's score (0 without a text).
    pub score: i64,
    pub audiences: String,
    pub levels: String,
    pub scheme: String,
    pub showcase_kinds: String,
}

/// Every action matching `f` with its facet values and rank, in no order
/// (their number is the catalogue's total; the page is chosen by the
/// caller, then read by [`public_actions`]). One pass over the search's
/// hits and the actions' rows, brought back as ONE row: each action packed
/// as `id score edition district rank audiences levels scheme showcases`
/// (codes and integers only, so neither separator can occur), actions
/// joined by `;`; a row per action cost ten times more (issue 8, « Speed »).
pub async fn facet_rows(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    f: &AgendaFilter,
) -> DbResult<Vec<FacetRow>> {
    let searching = !f.text.groups.is_empty() && !f.text.impossible;
    let position = conn.dialect().position_fn();
    let agg = conn.dialect().string_agg_fn();
    let packed: Option<String> = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new("SELECT ");
        q.push(agg);
        q.push("(CAST(a.id AS TEXT) || ' ' || CAST(");
        q.push(if searching { "hits.score" } else { "0" });
        q.push(
            " AS TEXT) || ' ' || CAST(a.edition_id AS TEXT) || ' ' || \
             CAST(COALESCE(a.place_district_id, 0) AS TEXT) || ' ' || CAST(a.catalogue_rank AS TEXT) \
             || ' ' || a.audiences || ' ' || a.levels || ' ' || a.scheme || ' ' || a.showcase_kinds, ';') \
             FROM actions a",
        );
        push_from(&mut q, academy, f);
        q.push(" WHERE ");
        push_filter(&mut q, academy, f, position);
        q.build_query_scalar().fetch_one(&mut *c).await
    })?;
    Ok(packed.as_deref().map(unpack_facets).unwrap_or_default())
}

/// Reads what [`facet_rows`] packed (a malformed entry is skipped).
fn unpack_facets(packed: &str) -> Vec<FacetRow> {
    packed
        .split(';')
        .filter_map(|entry| {
            let mut v = entry.split(' ');
            let mut int = || v.next().and_then(|x| x.parse::<i64>().ok());
            let (id, score, edition, district, rank) = (int()?, int()?, int()?, int()?, int()?);
            let mut text = || v.next().map(str::to_string);
            Some(FacetRow {
                id: ActionId(id),
                edition_id: EditionId(edition),
                district_id: (district != 0).then_some(DistrictId(district)),
                catalogue_rank: rank,
                score,
                audiences: text()?,
                levels: text()?,
                scheme: text()?,
                showcase_kinds: text()?,
            })
        })
        .collect()
}

/// The published actions of the académie among `ids`, in the order of
/// `ids` (unknown or unpublished ones left out).
pub async fn public_actions(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    ids: &[ActionId],
) -> DbResult<Vec<PublicAction>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let position = conn.dialect().position_fn();
    let mut rows: Vec<PublicAction> = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new(PUBLIC_COLUMNS);
        q.push(" FROM actions a");
        q.push(PUBLIC_TABLES);
        q.push(" WHERE ");
        push_filter(&mut q, academy, &AgendaFilter::default(), position);
        q.push(" AND a.id IN (");
        q.bind_list(ids);
        q.push(")");
        q.build_query_as::<PublicAction>().fetch_all(&mut *c).await
    })?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
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
        let mut q = sqlx::QueryBuilder::new(PUBLIC_COLUMNS);
        q.push(" FROM actions a");
        q.push(PUBLIC_TABLES);
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
    fn packed_facets_are_read_back() {
        let rows = unpack_facets("12 30 4 0 1 eleves,parents  cordees exposition;13 0 4 7 0    ;x");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id, ActionId(12));
        assert_eq!(rows[0].score, 30);
        assert_eq!(rows[0].district_id, None);
        assert_eq!(rows[0].audiences, "eleves,parents");
        assert_eq!(rows[0].levels, "");
        assert_eq!(rows[0].scheme, "cordees");
        assert_eq!(rows[1].district_id, Some(DistrictId(7)));
        assert_eq!(rows[1].showcase_kinds, "");
    }

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
