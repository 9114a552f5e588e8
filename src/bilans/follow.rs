//! Following the bilans of an edition: every validated action within the
//! person's level, the missing bilans first, with their owner's address —
//! what a district coordinator needs to see who is missing.

use askama::Template;
use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::store::{self, FollowRow};
use crate::{
    dashboards::{self, Level, Scope},
    domain::{
        bilan::{BilanState, TookPlace},
        formats::format_date,
        ids::EditionId,
    },
    web::{
        AppResult, AppState, CurrentUser, PageCtx,
        extract::{Path, Query},
        render,
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct FollowParams {
    #[serde(default)]
    niveau: String,
}

#[derive(Template)]
#[template(path = "bilans/follow.html")]
struct FollowPage {
    ctx: PageCtx,
    edition_id: EditionId,
    edition_title: String,
    deadline: String,
    levels: Vec<Level>,
    level: Level,
    rows: Vec<FollowRow>,
    missing: usize,
    manages: bool,
}

impl FollowPage {
    fn selected(&self, level: &Level) -> bool {
        level.scope == self.level.scope
    }

    fn state(&self, row: &FollowRow) -> &'static str {
        match row.state {
            None => "Pas commencé",
            Some(BilanState::Draft) => "Brouillon",
            Some(s) => s.label(),
        }
    }

    fn held(&self, row: &FollowRow) -> &'static str {
        match (
            row.state,
            row.took_place.as_deref().and_then(TookPlace::parse),
        ) {
            (Some(BilanState::Submitted), Some(TookPlace::Yes)) => "A eu lieu",
            (Some(BilanState::Submitted), Some(TookPlace::No)) => "N'a pas eu lieu",
            (Some(BilanState::Submitted), Some(TookPlace::Postponed)) => "Reportée",
            _ => "",
        }
    }

    fn is_missing(&self, row: &FollowRow) -> bool {
        row.state != Some(BilanState::Submitted)
    }
}

/// `GET /editions/{id}/bilans`
pub(super) async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(params): Query<FollowParams>,
) -> AppResult<Response> {
    let access = dashboards::access(&state, &user, id).await?;
    let level = access.level(&params.niveau).clone();
    let mut db = state.db.acquire().await?;
    let scope = match level.scope {
        Scope::Academy(_) => None,
        other => Some(other),
    };
    let rows = store::follow_up(&mut db.conn(), id, scope.as_ref()).await?;
    let missing = rows
        .iter()
        .filter(|r| r.state != Some(BilanState::Submitted))
        .count();
    render(FollowPage {
        ctx: access.page(ctx, "Suivi des bilans"),
        edition_id: id,
        edition_title: access.edition.title(),
        deadline: format_date(access.edition.bilan_deadline),
        levels: access.levels.clone(),
        level,
        rows,
        missing,
        manages: user.rights.manages_academy(access.edition.academy_id),
    })
}
