//! Anti-forgery tokens for every state-changing form.
//!
//! Every form repeats the visitor's token in a hidden `csrf` field, and
//! [`CsrfForm`] refuses a body whose field is not the token expected:
//!
//! - for a browser with a session, the token is derived from the session's
//!   secret id ([`for_session`]): it is bound to the session, changes at every
//!   sign-in, and a value planted in the anti-forgery cookie is worthless;
//!   nothing is stored, so every instance of the service agrees on it;
//! - before sign-in (the sign-in forms), it is a random value kept in an
//!   `HttpOnly`, `SameSite=Lax` cookie (double submit), `__Host-` prefixed and
//!   `Secure` over HTTPS, so that no other host can plant it.
//!
//! The cookie always holds the token the pages use. Handlers that change
//! state take a `CsrfForm<T>` instead of `Form<T>`, so the check cannot be
//! forgotten.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, State},
    http::{header, request::Parts},
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use serde::{Deserialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use super::{AppError, AppState, cookies};

/// The name of the hidden field every form carries.
pub const FIELD: &str = "csrf";

/// The token of the current visitor, to put in forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// The token a posted form must carry; `None` for a visitor the site has not
/// given a token yet (no form of ours can have been shown to them).
#[derive(Clone, Debug)]
struct Expected(Option<String>);

/// The anti-forgery token of the session whose secret id is `session_token`:
/// a one-way function of it, so the token (which pages show) reveals nothing
/// of the session id.
pub fn for_session(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"perseverance anti-forgery token\0");
    hasher.update(session_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Works out the visitor's token, and keeps the cookie in step with it.
pub async fn ensure_token(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let secure = state.config.secure_cookies();
    let cookie_name = cookies::csrf_name(secure);
    let in_cookie = cookies::read(request.headers(), cookie_name);
    let session =
        cookies::read(request.headers(), cookies::session_name(secure)).filter(|t| !t.is_empty());
    let (token, expected) = match session {
        Some(session) => {
            let token = for_session(&session);
            (token.clone(), Some(token))
        }
        None => match in_cookie.clone().filter(|t| t.len() >= 32) {
            Some(token) => (token.clone(), Some(token)),
            None => (super::tokens::random_token(), None),
        },
    };
    let cookie_stale = in_cookie.as_deref() != Some(token.as_str());
    request.extensions_mut().insert(CsrfToken(token.clone()));
    request.extensions_mut().insert(Expected(expected));
    let mut response = next.run(request).await;
    if cookie_stale && !cookies::sets(response.headers(), cookie_name) {
        let cookie = cookies::set(cookie_name, &token, None, secure);
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or(AppError::Csrf)
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// The anti-forgery token a URL-encoded body carries, if any.
pub fn posted_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<CsrfField>(body)
        .ok()
        .map(|f| f.csrf)
        .filter(|t| !t.is_empty())
}

/// A URL-encoded form whose anti-forgery token has been checked.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let expected = request
            .extensions()
            .get::<Expected>()
            .and_then(|e| e.0.clone())
            .ok_or(AppError::Csrf)?;
        let body = Bytes::from_request(request, state).await.map_err(|_| {
            AppError::BadRequest("Le formulaire envoyé est trop volumineux ou illisible.".into())
        })?;
        let posted = posted_token(&body).ok_or(AppError::Csrf)?;
        if !constant_time_eq(posted.as_bytes(), expected.as_bytes()) {
            return Err(AppError::Csrf);
        }
        // serde_html_form reads repeated keys (checkboxes) into lists.
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| AppError::BadRequest("Le formulaire envoyé est incomplet.".into()))
    }
}

/// The token a form posted with `request` must carry; `None` for a visitor
/// the site has not given a token yet. For extractors of other body kinds
/// (`files::upload::Upload`).
pub fn expected(request: &Request) -> Option<String> {
    request
        .extensions()
        .get::<Expected>()
        .and_then(|e| e.0.clone())
}

/// Marks `request` as expecting `token` (what [`ensure_token`] does), for
/// unit tests of extractors.
#[cfg(test)]
pub(crate) fn expect(request: &mut Request, token: &str) {
    request
        .extensions_mut()
        .insert(Expected(Some(token.to_string())));
}

/// Whether a posted token is the expected one (constant time).
pub fn same_token(posted: &str, expected: &str) -> bool {
    constant_time_eq(posted.as_bytes(), expected.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn session_tokens_are_bound_and_one_way() {
        let (a, b) = (super::for_session("one"), super::for_session("two"));
        assert_ne!(a, b);
        assert_eq!(a, super::for_session("one"));
        assert_eq!(a.len(), 43);
        assert!(!a.contains("one"));
        assert_eq!(
            super::posted_token(b"x=1&csrf=abc&y=2").as_deref(),
            Some("abc")
        );
        assert_eq!(super::posted_token(b"x=1"), None);
    }
}
