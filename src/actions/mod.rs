//! Actions: declaring, submitting and reviewing the fiches-actions.

mod form;
mod mine;
mod page;
pub mod store;
pub mod workflow;

use axum::{
    Router,
    routing::{get, post},
};

use crate::{
    domain::{Scope, edition::EditionState},
    editions::store::{self as editions_store, Edition},
    map::store as map_store,
    web::{AppError, AppResult, AppState, CurrentUser},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/actions/nouvelle", get(form::new_page))
        .route("/editions/{id}/actions", post(form::create))
        .route("/actions/{id}", get(page::show))
        .route(
            "/actions/{id}/modifier",
            get(form::edit_page).post(form::save),
        )
        .route("/actions/{id}/transition", post(page::transition))
        .route("/actions/{id}/signalements", post(page::flags))
        .route("/actions/{id}/dupliquer", post(page::duplicate))
        .route("/mes-actions", get(mine::my_actions))
}

/// Where a person may declare an action: their schools and districts in the
/// edition's académie.
#[derive(Clone, Debug)]
pub struct PlaceChoice {
    /// `school:ID` or `district:ID`.
    pub value: String,
    pub label: String,
}

pub(crate) async fn place_choices(
    state: &AppState,
    user: &CurrentUser,
    edition: &Edition,
) -> AppResult<Vec<PlaceChoice>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut choices = Vec::new();
    for (grant, place) in &user.placements {
        if place.academy != edition.academy_id {
            continue;
        }
        match grant.scope {
            Scope::School(id) => {
                if let Some(school) = map_store::school_by_id(conn, id).await? {
                    choices.push(PlaceChoice {
                        value: format!("school:{id}"),
                        label: format!("{} ({})", school.name, school.uai),
                    });
                }
            }
            Scope::District(id) => {
                if let Some(district) = map_store::district_by_id(conn, id).await? {
                    choices.push(PlaceChoice {
                        value: format!("district:{id}"),
                        label: format!("Action de district : {}", district.name),
                    });
                }
            }
            _ => {}
        }
    }
    choices.dedup_by(|a, b| a.value == b.value);
    Ok(choices)
}

/// Refuses `what` (« déclarer une action », « soumettre cette action ») when
/// the edition is not open for that school: its deadline, or a later
/// extension for the school or for all, has passed.
pub(crate) async fn ensure_open(
    state: &AppState,
    edition: &Edition,
    school_id: Option<i64>,
    what: &str,
) -> AppResult<()> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if matches!(
        edition.stored_state(),
        EditionState::Draft | EditionState::Archived
    ) {
        return Err(AppError::forbidden(
            "Les déclarations de cette édition ne sont pas ouvertes.",
        ));
    }
    let deadline = editions_store::deadline_for(conn, edition, school_id).await?;
    if chrono::Utc::now() > deadline {
        return Err(AppError::forbidden(format!(
            "La date limite des déclarations est passée ({}) : il n'est plus possible de {what}. \
             Si vous avez besoin d'un délai, écrivez à {}.",
            crate::domain::edition::format_paris(deadline),
            edition.contact_email
        )));
    }
    Ok(())
}
