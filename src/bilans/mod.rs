//! Bilans (issue 11): after the week, the owner of each validated action
//! reports whether it took place, its attendance by audience, the answers
//! to the edition's questionnaire, informal feedback, points of vigilance
//! and perspectives (`page.rs`); drafts are saved, the bilan is submitted
//! before the edition's bilan deadline and reaches the district committee
//! and the académie, who may send it back for completion. The coordinations
//! follow who is missing (`follow.rs`); the académie shapes the
//! questionnaire and the reminder days (`questionnaire.rs`); reminders go
//! to the owners who have not submitted, each reminder day once
//! (`reminders.rs`, a periodic task of the job worker).

mod follow;
mod page;
mod questionnaire;
pub mod reminders;
pub mod store;

use axum::{
    Router,
    routing::{get, post},
};

use crate::web::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions/{id}/bilan", get(page::show).post(page::save))
        .route("/actions/{id}/bilan/renvoi", post(page::send_back))
        .route("/actions/{id}/bilan/delai", post(page::extend))
        .route("/editions/{id}/bilans", get(follow::follow_up))
        .route(
            "/editions/{id}/questionnaire-bilan",
            get(questionnaire::show).post(questionnaire::add),
        )
        .route(
            "/editions/{id}/questionnaire-bilan/{question}/supprimer",
            post(questionnaire::delete),
        )
        .route(
            "/editions/{id}/questionnaire-bilan/relances",
            post(questionnaire::reminder_days),
        )
}
