//! The HTTP side: shared state, the router that merges every feature's
//! routes, and the middleware every response goes through.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod page;
pub mod redirect;
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
    let cookies = request.headers().get(header::COOKIE).cloned();
    let csrf = request.extensions().get::<CsrfToken>().cloned();
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<error::ErrorPage>().cloned() else {
        return response;
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
        },
    };
    let template = ErrorTemplate {
        ctx: ctx.title(page.title).here(),
        status: status.as_u16(),
        message: page.message,
    };
    match askama::Template::render(&template) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, page.title).into_response(),
    }
}

/// The French error page (404, 403, 500…), rendered by [`error_pages`].
#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
}

/// Percent-encodes a path for a query string.
pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s[1..].to_string())
        .unwrap_or_default()
}
