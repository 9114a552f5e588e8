//! Taking a validated action off the public side, and putting it back: the
//! coordination that reviews the action's place (district or académie),
//! with a reason kept in the action's audit trail.

use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::store;
use crate::{
    actions::{page, store as actions_store, workflow},
    domain::ids::ActionId,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, PageCtx,
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
    ctx: PageCtx,
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
    let count = reason.chars().count();
    let refused = if !publish && reason.is_empty() {
        Some(
            "Indiquez la raison du retrait : elle est gardée dans l’historique de l’action."
                .to_string(),
        )
    } else if count > REASON_MAX {
        Some(crate::domain::declaration::too_long(
            "La raison",
            REASON_MAX,
            count,
        ))
    } else {
        None
    };
    if let Some(message) = refused {
        // The action page again, the reason as typed and the error beside it.
        return page::publication_refused(&state, &user, ctx, id, form.reason, message).await;
    }
    let reason = reason.to_string();
    let show = format!("/actions/{id}");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_published(conn, id, publish, &reason, user.id).await?;
        Ok(Notice::Saved.at(&show))
    })
    .await
}
