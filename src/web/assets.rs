//! Static files: our own stylesheet (embedded in the binary) and the few DSFR
//! files the site uses, served from the npm package's `dist/` folder.
//!
//! The DSFR stylesheet and scripts (728 KB, 115 KB, 278 KB) are read and
//! gzipped once, at their first request, and kept in memory with an ETag:
//! compressing the stylesheet on each request cost ~180 ms of processor time
//! (84 requests/s on 2 cores, `scripts/bench-pages`).

use std::{
    io::Write,
    path::PathBuf,
    sync::{Arc, OnceLock},
};

use axum::{
    Router,
    body::{Body, Bytes},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use super::AppState;
use crate::config::Config;

/// The DSFR files used by the site, relative to `dist/`; folders are served whole.
const DSFR_FILES: [&str; 3] = ["dsfr.min.css", "dsfr.module.min.js", "dsfr.nomodule.min.js"];
const DSFR_FOLDERS: [&str; 3] = ["fonts", "icons", "favicon"];

const APP_CSS: &str = include_str!("../../static/app.css");
/// The map's script (`public/map.html`), a progressive enhancement.
const MAP_JS: &str = include_str!("../../static/carte.js");

/// The folder of the npm packages, beside the DSFR's (`node_modules`).
fn node_modules(config: &Config) -> PathBuf {
    config
        .dsfr_dir
        .ancestors()
        .nth(3)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("node_modules"))
}

pub fn router(config: &Config) -> Router<AppState> {
    let dist = &config.dsfr_dir;
    if !dist.join("dsfr.min.css").exists() {
        tracing::warn!(dir = %dist.display(), "DSFR introuvable : lancez scripts/frontend (npm ci)");
    }
    let mut router = Router::new()
        .route("/static/app.css", get(app_css))
        .route("/static/carte.js", get(map_js));
    // The map (issue 8): Leaflet (npm `leaflet`, BSD-2-Clause) and the
    // outline of France cut from npm `world-atlas` (Natural Earth, public
    // domain; ISC), both from node_modules, nothing from elsewhere.
    let modules = node_modules(config);
    let leaflet = modules.join("leaflet/dist");
    for (file, path) in [
        ("leaflet.js", leaflet.join("leaflet.js")),
        ("leaflet.css", leaflet.join("leaflet.css")),
    ] {
        let asset = Arc::new(Precompressed::new(path));
        router = router.route(
            &format!("/static/carte/{file}"),
            get(move |headers: HeaderMap| serve(asset.clone(), headers)),
        );
    }
    router = router.nest_service(
        "/static/carte/images",
        ServeDir::new(leaflet.join("images")),
    );
    let outline = Arc::new(Precompressed::made(
        modules.join("world-atlas/countries-50m.json"),
        crate::public::outline::france,
    ));
    router = router.route(
        "/static/carte/france.geojson",
        get(move |headers: HeaderMap| serve(outline.clone(), headers)),
    );
    for file in DSFR_FILES {
        let asset = Arc::new(Precompressed::new(dist.join(file)));
        router = router.route(
            &format!("/static/dsfr/{file}"),
            get(move |headers: HeaderMap| serve(asset.clone(), headers)),
        );
    }
    for folder in DSFR_FOLDERS {
        router = router.nest_service(
            &format!("/static/dsfr/{folder}"),
            ServeDir::new(dist.join(folder)),
        );
    }
    router.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    ))
}

async fn app_css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}

async fn map_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        MAP_JS,
    )
}

/// A file read and gzipped once, then answered from memory.
struct Precompressed {
    path: PathBuf,
    /// What is served is made from the file's bytes (`None`: served as is).
    make: Option<fn(&[u8]) -> Option<Vec<u8>>>,
    loaded: OnceLock<Option<Loaded>>,
}

/// The file's content type, bytes, gzipped bytes and ETag (its length and a
/// CRC-32 of its bytes: the files change only with the npm package).
struct Loaded {
    content_type: &'static str,
    plain: Bytes,
    gzip: Bytes,
    etag: HeaderValue,
}

impl Precompressed {
    fn new(path: PathBuf) -> Precompressed {
        Precompressed {
            path,
            make: None,
            loaded: OnceLock::new(),
        }
    }

    /// A file whose served bytes are `make(file's bytes)`, made once.
    fn made(path: PathBuf, make: fn(&[u8]) -> Option<Vec<u8>>) -> Precompressed {
        Precompressed {
            path,
            make: Some(make),
            loaded: OnceLock::new(),
        }
    }

    /// Reads and compresses the file (best compression: it is done once);
    /// `None` when the file cannot be read (DSFR not installed).
    fn load(path: &std::path::Path, make: Option<fn(&[u8]) -> Option<Vec<u8>>>) -> Option<Loaded> {
        let mut plain = std::fs::read(path).ok()?;
        if let Some(make) = make {
            plain = make(&plain)?;
        }
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&plain).ok()?;
        let gzip = encoder.finish().ok()?;
        let content_type = match path.extension().and_then(|e| e.to_str()) {
            Some("css") => "text/css; charset=utf-8",
            Some("json") => "application/geo+json",
            _ => "text/javascript; charset=utf-8",
        };
        let mut crc = flate2::Crc::new();
        crc.update(&plain);
        let etag = format!("\"{:x}-{:08x}\"", plain.len(), crc.sum());
        Some(Loaded {
            content_type,
            etag: HeaderValue::from_str(&etag).ok()?,
            plain: plain.into(),
            gzip: gzip.into(),
        })
    }
}

/// Answers the file: `304` when the client's `If-None-Match` holds its ETag,
/// the gzipped bytes when the client accepts gzip, the plain bytes otherwise;
/// `404` when the file is missing.
async fn serve(asset: Arc<Precompressed>, headers: HeaderMap) -> Response {
    let loaded = match asset.loaded.get() {
        Some(loaded) => loaded,
        None => {
            let path = asset.path.clone();
            let make = asset.make;
            let value = tokio::task::spawn_blocking(move || Precompressed::load(&path, make))
                .await
                .ok()
                .flatten();
            asset.loaded.get_or_init(|| value)
        }
    };
    let Some(loaded) = loaded else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            let etag = loaded.etag.to_str().unwrap_or_default();
            tags.split(',').any(|t| t.trim() == etag || t.trim() == "*")
        });
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|c| c.trim().starts_with("gzip")));
    let mut response = Response::builder()
        .header(header::ETAG, loaded.etag.clone())
        .header(header::VARY, "accept-encoding")
        .header(header::CONTENT_TYPE, loaded.content_type);
    if matches {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    let body = if gzip {
        response = response.header(header::CONTENT_ENCODING, "gzip");
        loaded.gzip.clone()
    } else {
        loaded.plain.clone()
    };
    response.body(Body::from(body)).unwrap_or_default()
}
