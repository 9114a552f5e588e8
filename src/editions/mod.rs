//! Editions: the académie opens each year's week, its calendar, its form.

pub mod store;

use axum::Router;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
