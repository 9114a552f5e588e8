//! Return addresses (`suite`) and redirects that stay on this site.
//!
//! A return address comes from the visitor (a query string, a form, a mailed
//! link), so it is read the way a browser would read it as a `Location`:
//! browsers drop tabs and newlines anywhere in a URL, take `\` for `/`, and
//! read `//host` as another site. [`local_target`] accepts only a path that,
//! after those rules, stays on this origin, and gives it back in its
//! normalised, percent-encoded form, which is always a valid header value.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// Where a person lands after signing in when no (acceptable) return address
/// was given.
pub const DEFAULT_TARGET: &str = "/mon-espace";

/// The same-origin path (with its query) that `raw` leads to, or `None` if a
/// browser could read it as leading anywhere else.
pub fn local_target(raw: &str) -> Option<String> {
    // A browser strips tabs and newlines and reads `\` as `/`: a path that
    // needs either is not one we wrote.
    if !raw.starts_with('/')
        || raw
            .chars()
            .any(|c| c.is_control() || c == '\\' || (c.is_whitespace() && c != ' '))
    {
        return None;
    }
    let base = url::Url::parse("http://perseverance.invalid/").expect("a valid base");
    let url = base.join(raw).ok()?;
    if url.origin() != base.origin() || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let path = url.path();
    // `/.//evil.example` is the path `//evil.example` of this host; written
    // alone in a `Location`, it would name another host.
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    Some(match url.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    })
}

/// The local path to go to after signing in: `raw` if acceptable, else
/// « Mon espace ».
pub fn after_sign_in(raw: &str) -> String {
    local_target(raw).unwrap_or_else(|| DEFAULT_TARGET.to_string())
}

/// A 303 to a path of this site. Unlike `axum::response::Redirect::to`, it
/// never panics: a target that is not a local path goes to the home page.
pub fn see_other(target: &str) -> Response {
    let target = local_target(target).unwrap_or_else(|| "/".to_string());
    let location = HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// A 303 to an address of another site that we built ourselves (the
/// OpenID provider's sign-in and sign-out pages), never one taken from the
/// request. An address that is not a valid header value leads home.
pub fn see_other_external(url: &str) -> Response {
    let location = HeaderValue::from_str(url).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn local_paths_are_kept_and_normalised() {
        assert_eq!(local_target("/mon-espace").as_deref(), Some("/mon-espace"));
        assert_eq!(
            local_target("/editions/2/revue?etat=soumise&page=2").as_deref(),
            Some("/editions/2/revue?etat=soumise&page=2")
        );
        assert_eq!(
            local_target("/a/créteil?q=jean dupont").as_deref(),
            Some("/a/cr%C3%A9teil?q=jean%20dupont")
        );
        assert_eq!(local_target("/a/../b").as_deref(), Some("/b"));
        // Encoded slashes stay encoded: a path of this site.
        assert_eq!(
            local_target("/%2F%2Fevil.example").as_deref(),
            Some("/%2F%2Fevil.example")
        );
    }

    #[test]
    fn anything_a_browser_reads_as_elsewhere_is_refused() {
        for raw in [
            "",
            "mon-espace",
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/.//evil.example",
            "/./\t/evil.example",
            "https://evil.example/",
            "http://perseverance.invalid@evil.example/",
            "/mon-espace\nSet-Cookie: x=1",
            "/mon-espace\u{0}",
            "/\u{a0}/evil.example",
            "%2F%2Fevil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_target(raw), None, "{raw:?}");
        }
    }
}
