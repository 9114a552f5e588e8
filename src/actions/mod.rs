//! Actions: declaring, submitting and reviewing the fiches-actions.

mod form;
mod mine;
pub mod page;
mod save;
pub mod store;
pub mod workflow;

use crate::domain::ids::SchoolId;
use axum::{
    Router,
    routing::{get, post},
};

use crate::{
    domain::{DeclarePlace, edition::EditionState},
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
            get(form::edit_page).post(save::save),
        )
        .route("/actions/{id}/transition", post(page::transition))
        .route("/actions/{id}/signalements", post(page::flags))
        .route("/actions/{id}/dupliquer", post(page::duplicate))
        .route("/mes-actions", get(mine::my_actions))
}

/// Where a person may declare an action, with its label.
#[derive(Clone, Debug)]
pub struct PlaceChoice {
    pub place: DeclarePlace,
    pub label: String,
}

impl PlaceChoice {
    /// The form value (`school:ID` or `district:ID`).
    pub fn value(&self) -> String {
        self.place.value()
    }
}

/// The places where the policy lets the person declare in the edition's
/// académie (their schools, their districts), named.
pub(crate) async fn place_choices(
    state: &AppState,
    user: &CurrentUser,
    edition: &Edition,
) -> AppResult<Vec<PlaceChoice>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut choices = Vec::new();
    for place in user.rights.declare_places(edition.academy_id) {
        let label = match place {
            DeclarePlace::School(id) => map_store::school_by_id(conn, id)
                .await?
                .map(|school| format!("{} ({})", school.name, school.uai)),
            DeclarePlace::District(id) => map_store::district_by_id(conn, id)
                .await?
                .map(|district| format!("Action de district : {}", district.name)),
        };
        if let Some(label) = label {
            choices.push(PlaceChoice { place, label });
        }
    }
    Ok(choices)
}

/// Refuses `what` (« déclarer une action », « soumettre cette action ») when
/// the edition is not open for that school: its deadline, or a later
/// extension for the school or for all, has passed.
pub(crate) async fn ensure_open(
    state: &AppState,
    edition: &Edition,
    school_id: Option<SchoolId>,
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
    if crate::domain::edition::deadline_passed(deadline, chrono::Utc::now()) {
        return Err(AppError::forbidden(format!(
            "La date limite des déclarations est passée ({}) : il n'est plus possible de {what}. \
             Si vous avez besoin d'un délai, écrivez à {}.",
            crate::domain::edition::format_paris(deadline),
            edition.contact_email
        )));
    }
    Ok(())
}
