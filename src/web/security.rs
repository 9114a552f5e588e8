//! The security log: sign-ins, sign-outs, refused requests, role grants and
//! revocations, exports of personal data, rate limits met, forms kept after a
//! lost session. Each event says who (the account's id), what (its kind, the
//! request's method and path, a detail), when, and from where (the client's
//! address).
//!
//! Events go to the `security_events` table, shared by every instance of the
//! service, and to the `security` tracing target. Never a token: paths are
//! logged without their query string, details are written by us; every text
//! has its control characters escaped, so a newline typed by a visitor cannot
//! forge a line of the log.

use axum::{
    extract::{FromRequestParts, OriginalUri},
    http::{Method, request::Parts},
};
use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::client::Client;
use crate::{
    db::{Conn, Db, DbResult},
    domain::{
        Grant,
        ids::{GrantId, UserId},
    },
    on_conn,
};

/// How long security events are kept.
pub const RETENTION_DAYS: i64 = 365;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A session was opened (detail: how).
    SignIn,
    /// A login link was refused (used, expired or unknown).
    SignInRefused,
    /// A session was ended by its owner.
    SignOut,
    /// A login link was asked for (detail: the address, and whether it went).
    LinkRequested,
    /// A request went over a rate limit (detail: which).
    RateLimited,
    /// A 403: the person may not do this (detail: the reason shown).
    Forbidden,
    /// A 404 on an object route: absent, or outside the person's reach.
    NotFound,
    /// A form refused for its anti-forgery token.
    FormExpired,
    /// A role was granted (detail: to whom, which, where).
    RoleGranted,
    /// A role was revoked (detail: the grant's id and content).
    RoleRevoked,
    /// Personal data left the service as a file (detail: the file's name).
    Export,
    /// A form posted after its session ended was kept for its author.
    FormKept,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::SignIn => "sign_in",
            Kind::SignInRefused => "sign_in_refused",
            Kind::SignOut => "sign_out",
            Kind::LinkRequested => "link_requested",
            Kind::RateLimited => "rate_limited",
            Kind::Forbidden => "forbidden",
            Kind::NotFound => "not_found",
            Kind::FormExpired => "form_expired",
            Kind::RoleGranted => "role_granted",
            Kind::RoleRevoked => "role_revoked",
            Kind::Export => "export",
            Kind::FormKept => "form_kept",
        }
    }
}

/// A response extension marking a file sent as an attachment that is a
/// publication (a resource of the kit, open to its readers), not an export
/// of the service's data: it is not written to the security log, so an
/// anonymous visitor downloading a public poster costs no log row.
#[derive(Clone, Copy, Debug)]
pub struct Publication;

/// Where an event comes from: the request's client, method and path (never
/// its query string). An extractor; [`Origin::cli`] for command-line tools.
#[derive(Clone, Debug)]
pub struct Origin {
    pub client: String,
    pub method: String,
    pub path: String,
}

impl Origin {
    /// The origin of a request.
    pub fn of(client: &Client, method: &Method, path: &str) -> Origin {
        Origin {
            client: client.shown(),
            method: method.to_string(),
            path: path.to_string(),
        }
    }

    /// The origin of a command run on the server.
    pub fn cli(command: &str) -> Origin {
        Origin {
            client: "ligne de commande".into(),
            method: "CLI".into(),
            path: command.into(),
        }
    }

    /// An event of this origin.
    pub fn event(&self, kind: Kind, user: Option<UserId>, detail: impl Into<String>) -> Event {
        Event {
            kind,
            user,
            client: self.client.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            detail: detail.into(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let client = Client::from_request_parts(parts, state).await?;
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_string(), |u| u.path().to_string());
        Ok(Origin::of(&client, &parts.method, &path))
    }
}

/// What the log says of a grant: its id and content (holder, role, scope),
/// so that a revocation names what it took away.
pub fn grant_detail(
    grant_id: GrantId,
    holder_email: &str,
    holder_id: UserId,
    grant: &Grant,
) -> String {
    format!(
        "rôle n° {grant_id} : {} ({}) pour {holder_email} (compte {holder_id}), niveau {}:{}",
        grant.role.label(),
        grant.role.code(),
        grant.scope.kind().code(),
        grant.scope.id(),
    )
}

/// One event, before it is written.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: Kind,
    pub user: Option<UserId>,
    pub client: String,
    pub method: String,
    pub path: String,
    pub detail: String,
}

/// An event as stored.
#[derive(Clone, Debug, FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub user_id: Option<UserId>,
    pub client: String,
    pub method: String,
    pub path: String,
    pub detail: String,
}

/// `text` with its control characters escaped (`\n`, `\r`, `\t`, `\u{…}`)
/// and cut to `max` characters: one line of the log, whatever was typed.
pub fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for (count, c) in text.chars().enumerate() {
        if count >= max {
            out.push('…');
            break;
        }
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes the event to the `security` tracing target only; returns its
/// cleaned texts (client, method, path, detail).
pub fn trace(event: &Event) -> (String, String, String, String) {
    let (client, method, path, detail) = (
        clean(&event.client, 64),
        clean(&event.method, 16),
        clean(&event.path, 300),
        clean(&event.detail, 500),
    );
    tracing::info!(
        target: "security",
        kind = event.kind.code(),
        user = event.user.map(|u| u.0),
        client = %client,
        method = %method,
        path = %path,
        detail = %detail,
        "security event"
    );
    (client, method, path, detail)
}

/// Writes the event to the log table and to the `security` tracing target;
/// inside a transaction, it is written with what it tells.
pub async fn record(conn: &mut Conn<'_>, event: &Event) -> DbResult<()> {
    let (client, method, path, detail) = trace(event);
    let sql = "INSERT INTO security_events (at, kind, user_id, client, method, path, detail)
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(Utc::now())
        .bind(event.kind.code())
        .bind(event.user)
        .bind(&client)
        .bind(&method)
        .bind(&path)
        .bind(&detail)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Writes the event on a connection of its own. A failure is logged, not
/// returned: the request it describes goes on.
pub async fn record_now(db: &Db, event: &Event) {
    let written = match db.acquire().await {
        Ok(mut pooled) => record(&mut pooled.conn(), event).await,
        Err(err) => Err(err),
    };
    if let Err(err) = written {
        tracing::error!(target: "security", error = %format!("{err:#}"), kind = event.kind.code(), "security event not stored");
    }
}

/// The latest events, newest first.
pub async fn recent(conn: &mut Conn<'_>, limit: i64) -> DbResult<Vec<StoredEvent>> {
    let sql = "SELECT id, at, kind, user_id, client, method, path, detail
               FROM security_events ORDER BY id DESC LIMIT $1";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(limit).fetch_all(c).await)
}

/// Forgets events older than the retention period.
pub async fn purge(conn: &mut Conn<'_>) -> DbResult<()> {
    let before = Utc::now() - Duration::days(RETENTION_DAYS);
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM security_events WHERE at < $1"
    )
    .bind(before)
    .execute(c)
    .await
    .map(|_| ()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cleaned_text_is_one_line() {
        assert_eq!(super::clean("a\nb\r\tc\u{0}", 100), "a\\nb\\r\\tc\\0");
        assert_eq!(super::clean("abcdef", 3), "abc…");
        assert_eq!(super::clean("élève", 10), "élève");
    }
}
