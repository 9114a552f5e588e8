//! The agenda as feeds: Atom and iCalendar, per académie and per district
//! (the académie's latest published edition; at most [`FEED_SIZE`] actions,
//! by date). The same published condition as every public page.

use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};

use super::{
    agenda::{academy, published_editions},
    store::{self, AgendaFilter},
    view::ActionView,
};
use crate::{
    domain::{
        ids::DistrictId,
        meeting::{CalendarMethod, calendar},
    },
    map::store::{self as map_store, Academy},
    web::{AppError, AppResult, AppState, extract::Path},
};

/// Most actions in a feed.
pub const FEED_SIZE: i64 = 500;

/// An Atom feed of published actions.
#[derive(Template)]
#[template(path = "public/agenda.atom.xml")]
struct AtomFeed {
    title: String,
    self_url: String,
    page_url: String,
    id: String,
    updated: String,
    base: String,
    entries: Vec<ActionView>,
}

impl AtomFeed {
    fn updated_of(&self, a: &ActionView) -> String {
        a.a.updated_at.to_rfc3339()
    }
}

struct Feed {
    academy: Academy,
    district: Option<String>,
    actions: Vec<ActionView>,
    contact: String,
}

async fn feed(state: &AppState, slug: &str, district: Option<DistrictId>) -> AppResult<Feed> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, slug).await?;
    let district_name = match district {
        Some(id) => {
            let d = map_store::district_by_id(conn, id)
                .await?
                .ok_or(AppError::NotFound)?;
            if d.academy_id != academy.id {
                return Err(AppError::NotFound);
            }
            Some(d.name)
        }
        None => None,
    };
    let editions = published_editions(conn, &academy).await?;
    let Some(edition) = editions.first() else {
        return Ok(Feed {
            academy,
            district: district_name,
            actions: vec![],
            contact: String::new(),
        });
    };
    let filter = AgendaFilter {
        edition: Some(edition.id),
        district,
        ..Default::default()
    };
    let rows = store::page_of(conn, academy.id, &filter, 1, FEED_SIZE).await?;
    let actions = rows
        .into_iter()
        .map(|a| ActionView::new(a, &academy.slug))
        .collect();
    Ok(Feed {
        academy,
        district: district_name,
        actions,
        contact: edition.contact_email.clone(),
    })
}

fn feed_title(f: &Feed) -> String {
    match &f.district {
        Some(d) => format!(
            "Agenda de la persévérance — district {d} (académie de {})",
            f.academy.name
        ),
        None => format!("Agenda de la persévérance — académie de {}", f.academy.name),
    }
}

fn atom_response(state: &AppState, f: Feed, path: String) -> AppResult<Response> {
    let base = state.config.base_url();
    let updated: DateTime<Utc> = f
        .actions
        .iter()
        .map(|a| a.a.updated_at)
        .max()
        .unwrap_or_else(|| DateTime::from_timestamp(0, 0).unwrap_or_default());
    let page_url = format!("{base}/a/{}/agenda", f.academy.slug);
    let body = AtomFeed {
        title: feed_title(&f),
        self_url: format!("{base}{path}"),
        id: format!("{base}{path}"),
        page_url,
        updated: updated.to_rfc3339(),
        base,
        entries: f.actions,
    }
    .render()?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

fn ics_response(state: &AppState, f: Feed) -> AppResult<Response> {
    let base = state.config.base_url();
    let events: Vec<_> = f
        .actions
        .iter()
        .filter_map(|a| a.calendar_event(&base, &f.contact))
        .collect();
    let text = calendar(
        &feed_title(&f),
        CalendarMethod::Publish,
        &events,
        Utc::now(),
    );
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        text,
    )
        .into_response())
}

/// `GET /a/{slug}/agenda.atom`
pub async fn atom(State(state): State<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let f = feed(&state, &slug, None).await?;
    let path = format!("/a/{}/agenda.atom", f.academy.slug);
    atom_response(&state, f, path)
}

/// `GET /a/{slug}/agenda.ics`
pub async fn ics(State(state): State<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let f = feed(&state, &slug, None).await?;
    ics_response(&state, f)
}

/// `GET /a/{slug}/districts/{id}/agenda.atom`
pub async fn district_atom(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DistrictId)>,
) -> AppResult<Response> {
    let f = feed(&state, &slug, Some(id)).await?;
    let path = format!("/a/{}/districts/{}/agenda.atom", f.academy.slug, id);
    atom_response(&state, f, path)
}

/// `GET /a/{slug}/districts/{id}/agenda.ics`
pub async fn district_ics(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, DistrictId)>,
) -> AppResult<Response> {
    let f = feed(&state, &slug, Some(id)).await?;
    ics_response(&state, f)
}
