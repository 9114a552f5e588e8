//! Reviewing an edition's actions: the review list of the coordinations
//! (filters, bulk validation, CSV export) and the coverage dashboard.
//!
//! Who sees what: the académie coordination (and the administrator) the
//! whole académie, a district coordinator their district(s), a DSDEN its
//! department(s), read-only. Drafts are never shown to reviewers.

mod dashboard;
mod list;
pub mod store;

use axum::{
    Router,
    routing::{get, post},
};

use crate::{
    domain::{Placement, Role, Scope},
    editions::store::Edition,
    web::{AppError, AppResult, AppState, CurrentUser, PageCtx},
};
use store::Reach;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/revue", get(list::review_list))
        .route("/editions/{id}/revue/valider", post(list::validate))
        .route("/editions/{id}/revue/export", post(list::export))
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
/// edition is not in one of their académies, 403 if their role does not
/// review actions.
pub(crate) async fn access(
    state: &AppState,
    user: &CurrentUser,
    edition_id: i64,
) -> AppResult<Access> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let found = store::edition_in_academy(conn, edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = found.edition;
    if !user.in_academy(edition.academy_id) {
        return Err(AppError::NotFound);
    }
    let academy_id = edition.academy_id;
    let whole_place = Placement {
        academy: academy_id,
        ..Default::default()
    };
    let whole = user
        .grants
        .any_covers(&[Role::AcademyCoordinator], &whole_place);
    let mut departments = Vec::new();
    let mut districts = Vec::new();
    for (grant, place) in &user.placements {
        if place.academy != academy_id {
            continue;
        }
        match (grant.role, grant.scope) {
            (Role::DepartmentViewer, Scope::Department(id)) => departments.push(id),
            (Role::DistrictCoordinator, Scope::District(id)) => districts.push(id),
            _ => {}
        }
    }
    departments.sort_unstable();
    departments.dedup();
    districts.sort_unstable();
    districts.dedup();
    if !whole && departments.is_empty() && districts.is_empty() {
        return Err(AppError::forbidden(
            "La revue des actions et le tableau de bord sont réservés aux coordinations \
             (académie, district) et aux DSDEN.",
        ));
    }
    let can_review = whole || !districts.is_empty();
    let reach = if whole {
        Reach {
            whole: true,
            ..Default::default()
        }
    } else {
        Reach {
            whole: false,
            departments,
            districts,
        }
    };
    Ok(Access {
        edition,
        academy_name: found.academy_name,
        academy_slug: found.academy_slug,
        reach,
        can_review,
    })
}

/// Reads an id typed in a query or a form (anything else is no id).
fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}
