//! The map of the agenda (issue 8): the published actions placed at their
//! school's coordinates (the Annuaire's latitude and longitude), with the
//! agenda's filters and search.
//!
//! The page is a list of the schools and their actions, grouped per school,
//! that works without JavaScript; `static/carte.js` (a progressive
//! enhancement) draws the map beside it with Leaflet (npm `leaflet`, served
//! by `web::assets`) over the outline of France (npm `world-atlas`, Natural
//! Earth), reading `carte.geojson`: one point per school, its actions as
//! links. Nothing is loaded from elsewhere (the CSP stays `'self'`). Both
//! read [`store::map_actions`], so the map shows only published actions
//! (`push_published`) and only public fields (never a staff name).

use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{
    agenda::{AgendaQuery, Filters, academy, resolve},
    store::{self, MAP_LIMIT, MapAction},
};
use crate::{
    domain::{ids::DistrictId, meeting::long_date},
    map::store::Academy,
    web::{AppResult, AppState, PageCtx, extract::Path, extract::Query, render},
};

/// One place of the map: a school (or, without one, the district) and its
/// actions, in date order.
#[derive(Clone, Debug)]
pub struct Place {
    pub name: String,
    pub commune: String,
    /// `(latitude, longitude)`, when the Annuaire gave them.
    pub position: Option<(f64, f64)>,
    /// `(path, title, when)` of each action.
    pub actions: Vec<(String, String, String)>,
}

/// « mardi 4 avril 2028, 14:00 », or « Date à préciser ».
fn when(a: &MapAction) -> String {
    match a.starts_on {
        Some(day) if a.start_time.is_empty() => long_date(day),
        Some(day) => format!("{}, {}", long_date(day), a.start_time),
        None => "Date à préciser".into(),
    }
}

/// Groups the rows (ordered by school) into places.
pub fn places(rows: Vec<MapAction>, slug: &str) -> Vec<Place> {
    let mut places: Vec<(Option<String>, Place)> = Vec::new();
    for a in rows {
        let key = a
            .uai
            .clone()
            .or_else(|| a.district_name.as_ref().map(|d| format!("district:{d}")));
        let action = (
            format!("/a/{slug}/actions/{}", a.id),
            a.title.clone(),
            when(&a),
        );
        match places.last_mut() {
            Some((k, place)) if *k == key && key.is_some() => place.actions.push(action),
            _ => {
                let name = match (&a.school_name, &a.district_name) {
                    (Some(s), _) => s.clone(),
                    (None, Some(d)) => format!("District {d}"),
                    (None, None) => "Lieu à préciser".into(),
                };
                places.push((
                    key,
                    Place {
                        name,
                        commune: a.commune.clone().unwrap_or_default(),
                        position: a.latitude.zip(a.longitude),
                        actions: vec![action],
                    },
                ));
            }
        }
    }
    places.into_iter().map(|(_, p)| p).collect()
}

/// The GeoJSON of the places that have coordinates: one `Point` feature
/// per school (`[longitude, latitude]`), with `nom`, `commune` and
/// `actions` (`titre`, `date`, `url`).
pub fn geojson(places: &[Place]) -> serde_json::Value {
    let features: Vec<_> = places
        .iter()
        .filter_map(|p| {
            let (lat, lon) = p.position?;
            Some(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": {
                    "nom": p.name,
                    "commune": p.commune,
                    "actions": p.actions.iter().map(|(url, title, when)| json!({
                        "titre": title, "date": when, "url": url,
                    })).collect::<Vec<_>>(),
                },
            }))
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// The map page.
#[derive(Template)]
#[template(path = "public/map.html")]
struct MapPage {
    ctx: PageCtx,
    academy: Academy,
    filters: Filters,
    places: Vec<Place>,
    total: i64,
    shown: usize,
    /// The GeoJSON address of this search.
    data: String,
    /// The agenda (list) address of this search.
    agenda: String,
}

impl MapPage {
    fn results_word(&self) -> String {
        let n = self.total;
        let count = match n {
            0 => return "Aucune action ne correspond.".into(),
            1 => "1 action".into(),
            n => format!(
                "{} actions",
                crate::domain::declaration::french_count(n as usize)
            ),
        };
        let schools = self.places.len();
        format!(
            "{count} en {schools} lieu{}",
            if schools > 1 { "x" } else { "" }
        )
    }
    fn unplaced(&self) -> usize {
        self.places.iter().filter(|p| p.position.is_none()).count()
    }
    fn truncated(&self) -> bool {
        self.total > self.shown as i64
    }
    fn limit(&self) -> i64 {
        MAP_LIMIT
    }
}

async fn show(
    state: AppState,
    ctx: PageCtx,
    slug: String,
    query: AgendaQuery,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, &slug).await?;
    let action = format!("/a/{}/carte", academy.slug);
    let (filters, filter) = resolve(conn, &state.public_places, &academy, query, action).await?;
    let (rows, total) = store::map_actions(conn, academy.id, &filter).await?;
    let shown = rows.len();
    let places = places(rows, &academy.slug);
    let search = filters.query.at_page(1);
    let title = match &filters.edition {
        Some(e) => format!(
            "Carte des actions {} — académie de {}",
            e.year, academy.name
        ),
        None => format!("Carte des actions — académie de {}", academy.name),
    };
    render(MapPage {
        ctx: ctx.academy(academy.name.clone()).title(title).here(),
        data: format!("/a/{}/carte.geojson?{search}", academy.slug),
        agenda: format!("/a/{}/agenda?{search}", academy.slug),
        academy,
        filters,
        places,
        total,
        shown,
    })
}

/// `GET /a/{slug}/carte`: the map with the agenda's filters.
pub async fn map_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(query): Query<AgendaQuery>,
) -> AppResult<Response> {
    show(state, ctx, slug, query).await
}

/// `GET /a/{slug}/districts/{id}/carte`: the map of one district.
pub async fn district_map(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, id)): Path<(String, DistrictId)>,
    Query(mut query): Query<AgendaQuery>,
) -> AppResult<Response> {
    query.district = id.0.to_string();
    show(state, ctx, slug, query).await
}

/// `GET /a/{slug}/carte.geojson`: the places of the search as GeoJSON
/// (`application/geo+json`).
pub async fn map_geojson(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<AgendaQuery>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, &slug).await?;
    let (_, filter) = resolve(conn, &state.public_places, &academy, query, String::new()).await?;
    let (rows, _) = store::map_actions(conn, academy.id, &filter).await?;
    let body = geojson(&places(rows, &academy.slug)).to_string();
    let mut response = ([(header::CONTENT_TYPE, "application/geo+json")], body).into_response();
    response
        .extensions_mut()
        .insert(crate::web::security::Publication);
    Ok(response)
}
