//! The HTTP side: shared state, the router that merges every feature's
//! routes, and the middleware every response goes through.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod notice;
pub mod once;
pub mod page;
pub mod session;
pub mod tokens;

use std::sync::Arc;

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
};
use tokio::sync::Notify;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer,
    set_header::SetResponseHeaderLayer, trace::TraceLayer,
};

pub use csrf::{CsrfForm, CsrfToken};
pub use error::{AppError, AppResult};
pub use notice::Notice;
pub use once::OnceToken;
pub use page::{FormErrors, PageCtx, render, render_with};
pub use session::{CurrentUser, MaybeUser};

use crate::{config::Config, db::Db};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Wakes the job worker when a job is enqueued.
    pub jobs: Arc<Notify>,
}

/// Wraps the application's routes (merged by [`crate::routes`]) in the
/// middleware every response goes through, from the outside in: security
/// headers, the request span, gzip, panic catching, the anti-forgery cookie,
/// and the French error pages.
pub fn layers(routes: Router<AppState>, state: AppState) -> Router {
    let routes = routes
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), error_pages))
        .layer(middleware::from_fn(csrf::ensure_token))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            AppError::Internal(anyhow::anyhow!("panic")).into_response()
        }))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(on_response)
                // A 500 is logged once, by `AppError`, inside this span.
                .on_failure(()),
        );
    let with_headers = SECURITY_HEADERS
        .iter()
        .fold(routes, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ))
        });
    with_headers.with_state(state)
}

/// One span per request: method, matched route (the pattern, never the
/// path's values), then status, latency and the signed-in user's id once
/// known. Never a cookie, a token or a query string.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(aucune)", |m| m.as_str());
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        user = tracing::field::Empty,
    )
}

fn on_response(response: &Response, latency: std::time::Duration, span: &tracing::Span) {
    span.record("status", response.status().as_u16());
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    tracing::debug!("response");
}

/// The security headers of every response.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// Turns error responses into full French pages (with the person's header),
/// and sends anonymous visitors of protected pages to the login page. The
/// page's context is built only when an error page is shown: other
/// responses (static files, the health check, pages) pay nothing here.
async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let back = back_link(request.headers()).filter(|b| b.split('?').next() != Some(path.as_str()));
    let cookies = request.headers().get(header::COOKIE).cloned();
    let csrf = request.extensions().get::<CsrfToken>().cloned();
    let response = next.run(request).await;
    let page = match response.extensions().get::<error::ErrorPage>() {
        Some(page) => page.clone(),
        // A refusal that did not come through `AppError` (a method the route
        // does not answer, a body axum would not read…) is shown as a French
        // page all the same; files and the health check keep their answer.
        None if is_bare_refusal(&path, &response) => {
            error::ErrorPage::for_status(response.status())
        }
        None => return response,
    };
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        let target = format!("/connexion?suite={}", urlencode(&path));
        return Redirect::to(&target).into_response();
    }
    // A fresh request with the same cookies, to build the person's header.
    let mut parts = Request::new(()).into_parts().0;
    parts.uri = path.parse().unwrap_or_default();
    if let Some(cookies) = cookies {
        parts.headers.insert(header::COOKIE, cookies);
    }
    if let Some(csrf) = csrf {
        parts.extensions.insert(csrf);
    }
    let ctx = <PageCtx as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await;
    let ctx = match ctx {
        Ok(ctx) => ctx,
        Err(_) => PageCtx {
            title: String::new(),
            user_email: None,
            csrf: String::new(),
            brand: state.config.state_brand,
            academy_name: None,
            demo: state.config.demo,
            crumbs: Vec::new(),
            path,
            notice: None,
        },
    };
    let template = ErrorTemplate {
        ctx: ctx.title(page.title).here(),
        status: status.as_u16(),
        message: page.message,
        back,
    };
    match askama::Template::render(&template) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, page.title).into_response(),
    }
}

/// Whether the response is an error answered by a framework layer (plain
/// text or empty) on a page's address.
fn is_bare_refusal(path: &str, response: &Response) -> bool {
    let status = response.status();
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    (status.is_client_error() || status.is_server_error())
        && !html
        && !path.starts_with("/static/")
        && path != "/healthz"
}

/// The French error page (404, 403, 500…), rendered by [`error_pages`].
#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
    /// The page the person came from, on this site: an error page is
    /// never a dead end (issue 7 item 17).
    pub back: Option<String>,
}

/// The page the request came from (its `Referer`), when it is a page of
/// this site (same host), as a local path with its query.
fn back_link(headers: &axum::http::HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 2_000
        && path.chars().all(|c| c.is_ascii_graphic());
    local.then(|| path.to_string())
}

/// Percent-encodes a path for a query string.
pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s[1..].to_string())
        .unwrap_or_default()
}
