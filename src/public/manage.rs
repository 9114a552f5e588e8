//! Taking a validated action off the public side, and putting it back: the
//! coordination that reviews the action's place (district or académie),
//! with a reason kept in the action's audit trail.

use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::store;
use crate::{
    actions::{store as actions_store, workflow},
    domain::ids::ActionId,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser,
        extract::Path,
        notice::Notice,
        once::{self, OnceToken},
    },
};

/// The longest reason, in characters.
pub const REASON_MAX: usize = 1_000;

#[derive(Deserialize)]
pub struct PublicationForm {
    /// `retirer` or `publier`.
    #[serde(default)]
    publication: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    once: OnceToken,
}

/// `POST /actions/{id}/publication`
pub async fn publication(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<PublicationForm>,
) -> AppResult<Response> {
    let action = {
        let mut db = state.db.acquire().await?;
        actions_store::action_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let relation = workflow::relation(&user, &action);
    if !relation.can_view(action.state()) {
        return Err(AppError::NotFound);
    }
    if !relation.can_flag(action.state()) {
        return Err(AppError::forbidden(
            "Seule la coordination du district ou de l'académie peut retirer une action validée de la publication.",
        ));
    }
    let publish = match form.publication.as_str() {
        "publier" => true,
        "retirer" => false,
        _ => return Err(AppError::BadRequest("Choix de publication inconnu.".into())),
    };
    let reason = form.reason.trim();
    if !publish && reason.is_empty() {
        return Err(AppError::BadRequest(
            "Indiquez la raison du retrait : elle est gardée dans l'historique de l'action. Revenez à la page de l'action pour la saisir."
                .into(),
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(AppError::BadRequest(format!(
            "La raison dépasse {REASON_MAX} caractères."
        )));
    }
    let reason = reason.to_string();
    let show = format!("/actions/{id}");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_published(conn, id, publish, &reason, user.id).await?;
        Ok(Notice::Saved.at(&show))
    })
    .await
}
