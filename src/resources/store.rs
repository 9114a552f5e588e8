//! The kit's resources and their versions in the database.
//!
//! A resource's content lives in its versions (`resource_versions`): a new
//! version never overwrites the previous one, so the address of each version
//! keeps working. The resource itself carries what is not versioned: kind,
//! group, order, title, audience, date.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        ActionId, EditionId, ResourceId, UserId,
        resource::{Audience, ResourceKind},
    },
    on_conn,
};

/// A resource with its latest version.
#[derive(Clone, Debug, FromRow)]
pub struct Resource {
    pub id: ResourceId,
    pub edition_id: EditionId,
    pub kind: ResourceKind,
    pub group_name: String,
    pub position: i64,
    pub title: String,
    pub summary: String,
    pub audience: Audience,
    pub dated_on: NaiveDate,
    pub source_action_id: Option<ActionId>,
    pub version: i64,
    pub body: String,
    pub file_kind: Option<String>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    /// Downloads of every version.
    pub downloads: i64,
}

/// What is not versioned.
#[derive(Clone, Debug)]
pub struct ResourceValues {
    pub kind: ResourceKind,
    pub group_name: String,
    pub title: String,
    pub summary: String,
    pub audience: Audience,
    pub dated_on: NaiveDate,
    pub source_action_id: Option<ActionId>,
}

/// A version's content: Markdown, or a stored file.
#[derive(Clone, Debug, Default)]
pub struct Content {
    pub body: String,
    pub file_key: Option<String>,
    pub file_kind: Option<String>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    /// SHA-256 of the file's bytes (hex), for a file.
    pub content_hash: Option<String>,
}

/// One version as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Version {
    pub id: i64,
    pub version: i64,
    pub body: String,
    pub file_key: Option<String>,
    pub file_kind: Option<String>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub downloads: i64,
    pub content_hash: Option<String>,
}

macro_rules! resource_select {
    () => {
        "SELECT r.id, r.edition_id, r.kind, r.group_name, r.position, r.title, r.summary, \
         r.audience, r.dated_on, r.source_action_id, v.version, v.body, v.file_kind, v.file_name, \
         v.file_size, \
         (SELECT CAST(COALESCE(SUM(w.downloads), 0) AS BIGINT) FROM resource_versions w WHERE w.resource_id = r.id) AS downloads \
         FROM resources r JOIN resource_versions v ON v.resource_id = r.id \
         AND v.version = (SELECT MAX(x.version) FROM resource_versions x WHERE x.resource_id = r.id) "
    };
}

/// The kit of an edition, by kind then order.
pub async fn resources_of(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Resource>> {
    let sql = concat!(
        resource_select!(),
        "WHERE r.edition_id = $1 ORDER BY CASE r.kind WHEN 'kit' THEN 0 WHEN 'method' THEN 1 \
         ELSE 2 END, r.position, r.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn resource_by_id(conn: &mut Conn<'_>, id: ResourceId) -> DbResult<Option<Resource>> {
    let sql = concat!(resource_select!(), "WHERE r.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// One version of a resource.
pub async fn version(
    conn: &mut Conn<'_>,
    id: ResourceId,
    version: i64,
) -> DbResult<Option<Version>> {
    let sql = "SELECT id, version, body, file_key, file_kind, file_name, file_size, created_at, \
               downloads, content_hash FROM resource_versions WHERE resource_id = $1 AND version = $2";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .bind(version)
        .fetch_optional(c)
        .await)
}

/// Every version of a resource, latest first.
pub async fn versions(conn: &mut Conn<'_>, id: ResourceId) -> DbResult<Vec<Version>> {
    let sql = "SELECT id, version, body, file_key, file_kind, file_name, file_size, created_at, \
               downloads, content_hash FROM resource_versions WHERE resource_id = $1 ORDER BY version DESC";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(id).fetch_all(c).await)
}

/// Writes a resource, last of its kind, with its first version.
pub async fn insert_resource(
    conn: &mut Conn<'_>,
    edition: EditionId,
    values: &ResourceValues,
    content: &Content,
    by: Option<UserId>,
) -> DbResult<ResourceId> {
    lock_edition(conn, edition).await?;
    let sql = "INSERT INTO resources (edition_id, kind, group_name, position, title, summary, \
               audience, dated_on, source_action_id, created_at, updated_at) \
               VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM resources \
               WHERE edition_id = $1 AND kind = $2), $4, $5, $6, $7, $8, $9, $9) RETURNING id";
    let id: ResourceId = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .bind(values.kind)
        .bind(&values.group_name)
        .bind(&values.title)
        .bind(&values.summary)
        .bind(values.audience)
        .bind(values.dated_on)
        .bind(values.source_action_id)
        .bind(Utc::now())
        .fetch_one(c)
        .await)?;
    insert_version(conn, id, 1, content, by).await?;
    Ok(id)
}

async fn lock_edition(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<()> {
    let lock = conn.dialect().for_update();
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT id FROM editions WHERE id = ");
        q.bind_i64(edition).push_sql(lock);
        q.build_query_scalar::<i64>().fetch_optional(c).await
    })?;
    Ok(())
}

async fn insert_version(
    conn: &mut Conn<'_>,
    id: ResourceId,
    version: i64,
    content: &Content,
    by: Option<UserId>,
) -> DbResult<()> {
    let sql = "INSERT INTO resource_versions (resource_id, version, body, file_key, file_kind, \
               file_name, file_size, created_by, created_at, content_hash) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(version)
        .bind(&content.body)
        .bind(&content.file_key)
        .bind(&content.file_kind)
        .bind(&content.file_name)
        .bind(content.file_size)
        .bind(by)
        .bind(Utc::now())
        .bind(&content.content_hash)
        .execute(c)
        .await
        .map(|_| ()))
}

/// The latest version of a resource whose file has this SHA-256 (hex).
pub async fn version_with_hash(
    conn: &mut Conn<'_>,
    id: ResourceId,
    hash: &str,
) -> DbResult<Option<Version>> {
    let sql = "SELECT id, version, body, file_key, file_kind, file_name, file_size, created_at, \
               downloads, content_hash FROM resource_versions \
               WHERE resource_id = $1 AND content_hash = $2 ORDER BY version DESC LIMIT 1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .bind(hash)
        .fetch_optional(c)
        .await)
}

/// Whether a version of any resource names the stored file `key` (a file
/// held for a refused form, `files::held`, is used once).
pub async fn names_file(conn: &mut Conn<'_>, key: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM resource_versions WHERE file_key = $1";
    let count: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(key)
        .fetch_one(c)
        .await)?;
    Ok(count > 0)
}

/// What [`add_version`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// A new version, with its number.
    New(i64),
    /// The content is the latest version's file (same SHA-256): nothing
    /// written; the latest version's number.
    Same(i64),
}

/// Adds a version after the latest (run in a write transaction); returns its number.
pub async fn add_version(
    conn: &mut Conn<'_>,
    id: ResourceId,
    content: &Content,
    by: Option<UserId>,
) -> DbResult<Added> {
    let lock = conn.dialect().for_update();
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT id FROM resources WHERE id = ");
        q.bind_i64(id).push_sql(lock);
        q.build_query_scalar::<i64>().fetch_optional(c).await
    })?;
    // Under the resource's lock: the same file sent twice at once adds one version.
    let sql = "SELECT version, content_hash FROM resource_versions WHERE resource_id = $1 \
               ORDER BY version DESC LIMIT 1";
    let latest: Option<(i64, Option<String>)> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    if let (Some((number, Some(hash))), Some(new)) = (&latest, &content.content_hash)
        && hash == new
    {
        return Ok(Added::Same(*number));
    }
    let next = latest.map_or(1, |(n, _)| n + 1);
    insert_version(conn, id, next, content, by).await?;
    let sql = "UPDATE resources SET updated_at = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(Added::New(next))
}

/// Rewrites what is not versioned (the kind and the source stay).
pub async fn update_resource(
    conn: &mut Conn<'_>,
    id: ResourceId,
    values: &ResourceValues,
) -> DbResult<()> {
    let sql = "UPDATE resources SET group_name = $2, title = $3, summary = $4, audience = $5, \
               dated_on = $6, updated_at = $7 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(&values.group_name)
        .bind(&values.title)
        .bind(&values.summary)
        .bind(values.audience)
        .bind(values.dated_on)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Moves a resource one place up (`-1`) or down (`+1`) among its kind.
pub async fn move_resource(conn: &mut Conn<'_>, resource: &Resource, delta: i64) -> DbResult<()> {
    lock_edition(conn, resource.edition_id).await?;
    let sql = "SELECT id FROM resources WHERE edition_id = $1 AND kind = $2 ORDER BY position, id";
    let ids: Vec<ResourceId> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(resource.edition_id)
        .bind(resource.kind)
        .fetch_all(c)
        .await)?;
    let Some(i) = ids.iter().position(|id| *id == resource.id) else {
        return Ok(());
    };
    let j = i as i64 + delta;
    if j < 0 || j >= ids.len() as i64 {
        return Ok(());
    }
    let mut order = ids;
    order.swap(i, j as usize);
    for (position, id) in order.iter().enumerate() {
        let sql = "UPDATE resources SET position = $2 WHERE id = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .bind(position as i64 + 1)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// Counts one download of a version.
pub async fn count_download(conn: &mut Conn<'_>, version_id: i64) -> DbResult<()> {
    let sql = "UPDATE resource_versions SET downloads = downloads + 1 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(version_id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Carries an edition's kit over to its clone: each resource with its latest
/// version (files are shared, never copied), in the same order.
pub async fn clone_kit(conn: &mut Conn<'_>, from: EditionId, to: EditionId) -> DbResult<usize> {
    let resources = resources_of(conn, from).await?;
    for resource in &resources {
        let Some(latest) = version(conn, resource.id, resource.version).await? else {
            continue;
        };
        let sql = "INSERT INTO resources (edition_id, kind, group_name, position, title, summary, \
                   audience, dated_on, source_action_id, cloned_from, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
        let id: ResourceId = on_conn!(conn, |c| sqlx::query_scalar(sql)
            .bind(to)
            .bind(resource.kind)
            .bind(&resource.group_name)
            .bind(resource.position)
            .bind(&resource.title)
            .bind(&resource.summary)
            .bind(resource.audience)
            .bind(resource.dated_on)
            .bind(resource.source_action_id)
            .bind(resource.id)
            .bind(Utc::now())
            .fetch_one(c)
            .await)?;
        let content = Content {
            body: latest.body,
            file_key: latest.file_key,
            file_kind: latest.file_kind,
            file_name: latest.file_name,
            file_size: latest.file_size,
            content_hash: latest.content_hash,
        };
        insert_version(conn, id, 1, &content, None).await?;
    }
    Ok(resources.len())
}

/// A resource the académie removed: what its old addresses say.
#[derive(Clone, Debug, FromRow)]
pub struct Removed {
    pub edition_id: EditionId,
    pub title: String,
    pub audience: Audience,
    pub removed_at: DateTime<Utc>,
}

/// Removes a resource with every version (run in a write transaction):
/// keeps a tombstone (title, date) so its addresses answer 410, and returns
/// the stored files no other version (of this or a cloned edition's
/// resource) still names, for the caller to delete once committed.
pub async fn remove_resource(conn: &mut Conn<'_>, resource: &Resource) -> DbResult<Vec<String>> {
    let sql = "SELECT DISTINCT file_key FROM resource_versions \
               WHERE resource_id = $1 AND file_key IS NOT NULL";
    let keys: Vec<String> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(resource.id)
        .fetch_all(c)
        .await)?;
    let sql = "INSERT INTO resources_removed (resource_id, edition_id, title, audience, removed_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (resource_id) DO NOTHING";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(resource.id)
        .bind(resource.edition_id)
        .bind(&resource.title)
        .bind(resource.audience)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))?;
    let sql = "DELETE FROM resources WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(resource.id)
        .execute(c)
        .await
        .map(|_| ()))?;
    let mut orphans = Vec::new();
    for key in keys {
        let sql = "SELECT COUNT(*) FROM resource_versions WHERE file_key = $1";
        let left: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
            .bind(&key)
            .fetch_one(c)
            .await)?;
        if left == 0 {
            orphans.push(key);
        }
    }
    Ok(orphans)
}

/// The tombstone of a removed resource, if it was removed.
pub async fn removed(conn: &mut Conn<'_>, id: ResourceId) -> DbResult<Option<Removed>> {
    let sql = "SELECT edition_id, title, audience, removed_at FROM resources_removed \
               WHERE resource_id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}
