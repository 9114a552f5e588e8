//! Who is asking: the signed-in person, read from the session cookie.

use axum::{extract::FromRequestParts, http::request::Parts};
use chrono::Duration;

use super::{AppError, AppState, cookies};
use crate::{
    auth::{store, tokens},
    domain::{Grant, Placement, roles::Grants},
};

pub const COOKIE: &str = "perseverance_session";

/// A signed-in person and every role they hold, with where each applies.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub grants: Grants,
    /// Each grant beside the placement of its scope.
    pub placements: Vec<(Grant, Placement)>,
}

impl CurrentUser {
    /// Refuses with a French reason unless a grant of `roles` covers `place`.
    pub fn require(
        &self,
        roles: &[crate::domain::Role],
        place: &Placement,
        reason: &str,
    ) -> Result<(), AppError> {
        if self.grants.any_covers(roles, place) {
            Ok(())
        } else {
            Err(AppError::forbidden(reason))
        }
    }

    /// Whether the person may look into the académie at all: the platform
    /// admin, or anyone holding a role there (else it answers 404).
    pub fn in_academy(&self, academy_id: i64) -> bool {
        self.grants.is_admin() || self.academy_ids().contains(&academy_id)
    }

    /// The académies where the person holds a role (empty for none).
    pub fn academy_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .placements
            .iter()
            .map(|(_, p)| p.academy)
            .filter(|&a| a != 0)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// Optional: `None` for anonymous visitors.
pub struct MaybeUser(pub Option<CurrentUser>);

async fn load(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if let Some(user) = parts.extensions.get::<Option<CurrentUser>>() {
        return Ok(user.clone());
    }
    let user = match cookies::read(&parts.headers, COOKIE) {
        None => None,
        Some(token) => {
            let valid_for = Duration::hours(state.config.session_hours);
            match store::session_user(conn, &tokens::hash(&token), valid_for).await? {
                None => None,
                Some(user) => {
                    let rows = store::grants_of(conn, user.id).await?;
                    let placements: Vec<(Grant, Placement)> = rows
                        .iter()
                        .filter_map(|r| Some((r.grant()?, r.placement())))
                        .collect();
                    Some(CurrentUser {
                        id: user.id,
                        email: user.email,
                        display_name: user.display_name,
                        grants: Grants(placements.iter().map(|(g, _)| *g).collect()),
                        placements,
                    })
                }
            }
        }
    };
    parts.extensions.insert(user.clone());
    Ok(user)
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state).await.map(MaybeUser)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state).await?.ok_or(AppError::Unauthenticated)
    }
}
