//! « Mes rendez-vous »: the person's sessions, and their personal iCalendar
//! feed (`/agenda/{secret}/rendez-vous.ics`), which calendar applications
//! read without a session. The secret is shown once, when made; only its
//! hash is kept, and making a new one ends the old address.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{mail, store};
use crate::{
    domain::meeting::{self, CalendarMethod},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, PageCtx, extract::Path, render,
        tokens,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agenda", get(page))
        .route("/agenda/lien", post(new_feed))
        .route("/agenda/{token}/rendez-vous.ics", get(feed))
}

/// One of the person's sessions.
struct Line {
    topic: String,
    when: String,
    seat: &'static str,
    href: String,
}

#[derive(Template)]
#[template(path = "meetings/agenda.html")]
struct AgendaPage {
    ctx: PageCtx,
    sessions: Vec<Line>,
    has_feed: bool,
    /// The feed's address, right after it was made (never shown again).
    new_feed: Option<String>,
}

async fn agenda(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    new_feed: Option<String>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let sessions = store::sessions_of_user(conn, user.id)
        .await?
        .into_iter()
        .map(|s| Line {
            when: meeting::format_long(s.starts_at),
            seat: s.seat.label(),
            href: format!("/editions/{}/rendez-vous#rdv-{}", s.edition_id, s.id),
            topic: s.topic,
        })
        .collect();
    render(AgendaPage {
        ctx: ctx.title("Mes rendez-vous").here(),
        sessions,
        has_feed: store::has_feed(conn, user.id).await?,
        new_feed,
    })
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
) -> AppResult<Response> {
    agenda(&state, &user, ctx, None).await
}

#[derive(Debug, Default, Deserialize)]
struct Empty {}

/// Makes a new feed address (the old one stops working) and shows it once.
async fn new_feed(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let token = tokens::random_token();
    {
        let mut db = state.db.acquire().await?;
        store::replace_feed(&mut db.conn(), user.id, &tokens::hash(&token)).await?;
    }
    let address = format!("{}/agenda/{token}/rendez-vous.ics", state.config.base_url());
    agenda(&state, &user, ctx, Some(address)).await
}

/// The feed: the person's sessions (registered or waiting), no session
/// cookie needed, nothing but the secret in the address.
async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let owner = store::feed_owner(conn, &tokens::hash(&token))
        .await?
        .ok_or(AppError::NotFound)?;
    let person = crate::auth::store::user_by_id(conn, owner)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut events = Vec::new();
    for session in store::sessions_of_user(conn, owner).await? {
        if let Some(found) = store::meeting_by_id(conn, session.id).await? {
            let mut event = mail::event(&state.config, &found, Some(&person.email));
            if session.seat == crate::domain::meeting::Seat::Waiting {
                event.summary = format!("(liste d’attente) {}", event.summary);
            }
            events.push(event);
        }
    }
    let text = meeting::calendar(
        "Mes rendez-vous de la persévérance",
        CalendarMethod::Publish,
        &events,
        Utc::now(),
    );
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"rendez-vous.ics\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
