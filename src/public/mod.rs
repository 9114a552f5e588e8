//! The académie's public edition page: what anyone may read without an
//! account (issue 10): theme, week, circular, contact, the rendez-vous
//! (without their visio link), the public part of the kit. Issue 8
//! (publication) adds the agenda of published actions (agenda.rs), each
//! action's public page and `.ics`, the feeds (feeds.rs), the reuse
//! catalogue (catalogue.rs) and the coordinators' unpublishing
//! (manage.rs); what is published is decided once, in store.rs.
//!
//! An edition in preparation is not public (404), like everything the
//! policy keeps private (issue 7 item 16).

pub mod agenda;
pub mod cache;
pub mod catalogue;
pub mod feeds;
pub mod manage;
pub mod map;
pub mod outline;
pub mod snapshot;
pub mod store;
pub mod view;

use askama::Template;
use axum::{Router, extract::State, response::Response, routing::get};
use chrono::Utc;

use crate::{
    domain::edition::EditionState,
    editions::{EditionView, markdown, store as editions_store},
    map::store::{self as map_store, Academy},
    meetings::{SessionView, store as meetings_store},
    web::{AppError, AppResult, AppState, PageCtx, extract::Path, render},
};

/// The public pages: the edition page, then the cached ones (agenda,
/// feeds, action pages, catalogue), then the coordinators' forms.
pub fn router(state: AppState) -> Router<AppState> {
    let cached = Router::new()
        .route("/a/{slug}/agenda", get(agenda::agenda))
        .route("/a/{slug}/carte", get(map::map_page))
        .route("/a/{slug}/carte.geojson", get(map::map_geojson))
        .route("/a/{slug}/districts/{id}/carte", get(map::district_map))
        .route("/a/{slug}/agenda.atom", get(feeds::atom))
        .route("/a/{slug}/agenda.ics", get(feeds::ics))
        .route(
            "/a/{slug}/districts/{id}/agenda.atom",
            get(feeds::district_atom),
        )
        .route(
            "/a/{slug}/districts/{id}/agenda.ics",
            get(feeds::district_ics),
        )
        .route("/a/{slug}/actions/{id}", get(agenda::action_page))
        .route("/a/{slug}/actions/{id}/agenda.ics", get(agenda::action_ics))
        .route("/a/{slug}/mutualisation", get(catalogue::catalogue))
        .route("/a/{slug}/mutualisation/{id}", get(catalogue::sheet))
        .route_layer(axum::middleware::from_fn_with_state(state, cache::serve));
    Router::new()
        .route("/a/{slug}/editions/{year}", get(edition_page))
        .merge(cached)
        .route(
            "/actions/{id}/publication",
            axum::routing::post(manage::publication),
        )
        .route(
            "/actions/{id}/mutualisation",
            axum::routing::post(catalogue::rank),
        )
}

/// The public page of an edition.
#[derive(Template)]
#[template(path = "public/edition.html")]
struct EditionPage {
    ctx: PageCtx,
    academy: Academy,
    edition: EditionView,
    circular_html: String,
    /// The sessions, as an anonymous visitor sees them (no seat, no link).
    sessions: Vec<SessionView>,
    /// The public part of the kit.
    kit: Vec<crate::resources::ResourceView>,
    /// Whether the totem gallery has a published photo (issue 9).
    has_gallery: bool,
    /// The districts with a published programme: (id, name).
    programmes: Vec<(crate::domain::DistrictId, String)>,
}

async fn edition_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, year)): Path<(String, i64)>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = map_store::academy_by_slug(conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = editions_store::edition_of_year(conn, academy.id, year)
        .await?
        .filter(|e| e.stored_state() != EditionState::Draft)
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let sessions = meetings_store::meetings_of(conn, edition.id)
        .await?
        .iter()
        .map(|m| SessionView::new(m, None, now))
        .collect();
    let kit = crate::resources::public_kit(conn, edition.id).await?;
    let has_gallery = !crate::totem::store::gallery_media(conn, edition.id)
        .await?
        .is_empty();
    let programmes = crate::programmes::store::published_districts(conn, edition.id).await?;
    let view = EditionView::new(&edition, now);
    render(EditionPage {
        ctx: ctx
            .academy(academy.name.clone())
            .title(format!("{} — académie de {}", view.title, academy.name))
            .here(),
        circular_html: markdown::to_safe_html(&edition.circular),
        edition: view,
        academy,
        sessions,
        kit,
        has_gallery,
        programmes,
    })
}
