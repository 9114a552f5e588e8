//! The `videos` table, the académie's allowed hosts, and where each kind of
//! owner (action, totem entry, poster entry) stands.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult},
    domain::{
        AcademyId, DepartmentId, DistrictId, EditionId, Placement, SchoolId, UserId,
        media::{Consent, MediaState},
    },
    on_conn,
};

/// A video link with the placement of its school (for the policy).
#[derive(Clone, Debug, FromRow)]
pub struct Video {
    pub id: i64,
    pub edition_id: EditionId,
    pub academy_id: AcademyId,
    pub school_id: Option<SchoolId>,
    pub department_id: Option<DepartmentId>,
    pub district_id: Option<DistrictId>,
    pub uploader_id: Option<UserId>,
    /// `action`, `totem` or `poster`.
    pub owner_kind: String,
    pub owner_id: i64,
    pub host: String,
    pub video_ref: String,
    pub title: String,
    pub consent: Option<String>,
    pub state: MediaState,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Video {
    pub fn consent(&self) -> Option<Consent> {
        self.consent.as_deref().and_then(Consent::parse)
    }

    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: self.department_id,
            district: self.district_id,
            school: self.school_id,
        }
    }

    /// Whether anyone may see it: approved, titled, with consent.
    pub fn is_public(&self) -> bool {
        self.state == MediaState::Approved
            && !self.title.trim().is_empty()
            && self.consent().is_some()
    }
}

macro_rules! video_select {
    () => {
        "SELECT v.id, v.edition_id, e.academy_id, v.school_id, s.department_id, s.district_id, \
         v.uploader_id, v.owner_kind, v.owner_id, v.host, v.video_ref, v.title, v.consent, \
         v.state, v.decided_at, v.created_at \
         FROM videos v JOIN editions e ON e.id = v.edition_id \
         LEFT JOIN schools s ON s.id = v.school_id "
    };
}

/// What a page stores for a new link.
pub struct NewVideo<'a> {
    pub edition_id: EditionId,
    pub school_id: Option<SchoolId>,
    pub uploader_id: UserId,
    pub owner_kind: &'a str,
    pub owner_id: i64,
    pub host: &'a str,
    pub video_ref: &'a str,
    pub title: &'a str,
    pub consent: Option<Consent>,
}

pub async fn insert(conn: &mut Conn<'_>, new: &NewVideo<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO videos (edition_id, school_id, uploader_id, owner_kind, owner_id, host, \
               video_ref, title, consent, state, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(new.edition_id)
        .bind(new.school_id)
        .bind(new.uploader_id)
        .bind(new.owner_kind)
        .bind(new.owner_id)
        .bind(new.host)
        .bind(new.video_ref)
        .bind(new.title)
        .bind(new.consent.map(|c| c.code()))
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

pub async fn video_by_id(conn: &mut Conn<'_>, id: i64) -> DbResult<Option<Video>> {
    let sql = concat!(video_select!(), "WHERE v.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// The links attached to one object, oldest first.
pub async fn videos_of(
    conn: &mut Conn<'_>,
    owner_kind: &str,
    owner_id: i64,
) -> DbResult<Vec<Video>> {
    let sql = concat!(
        video_select!(),
        "WHERE v.owner_kind = $1 AND v.owner_id = $2 ORDER BY v.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(owner_kind)
        .bind(owner_id)
        .fetch_all(c)
        .await)
}

/// The approved links of an edition's objects of one kind, oldest first
/// (for the public pages, which keep the public ones).
pub async fn approved_of_edition(
    conn: &mut Conn<'_>,
    edition: EditionId,
    owner_kind: &str,
) -> DbResult<Vec<Video>> {
    let sql = concat!(
        video_select!(),
        "WHERE v.edition_id = $1 AND v.owner_kind = $2 AND v.state = 'approved' ORDER BY v.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .bind(owner_kind)
        .fetch_all(c)
        .await)
}

/// Every link of an edition, those waiting first, then the newest.
pub async fn videos_of_edition(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Video>> {
    let sql = concat!(
        video_select!(),
        "WHERE v.edition_id = $1 ORDER BY CASE v.state WHEN 'pending' THEN 0 ELSE 1 END, v.id DESC"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// Moves a link from `from` to `to` (false if another decision came first).
/// A change bumps the publication generation (`public::store::
/// bump_generation`): the cached public pages (an action's page, the
/// gallery) show approved videos.
pub async fn set_state(
    conn: &mut Conn<'_>,
    id: i64,
    from: MediaState,
    to: MediaState,
    by: UserId,
) -> DbResult<bool> {
    let sql = "UPDATE videos SET state = $3, decided_by = $4, decided_at = $5 \
               WHERE id = $1 AND state = $2";
    let changed = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(by)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))?;
    if changed {
        crate::public::store::bump_generation(conn).await?;
    }
    Ok(changed)
}

/// The académie's own list of hosts (one a line), if it set one.
pub async fn hosts_setting(conn: &mut Conn<'_>, academy: AcademyId) -> DbResult<Option<String>> {
    let sql = "SELECT video_hosts FROM academies WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(academy)
        .fetch_one(c)
        .await)
}

/// Sets the académie's list (`None`: back to the tubes of apps.education.fr).
pub async fn set_hosts(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    hosts: Option<&str>,
) -> DbResult<()> {
    let sql = "UPDATE academies SET video_hosts = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(academy)
        .bind(hosts)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Where a video's owner stands: its edition, académie and school place;
/// for an action, its owner too.
#[derive(Clone, Debug, FromRow)]
pub struct Owner {
    pub edition_id: EditionId,
    pub academy_id: AcademyId,
    pub school_id: Option<SchoolId>,
    pub department_id: Option<DepartmentId>,
    pub district_id: Option<DistrictId>,
    pub owner_user_id: Option<UserId>,
}

impl Owner {
    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: self.department_id,
            district: self.district_id,
            school: self.school_id,
        }
    }
}

/// The owner `kind`/`id` (`action`, `totem`, `poster`), if it exists.
pub async fn owner(conn: &mut Conn<'_>, kind: &str, id: i64) -> DbResult<Option<Owner>> {
    let sql = match kind {
        "action" => {
            "SELECT a.edition_id, e.academy_id, a.school_id, a.place_department_id AS department_id, \
             a.place_district_id AS district_id, a.owner_user_id \
             FROM actions a JOIN editions e ON e.id = a.edition_id WHERE a.id = $1"
        }
        "totem" => {
            "SELECT t.edition_id, e.academy_id, t.school_id, s.department_id, s.district_id, \
             CAST(NULL AS BIGINT) AS owner_user_id \
             FROM totem_entries t JOIN editions e ON e.id = t.edition_id \
             JOIN schools s ON s.id = t.school_id WHERE t.id = $1"
        }
        "poster" => {
            "SELECT p.edition_id, e.academy_id, p.school_id, s.department_id, s.district_id, \
             CAST(NULL AS BIGINT) AS owner_user_id \
             FROM poster_entries p JOIN editions e ON e.id = p.edition_id \
             JOIN schools s ON s.id = p.school_id WHERE p.id = $1"
        }
        _ => return Ok(None),
    };
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}
