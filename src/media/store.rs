//! The `media` table: every photo or PDF poster a feature attaches, its
//! consent, review state and stored variants.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult},
    domain::{
        AcademyId, DepartmentId, DistrictId, EditionId, MediaId, Placement, SchoolId, UserId,
        media::{Consent, MediaKind, MediaState},
    },
    on_conn,
};

/// A medium with the placement of its school (for the policy).
#[derive(Clone, Debug, FromRow)]
pub struct Media {
    pub id: MediaId,
    pub edition_id: EditionId,
    pub academy_id: AcademyId,
    pub school_id: Option<SchoolId>,
    pub department_id: Option<DepartmentId>,
    pub district_id: Option<DistrictId>,
    pub school_name: Option<String>,
    pub uploader_id: Option<UserId>,
    /// `totem`, `poster`, `bilan`: the feature that attached it.
    pub owner_kind: String,
    pub owner_id: i64,
    pub kind: MediaKind,
    pub file_name: String,
    pub byte_size: i64,
    pub master_key: String,
    pub display_key: Option<String>,
    pub display_width: Option<i64>,
    pub display_height: Option<i64>,
    pub thumb_key: Option<String>,
    pub thumb_width: Option<i64>,
    pub thumb_height: Option<i64>,
    pub description: String,
    /// The stored code of the consent tick (`None`: not ticked, private).
    pub consent: Option<String>,
    pub state: MediaState,
    pub decided_at: Option<DateTime<Utc>>,
    pub processed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Media {
    pub fn consent(&self) -> Option<Consent> {
        self.consent.as_deref().and_then(Consent::parse)
    }

    /// The placement of its school (or of the académie when it has none).
    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: self.department_id,
            district: self.district_id,
            school: self.school_id,
        }
    }

    /// Whether anyone may see it: approved, described, with consent.
    pub fn is_public(&self) -> bool {
        self.state == MediaState::Approved
            && !self.description.trim().is_empty()
            && self.consent().is_some()
    }
}

macro_rules! media_select {
    () => {
        "SELECT m.id, m.edition_id, e.academy_id, m.school_id, s.department_id, s.district_id, \
         s.name AS school_name, m.uploader_id, m.owner_kind, m.owner_id, m.kind, m.file_name, \
         m.byte_size, m.master_key, m.display_key, m.display_width, m.display_height, m.thumb_key, \
         m.thumb_width, m.thumb_height, m.description, m.consent, m.state, m.decided_at, \
         m.processed_at, m.created_at \
         FROM media m JOIN editions e ON e.id = m.edition_id \
         LEFT JOIN schools s ON s.id = m.school_id "
    };
}

/// What a feature stores for a new medium.
#[derive(Clone, Debug)]
pub struct NewMedia<'a> {
    pub edition_id: EditionId,
    pub school_id: Option<SchoolId>,
    pub uploader_id: UserId,
    pub owner_kind: &'a str,
    pub owner_id: i64,
    pub kind: MediaKind,
    pub file_name: &'a str,
    pub byte_size: i64,
    pub master_key: &'a str,
    pub description: &'a str,
    pub consent: Option<Consent>,
}

pub async fn insert(conn: &mut Conn<'_>, new: &NewMedia<'_>) -> DbResult<MediaId> {
    let sql = "INSERT INTO media (edition_id, school_id, uploader_id, owner_kind, owner_id, kind, \
               file_name, byte_size, master_key, description, consent, state, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(new.edition_id)
        .bind(new.school_id)
        .bind(new.uploader_id)
        .bind(new.owner_kind)
        .bind(new.owner_id)
        .bind(new.kind)
        .bind(new.file_name)
        .bind(new.byte_size)
        .bind(new.master_key)
        .bind(new.description)
        .bind(new.consent.map(|c| c.code()))
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

/// Whether a medium already names the stored file `master_key` (a file held
/// for a refused form, `files::held`, is attached once).
pub async fn names_file(conn: &mut Conn<'_>, master_key: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM media WHERE master_key = $1";
    let count: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(master_key)
        .fetch_one(c)
        .await)?;
    Ok(count > 0)
}

pub async fn media_by_id(conn: &mut Conn<'_>, id: MediaId) -> DbResult<Option<Media>> {
    let sql = concat!(media_select!(), "WHERE m.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// The media a feature attached to one of its objects, oldest first.
pub async fn media_of(
    conn: &mut Conn<'_>,
    owner_kind: &str,
    owner_id: i64,
) -> DbResult<Vec<Media>> {
    let sql = concat!(
        media_select!(),
        "WHERE m.owner_kind = $1 AND m.owner_id = $2 ORDER BY m.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(owner_kind)
        .bind(owner_id)
        .fetch_all(c)
        .await)
}

/// Every medium of an edition, those waiting first, then the newest.
pub async fn media_of_edition(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Media>> {
    let sql = concat!(
        media_select!(),
        "WHERE m.edition_id = $1 ORDER BY CASE m.state WHEN 'pending' THEN 0 ELSE 1 END, m.id DESC"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// Records the variants made by the processing job (once: a second run
/// changes nothing). Like every change of this table that a public page may
/// show, it bumps the publication generation (`public::store::
/// bump_generation`), so the render cache never serves a gallery from
/// before it; the caller's transaction, if any, holds both.
pub async fn set_variants(
    conn: &mut Conn<'_>,
    id: MediaId,
    display: (&str, u32, u32),
    thumb: (&str, u32, u32),
) -> DbResult<bool> {
    let sql = "UPDATE media SET display_key = $2, display_width = $3, display_height = $4, \
               thumb_key = $5, thumb_width = $6, thumb_height = $7, processed_at = $8 \
               WHERE id = $1 AND processed_at IS NULL";
    let changed = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(display.0)
        .bind(i64::from(display.1))
        .bind(i64::from(display.2))
        .bind(thumb.0)
        .bind(i64::from(thumb.1))
        .bind(i64::from(thumb.2))
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1));
    bump_if(conn, changed).await
}

/// Bumps the publication generation after a change that happened.
async fn bump_if(conn: &mut Conn<'_>, changed: DbResult<bool>) -> DbResult<bool> {
    let changed = changed?;
    if changed {
        crate::public::store::bump_generation(conn).await?;
    }
    Ok(changed)
}

/// Marks a PDF processed (it has no variant).
pub async fn set_processed(conn: &mut Conn<'_>, id: MediaId) -> DbResult<()> {
    let sql = "UPDATE media SET processed_at = $2 WHERE id = $1 AND processed_at IS NULL";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Moves a medium from `from` to `to` (false if another decision came
/// first); bumps the publication generation (see [`set_variants`]).
pub async fn set_state(
    conn: &mut Conn<'_>,
    id: MediaId,
    from: MediaState,
    to: MediaState,
    by: UserId,
) -> DbResult<bool> {
    let sql = "UPDATE media SET state = $3, decided_by = $4, decided_at = $5 \
               WHERE id = $1 AND state = $2";
    let changed = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(by)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1));
    bump_if(conn, changed).await
}

/// The académie's retention period of rejected and withdrawn media, in days.
pub async fn retention_days(conn: &mut Conn<'_>, academy: AcademyId) -> DbResult<i64> {
    let sql = "SELECT media_retention_days FROM academies WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(academy)
        .fetch_one(c)
        .await)
}

/// Sets the académie's retention period, in days.
pub async fn set_retention_days(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    days: i64,
) -> DbResult<()> {
    let sql = "UPDATE academies SET media_retention_days = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(academy)
        .bind(days)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Rejected and withdrawn media whose académie's retention period has run
/// out at `now` (the period is compared in Rust: one rule on both engines).
pub async fn expired(conn: &mut Conn<'_>, now: DateTime<Utc>) -> DbResult<Vec<Media>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        media: Media,
        retention: i64,
    }
    let sql = "SELECT m.id, m.edition_id, e.academy_id, m.school_id, s.department_id, \
               s.district_id, s.name AS school_name, m.uploader_id, m.owner_kind, m.owner_id, \
               m.kind, m.file_name, m.byte_size, m.master_key, m.display_key, m.display_width, \
               m.display_height, m.thumb_key, m.thumb_width, m.thumb_height, m.description, \
               m.consent, m.state, m.decided_at, m.processed_at, m.created_at, \
               a.media_retention_days AS retention \
               FROM media m JOIN editions e ON e.id = m.edition_id \
               JOIN academies a ON a.id = e.academy_id \
               LEFT JOIN schools s ON s.id = m.school_id \
               WHERE m.state IN ('rejected', 'withdrawn') ORDER BY m.id";
    let rows: Vec<Row> = on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            r.media
                .decided_at
                .is_some_and(|at| at + chrono::Duration::days(r.retention) <= now)
        })
        .map(|r| r.media)
        .collect())
}

/// Forgets a medium's row (its files are deleted first by the caller).
pub async fn delete(conn: &mut Conn<'_>, id: MediaId) -> DbResult<()> {
    let changed = on_conn!(conn, |c| sqlx::query("DELETE FROM media WHERE id = $1")
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1));
    bump_if(conn, changed).await.map(|_| ())
}
