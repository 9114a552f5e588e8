//! « Mes actions »: the actions a person carries, and those of the schools
//! they head.

use askama::Template;
use axum::{extract::State, response::Response};

use super::{
    store::{self, Action},
    workflow,
};
use crate::{
    domain::{Role, Scope, edition::EditionState},
    editions::store::{self as editions_store, Edition},
    web::{AppResult, AppState, CurrentUser, PageCtx, render},
};

#[derive(Template)]
#[template(path = "actions/mine.html")]
struct MinePage {
    ctx: PageCtx,
    /// Editions where the person may declare now (deadline extensions included).
    editions: Vec<Edition>,
    /// Their own actions, all editions.
    mine: Vec<Action>,
    /// Actions of the schools they head, in live editions (not their own).
    school: Vec<Action>,
}

pub async fn my_actions(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
) -> AppResult<Response> {
    let now = chrono::Utc::now();
    let mut live = Vec::new();
    let mut editions = Vec::new();
    for academy in user.rights.academies() {
        let of_academy =
            editions_store::editions_of(&mut state.db.acquire().await?.conn(), academy).await?;
        for edition in of_academy {
            let current = edition.state_at(now);
            if matches!(current, EditionState::Draft | EditionState::Archived) {
                continue;
            }
            // Closed editions stay declarable for a school with an extension.
            if current <= EditionState::Closed && declarable(&state, &user, &edition).await? {
                editions.push(edition.clone());
            }
            live.push(edition);
        }
    }
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    // Only what the person still owns: rights come from current grants.
    let mine: Vec<Action> = store::actions_of_owner(conn, user.id)
        .await?
        .into_iter()
        .filter(|a| workflow::relation(&user, a).owner)
        .collect();
    let mut school = Vec::new();
    for scope in user.rights.scopes_of(Role::SchoolHead) {
        let Scope::School(school_id) = scope else {
            continue;
        };
        for edition in &live {
            school.extend(
                store::actions_of_school(conn, edition.id, school_id)
                    .await?
                    .into_iter()
                    .filter(|a| a.owner_user_id != user.id),
            );
        }
    }
    render(MinePage {
        ctx: ctx.title("Mes actions").here(),
        editions,
        mine,
        school,
    })
}

/// Whether the person may still declare in the edition at one of their places.
async fn declarable(state: &AppState, user: &CurrentUser, edition: &Edition) -> AppResult<bool> {
    for place in user.rights.declare_places(edition.academy_id) {
        if super::ensure_open(state, edition, place.school(), "déclarer une action")
            .await
            .is_ok()
        {
            return Ok(true);
        }
    }
    Ok(false)
}
