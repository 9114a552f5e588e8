//! The action page: its content, its audit trail, and the review decisions.

use crate::domain::ids::{ActionId, QuestionId};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{store, workflow};
use crate::{
    domain::{
        action::{ActionState, Relation, Transition},
        declaration::{self, Question},
        edition::EditionState,
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, PageCtx, render,
        render_with,
    },
};

/// One action, everything about it.
#[derive(Template)]
#[template(path = "actions/show.html")]
struct ShowPage {
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    /// The edition's questions with this action's answer.
    answers: Vec<(Question, String)>,
    events: Vec<store::Event>,
    relation: Relation,
    /// The open edition this action can be duplicated into, if any.
    duplicate_into: Option<Edition>,
    /// The decision comment as typed (kept on error).
    comment: String,
    errors: FormErrors,
}

impl ShowPage {
    fn labels(&self, choices: declaration::Choices, list: Vec<String>) -> String {
        list.iter()
            .map(|c| declaration::label_of(choices, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn audiences(&self) -> String {
        self.labels(declaration::AUDIENCES, self.action.audience_list())
    }

    fn levels(&self) -> String {
        self.labels(declaration::LEVELS, self.action.level_list())
    }

    fn showcase(&self) -> String {
        self.labels(declaration::SHOWCASE_KINDS, self.action.showcase_list())
    }

    fn scheme(&self) -> String {
        if self.action.scheme.is_empty() {
            String::new()
        } else {
            declaration::label_of(declaration::SCHEMES, &self.action.scheme)
        }
    }

    fn date(&self) -> String {
        self.action
            .starts_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    }

    fn state(&self) -> ActionState {
        self.action.state()
    }

    fn can_edit(&self) -> bool {
        self.relation.can_edit(self.action.state())
    }

    fn can_review(&self) -> bool {
        self.relation.decides()
            && matches!(
                self.action.state(),
                ActionState::Submitted | ActionState::Validated
            )
    }

    fn can_submit(&self) -> bool {
        (self.relation.owner || self.relation.school_head)
            && matches!(
                self.action.state(),
                ActionState::Draft | ActionState::ChangesRequested
            )
    }

    fn can_flag(&self) -> bool {
        self.relation.can_flag(self.action.state())
    }

    /// A reviewer looking at an action they declared: the decision is not theirs.
    fn own_action_under_review(&self) -> bool {
        self.relation.reviewer()
            && self.relation.author
            && matches!(
                self.action.state(),
                ActionState::Submitted | ActionState::Validated
            )
    }
}

async fn visible(
    state: &AppState,
    user: &CurrentUser,
    id: ActionId,
) -> AppResult<(store::Action, Relation)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action = store::action_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = workflow::relation(user, &action);
    if relation.can_view(action.state()) {
        Ok((action, relation))
    } else {
        Err(AppError::NotFound)
    }
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    action: store::Action,
    relation: Relation,
    comment: String,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored: Vec<(QuestionId, String)> = store::answers(conn, action.id).await?;
    let answers = editions_store::questions(conn, edition.id)
        .await?
        .into_iter()
        .map(|q| {
            let answer = stored
                .iter()
                .find(|(id, _)| *id == q.id)
                .map(|(_, v)| v.replace('\n', ", "))
                .unwrap_or_default();
            (q, answer)
        })
        .collect();
    let events = store::events(conn, action.id).await?;
    let duplicate_into = if relation.owner {
        open_edition_for_copy(state, &edition).await?
    } else {
        None
    };
    let _ = user;
    let title = if action.title.is_empty() {
        "Action sans titre".to_string()
    } else {
        action.title.clone()
    };
    let ctx = ctx
        .title(title)
        .crumb(edition.title(), format!("/editions/{}", edition.id))
        .here();
    Ok(ShowPage {
        ctx,
        action,
        edition,
        answers,
        events,
        relation,
        duplicate_into,
        comment,
        errors,
    })
}

/// Another edition of the académie that is open for declarations.
async fn open_edition_for_copy(state: &AppState, edition: &Edition) -> AppResult<Option<Edition>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let now = chrono::Utc::now();
    Ok(editions_store::editions_of(conn, edition.academy_id)
        .await?
        .into_iter()
        .find(|e| e.id != edition.id && e.state_at(now) == EditionState::Open))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    render(
        show_page(
            &state,
            &user,
            ctx,
            action,
            relation,
            String::new(),
            FormErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    transition: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: i64,
}

pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    let transition = Transition::parse(&form.transition)
        .ok_or_else(|| AppError::BadRequest("Décision inconnue.".into()))?;
    let needs_comment = matches!(transition, Transition::RequestChanges | Transition::Decline);
    if needs_comment && relation.decides() && form.comment.trim().is_empty() {
        let mut errors = FormErrors::default();
        let message = if transition == Transition::Decline {
            "Indiquez la raison du refus : le porteur de l'action la recevra."
        } else {
            "Expliquez ce qu'il faut modifier : le porteur de l'action recevra votre commentaire."
        };
        errors.add("comment", message);
        let page = show_page(&state, &user, ctx, action, relation, form.comment, errors).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    workflow::perform(
        &state,
        &user,
        &action,
        transition,
        &form.comment,
        form.version,
    )
    .await?;
    Ok(Redirect::to(&format!("/actions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct FlagsForm {
    #[serde(default)]
    featured: Option<String>,
    #[serde(default)]
    proposed: Option<String>,
    #[serde(default)]
    version: i64,
}

pub async fn flags(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<FlagsForm>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    if !relation.can_flag(action.state()) {
        return Err(AppError::forbidden(
            "Seule la coordination peut signaler une action validée pour le programme ou la vitrine.",
        ));
    }
    if !store::set_flags(
        &mut state.db.acquire().await?.conn(),
        id,
        form.version,
        form.featured.is_some(),
        form.proposed.is_some(),
    )
    .await?
    {
        return Err(workflow::conflict());
    }
    Ok(Redirect::to(&format!("/actions/{id}")).into_response())
}

pub async fn duplicate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let (action, relation) = visible(&state, &user, id).await?;
    if !relation.owner {
        return Err(AppError::forbidden(
            "Seul le porteur d'une action peut la dupliquer.",
        ));
    }
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = open_edition_for_copy(&state, &edition)
        .await?
        .ok_or_else(|| {
            AppError::forbidden(
                "Aucune autre édition n'est ouverte aux déclarations pour le moment.",
            )
        })?;
    super::ensure_open(&state, &target, action.school_id, "déclarer une action").await?;
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    let copy = store::duplicate(conn, action.id, target.id, user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/actions/{copy}/modifier")).into_response())
}
