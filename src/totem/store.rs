//! Totem entries and the edition's totem call in the database.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult},
    domain::{DepartmentId, DistrictId, EditionId, SchoolId, TotemEntryId, UserId},
    media::store::Media,
    on_conn,
};

/// A school's entry, with its school's name and place.
#[derive(Clone, Debug, FromRow)]
pub struct TotemEntry {
    pub id: TotemEntryId,
    pub edition_id: EditionId,
    pub school_id: SchoolId,
    pub school_name: String,
    pub commune: String,
    pub department_id: DepartmentId,
    pub district_id: Option<DistrictId>,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

macro_rules! entry_select {
    () => {
        "SELECT t.id, t.edition_id, t.school_id, s.name AS school_name, s.commune, \
         s.department_id, s.district_id, t.text, t.updated_at \
         FROM totem_entries t JOIN schools s ON s.id = t.school_id "
    };
}

/// What the edition asks schools for (empty: no totem this year).
pub async fn prompt(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<String> {
    let sql = "SELECT totem_prompt FROM editions WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .fetch_one(c)
        .await)
}

pub async fn set_prompt(conn: &mut Conn<'_>, edition: EditionId, prompt: &str) -> DbResult<()> {
    let sql = "UPDATE editions SET totem_prompt = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(prompt)
        .execute(c)
        .await
        .map(|_| ()))
}

pub async fn entry_of(
    conn: &mut Conn<'_>,
    edition: EditionId,
    school: SchoolId,
) -> DbResult<Option<TotemEntry>> {
    let sql = concat!(
        entry_select!(),
        "WHERE t.edition_id = $1 AND t.school_id = $2"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .bind(school)
        .fetch_optional(c)
        .await)
}

/// The school's entry, created if missing, its text replaced; returns its
/// id. Bumps the publication generation (the gallery shows the text).
pub async fn save_entry(
    conn: &mut Conn<'_>,
    edition: EditionId,
    school: SchoolId,
    text: &str,
    by: UserId,
) -> DbResult<TotemEntryId> {
    let sql = "INSERT INTO totem_entries (edition_id, school_id, text, created_by, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
               ON CONFLICT (edition_id, school_id) DO UPDATE SET text = excluded.text, \
               updated_at = excluded.updated_at RETURNING id";
    let id = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .bind(school)
        .bind(text)
        .bind(by)
        .bind(Utc::now())
        .fetch_one(c)
        .await)?;
    crate::public::store::bump_generation(conn).await?;
    Ok(id)
}

/// Every entry of an edition, by school name.
pub async fn entries_of(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<TotemEntry>> {
    let sql = concat!(
        entry_select!(),
        "WHERE t.edition_id = $1 ORDER BY s.name, t.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// The entries of the public gallery, in a department and/or district, by
/// school name: those with at least one public photo or one public video
/// (approved, titled, with consent: `videos::store::Video::is_public`).
pub async fn gallery_entries(
    conn: &mut Conn<'_>,
    edition: EditionId,
    department: Option<DepartmentId>,
    district: Option<DistrictId>,
) -> DbResult<Vec<TotemEntry>> {
    let sql = concat!(
        entry_select!(),
        "WHERE t.edition_id = $1 \
         AND (CAST($2 AS BIGINT) IS NULL OR s.department_id = $2) \
         AND (CAST($3 AS BIGINT) IS NULL OR s.district_id = $3) \
         AND (EXISTS (SELECT 1 FROM media m WHERE m.owner_kind = 'totem' AND m.owner_id = t.id \
         AND m.state = 'approved' AND m.description <> '' AND m.consent IS NOT NULL \
         AND m.thumb_key IS NOT NULL) \
         OR EXISTS (SELECT 1 FROM videos v WHERE v.owner_kind = 'totem' AND v.owner_id = t.id \
         AND v.state = 'approved' AND v.title <> '' AND v.consent IS NOT NULL)) \
         ORDER BY s.name, t.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .bind(department.map(i64::from))
        .bind(district.map(i64::from))
        .fetch_all(c)
        .await)
}

/// The public photos of an edition's totem entries (approved, described,
/// with consent, variants made), oldest first.
pub async fn gallery_media(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Media>> {
    let sql = "SELECT m.id, m.edition_id, e.academy_id, m.school_id, s.department_id, \
               s.district_id, s.name AS school_name, m.uploader_id, m.owner_kind, m.owner_id, \
               m.kind, m.file_name, m.byte_size, m.master_key, m.display_key, m.display_width, \
               m.display_height, m.thumb_key, m.thumb_width, m.thumb_height, m.description, \
               m.consent, m.state, m.decided_at, m.processed_at, m.created_at \
               FROM media m JOIN editions e ON e.id = m.edition_id \
               LEFT JOIN schools s ON s.id = m.school_id \
               WHERE m.edition_id = $1 AND m.owner_kind = 'totem' AND m.state = 'approved' \
               AND m.description <> '' AND m.consent IS NOT NULL AND m.thumb_key IS NOT NULL \
               ORDER BY m.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}
