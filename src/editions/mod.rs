//! Editions: the académie opens each year's week, its calendar, its form.

pub mod demo;
pub mod markdown;
pub mod reminders;
pub mod store;

mod form;
mod pages;
mod question_form;
mod questions;

use crate::domain::ids::{AcademyId, EditionId};
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    domain::{Ability, Placement, edition::EditionState},
    map::store::{self as map_store, Academy},
    web::{AppError, AppResult, AppState, CurrentUser},
};
use store::Edition;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(questions::router())
}

/// The edition and its académie, if the policy lets the person open it
/// (else 404): anyone with a role in the académie, except for an edition in
/// preparation, which only its coordination sees.
pub async fn visible_edition(
    state: &AppState,
    user: &CurrentUser,
    id: EditionId,
) -> AppResult<(Edition, Academy)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let edition = store::edition_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user
        .rights
        .sees_edition(edition.academy_id, edition.stored_state())
    {
        return Err(AppError::NotFound);
    }
    let academy = map_store::academy_by_id(conn, edition.academy_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((edition, academy))
}

/// Whether the person coordinates the académie (or administers the platform).
pub fn is_academy_coordinator(user: &CurrentUser, academy_id: AcademyId) -> bool {
    user.rights.manages_academy(academy_id)
}

/// Refuses (403, with the reason) anyone but the académie's coordination.
fn require_coordinator(user: &CurrentUser, academy_id: AcademyId, reason: &str) -> AppResult<()> {
    user.require(Ability::Manage, &Placement::academy(academy_id), reason)
}

/// Whether the person follows the declarations of the académie, or part of
/// it: coordinations and the DSDEN.
fn follows_declarations(user: &CurrentUser, academy_id: AcademyId) -> bool {
    user.rights.reach(Ability::Export, academy_id).is_some()
}

/// « 17/04/2023 »
pub fn date_fr(date: NaiveDate) -> String {
    crate::domain::formats::format_date(date)
}

/// The DSFR badge variant of a state.
fn badge_class(state: EditionState) -> &'static str {
    match state {
        EditionState::Draft => "fr-badge--new",
        EditionState::Open => "fr-badge--success",
        EditionState::Closed => "fr-badge--warning",
        EditionState::Week => "fr-badge--info",
        EditionState::Bilans => "fr-badge--purple-glycine",
        EditionState::Archived => "",
    }
}

/// An edition as pages show it: everything formatted in French.
#[derive(Clone, Debug)]
pub struct EditionView {
    pub id: EditionId,
    pub number: i64,
    pub year: i64,
    pub title: String,
    pub theme: String,
    pub state_code: &'static str,
    pub state_label: &'static str,
    pub state_badge: &'static str,
    /// The stored state's label, when the calendar shows another one.
    pub stored_label: Option<&'static str>,
    pub week: String,
    pub deadline: String,
    pub bilan_deadline: String,
    pub contact_email: String,
    pub reminder_days: String,
    pub cloned_from: Option<EditionId>,
}

impl EditionView {
    pub fn new(edition: &Edition, now: DateTime<Utc>) -> EditionView {
        let state = edition.state_at(now);
        let stored = edition.stored_state();
        EditionView {
            id: edition.id,
            number: edition.number,
            year: edition.year,
            title: edition.title(),
            theme: edition.theme.clone(),
            state_code: state.code(),
            state_label: state.label(),
            state_badge: badge_class(state),
            stored_label: (stored != state).then(|| stored.label()),
            week: format!(
                "du {} au {}",
                date_fr(edition.week_start),
                date_fr(edition.week_end)
            ),
            deadline: crate::domain::edition::format_paris(edition.declaration_deadline),
            bilan_deadline: date_fr(edition.bilan_deadline),
            contact_email: edition.contact_email.clone(),
            reminder_days: edition.reminder_days.clone(),
            cloned_from: edition.cloned_from,
        }
    }
}
