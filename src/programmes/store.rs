//! District programmes in the database: the working copy (introduction,
//! grouping, chosen actions in order, the district's events), the published
//! versions (JSON), the district's partners, the diffusions and the status of
//! each recipient.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    actions::store::{ACTION_SELECT, Action},
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        ActionId, DistrictId, EditionId, UserId,
        ids::{DiffusionId, PartnerId, ProgrammeEventId, ProgrammeId, RecipientId},
        programme::EventInput,
    },
    on_conn,
};

/// The working copy of a programme.
#[derive(Clone, Debug, FromRow)]
pub struct Programme {
    pub id: ProgrammeId,
    pub edition_id: EditionId,
    pub district_id: DistrictId,
    pub introduction: String,
    /// A [`crate::domain::programme::Grouping`] code.
    pub grouping: String,
    pub updated_at: DateTime<Utc>,
}

const PROGRAMME_COLUMNS: &str =
    "SELECT id, edition_id, district_id, introduction, grouping, updated_at FROM programmes ";

/// The programme of a district for an edition, if one was started.
pub async fn programme_of(
    conn: &mut Conn<'_>,
    edition: EditionId,
    district: DistrictId,
) -> DbResult<Option<Programme>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(PROGRAMME_COLUMNS);
        q.push_sql("WHERE edition_id = ")
            .bind_i64(edition)
            .push_sql(" AND district_id = ")
            .bind_i64(district);
        q.build_query_as().fetch_optional(c).await
    })
}

/// The programme of a district for an edition, started (empty) if needed.
pub async fn ensure_programme(
    conn: &mut Conn<'_>,
    edition: EditionId,
    district: DistrictId,
) -> DbResult<Programme> {
    let now = Utc::now();
    let sql = "INSERT INTO programmes (edition_id, district_id, created_at, updated_at) \
               VALUES ($1, $2, $3, $3) ON CONFLICT (edition_id, district_id) DO NOTHING";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(district)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(programme_of(conn, edition, district)
        .await?
        .expect("the programme was just made"))
}

pub async fn programme_by_id(conn: &mut Conn<'_>, id: ProgrammeId) -> DbResult<Option<Programme>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(PROGRAMME_COLUMNS);
        q.push_sql("WHERE id = ").bind_i64(id);
        q.build_query_as().fetch_optional(c).await
    })
}

/// Saves the introduction and the grouping.
pub async fn save_header(
    conn: &mut Conn<'_>,
    id: ProgrammeId,
    introduction: &str,
    grouping: &str,
) -> DbResult<()> {
    let sql =
        "UPDATE programmes SET introduction = $2, grouping = $3, updated_at = $4 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(introduction)
        .bind(grouping)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Pushes the condition that selects the actions a district programme may
/// hold: the validated actions of the edition placed in the district (at
/// one of its schools, or a district action), and published
/// ([`crate::public::store::push_published`]: an action a coordinator
/// unpublished leaves the candidates too).
pub fn push_programme_candidates(
    q: &mut impl SqlBuilder,
    edition: EditionId,
    district: DistrictId,
) {
    q.push_sql(" a.edition_id = ")
        .bind_i64(edition)
        .push_sql(" AND a.state = 'validated' AND COALESCE(s.district_id, a.district_id) = ")
        .bind_i64(district)
        .push_sql(" AND ");
    crate::public::store::push_published(q, "a");
}

/// The candidates of a programme: those flagged « retenue pour le
/// programme » first, then by date (undated last) and title.
pub async fn programme_candidates(
    conn: &mut Conn<'_>,
    edition: EditionId,
    district: DistrictId,
) -> DbResult<Vec<Action>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(ACTION_SELECT);
        q.push_sql(" WHERE");
        push_programme_candidates(&mut q, edition, district);
        q.push_sql(
            " ORDER BY a.featured_in_programme DESC, a.starts_on IS NULL, a.starts_on, a.title, a.id",
        );
        q.build_query_as().fetch_all(c).await
    })
}

/// The actions chosen for the programme, in their order.
pub async fn item_ids(conn: &mut Conn<'_>, programme: ProgrammeId) -> DbResult<Vec<ActionId>> {
    let sql = "SELECT action_id FROM programme_items WHERE programme_id = $1 ORDER BY position, action_id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(programme)
        .fetch_all(c)
        .await)
}

/// Replaces the chosen actions with `ids`, in this order.
pub async fn set_items(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
    ids: &[ActionId],
) -> DbResult<()> {
    let delete = "DELETE FROM programme_items WHERE programme_id = $1";
    on_conn!(conn, |c| sqlx::query(delete)
        .bind(programme)
        .execute(c)
        .await
        .map(|_| ()))?;
    let insert =
        "INSERT INTO programme_items (programme_id, action_id, position) VALUES ($1, $2, $3)";
    for (position, id) in ids.iter().enumerate() {
        on_conn!(conn, |c| sqlx::query(insert)
            .bind(programme)
            .bind(id)
            .bind(position as i64 + 1)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    let touch = "UPDATE programmes SET updated_at = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(touch)
        .bind(programme)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// An event of the district, as stored.
#[derive(Clone, Debug, FromRow)]
pub struct StoredEvent {
    pub id: ProgrammeEventId,
    pub programme_id: ProgrammeId,
    pub title: String,
    pub day: NaiveDate,
    pub start_time: String,
    pub place: String,
    pub description: String,
}

/// The events of a programme, by date and time.
pub async fn events_of(conn: &mut Conn<'_>, programme: ProgrammeId) -> DbResult<Vec<StoredEvent>> {
    let sql = "SELECT id, programme_id, title, day, start_time, place, description \
               FROM programme_events WHERE programme_id = $1 ORDER BY day, start_time, id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(programme)
        .fetch_all(c)
        .await)
}

pub async fn event_by_id(
    conn: &mut Conn<'_>,
    id: ProgrammeEventId,
) -> DbResult<Option<StoredEvent>> {
    let sql = "SELECT id, programme_id, title, day, start_time, place, description \
               FROM programme_events WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn add_event(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
    event: &EventInput,
) -> DbResult<ProgrammeEventId> {
    let sql = "INSERT INTO programme_events (programme_id, title, day, start_time, place, description) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(programme)
        .bind(&event.title)
        .bind(event.date)
        .bind(&event.time)
        .bind(&event.place)
        .bind(&event.description)
        .fetch_one(c)
        .await)
}

pub async fn delete_event(conn: &mut Conn<'_>, id: ProgrammeEventId) -> DbResult<()> {
    let sql = "DELETE FROM programme_events WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// A published version.
#[derive(Clone, Debug, FromRow)]
pub struct Version {
    pub id: i64,
    pub programme_id: ProgrammeId,
    pub number: i64,
    /// The [`crate::domain::programme::Content`] as JSON.
    pub content: String,
    pub published_at: DateTime<Utc>,
    pub published_by_email: String,
}

const VERSION_SELECT: &str = "SELECT v.id, v.programme_id, v.number, v.content, v.published_at, \
     u.email AS published_by_email FROM programme_versions v JOIN users u ON u.id = v.published_by ";

/// Stores a new version (the next number) and returns it.
pub async fn publish(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
    content: &str,
    by: UserId,
) -> DbResult<i64> {
    publish_at(conn, programme, content, by, Utc::now()).await
}

/// [`publish`] at a given instant (the demo's fixed dates).
pub async fn publish_at(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
    content: &str,
    by: UserId,
    at: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "INSERT INTO programme_versions (programme_id, number, content, published_by, published_at) \
               VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM programme_versions WHERE programme_id = $1), \
               $2, $3, $4) RETURNING number";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(programme)
        .bind(content)
        .bind(by)
        .bind(at)
        .fetch_one(c)
        .await)
}

/// The versions of a programme, latest first.
pub async fn versions(conn: &mut Conn<'_>, programme: ProgrammeId) -> DbResult<Vec<Version>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(VERSION_SELECT);
        q.push_sql("WHERE v.programme_id = ")
            .bind_i64(programme)
            .push_sql(" ORDER BY v.number DESC");
        q.build_query_as().fetch_all(c).await
    })
}

/// The latest published version, if any.
pub async fn latest_version(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
) -> DbResult<Option<Version>> {
    Ok(versions(conn, programme).await?.into_iter().next())
}

pub async fn version_by_id(conn: &mut Conn<'_>, id: i64) -> DbResult<Option<Version>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(VERSION_SELECT);
        q.push_sql("WHERE v.id = ").bind_i64(id);
        q.build_query_as().fetch_optional(c).await
    })
}

/// A partner of a district.
#[derive(Clone, Debug, FromRow)]
pub struct Partner {
    pub id: PartnerId,
    pub district_id: DistrictId,
    pub name: String,
    pub email: String,
    pub kind: String,
}

pub async fn partners_of(conn: &mut Conn<'_>, district: DistrictId) -> DbResult<Vec<Partner>> {
    let sql = "SELECT id, district_id, name, email, kind FROM partners WHERE district_id = $1 \
               ORDER BY name, id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(district)
        .fetch_all(c)
        .await)
}

pub async fn partner_by_id(conn: &mut Conn<'_>, id: PartnerId) -> DbResult<Option<Partner>> {
    let sql = "SELECT id, district_id, name, email, kind FROM partners WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn add_partner(
    conn: &mut Conn<'_>,
    district: DistrictId,
    name: &str,
    email: &str,
    kind: &str,
) -> DbResult<PartnerId> {
    let sql = "INSERT INTO partners (district_id, name, email, kind, created_at) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(district)
        .bind(name)
        .bind(email)
        .bind(kind)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

pub async fn update_partner(
    conn: &mut Conn<'_>,
    id: PartnerId,
    name: &str,
    email: &str,
    kind: &str,
) -> DbResult<()> {
    let sql = "UPDATE partners SET name = $2, email = $3, kind = $4 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(name)
        .bind(email)
        .bind(kind)
        .execute(c)
        .await
        .map(|_| ()))
}

pub async fn delete_partner(conn: &mut Conn<'_>, id: PartnerId) -> DbResult<()> {
    let sql = "DELETE FROM partners WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// The heads and référents of the district's schools: (address, school).
pub async fn school_contacts(
    conn: &mut Conn<'_>,
    district: DistrictId,
) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT u.email, s.name FROM role_grants g JOIN users u ON u.id = g.user_id \
               JOIN schools s ON s.id = g.scope_id \
               WHERE g.scope_kind = 'school' AND g.role IN ('school_head', 'school_referent') \
               AND s.district_id = $1 ORDER BY s.name, u.email";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(district)
        .fetch_all(c)
        .await)
}

/// The addresses of the académie's coordination.
pub async fn academy_coordinators(
    conn: &mut Conn<'_>,
    district: DistrictId,
) -> DbResult<Vec<String>> {
    let sql = "SELECT u.email FROM role_grants g JOIN users u ON u.id = g.user_id \
               JOIN departments dp ON dp.academy_id = g.scope_id \
               JOIN districts d ON d.department_id = dp.id \
               WHERE g.role = 'academy_coordinator' AND g.scope_kind = 'academy' AND d.id = $1 \
               ORDER BY u.email";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(district)
        .fetch_all(c)
        .await)
}

/// The contact address of the district's department (its DSDEN), and the
/// department's name.
pub async fn department_contact(
    conn: &mut Conn<'_>,
    district: DistrictId,
) -> DbResult<(String, String)> {
    let sql = "SELECT dp.contact_email, dp.name FROM districts d \
               JOIN departments dp ON dp.id = d.department_id WHERE d.id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(district)
        .fetch_one(c)
        .await)
}

/// Sets a department's contact address (its DSDEN).
pub async fn set_department_contact(
    conn: &mut Conn<'_>,
    department: crate::domain::DepartmentId,
    email: &str,
) -> DbResult<()> {
    let sql = "UPDATE departments SET contact_email = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(department)
        .bind(email)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Records a diffusion (its recipients are added with [`add_recipient`]).
pub async fn add_diffusion(
    conn: &mut Conn<'_>,
    programme: ProgrammeId,
    version_id: i64,
    by: UserId,
    changes: &str,
) -> DbResult<DiffusionId> {
    let sql = "INSERT INTO programme_diffusions (programme_id, version_id, sent_by, sent_at, changes) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(programme)
        .bind(version_id)
        .bind(by)
        .bind(Utc::now())
        .bind(changes)
        .fetch_one(c)
        .await)
}

pub async fn add_recipient(
    conn: &mut Conn<'_>,
    diffusion: DiffusionId,
    email: &str,
    label: &str,
) -> DbResult<RecipientId> {
    let sql = "INSERT INTO diffusion_recipients (diffusion_id, email, label, updated_at) \
               VALUES ($1, $2, $3, $4) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(diffusion)
        .bind(email)
        .bind(label)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

/// A diffusion of the log.
#[derive(Clone, Debug, FromRow)]
pub struct Diffusion {
    pub id: DiffusionId,
    pub version_id: i64,
    pub number: i64,
    pub sent_at: DateTime<Utc>,
    pub sent_by_email: String,
    pub changes: String,
}

/// The diffusions of a programme, latest first.
pub async fn diffusions(conn: &mut Conn<'_>, programme: ProgrammeId) -> DbResult<Vec<Diffusion>> {
    let sql = "SELECT f.id, f.version_id, v.number, f.sent_at, u.email AS sent_by_email, f.changes \
               FROM programme_diffusions f JOIN programme_versions v ON v.id = f.version_id \
               JOIN users u ON u.id = f.sent_by WHERE f.programme_id = $1 ORDER BY f.id DESC";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(programme)
        .fetch_all(c)
        .await)
}

/// A recipient of a diffusion, and how its mail went.
#[derive(Clone, Debug, FromRow)]
pub struct Recipient {
    pub id: RecipientId,
    pub diffusion_id: DiffusionId,
    pub email: String,
    pub label: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
}

/// The recipients of every diffusion of a programme.
pub async fn recipients(conn: &mut Conn<'_>, programme: ProgrammeId) -> DbResult<Vec<Recipient>> {
    let sql = "SELECT r.id, r.diffusion_id, r.email, r.label, r.status, r.attempts, r.last_error \
               FROM diffusion_recipients r JOIN programme_diffusions f ON f.id = r.diffusion_id \
               WHERE f.programme_id = $1 ORDER BY r.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(programme)
        .fetch_all(c)
        .await)
}

pub async fn recipient_by_id(
    conn: &mut Conn<'_>,
    id: RecipientId,
) -> DbResult<Option<(Recipient, ProgrammeId, i64)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        recipient: Recipient,
        programme_id: ProgrammeId,
        version_id: i64,
    }
    let sql = "SELECT r.id, r.diffusion_id, r.email, r.label, r.status, r.attempts, r.last_error, \
               f.programme_id, f.version_id \
               FROM diffusion_recipients r JOIN programme_diffusions f ON f.id = r.diffusion_id \
               WHERE r.id = $1";
    let row: Option<Row> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    Ok(row.map(|r| (r.recipient, r.programme_id, r.version_id)))
}

/// Records how a recipient's mail went: `sent`, `failed` (with the error),
/// or `pending` again (a retry asked for by hand).
pub async fn set_recipient_status(
    conn: &mut Conn<'_>,
    id: RecipientId,
    status: &str,
    error: &str,
) -> DbResult<()> {
    let sql = "UPDATE diffusion_recipients SET status = $2, last_error = $3, \
               attempts = attempts + CASE WHEN $2 = 'pending' THEN 0 ELSE 1 END, updated_at = $4 \
               WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(status)
        .bind(error)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// The published programme of a district for the public page: the latest
/// version of the programme of `edition` in `district`.
pub async fn published(
    conn: &mut Conn<'_>,
    edition: EditionId,
    district: DistrictId,
) -> DbResult<Option<Version>> {
    match programme_of(conn, edition, district).await? {
        Some(p) => latest_version(conn, p.id).await,
        None => Ok(None),
    }
}

/// The districts of an edition with a published programme: (id, name).
pub async fn published_districts(
    conn: &mut Conn<'_>,
    edition: EditionId,
) -> DbResult<Vec<(DistrictId, String)>> {
    let sql = "SELECT d.id, d.name FROM programmes p JOIN districts d ON d.id = p.district_id \
               WHERE p.edition_id = $1 AND EXISTS (SELECT 1 FROM programme_versions v \
               WHERE v.programme_id = p.id) ORDER BY d.name";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// Which of `ids` are still published (`public::store::push_published`):
/// a frozen version is shown without the actions a coordinator unpublished
/// (or that left the public side otherwise) since it was published.
pub async fn still_published(conn: &mut Conn<'_>, ids: &[i64]) -> DbResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut kept = Vec::new();
    // At most 500 placeholders per query (a programme rarely holds more).
    for chunk in ids.chunks(500) {
        let found: Vec<i64> = on_conn!(conn, |c| {
            let mut q = QueryBuilder::new("SELECT a.id FROM actions a WHERE a.id IN (");
            q.bind_list(chunk);
            q.push(") AND ");
            crate::public::store::push_published(&mut q, "a");
            q.build_query_scalar().fetch_all(&mut *c).await
        })?;
        kept.extend(found);
    }
    Ok(kept)
}
