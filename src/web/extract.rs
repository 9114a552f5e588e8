//! Path and query extractors whose refusals are French error pages.
//!
//! axum's own `Path` and `Query` answer a malformed value (`/actions/abc`,
//! `?page=1e3`) with an English plain-text 400 naming the Rust type. These
//! wrappers answer through [`AppError`] instead, so the person gets the
//! French error page with their header: a path segment that is not an id
//! names no page (404); a query parameter that does not read is a bad
//! request (400) that says which parameter. Feature handlers take these,
//! never axum's.

use axum::{
    extract::{FromRequestParts, rejection::QueryRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use super::AppError;

/// The path's parameters (`/actions/{id}`): a value that does not parse
/// answers 404, as no page has that address.
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| AppError::NotFound)
    }
}

/// The query string's parameters (`?page=2`): a value that does not read
/// answers 400 with the parameter's name.
#[derive(Debug, Clone, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(query_refusal)
    }
}

/// The French refusal of a query string that does not read.
fn query_refusal(rejection: QueryRejection) -> AppError {
    // serde's message names the field (« page: invalid digit… »); keep only
    // the name, never the Rust wording.
    let text = rejection.body_text();
    let field = text
        .strip_prefix("Failed to deserialize query string: ")
        .and_then(|rest| rest.split_once(": "))
        .map(|(path, _)| path)
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 40
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    AppError::BadRequest(match field {
        Some(name) => format!(
            "Le paramètre « {name} » de l'adresse n'a pas une valeur attendue (un nombre entier, \
             par exemple). Corrigez l'adresse ou revenez à la page précédente."
        ),
        None => "L'adresse de cette page contient un paramètre illisible. \
                 Corrigez l'adresse ou revenez à la page précédente."
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Page {
        #[allow(dead_code)]
        page: Option<i64>,
    }

    async fn refusal(uri: &str) -> String {
        let (mut parts, ()) = Request::get(uri).body(()).unwrap().into_parts();
        match Query::<Page>::from_request_parts(&mut parts, &()).await {
            Err(AppError::BadRequest(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_bad_parameter_is_named_in_french() {
        let message = refusal("/annuaire?page=1e3").await;
        assert!(message.contains("« page »"), "{message}");
        let (mut parts, ()) = Request::get("/annuaire?page=3")
            .body(())
            .unwrap()
            .into_parts();
        let Query(page) = Query::<Page>::from_request_parts(&mut parts, &())
            .await
            .unwrap();
        assert_eq!(page.page, Some(3));
    }
}
