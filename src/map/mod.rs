//! The académie's map: académies, departments, districts and schools, their
//! pages, and the district management of coordinators.

pub mod annuaire;
pub mod import;
pub mod store;

mod districts;
mod schools;

pub(crate) use schools::build_academy_page;

use axum::Router;

use crate::web::{AppError, AppState, CurrentUser};
use store::Academy;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(schools::router())
        .merge(districts::router())
}

/// The académie of the slug, if the person holds any role in it (else 404).
pub(crate) async fn academy_for(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> Result<Academy, AppError> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = store::academy_by_slug(conn, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.rights.sees_academy(academy.id) {
        Ok(academy)
    } else {
        Err(AppError::NotFound)
    }
}
