//! The HTTP side: shared state, the router that merges every feature's
//! routes, and the middleware every response goes through.

pub mod assets;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod kept;
pub mod limits;
pub mod notice;
pub mod once;
pub mod page;
pub mod redirect;
pub mod render_cache;
pub mod security;
pub mod session;
pub mod tokens;

use std::sync::Arc;

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tokio::sync::Notify;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, CompressionLevel},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

pub use client::Client;
pub use csrf::{CsrfForm, CsrfToken};
pub use error::{AppError, AppResult};
pub use notice::Notice;
pub use once::OnceToken;
pub use page::{FormErrors, PageCtx, render, render_with};
pub use session::{AcademyName, CurrentUser, MaybeUser};

use crate::{config::Config, db::Db};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Wakes the job worker when a job is enqueued.
    pub jobs: Arc<Notify>,
    /// The OpenID Connect provider (ProConnect), when one is configured.
    pub oidc: Option<Arc<crate::openid::Provider>>,
    /// Where uploaded files are kept (`crate::files`).
    pub files: crate::files::FileStore,
    /// Rendered public pages (`render_cache`, `crate::public::cache`).
    pub render_cache: Arc<render_cache::RenderCache>,
    /// The places offered by the public filters (`crate::public::cache`).
    pub public_places: Arc<crate::public::cache::PlacesCache>,
    /// The published actions of each edition (`crate::public::snapshot`).
    pub agenda_snapshots: Arc<crate::public::snapshot::AgendaSnapshots>,
    /// The reuse catalogue's sheets of each académie (`crate::public::snapshot`).
    pub catalogue_snapshots: Arc<crate::public::snapshot::CatalogueSnapshots>,
}

/// Wraps the application's routes (merged by [`crate::routes`]) in the
/// middleware every response goes through, from the outside in: security
/// headers (HSTS over HTTPS), the request span, gzip, the client's address,
/// the anti-forgery token, [`finish`] (error pages, forms kept for their
/// author, the security log, `no-store` on personal pages), panic catching,
/// and the rate limits of costly routes.
pub fn layers(routes: Router<AppState>, state: AppState) -> Router {
    let routes = routes
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::routes,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state.clone(), finish))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::ensure_token,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client::identify,
        ))
        // The fastest gzip level: pages shrink almost as much (HTML is very
        // repetitive) for a third of the processor time per response.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(on_response)
                // A 500 is logged once, by `AppError`, inside this span.
                .on_failure(()),
        );
    let mut headers: Vec<(&str, HeaderValue)> = SECURITY_HEADERS
        .iter()
        .map(|(name, value)| (*name, HeaderValue::from_static(value)))
        .collect();
    headers.push((
        "content-security-policy",
        content_security_policy(&state.config),
    ));
    if state.config.secure_cookies() {
        headers.push((HSTS.0, HeaderValue::from_static(HSTS.1)));
    }
    let with_headers = headers.into_iter().fold(routes, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            value,
        ))
    });
    with_headers.with_state(state)
}

/// A panic in a handler: logged once with its message, answered with the
/// French 500 page (rendered by [`finish`]).
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    AppError::Internal(anyhow::anyhow!(
        "a handler panicked: {}",
        security::clean(&message, 500)
    ))
    .into_response()
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

/// The content security policy of every response: no inline script, no
/// framing either way (`frame-src 'none'`); forms lead to this site only, or
/// to the OpenID provider's origin when one is configured (the sign-in and
/// sign-out buttons post here, then redirect there, and browsers apply
/// `form-action` to that redirect).
fn content_security_policy(config: &Config) -> HeaderValue {
    content_security_policy_framing(config, "'none'")
}

/// The same policy with `frame-src` set to `frame_src` (`'none'`, or the
/// `https://host` sources of the video players a page embeds: see
/// `crate::videos`). A page that sets its own header keeps it (the layer
/// adds the default only when none is present).
pub fn content_security_policy_framing(config: &Config, frame_src: &str) -> HeaderValue {
    let form_action = match &config.oidc {
        Some(oidc) if !oidc.origin().is_empty() => format!("'self' {}", oidc.origin()),
        _ => "'self'".to_string(),
    };
    HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action {form_action}; frame-src {frame_src}; frame-ancestors 'none'"
    ))
    .expect("origins and hosts are visible ASCII")
}

/// The other security headers of every response.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// HTTPS only, for two years, subdomains of the service's host included.
const HSTS: (&str, &str) = (
    "strict-transport-security",
    "max-age=63072000; includeSubDomains",
);

/// The largest form body kept aside for [`finish`] (axum's own body limit).
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// A URL-encoded form as posted, kept aside in case it is refused.
struct Posted {
    /// The body the handler read (with its token, without the resend marker).
    body: Bytes,
    /// The kept form this post resends, if it is a resend.
    resend: Option<i64>,
}

fn is_form_post(request: &Request) -> bool {
    request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
        && request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .is_none_or(|length| length <= FORM_LIMIT)
}

/// What every response goes through, around the handler:
///
/// - a URL-encoded form is read aside first; if it is refused because the
///   session ended (401) or its token is stale (403), it is kept for its
///   author ([`kept`]); a resend of a kept form forgets it once answered;
/// - anonymous visitors of a protected page go to the sign-in page, with
///   the page (or, for a form, the page it was on) as return address;
/// - refusals (403, 404 on an object route) and exports (a file sent as an
///   attachment, unless marked a `security::Publication`) go to the security log;
/// - pages shown to a signed-in person (or about signing in) get
///   `Cache-Control: no-store`, static files keep their own;
/// - error responses become full French pages (with the person's header);
///   the page's context is built only then: other responses pay nothing.
async fn finish(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    // Only what is read after the handler: the cookies (who asked, for the
    // error page and no-store), the referer and host (the error page's way back).
    let mut headers = HeaderMap::new();
    for name in [header::COOKIE, header::REFERER, header::HOST] {
        if let Some(value) = request.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    let back = back_link(&headers).filter(|b| b.split('?').next() != Some(path.as_str()));
    let csrf = request.extensions().get::<CsrfToken>().cloned();
    let client = request
        .extensions()
        .get::<Client>()
        .copied()
        .unwrap_or_default();
    let on_route = request.extensions().get::<MatchedPath>().is_some();
    let slot = session::UserSlot::default();
    let origin = security::Origin::of(&client, &method, &path);

    let mut posted = None;
    let mut response = if is_form_post(&request) {
        let (parts, body) = request.into_parts();
        match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(bytes) => {
                let (body, resend) = kept::take_marker(bytes);
                let mut request = Request::from_parts(parts, Body::from(body.clone()));
                request.extensions_mut().insert(slot.clone());
                posted = Some(Posted { body, resend });
                next.run(request).await
            }
            Err(_) => AppError::BadRequest(
                "Le formulaire envoyé est trop volumineux ou illisible.".into(),
            )
            .into_response(),
        }
    } else {
        let mut request = request;
        request.extensions_mut().insert(slot.clone());
        next.run(request).await
    };
    let secure = state.config.secure_cookies();
    no_store_if_personal(secure, &headers, &path, &mut response);
    let status = response.status();

    // A resend answered by its handler (a redirect, or the form shown again
    // with what was typed: 422, 409) no longer needs the kept copy; one
    // refused again (an error page) keeps it.
    let answered =
        response.extensions().get::<error::ErrorPage>().is_none() && !status.is_server_error();
    if let Some(Posted {
        body,
        resend: Some(id),
    }) = &posted
        && answered
        && let Err(err) = kept::resent(&state, *id, body).await
    {
        tracing::error!(error = %format!("{err:#}"), "kept form not forgotten");
    }
    if status.is_success()
        && response
            .extensions()
            .get::<security::Publication>()
            .is_none()
        && let Some(file) = attachment(response.headers())
    {
        let event = origin.event(security::Kind::Export, slot.get(), file);
        security::record_now(&state.db, &event).await;
    }

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

    // A form refused because its session ended or its token went stale is
    // kept for its author.
    let mut kept = None;
    if let Some(posted) = &posted
        && (status == StatusCode::UNAUTHORIZED || page.stale_form)
    {
        match kept::keep_refused(&state, &origin, &path, &posted.body).await {
            Ok(k) => kept = k,
            Err(err) => tracing::error!(error = %format!("{err:#}"), "refused form not kept"),
        }
    }
    if status == StatusCode::UNAUTHORIZED {
        let back = if method == Method::GET || method == Method::HEAD {
            path_and_query
        } else {
            referer_path(&headers).unwrap_or_else(|| redirect::DEFAULT_TARGET.to_string())
        };
        return redirect::see_other(&sign_in_href(&back, kept.is_some()));
    }

    // A fresh request with the same cookies, to know the person and build
    // their header.
    let mut parts = Request::new(()).into_parts().0;
    parts.uri = path.parse().unwrap_or_default();
    if let Some(cookies) = headers.get(header::COOKIE) {
        parts.headers.insert(header::COOKIE, cookies.clone());
    }
    if let Some(csrf) = csrf {
        parts.extensions.insert(csrf);
    }
    let user = MaybeUser::from_request_parts(&mut parts, &state)
        .await
        .ok()
        .and_then(|u| u.0);
    let user_id = slot.get().or(user.as_ref().map(|u| u.id));

    let logged = match status {
        StatusCode::FORBIDDEN if page.stale_form => Some(security::Kind::FormExpired),
        StatusCode::FORBIDDEN => Some(security::Kind::Forbidden),
        StatusCode::NOT_FOUND if on_route => Some(security::Kind::NotFound),
        _ => None,
    };
    if let Some(kind) = logged {
        let event = origin.event(kind, user_id, page.message.clone());
        // What an anonymous visitor can cause at will (unknown objects,
        // forged forms) goes to the tracing target only: no database write
        // per request for anyone who asks.
        if user_id.is_none() && kind != security::Kind::Forbidden {
            security::trace(&event);
        } else {
            security::record_now(&state.db, &event).await;
        }
    }

    let offer = match kept {
        Some(k) if user.as_ref().is_some_and(|u| u.id == k.author) => {
            match state.db.acquire().await {
                Ok(mut db) => kept::kept_by_id(&mut db.conn(), k.id, k.author)
                    .await
                    .ok()
                    .flatten()
                    .map_or(KeptOffer::None, |form| KeptOffer::Here(form.view())),
                Err(_) => KeptOffer::None,
            }
        }
        Some(_) if user.is_none() => KeptOffer::AfterSignIn(sign_in_href(kept::PAGE, true)),
        Some(_) => KeptOffer::None,
        None if posted.as_ref().is_some_and(|p| p.resend.is_some()) => KeptOffer::StillKept,
        None => KeptOffer::None,
    };

    let ctx = <PageCtx as FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await;
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
        kept: offer,
        title_is_stale_form: page.stale_form,
    };
    let mut rendered = match askama::Template::render(&template) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, page.title).into_response(),
    };
    // The error's own headers (Retry-After, Set-Cookie…) stay.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().append(name, value.clone());
        }
    }
    rendered
}

/// `/connexion?suite=…`, noting that a form was kept.
fn sign_in_href(back: &str, kept: bool) -> String {
    let mut href = format!("/connexion?suite={}", urlencode(back));
    if kept {
        href.push_str("&conservee=1");
    }
    href
}

/// The local page a form was posted from (its `Referer`), if any.
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    redirect::local_target(&path)
}

/// The name of the file a response sends as an attachment.
fn attachment(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    value
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("attachment")
        .then(|| format!("fichier envoyé : {value}"))
}

/// `Cache-Control: no-store` on every response to a signed-in person (or
/// about signing in, or opening a session), unless it set its own (static
/// files are cached; exports already say `no-store`).
fn no_store_if_personal(secure: bool, request: &HeaderMap, path: &str, response: &mut Response) {
    if response.headers().contains_key(header::CACHE_CONTROL) {
        return;
    }
    let session = cookies::session_name(secure);
    let signed_in = cookies::read(request, session).is_some_and(|t| !t.is_empty());
    if signed_in
        || path.starts_with("/connexion")
        || path.starts_with(kept::PAGE)
        || cookies::sets(response.headers(), session)
    {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Whether the response is an error answered by a framework layer (plain
/// text or empty) on a page's address (not the JSON API's, which answers
/// its errors in JSON).
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
        && !path.starts_with("/api/")
        && path != "/healthz"
}

/// What the error page offers about a form kept for its author.
pub enum KeptOffer {
    None,
    /// The author is the person signed in: the form, to resend right here.
    Here(kept::KeptView),
    /// Nobody is signed in: sign in (then the form is offered).
    AfterSignIn(String),
    /// A resend that was refused again: the form is still kept.
    StillKept,
}

impl KeptOffer {
    pub fn is_none(&self) -> bool {
        matches!(self, KeptOffer::None)
    }
}

/// The French error page (404, 403, 500…), rendered by [`finish`].
#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub ctx: PageCtx,
    pub status: u16,
    pub message: String,
    pub kept: KeptOffer,
    /// A refused anti-forgery token with nothing kept: say how to start again.
    pub title_is_stale_form: bool,
    /// The page the person came from, on this site: an error page is
    /// never a dead end (issue 7 item 17).
    pub back: Option<String>,
}

/// The page the request came from (its `Referer`), when it is a page of
/// this very site (same host and port), as a local path with its query.
fn back_link(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let authority = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str()?),
        None => url.host_str()?.to_string(),
    };
    if authority != host {
        return None;
    }
    referer_path(headers)
}

/// Percent-encodes a path for a query string.
pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s[1..].to_string())
        .unwrap_or_default()
}
