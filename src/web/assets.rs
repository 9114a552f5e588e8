//! Static files: our own stylesheet (embedded in the binary) and the few DSFR
//! files the site uses, served from the npm package's `dist/` folder.

use axum::{
    Router,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use super::AppState;
use crate::config::Config;

/// The DSFR files used by the site, relative to `dist/`; folders are served whole.
const DSFR_FILES: [&str; 3] = ["dsfr.min.css", "dsfr.module.min.js", "dsfr.nomodule.min.js"];
const DSFR_FOLDERS: [&str; 3] = ["fonts", "icons", "favicon"];

const APP_CSS: &str = include_str!("../../static/app.css");

pub fn router(config: &Config) -> Router<AppState> {
    let dist = &config.dsfr_dir;
    if !dist.join("dsfr.min.css").exists() {
        tracing::warn!(dir = %dist.display(), "DSFR introuvable : lancez scripts/frontend (npm ci)");
    }
    let mut router = Router::new().route("/static/app.css", get(app_css));
    for file in DSFR_FILES {
        router = router.route_service(
            &format!("/static/dsfr/{file}"),
            tower_http::services::ServeFile::new(dist.join(file)),
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
