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

pub(crate) mod pages;

use axum::Router;

use crate::{
    db::Conn,
    domain::{EditionId, UserId},
    editions::store as editions_store,
    web::{AppResult, AppState},
};

pub fn router() -> Router<AppState> {
    pages::router().merge(poster::router())
}

/// A contest the person judges, as « Mon espace » shows it.
pub struct JuryCard {
    pub edition_id: EditionId,
    /// « 3e semaine de la persévérance scolaire (2023) ».
    pub edition_title: String,
    /// « du collège et du lycée »: the juror's categories in a sentence.
    pub categories: String,
    /// Entries of those categories to score (with an approved poster).
    pub total: usize,
    /// Those the juror has not scored yet.
    pub left: usize,
    /// The jury is closed: nothing more to score.
    pub closed: bool,
}

/// The contests `user` judges (`contest_jurors`), newest first, with how
/// many entries of their categories are left to score.
pub async fn jury_cards(conn: &mut Conn<'_>, user: UserId) -> AppResult<Vec<JuryCard>> {
    let mut cards = Vec::new();
    for (edition_id, categories) in store::judged_by(conn, user).await? {
        let (Some(contest), Some(edition)) = (
            store::contest_of(conn, edition_id).await?,
            editions_store::edition_by_id(conn, edition_id).await?,
        ) else {
            continue;
        };
        let mine: Vec<i64> = categories
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let entries: Vec<bool> = store::to_score(conn, edition_id, user)
            .await?
            .into_iter()
            .filter(|(c, _)| mine.contains(c))
            .map(|(_, scored)| scored)
            .collect();
        cards.push(JuryCard {
            edition_id,
            edition_title: edition.title(),
            categories: categories_phrase(&contest.category_list(), &mine),
            total: entries.len(),
            left: entries.iter().filter(|scored| !**scored).count(),
            closed: contest.jury_closed_at.is_some(),
        });
    }
    Ok(cards)
}

/// The categories `numbers` of a contest after « les affiches » in a
/// sentence: « du collège et du lycée » (`text::of_category` each).
pub fn categories_phrase(categories: &[(i64, String)], numbers: &[i64]) -> String {
    let words: Vec<String> = categories
        .iter()
        .filter(|(n, _)| numbers.contains(n))
        .map(|(_, label)| crate::text::of_category(label))
        .collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    }
}
