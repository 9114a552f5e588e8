//! Coordinators' exports beside the review's own (issue 8): the coverage
//! list per school (coverage.rs); the streaming of every spreadsheet
//! download, the review export's too (stream.rs).

pub mod coverage;
pub mod stream;

use axum::{Router, routing::get};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/editions/{id}/couverture/export", get(coverage::export))
}
