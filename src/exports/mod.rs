//! Coordinators' exports beside the review's own (issue 8): the coverage
//! list per school (coverage.rs). Kept out of `review/` (another
//! engineer's area); the dashboard's link to it is the review side's to add.

pub mod coverage;

use axum::{Router, routing::get};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/editions/{id}/couverture/export", get(coverage::export))
}
