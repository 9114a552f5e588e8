//! Accounts, role grants, login links and sessions in the database.

use crate::domain::ids::{DistrictId, GrantId, UserId};
use chrono::{Duration, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{Email, Grant, Role, Scope, ScopeKind},
    on_conn,
    web::{csrf, tokens},
};

pub use crate::web::session::{
    GrantRow, User, author_of_token, grant_by_id, grants_of, session_user,
};

pub async fn user_by_email(conn: &mut Conn<'_>, email: &Email) -> DbResult<Option<User>> {
    let sql = "SELECT id, email, display_name FROM users WHERE email = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(email.as_str())
        .fetch_optional(c)
        .await)
}

pub async fn user_by_id(conn: &mut Conn<'_>, id: UserId) -> DbResult<Option<User>> {
    let sql = "SELECT id, email, display_name FROM users WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Returns the account of `email`, creating it if needed.
pub async fn ensure_user(
    conn: &mut Conn<'_>,
    email: &Email,
    display_name: &str,
) -> DbResult<UserId> {
    let sql = "INSERT INTO users (email, display_name, created_at) VALUES ($1, $2, $3)
               ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(email.as_str())
        .bind(display_name)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

/// Grants a role (no-op if already held). Returns whether it was new.
pub async fn add_grant(
    conn: &mut Conn<'_>,
    user_id: UserId,
    grant: Grant,
    by: Option<UserId>,
) -> DbResult<bool> {
    Ok(insert_grant(conn, user_id, grant, by).await?.is_some())
}

/// Grants a role (no-op if already held). Returns the new grant's id, or
/// `None` if the person already held it. Grant ids are never reused (the
/// security log names them).
pub async fn insert_grant(
    conn: &mut Conn<'_>,
    user_id: UserId,
    grant: Grant,
    by: Option<UserId>,
) -> DbResult<Option<GrantId>> {
    let sql =
        "INSERT INTO role_grants (user_id, role, scope_kind, scope_id, granted_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(grant.role.code())
        .bind(grant.scope.kind().code())
        .bind(grant.scope.id())
        .bind(by)
        .bind(Utc::now())
        .fetch_optional(c)
        .await)
}

pub async fn remove_grant(conn: &mut Conn<'_>, grant_id: GrantId) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM role_grants WHERE id = $1"
    )
    .bind(grant_id)
    .execute(c)
    .await
    .map(|_| ()))
}

/// A grant listed with its holder, the name of its scope and a link to it.
#[derive(Clone, Debug, FromRow)]
pub struct GrantListing {
    pub id: GrantId,
    pub email: String,
    pub role: Role,
    pub scope_kind: ScopeKind,
    pub scope_name: String,
    pub scope_href: String,
}

impl GrantListing {
    pub fn role_label(&self) -> &'static str {
        self.role.label()
    }
}

/// Which grants to list.
#[derive(Clone, Copy, Debug)]
pub enum GrantQuery {
    /// Every grant whose scope lies within this scope.
    Within(Scope),
    /// The grants of one person.
    OfUser(UserId),
}

pub async fn list_grants(
    conn: &mut Conn<'_>,
    query: GrantQuery,
    limit: i64,
) -> DbResult<Vec<GrantListing>> {
    let (filter, id) = match query {
        GrantQuery::Within(Scope::Platform) => ("gp.academy_id >= 0 OR gp.academy_id = ", 0),
        GrantQuery::Within(Scope::Academy(id)) => ("gp.academy_id = ", id.0),
        GrantQuery::Within(Scope::Department(id)) => ("gp.department_id = ", id.0),
        GrantQuery::Within(Scope::District(id)) => ("gp.district_id = ", id.0),
        GrantQuery::Within(Scope::School(id)) => ("gp.school_id = ", id.0),
        GrantQuery::OfUser(id) => ("gp.user_id = ", id.0),
    };
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT gp.id, u.email, gp.role, gp.scope_kind,
                COALESCE(sc.name || ' (' || sc.uai || ')', di.name, dp.name || ' (' || dp.code || ')',
                         'Académie de ' || a.name, 'Plateforme') AS scope_name,
                COALESCE('/etablissements/' || sc.uai, '/districts/' || CAST(di.id AS TEXT),
                         '/a/' || ad.slug || '/etablissements?departement=' || CAST(dp.id AS TEXT),
                         '/a/' || a.slug, '/admin/academies') AS scope_href
             FROM grant_placements gp
             JOIN users u ON u.id = gp.user_id
             LEFT JOIN schools sc ON gp.scope_kind = 'school' AND sc.id = gp.scope_id
             LEFT JOIN districts di ON gp.scope_kind = 'district' AND di.id = gp.scope_id
             LEFT JOIN departments dp ON gp.scope_kind = 'department' AND dp.id = gp.scope_id
             LEFT JOIN academies ad ON ad.id = dp.academy_id
             LEFT JOIN academies a ON gp.scope_kind = 'academy' AND a.id = gp.scope_id
             WHERE ",
        );
        q.push_sql(filter)
            .bind_i64(id)
            .push_sql(" ORDER BY scope_name, u.email, gp.role LIMIT ")
            .bind_i64(limit);
        q.build_query_as().fetch_all(c).await
    })
}

/// Stores a login link's hash; the link is valid for `valid_for`.
pub async fn create_login_token(
    conn: &mut Conn<'_>,
    user_id: UserId,
    token_hash: &str,
    valid_for: Duration,
) -> DbResult<()> {
    let now = Utc::now();
    let sql = "INSERT INTO login_tokens (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(token_hash)
        .bind(user_id)
        .bind(now + valid_for)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Whether a login link is still usable (without using it).
pub async fn login_token_is_valid(conn: &mut Conn<'_>, token_hash: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM login_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    let count: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(token_hash)
        .bind(Utc::now())
        .fetch_one(c)
        .await)?;
    Ok(count > 0)
}

/// Uses a login link once: returns its user if it was valid, unused and fresh.
pub async fn consume_login_token(
    conn: &mut Conn<'_>,
    token_hash: &str,
) -> DbResult<Option<UserId>> {
    let now = Utc::now();
    let sql = "UPDATE login_tokens SET used_at = $2
               WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(c)
        .await)
}

/// How long an ended or expired session is remembered (hashes and owner
/// only; it never opens anything again): a form posted from one of its tabs
/// within that time is kept for its author (see `web::kept`).
pub const ENDED_SESSION_DAYS: i64 = 7;

/// Opens a session and records the sign-in: two writes, to be run in a write
/// transaction. The session is stored by the SHA-256 of its id, and of its
/// anti-forgery token (to recognise that token later, see
/// `session::author_of_token`); the caller keeps `token` for the cookie.
pub async fn start_session(
    conn: &mut Conn<'_>,
    user_id: UserId,
    token: &str,
    valid_for: Duration,
) -> DbResult<()> {
    let csrf_hash = tokens::hash(&csrf::for_session(token));
    insert_session(
        conn,
        user_id,
        &tokens::hash(token),
        Some(&csrf_hash),
        valid_for,
    )
    .await
}

/// Opens a session known by its hash only (tools and tests that write the
/// cookie themselves): its forms cannot be kept after it ends.
pub async fn create_session(
    conn: &mut Conn<'_>,
    user_id: UserId,
    session_hash: &str,
    valid_for: Duration,
) -> DbResult<()> {
    insert_session(conn, user_id, session_hash, None, valid_for).await
}

async fn insert_session(
    conn: &mut Conn<'_>,
    user_id: UserId,
    session_hash: &str,
    csrf_hash: Option<&str>,
    valid_for: Duration,
) -> DbResult<()> {
    let now = Utc::now();
    let sql = "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, csrf_hash)
               VALUES ($1, $2, $3, $4, $5)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(session_hash)
        .bind(user_id)
        .bind(now)
        .bind(now + valid_for)
        .bind(csrf_hash)
        .execute(c)
        .await
        .map(|_| ()))?;
    let sql = "UPDATE users SET last_login_at = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(user_id)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Ends a session now (sign-out): it never opens anything again; the row is
/// remembered [`ENDED_SESSION_DAYS`], then purged. Returns its owner.
pub async fn end_session(conn: &mut Conn<'_>, session_hash: &str) -> DbResult<Option<UserId>> {
    let now = Utc::now();
    let sql = "UPDATE sessions SET expires_at = $2, id_token = NULL WHERE id_hash = $1 AND expires_at > $2
               RETURNING user_id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(session_hash)
        .bind(now)
        .fetch_optional(c)
        .await)
}

/// Purges what has outlived its use (run by the worker every hour): sessions
/// ended more than [`ENDED_SESSION_DAYS`] ago, login links a week after they
/// expired, OpenID sign-ins that never came back, kept forms past their time, rate-limit counters of past windows,
/// security events past their retention.
pub async fn purge_expired(conn: &mut Conn<'_>) -> DbResult<()> {
    let now = Utc::now();
    let ended = now - Duration::days(ENDED_SESSION_DAYS);
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at < $1"
    )
    .bind(ended)
    .execute(c)
    .await
    .map(|_| ()))?;
    let old = now - Duration::days(7);
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM login_tokens WHERE expires_at < $1"
    )
    .bind(old)
    .execute(c)
    .await
    .map(|_| ()))?;
    crate::auth::oidc::store::purge(conn).await?;
    crate::web::kept::purge(conn).await?;
    crate::web::limits::purge(conn).await?;
    crate::web::security::purge(conn).await
}

/// The addresses of a district's coordinators, for its page.
pub async fn district_coordinators(
    conn: &mut Conn<'_>,
    district_id: DistrictId,
) -> DbResult<Vec<String>> {
    let sql = "SELECT u.email FROM role_grants g JOIN users u ON u.id = g.user_id
               WHERE g.role = 'district_coordinator' AND g.scope_kind = 'district' AND g.scope_id = $1
               ORDER BY u.email";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(district_id)
        .fetch_all(c)
        .await)
}
