//! One answer per form sent (issue 7 item 5: a double click does one thing).
//!
//! Every creating or state-changing form carries a fresh random token in a
//! hidden `once` field (`{{ ctx.form_token() }}`). The handler claims the
//! token in the transaction that does the work, and records where the work
//! led before committing. A second request with the same token waits for
//! the first one's transaction (the primary key holds it on PostgreSQL; the
//! write lock on SQLite), finds the token taken, changes nothing, and sends
//! the person where the first request did, saying that the form had already
//! been sent. Nothing lives in memory: it holds across instances.
//!
//! A request without a token (an old page, a script) works as before,
//! without that protection.

use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::{AppError, AppResult, notice};
use crate::{db::Conn, domain::UserId, on_conn};

/// The name of the hidden field.
pub const FIELD: &str = "once";

/// How long a token is remembered: far longer than any double click or
/// resent page, short enough to keep the table small.
const KEPT: Duration = Duration::days(1);

/// The token of one form as sent (empty when the page had none).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct OnceToken(String);

impl From<String> for OnceToken {
    fn from(token: String) -> OnceToken {
        OnceToken(token)
    }
}

impl OnceToken {
    /// The token of a form read as pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> OnceToken {
        pairs
            .iter()
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| OnceToken(v.clone()))
            .unwrap_or_default()
    }

    /// A token we could have issued (43 URL-safe characters); anything else
    /// is ignored, as if the page had none.
    fn usable(&self) -> Option<&str> {
        let t = self.0.as_str();
        (t.len() == 43
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then_some(t)
    }

    /// Claims the token for `user` on `conn`, which must be the write
    /// transaction that then does the work. `None`: go ahead. `Some`: the
    /// form was already sent; answer this (a redirect to where the first
    /// request led), and do nothing.
    pub async fn claim(&self, conn: &mut Conn<'_>, user: UserId) -> AppResult<Option<Response>> {
        let Some(token) = self.usable() else {
            return Ok(None);
        };
        let now = Utc::now();
        let sql = "DELETE FROM form_submissions WHERE created_at < $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(now - KEPT)
            .execute(c)
            .await
            .map(|_| ()))?;
        let sql = "INSERT INTO form_submissions (token, user_id, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (token) DO NOTHING";
        let inserted = on_conn!(conn, |c| sqlx::query(sql)
            .bind(token)
            .bind(user)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(None);
        }
        let sql = "SELECT user_id, location FROM form_submissions WHERE token = $1";
        let first: Option<(UserId, String)> = on_conn!(conn, |c| sqlx::query_as(sql)
            .bind(token)
            .fetch_optional(c)
            .await)?;
        match first {
            Some((owner, location)) if owner == user => {
                let location = if location.is_empty() {
                    "/mon-espace".to_string()
                } else {
                    location
                };
                Ok(Some(
                    Redirect::to(&notice::repeated(&location)).into_response(),
                ))
            }
            _ => Err(AppError::BadRequest(
                "Ce formulaire a été envoyé depuis un autre compte : rechargez la page et recommencez."
                    .into(),
            )),
        }
    }

    /// Records where the work led (the address the first answer redirects
    /// to), in the same transaction as [`OnceToken::claim`].
    pub async fn record(&self, conn: &mut Conn<'_>, location: &str) -> AppResult<()> {
        let Some(token) = self.usable() else {
            return Ok(());
        };
        let sql = "UPDATE form_submissions SET location = $2 WHERE token = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(token)
            .bind(location)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

/// A fresh token for a form.
pub fn fresh() -> String {
    super::tokens::random_token()
}

/// What a guarded piece of work decided.
pub enum Step<T> {
    /// Keep what was written: commit, and remember `location` as where a
    /// repeat of this form is sent.
    Commit(String, T),
    /// Write nothing: roll back (the token stays unused, so the person can
    /// correct and resend).
    Abort(T),
}

/// What [`guard`] did.
pub enum Ran<T> {
    /// The form had already been sent: answer this, nothing was done.
    Repeat(Response),
    /// The work ran (committed or rolled back, as it asked).
    Did(T),
}

/// Runs `work` in one write transaction guarded by `token`: the token is
/// claimed first and recorded with the work's address, committed together.
/// A form sent twice runs `work` once.
pub async fn guard<T>(
    db: &crate::db::Db,
    token: &OnceToken,
    user: UserId,
    work: impl AsyncFnOnce(&mut Conn<'_>) -> AppResult<Step<T>>,
) -> AppResult<Ran<T>> {
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    if let Some(answer) = token.claim(conn, user).await? {
        return Ok(Ran::Repeat(answer));
    }
    match work(conn).await? {
        Step::Commit(location, value) => {
            token.record(conn, &location).await?;
            tx.commit().await?;
            Ok(Ran::Did(value))
        }
        Step::Abort(value) => Ok(Ran::Did(value)),
    }
}

/// [`guard`] for the usual case: `work` writes and returns the address to
/// send the person to (303); a repeat is sent there too, marked as such.
pub async fn run(
    db: &crate::db::Db,
    token: &OnceToken,
    user: UserId,
    work: impl AsyncFnOnce(&mut Conn<'_>) -> AppResult<String>,
) -> AppResult<Response> {
    let ran = guard(db, token, user, async |conn| {
        let location = work(conn).await?;
        Ok(Step::Commit(location.clone(), location))
    })
    .await?;
    Ok(match ran {
        Ran::Repeat(answer) => answer,
        Ran::Did(location) => Redirect::to(&location).into_response(),
    })
}
