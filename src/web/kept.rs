//! Nothing typed is lost when a session ends: forms kept for their author.
//!
//! When a form is refused because its author's session ended while they
//! typed (signed out in another tab, idle or too old: 401), or because its
//! anti-forgery token went stale (a restored tab: 403 « Formulaire
//! expiré »), the middleware keeps what was posted, for the form's path and
//! for its author only: the person whose session the form's token was given
//! to (see `session::author_of_token`; a token nobody was given keeps
//! nothing, so a forged post cannot slip text into someone's list). After
//! signing in again, the author is shown « Votre saisie a été conservée »
//! with the fields and a button that resends them with a fresh token; the
//! 403 page offers the same button right away when the author is the person
//! signed in. A kept form is forgotten once resent and answered, when
//! abandoned, or after [`KEEP_HOURS`]; one form per author and path (the
//! latest).

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use sqlx::FromRow;

use super::{
    AppError, AppResult, AppState, CsrfForm, CurrentUser, PageCtx, csrf, redirect, render,
    security, session,
};
use crate::{
    db::{Conn, DbResult},
    domain::ids::UserId,
    on_conn,
};

/// How long a kept form waits for its author.
pub const KEEP_HOURS: i64 = 24;

/// The hidden field of a resent form: which kept form it resends. The
/// middleware takes it out before the handler reads the form.
pub const RESEND_FIELD: &str = "saisie_conservee";

/// The page that lists a person's kept forms.
pub const PAGE: &str = "/saisies-conservees";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/saisies-conservees", get(list_page))
        .route("/saisies-conservees/{id}/abandonner", post(abandon))
}

/// A kept form, as stored.
#[derive(Clone, Debug, FromRow)]
pub struct KeptForm {
    pub id: i64,
    pub user_id: UserId,
    pub path: String,
    /// The form as posted (URL-encoded), without its token.
    pub fields: String,
    pub created_at: DateTime<Utc>,
}

/// A kept form, as pages show it.
#[derive(Clone, Debug)]
pub struct KeptView {
    pub id: i64,
    /// Where the form is sent again.
    pub path: String,
    /// When it was sent, Paris time.
    pub when: String,
    /// Every field, to resend as it was.
    pub fields: Vec<(String, String)>,
}

impl KeptView {
    /// The fields that hold something, to show.
    pub fn filled(&self) -> Vec<&(String, String)> {
        self.fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect()
    }
}

impl KeptForm {
    pub fn view(&self) -> KeptView {
        KeptView {
            id: self.id,
            path: redirect::local_target(&self.path).unwrap_or_else(|| "/".into()),
            when: crate::domain::edition::format_paris(self.created_at),
            fields: serde_urlencoded::from_str(&self.fields).unwrap_or_default(),
        }
    }
}

/// Keeps (or replaces) the person's form for `path`; returns its id.
pub async fn keep(conn: &mut Conn<'_>, user_id: UserId, path: &str, fields: &str) -> DbResult<i64> {
    let now = Utc::now();
    let sql = "INSERT INTO kept_forms (user_id, path, fields, created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (user_id, path) DO UPDATE
               SET fields = excluded.fields, created_at = excluded.created_at,
                   expires_at = excluded.expires_at
               RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(path)
        .bind(fields)
        .bind(now)
        .bind(now + Duration::hours(KEEP_HOURS))
        .fetch_one(c)
        .await)
}

/// The person's kept forms still waiting, newest first.
pub async fn kept_for(conn: &mut Conn<'_>, user_id: UserId) -> DbResult<Vec<KeptForm>> {
    let sql = "SELECT id, user_id, path, fields, created_at FROM kept_forms
               WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(user_id)
        .bind(Utc::now())
        .fetch_all(c)
        .await)
}

/// One of the person's kept forms (never someone else's).
pub async fn kept_by_id(
    conn: &mut Conn<'_>,
    id: i64,
    user_id: UserId,
) -> DbResult<Option<KeptForm>> {
    let sql = "SELECT id, user_id, path, fields, created_at FROM kept_forms
               WHERE id = $1 AND user_id = $2 AND expires_at > $3";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .bind(user_id)
        .bind(Utc::now())
        .fetch_optional(c)
        .await)
}

/// Forgets one of the person's kept forms.
pub async fn forget(conn: &mut Conn<'_>, id: i64, user_id: UserId) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM kept_forms WHERE id = $1 AND user_id = $2"
    )
    .bind(id)
    .bind(user_id)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Forgets the kept forms nobody came back for.
pub async fn purge(conn: &mut Conn<'_>) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM kept_forms WHERE expires_at < $1"
    )
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|_| ()))
}

/// Whether a form posted to `path` may be kept: never the sign-in and
/// sign-out forms (they carry login tokens, and hold nothing typed at length).
fn keepable(path: &str) -> bool {
    !(path.starts_with("/connexion") || path.starts_with("/deconnexion") || path.starts_with(PAGE))
}

/// The fields of a posted body, without its token and the resend marker.
fn fields_of(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != csrf::FIELD && k != RESEND_FIELD)
        .collect()
}

/// Takes the resend marker out of a posted body: the body the handler
/// reads, and the kept form it resends (if it is a resend).
pub fn take_marker(body: Bytes) -> (Bytes, Option<i64>) {
    let marker = format!("{RESEND_FIELD}=");
    if !body.windows(marker.len()).any(|w| w == marker.as_bytes()) {
        return (body, None);
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let id = pairs
        .iter()
        .find(|(k, _)| k == RESEND_FIELD)
        .and_then(|(_, v)| v.parse().ok());
    let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != RESEND_FIELD).collect();
    match serde_urlencoded::to_string(rest) {
        Ok(text) => (Bytes::from(text), id),
        Err(_) => (body, id),
    }
}

/// A refused form that was kept: for whom, under which id.
#[derive(Clone, Copy, Debug)]
pub struct Kept {
    pub id: i64,
    pub author: UserId,
}

/// Keeps a refused form for its author, if the service can tell who that
/// is and there is something to keep. Logged in the security log.
pub async fn keep_refused(
    state: &AppState,
    origin: &security::Origin,
    path: &str,
    body: &[u8],
) -> AppResult<Option<Kept>> {
    if !keepable(path) {
        return Ok(None);
    }
    let Some(token) = csrf::posted_token(body) else {
        return Ok(None);
    };
    let fields = fields_of(body);
    if fields.iter().all(|(_, v)| v.trim().is_empty()) {
        return Ok(None);
    }
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let Some(author) = session::author_of_token(conn, &token).await? else {
        return Ok(None);
    };
    let text = serde_urlencoded::to_string(&fields).map_err(anyhow::Error::from)?;
    let id = keep(conn, author, path, &text).await?;
    let event = origin.event(
        security::Kind::FormKept,
        Some(author),
        format!("formulaire conservé n° {id}"),
    );
    security::record(conn, &event).await?;
    Ok(Some(Kept { id, author }))
}

/// After a resend was answered (not refused again): forgets the kept form,
/// for the person whose token the resend carried.
pub async fn resent(state: &AppState, id: i64, body: &[u8]) -> AppResult<()> {
    let Some(token) = csrf::posted_token(body) else {
        return Ok(());
    };
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if let Some(author) = session::author_of_token(conn, &token).await? {
        forget(conn, id, author).await?;
    }
    Ok(())
}

/// « Votre saisie a été conservée »: the person's kept forms, each with a
/// button to resend it.
#[derive(Template)]
#[template(path = "auth/kept.html")]
struct KeptPage {
    ctx: PageCtx,
    forms: Vec<KeptView>,
    /// Where to go on without resending.
    next: String,
    keep_hours: i64,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    suite: String,
}

async fn list_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let forms = kept_for(&mut db.conn(), user.id).await?;
    render(KeptPage {
        ctx: ctx.title("Votre saisie a été conservée").here(),
        forms: forms.iter().map(KeptForm::view).collect(),
        next: redirect::after_sign_in(&q.suite),
        keep_hours: KEEP_HOURS,
    })
}

#[derive(Deserialize)]
struct Empty {}

async fn abandon(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    kept_by_id(conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    forget(conn, id, user.id).await?;
    Ok(redirect::see_other(PAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_is_taken_out_and_the_token_never_kept() {
        let (body, id) = take_marker(Bytes::from_static(
            b"csrf=t&title=Forum&saisie_conservee=7&audiences=eleves&audiences=parents",
        ));
        assert_eq!(id, Some(7));
        assert_eq!(
            &body[..],
            b"csrf=t&title=Forum&audiences=eleves&audiences=parents"
        );
        let (same, none) = take_marker(Bytes::from_static(b"csrf=t&title=x"));
        assert_eq!((&same[..], none), (&b"csrf=t&title=x"[..], None));
        assert_eq!(
            fields_of(b"csrf=t&title=Forum+des+anciens&saisie_conservee=7"),
            vec![("title".to_string(), "Forum des anciens".to_string())]
        );
        assert!(!keepable("/connexion/lien"));
        assert!(keepable("/actions/3/modifier"));
    }
}
