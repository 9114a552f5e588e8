//! Actions: declaring, submitting and reviewing the fiches-actions.

pub mod store;
pub mod workflow;

use axum::Router;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
