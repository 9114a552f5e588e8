//! The poster contest (concours d'affiches, issue 9): the académie opens it
//! for an edition (rules, categories, scoring grid, deadline); schools
//! register entries with their poster (a photo or a PDF through the media
//! pipeline, private until the coordination approves it); the jurors named
//! by the coordination score the entries of their categories without
//! seeing the others' scores until the jury closes; the coordination sees
//! the ranking per category and publishes the laureates; the public page
//! shows approved entries and, once published, the laureates.
//!
//! The rules (grid, who scores when, ranking and ties) are
//! `domain::contest`; `pages.rs` the routes, `store.rs` the tables,
//! `poster.rs` the poster sent later for an entry that has none (those the
//! declaration form creates), and what the action page says of it.

pub mod store;

pub mod poster;

mod pages;

use axum::Router;

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    pages::router().merge(poster::router())
}
