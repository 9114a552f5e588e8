//! Reviewing an edition's actions: the review list of the coordinations
//! (filters, bulk validation, CSV export) and the coverage dashboard.
//!
//! Who sees what: the académie coordination (and the administrator) the
//! whole académie, a district coordinator their district(s), a DSDEN its
//! department(s), read-only. Drafts are never shown to reviewers.

mod dashboard;
mod export;
mod list;
pub mod store;

use crate::domain::ids::EditionId;
use axum::{
    Router,
    routing::{get, post},
};

use crate::{
    domain::Ability,
    editions::store::Edition,
    web::{AppError, AppResult, AppState, CurrentUser, PageCtx},
};
use store::Reach;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/revue", get(list::review_list))
        .route("/editions/{id}/revue/valider", post(list::validate))
        .route("/editions/{id}/revue/export", post(export::export))
        .route("/editions/{id}/tableau-de-bord", get(dashboard::dashboard))
}

/// What a person may see and do with an edition's actions.
pub(crate) struct Access {
    pub edition: Edition,
    pub academy_name: String,
    pub academy_slug: String,
    pub reach: Reach,
    /// May validate: the académie coordination, or a district coordinator
    /// (each action is still checked by the workflow).
    pub can_review: bool,
}

impl Access {
    /// The layout context of a review page.
    fn page(&self, ctx: PageCtx, title: &str) -> PageCtx {
        ctx.title(title)
            .academy(self.academy_name.clone())
            .crumb(
                format!("Académie de {}", self.academy_name),
                format!("/a/{}", self.academy_slug),
            )
            .crumb(
                self.edition.title(),
                format!("/editions/{}", self.edition.id),
            )
            .here()
    }
}

/// Loads the edition and what the person may do with it: 404 if the
/// policy does not let them open the edition, 403 if their role follows no
/// part of it ([`Ability::Export`]); they may validate where they hold
/// [`Ability::Review`].
pub(crate) async fn access(
    state: &AppState,
    user: &CurrentUser,
    edition_id: EditionId,
) -> AppResult<Access> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let found = store::edition_in_academy(conn, edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = found.edition;
    let academy_id = edition.academy_id;
    if !user.rights.sees_edition(academy_id, edition.stored_state()) {
        return Err(AppError::NotFound);
    }
    let Some(follows) = user.rights.reach(Ability::Export, academy_id) else {
        return Err(AppError::forbidden(
            "La revue des actions et le tableau de bord sont réservés aux coordinations \
             (académie, district) et aux DSDEN.",
        ));
    };
    // Export is never held at a school, so the reach has no schools to drop.
    let reach = Reach {
        whole: follows.whole,
        departments: follows.departments,
        districts: follows.districts,
    };
    Ok(Access {
        edition,
        academy_name: found.academy_name,
        academy_slug: found.academy_slug,
        reach,
        can_review: user.rights.reach(Ability::Review, academy_id).is_some(),
    })
}

/// Reads an id typed in a query or a form (anything else is no id).
fn parse_id<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.trim().parse().ok()
}
