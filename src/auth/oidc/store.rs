//! Sign-ins through the OpenID provider in the database: the sign-ins
//! under way (`oidc_logins`, taken once), the provider's subjects of our
//! accounts (`user_identities`), and the ID token a session keeps for the
//! provider's logout.

use chrono::{Duration, Utc};
use sqlx::FromRow;

use crate::{
    auth::store as accounts,
    db::{Conn, DbResult},
    domain::{Email, ids::UserId},
    on_conn,
};

/// A sign-in sent to the provider and not yet back.
#[derive(Clone, Debug, FromRow)]
pub struct PendingLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
}

/// Remembers a sign-in under way by the SHA-256 of its `state`, for `valid_for`.
pub async fn start_login(
    conn: &mut Conn<'_>,
    state_hash: &str,
    login: &PendingLogin,
    valid_for: Duration,
) -> DbResult<()> {
    let now = Utc::now();
    let sql = "INSERT INTO oidc_logins (state_hash, nonce, pkce_verifier, next_path, created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(state_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.next_path)
        .bind(now)
        .bind(now + valid_for)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Takes the sign-in of a `state` (by its SHA-256): it is deleted, so its
/// state and nonce serve once; `None` if unknown, already used or expired.
pub async fn take_login(conn: &mut Conn<'_>, state_hash: &str) -> DbResult<Option<PendingLogin>> {
    let sql = "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > $2
               RETURNING nonce, pkce_verifier, next_path";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(state_hash)
        .bind(Utc::now())
        .fetch_optional(c)
        .await)
}

/// The account of the provider's `subject`, else of `email` (which then gets
/// this subject), else a new account for `email` with no role. To be run in
/// a write transaction. Returns the account and how it was found.
pub async fn account_for(
    conn: &mut Conn<'_>,
    issuer: &str,
    subject: &str,
    email: &Email,
    display_name: &str,
) -> DbResult<(UserId, Matched)> {
    let now = Utc::now();
    let sql = "UPDATE user_identities SET last_login_at = $3 WHERE issuer = $1 AND subject = $2
               RETURNING user_id";
    let known: Option<UserId> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(issuer)
        .bind(subject)
        .bind(now)
        .fetch_optional(c)
        .await)?;
    if let Some(user_id) = known {
        return Ok((user_id, Matched::Subject));
    }
    let existing = accounts::user_by_email(conn, email).await?;
    let matched = if existing.is_some() {
        Matched::Email
    } else {
        Matched::Created
    };
    let user_id = match existing {
        Some(user) => user.id,
        None => accounts::ensure_user(conn, email, display_name).await?,
    };
    let sql = "INSERT INTO user_identities (issuer, subject, user_id, created_at, last_login_at)
               VALUES ($1, $2, $3, $4, $4)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok((user_id, matched))
}

/// How [`account_for`] found the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matched {
    /// The provider's subject was already known.
    Subject,
    /// An account with the same e-mail address got the subject.
    Email,
    /// A new account, with no role.
    Created,
}

impl Matched {
    /// For the security log.
    pub fn describe(self) -> &'static str {
        match self {
            Matched::Subject => "compte déjà rattaché",
            Matched::Email => "rattachée au compte de même adresse",
            Matched::Created => "compte créé, sans rôle",
        }
    }
}

/// Keeps the ID token of a session (by its hash) for the provider's logout.
pub async fn keep_id_token(
    conn: &mut Conn<'_>,
    session_hash: &str,
    id_token: &str,
) -> DbResult<()> {
    let sql = "UPDATE sessions SET id_token = $2 WHERE id_hash = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(session_hash)
        .bind(id_token)
        .execute(c)
        .await
        .map(|_| ()))
}

/// The ID token of a live session (by its hash), if it was opened through the provider.
pub async fn id_token_of(conn: &mut Conn<'_>, session_hash: &str) -> DbResult<Option<String>> {
    let sql = "SELECT id_token FROM sessions WHERE id_hash = $1 AND expires_at > $2";
    let found: Option<Option<String>> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(session_hash)
        .bind(Utc::now())
        .fetch_optional(c)
        .await)?;
    Ok(found.flatten())
}

/// Forgets sign-ins that never came back, and the ID tokens of sessions
/// that expired (an ended session's is cleared when it ends).
pub async fn purge(conn: &mut Conn<'_>) -> DbResult<()> {
    let now = Utc::now();
    let sql = "DELETE FROM oidc_logins WHERE expires_at < $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    let sql = "UPDATE sessions SET id_token = NULL WHERE expires_at < $1 AND id_token IS NOT NULL";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
}
