//! The HTTP side: shared state, the router that merges every feature's
//! routes, and the middleware every response goes through.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod page;
pub mod session;

use std::sync::Arc;

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
};
use tokio::sync::Notify;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, set_header::SetResponseHeaderLayer,
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

/// The whole application: every feature's router, merged, behind the middleware.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(crate::home::router())
        .merge(crate::auth::router())
        .merge(crate::map::router())
        .merge(crate::access::router())
        .merge(crate::editions::router())
        .merge(crate::actions::router())
        .merge(crate::review::router())
        .merge(assets::router(&state.config))
        .fallback(|| async { AppError::NotFound });
    let routes = routes
        .layer(middleware::from_fn_with_state(state.clone(), error_pages))
        .layer(middleware::from_fn(csrf::ensure_token))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            AppError::Internal(anyhow::anyhow!("panic")).into_response()
        }))
        .layer(CompressionLayer::new());
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
/// and sends anonymous visitors of protected pages to the login page.
async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let (mut parts, body) = request.into_parts();
    let ctx = <PageCtx as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await;
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(page) = response.extensions().get::<error::ErrorPage>().cloned() else {
        return response;
    };
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        let target = format!("/connexion?suite={}", urlencode(&path));
        return Redirect::to(&target).into_response();
    }
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
    let template = crate::home::ErrorTemplate {
        ctx: ctx.title(page.title).here(),
        status: status.as_u16(),
        message: page.message,
    };
    match askama::Template::render(&template) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, page.title).into_response(),
    }
}

/// Percent-encodes a path for a query string.
pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s[1..].to_string())
        .unwrap_or_default()
}
