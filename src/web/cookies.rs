//! Reading and writing the two cookies we use (the session and the
//! anti-forgery token), without a cookie jar.
//!
//! Over HTTPS both carry `Secure` and the `__Host-` prefix: the browser then
//! accepts them only from this exact host, over HTTPS, for the whole site,
//! so a neighbouring subdomain cannot plant or overwrite them.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session cookie's name (`__Host-` prefixed over HTTPS).
pub fn session_name(secure: bool) -> &'static str {
    if secure {
        "__Host-perseverance_session"
    } else {
        "perseverance_session"
    }
}

/// The anti-forgery cookie's name (`__Host-` prefixed over HTTPS).
pub fn csrf_name(secure: bool) -> &'static str {
    if secure {
        "__Host-perseverance_csrf"
    } else {
        "perseverance_csrf"
    }
}

/// The value of the named cookie, if the request has it.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value for an `HttpOnly`, `SameSite=Lax` cookie of the
/// whole site (`Path=/`, no `Domain`), `Secure` over HTTPS; without
/// `max_age_seconds` it lasts as long as the browser.
pub fn set(name: &str, value: &str, max_age_seconds: Option<i64>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = max_age_seconds
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}"
    ))
    .expect("cookie values are URL-safe base64")
}

/// Whether the response already sets the named cookie.
pub fn sets(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split_once('=').is_some_and(|(k, _)| k == name))
}
