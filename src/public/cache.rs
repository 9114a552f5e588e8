//! Serving the public pages from the render cache (`web::render_cache`):
//! a GET by a visitor without a session, answered 200, is kept under its
//! path and query; the next identical request at the same publication
//! generation is answered from memory without rendering or querying
//! anything but the generation. Signed-in people always get a fresh page
//! (their header differs).

use std::{collections::HashMap, hash::Hash, sync::Mutex};

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::store::{self, FilterPlaces};
use crate::{
    db::{Conn, DbResult},
    domain::ids::{AcademyId, EditionId},
    web::{
        AppState, cookies,
        render_cache::{Entry, MAX_BYTES},
    },
};

/// Values read at a publication generation, by key: one is served only at
/// the generation it was read at (every change the public side shows bumps
/// it in its own transaction, so nothing stale is ever served, on any
/// instance). Bounded: beyond [`Stamped::MAX`] keys it starts over. The
/// filters' places here, the read models in `public::snapshot`.
#[derive(Debug)]
pub struct Stamped<K, V> {
    entries: Mutex<HashMap<K, (i64, V)>>,
}

impl<K, V> Default for Stamped<K, V> {
    fn default() -> Self {
        Stamped {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Stamped<K, V> {
    /// Most keys kept.
    pub const MAX: usize = 256;

    /// The value of `key` if it was read at `generation`.
    pub fn get(&self, key: &K, generation: i64) -> Option<V> {
        self.lock()
            .get(key)
            .filter(|(at, _)| *at == generation)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, read at `generation`.
    pub fn put(&self, key: K, generation: i64, value: V) {
        let mut entries = self.lock();
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(key, (generation, value));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (i64, V)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The places offered by the agenda's and the map's filters (departments,
/// districts, communes of the published actions), by académie and edition,
/// at the current generation: the agenda reads one query (the generation)
/// instead of three, the communes' being a scan of the edition's actions
/// (issue 8, « Speed »).
#[derive(Debug, Default)]
pub struct PlacesCache {
    entries: Stamped<(AcademyId, EditionId), FilterPlaces>,
}

impl PlacesCache {
    /// The places of `edition` (see [`store::filter_places`]), from memory
    /// when read at the current generation.
    pub async fn places(
        &self,
        conn: &mut Conn<'_>,
        academy: AcademyId,
        edition: EditionId,
    ) -> DbResult<FilterPlaces> {
        let generation = store::generation(conn).await?;
        let key = (academy, edition);
        if let Some(places) = self.entries.get(&key, generation) {
            return Ok(places);
        }
        let places = store::filter_places(conn, academy, edition).await?;
        self.entries.put(key, generation, places.clone());
        Ok(places)
    }
}

/// The middleware (a `route_layer` on the public router).
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = state.config.secure_cookies();
    if request.method() != Method::GET
        || cookies::read(request.headers(), cookies::session_name(secure)).is_some()
    {
        return next.run(request).await;
    }
    // The day (Paris) is part of the key: the agenda's default « à venir »
    // changes at midnight without any change of the publication.
    let key = format!(
        "{}|{}",
        super::agenda::today(),
        request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_default()
    );
    let generation = match state.db.acquire().await {
        Ok(mut db) => store::generation(&mut db.conn()).await.ok(),
        Err(_) => None,
    };
    let Some(generation) = generation else {
        return next.run(request).await;
    };
    if let Some(entry) = state.render_cache.get(&key, generation) {
        return (
            [
                (header::CONTENT_TYPE, entry.content_type),
                (
                    header::HeaderName::from_static("x-render-cache"),
                    "hit".into(),
                ),
            ],
            entry.body,
        )
            .into_response();
    }
    let response = next.run(request).await;
    // A page with its own CSP (an action page playing a video: `frame-src`
    // the allowed hosts) is not kept: a hit would lose that header.
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_DISPOSITION)
        || response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    {
        return response;
    }
    // A page larger than the cache keeps (or of unknown size) goes out as
    // it is: collecting it would fail, and a visitor's long query must not
    // turn into a 500 (issue 8's trial).
    use axum::body::HttpBody;
    if response
        .body()
        .size_hint()
        .upper()
        .is_none_or(|n| n > MAX_BYTES as u64)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BYTES + 1).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Some(content_type) = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        state.render_cache.put(
            key,
            Entry {
                generation,
                content_type: content_type.to_string(),
                body: bytes.clone(),
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}
