//! The edition's own questions, added to the declaration form by the
//! académie coordination: add, edit, delete, reorder.

use crate::domain::ids::{EditionId, QuestionId};
use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    EditionView, require_coordinator,
    store::{self, Edition},
    visible_edition,
};
use crate::{
    domain::declaration::{Question, QuestionKind},
    map::store::Academy,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, PageCtx, render,
        render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/questions", get(list).post(add))
        .route(
            "/editions/{id}/questions/{question}/modifier",
            get(edit_page).post(update),
        )
        .route(
            "/editions/{id}/questions/{question}/supprimer",
            post(delete),
        )
        .route("/editions/{id}/questions/{question}/monter", post(move_up))
        .route(
            "/editions/{id}/questions/{question}/descendre",
            post(move_down),
        )
}

const REASON: &str = "Seule la coordination académique définit les questions du formulaire.";

/// The edition, if the person coordinates its académie (404 outside it, 403 inside).
async fn coordinated_edition(
    state: &AppState,
    user: &CurrentUser,
    id: EditionId,
) -> AppResult<(Edition, Academy)> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    require_coordinator(user, academy.id, REASON)?;
    Ok((edition, academy))
}

/// The question form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub kind: String,
    pub label: String,
    pub help: String,
    /// The checkbox: present when ticked.
    pub required: Option<String>,
    pub options: String,
}

impl QuestionForm {
    /// A blank question: short text, required (every field is, by default).
    fn blank() -> QuestionForm {
        QuestionForm {
            kind: QuestionKind::ShortText.code().into(),
            required: Some("oui".into()),
            ..Default::default()
        }
    }

    fn of(question: &Question) -> QuestionForm {
        QuestionForm {
            kind: question.kind.code().into(),
            label: question.label.clone(),
            help: question.help.clone(),
            required: question.required.then(|| "oui".into()),
            options: question.options.join("\n"),
        }
    }

    fn is_required(&self) -> bool {
        self.required.is_some()
    }

    fn check(&self) -> Result<Question, FormErrors> {
        let mut errors = FormErrors::default();
        let kind = QuestionKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "Choisissez le type de question.");
        }
        let label = self.label.trim();
        if label.is_empty() {
            errors.add("label", "Indiquez l'intitulé de la question.");
        } else if label.chars().count() > 300 {
            errors.add("label", "L'intitulé ne doit pas dépasser 300 caractères.");
        }
        let help = self.help.trim();
        if help.chars().count() > 1000 {
            errors.add("help", "L'aide ne doit pas dépasser 1 000 caractères.");
        }
        let mut options: Vec<String> = Vec::new();
        for option in self
            .options
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            if !options.iter().any(|o| o == option) {
                options.push(option.to_string());
            }
        }
        match kind {
            Some(kind) if kind.has_options() => {
                if options.len() < 2 {
                    errors.add(
                        "options",
                        "Indiquez au moins deux réponses possibles, une par ligne.",
                    );
                } else if options.iter().any(|o| o.chars().count() > 200) {
                    errors.add(
                        "options",
                        "Chaque réponse possible doit tenir en 200 caractères.",
                    );
                } else if options.len() > 50 {
                    errors.add("options", "Proposez au plus 50 réponses.");
                }
            }
            _ => options.clear(),
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Question {
                id: QuestionId(0),
                kind,
                label: label.to_string(),
                help: help.to_string(),
                required: self.is_required(),
                options,
            }),
            _ => Err(errors),
        }
    }
}

/// A kind of question, for the select.
struct KindChoice {
    code: &'static str,
    label: &'static str,
}

fn kinds() -> Vec<KindChoice> {
    QuestionKind::ALL
        .iter()
        .map(|k| KindChoice {
            code: k.code(),
            label: k.label(),
        })
        .collect()
}

/// A question as listed.
struct QuestionRow {
    id: QuestionId,
    kind: &'static str,
    label: String,
    help: String,
    required: bool,
    options: Vec<String>,
}

/// The questions of an edition, and the form to add one.
#[derive(Template)]
#[template(path = "editions/questions.html")]
struct QuestionsPage {
    ctx: PageCtx,
    edition: EditionView,
    questions: Vec<QuestionRow>,
    declared: i64,
    kinds: Vec<KindChoice>,
    form: QuestionForm,
    errors: FormErrors,
}

fn questions_ctx(ctx: PageCtx, academy: &Academy, edition: &EditionView) -> PageCtx {
    ctx.academy(academy.name.clone())
        .crumb(
            format!("Académie de {}", academy.name),
            format!("/a/{}", academy.slug),
        )
        .crumb("Éditions", format!("/a/{}/editions", academy.slug))
        .crumb(edition.title.clone(), format!("/editions/{}", edition.id))
}

async fn questions_page(
    state: &AppState,
    ctx: PageCtx,
    edition: &Edition,
    academy: &Academy,
    form: QuestionForm,
    errors: FormErrors,
) -> AppResult<QuestionsPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let view = EditionView::new(edition, Utc::now());
    let questions = store::questions(conn, edition.id)
        .await?
        .into_iter()
        .map(|q| QuestionRow {
            id: q.id,
            kind: q.kind.label(),
            label: q.label,
            help: q.help,
            required: q.required,
            options: q.options,
        })
        .collect();
    Ok(QuestionsPage {
        ctx: questions_ctx(ctx, academy, &view)
            .title("Questions du formulaire")
            .here(),
        declared: store::declared_action_count(conn, edition.id).await?,
        edition: view,
        questions,
        kinds: kinds(),
        form,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    render(
        questions_page(
            &state,
            ctx,
            &edition,
            &academy,
            QuestionForm::blank(),
            FormErrors::default(),
        )
        .await?,
    )
}

fn back_to_list(edition_id: EditionId) -> Response {
    Redirect::to(&format!("/editions/{edition_id}/questions")).into_response()
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    match form.check() {
        Ok(question) => {
            let mut db = state.db.acquire().await?;
            let conn = &mut db.conn();
            store::add_question(conn, edition.id, &question).await?;
            Ok(back_to_list(edition.id))
        }
        Err(errors) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            questions_page(&state, ctx, &edition, &academy, form, errors).await?,
        ),
    }
}

/// One question of the edition, or 404.
async fn question_of(
    state: &AppState,
    edition: &Edition,
    question_id: QuestionId,
) -> AppResult<Question> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    store::questions(conn, edition.id)
        .await?
        .into_iter()
        .find(|q| q.id == question_id)
        .ok_or(AppError::NotFound)
}

/// The form to change one question.
#[derive(Template)]
#[template(path = "editions/question_edit.html")]
struct QuestionEditPage {
    ctx: PageCtx,
    edition: EditionView,
    question_id: QuestionId,
    kinds: Vec<KindChoice>,
    form: QuestionForm,
    errors: FormErrors,
}

fn edit_page_of(
    ctx: PageCtx,
    edition: &Edition,
    academy: &Academy,
    question_id: QuestionId,
    form: QuestionForm,
    errors: FormErrors,
) -> QuestionEditPage {
    let view = EditionView::new(edition, Utc::now());
    QuestionEditPage {
        ctx: questions_ctx(ctx, academy, &view)
            .crumb(
                "Questions du formulaire",
                format!("/editions/{}/questions", edition.id),
            )
            .title("Modifier la question")
            .here(),
        edition: view,
        question_id,
        kinds: kinds(),
        form,
        errors,
    }
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let question = question_of(&state, &edition, question_id).await?;
    render(edit_page_of(
        ctx,
        &edition,
        &academy,
        question.id,
        QuestionForm::of(&question),
        FormErrors::default(),
    ))
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let existing = question_of(&state, &edition, question_id).await?;
    match form.check() {
        Ok(question) => {
            let question = Question {
                id: existing.id,
                ..question
            };
            store::update_question(conn, edition.id, &question).await?;
            Ok(back_to_list(edition.id))
        }
        Err(errors) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            edit_page_of(ctx, &edition, &academy, existing.id, form, errors),
        ),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let (edition, _) = coordinated_edition(&state, &user, id).await?;
    let question = question_of(&state, &edition, question_id).await?;
    store::delete_question(conn, edition.id, question.id).await?;
    Ok(back_to_list(edition.id))
}

async fn shift(
    state: &AppState,
    user: &CurrentUser,
    id: EditionId,
    question_id: QuestionId,
    delta: i64,
) -> AppResult<Response> {
    let (edition, _) = coordinated_edition(state, user, id).await?;
    let question = question_of(state, &edition, question_id).await?;
    // Read the order and write it back in one write transaction: two
    // concurrent moves are applied one after the other, none is lost.
    let mut tx = state.db.begin().await?;
    store::move_question(&mut tx.conn(), edition.id, question.id, delta).await?;
    tx.commit().await?;
    Ok(back_to_list(edition.id))
}

async fn move_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    shift(&state, &user, id, question_id, -1).await
}

async fn move_down(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    shift(&state, &user, id, question_id, 1).await
}
