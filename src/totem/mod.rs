//! The totem of the week (issue 9): an edition can ask each school for a
//! photo entry (a few photos and a text linking the year's values to
//! perseverance); the académie reviews the photos (`crate::media`) and the
//! public sees a gallery per edition, filterable by department and district.
//!
//! Photos go through the media pipeline (`crate::media::pipeline`); a photo
//! is in the gallery only once approved, described and covered by the
//! consent tick.

pub mod store;

mod pages;

use axum::Router;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    pages::router()
}

/// The longest entry text, in characters.
pub const TEXT_MAX: usize = 2_000;
/// The longest call text, in characters.
pub const PROMPT_MAX: usize = 2_000;
/// The most photos of one entry.
pub const PHOTOS_MAX: usize = 5;
