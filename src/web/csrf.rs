//! Anti-forgery tokens for every state-changing form.
//!
//! A random token lives in an `HttpOnly`, `SameSite=Lax` cookie; every form
//! repeats it in a hidden `csrf` field; [`CsrfForm`] refuses a body whose
//! field does not match the cookie. Handlers that change state take a
//! `CsrfForm<T>` instead of `Form<T>`, so the check cannot be forgotten.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderValue, header, request::Parts},
    middleware::Next,
    response::Response,
};
use serde::{Deserialize, de::DeserializeOwned};

use super::{AppError, cookies};

pub const COOKIE: &str = "perseverance_csrf";

/// The token of the current visitor, to put in forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Gives every visitor a token, setting the cookie on the first response.
pub async fn ensure_token(mut request: Request, next: Next) -> Response {
    let existing = cookies::read(request.headers(), COOKIE).filter(|t| t.len() >= 32);
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(super::tokens::random_token);
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
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

/// A URL-encoded form whose anti-forgery token has been checked.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let cookie = cookies::read(request.headers(), COOKIE).ok_or(AppError::Csrf)?;
        let body = Bytes::from_request(request, state).await.map_err(|_| {
            AppError::BadRequest("Le formulaire envoyé est trop volumineux ou illisible.".into())
        })?;
        let field: CsrfField = serde_urlencoded::from_bytes(&body).map_err(|_| AppError::Csrf)?;
        if !constant_time_eq(field.csrf.as_bytes(), cookie.as_bytes()) {
            return Err(AppError::Csrf);
        }
        // serde_html_form reads repeated keys (checkboxes) into lists.
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| AppError::BadRequest("Le formulaire envoyé est incomplet.".into()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
