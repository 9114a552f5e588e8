//! The edition's own questions, added to the declaration form by the
//! académie coordination: add, edit, delete, reorder.

use crate::domain::ids::{EditionId, OptionId, QuestionId};
use crate::web::extract::Path;
use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    EditionView,
    question_form::{OPTION_MAX, QuestionForm},
    require_coordinator,
    store::{self, Edition},
    visible_edition,
};
use crate::{
    domain::declaration::{Question, QuestionKind},
    map::store::Academy,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, once, render, render_with,
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
    /// How many actions answered it.
    answers: i64,
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

impl QuestionsPage {
    /// The « add » form has no stored option.
    fn option_hint(&self, _option: &OptionId) -> String {
        option_hint(0)
    }
}

/// The hint under a stored option: how many actions chose it, its limit.
fn option_hint(chosen: i64) -> String {
    let limit = format!("{OPTION_MAX} caractères au maximum");
    match chosen {
        0 => limit,
        1 => format!("Choisie par 1 action — {limit}"),
        n => format!("Choisie par {n} actions — {limit}"),
    }
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
    let mut questions = Vec::new();
    for q in store::questions(conn, edition.id).await? {
        questions.push(QuestionRow {
            answers: store::answer_count(conn, q.id).await?,
            id: q.id,
            kind: q.kind.label(),
            label: q.label,
            help: q.help,
            required: q.required,
            options: q.options.into_iter().map(|o| o.label).collect(),
        });
    }
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

/// The list of questions, with a notice.
fn list_address(edition_id: EditionId, notice: Notice) -> String {
    notice.at(&format!("/editions/{edition_id}/questions"))
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let form = QuestionForm::read(&pairs);
    match form.check(&[]) {
        Ok(question) => {
            once::run(&state.db, &form.once, user.id, async |conn| {
                store::add_question(conn, edition.id, &question).await?;
                Ok(list_address(edition.id, Notice::Created))
            })
            .await
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
    /// How many actions chose each stored option: (option, count).
    counts: Vec<(OptionId, i64)>,
    /// What the change would erase, to confirm (empty: nothing).
    losses: Vec<String>,
}

impl QuestionEditPage {
    /// How many actions chose the stored option, and its limit.
    fn option_hint(&self, option: &OptionId) -> String {
        option_hint(
            self.counts
                .iter()
                .find(|(id, _)| id == option)
                .map_or(0, |(_, n)| *n),
        )
    }
}

/// The edit page, with the answers each option holds.
struct EditView {
    question_id: QuestionId,
    form: QuestionForm,
    errors: FormErrors,
    losses: Vec<String>,
}

async fn edit_page_of(
    state: &AppState,
    ctx: PageCtx,
    edition: &Edition,
    academy: &Academy,
    view: EditView,
) -> AppResult<QuestionEditPage> {
    let counts =
        store::option_answer_counts(&mut state.db.acquire().await?.conn(), view.question_id)
            .await?;
    let edition_view = EditionView::new(edition, Utc::now());
    Ok(QuestionEditPage {
        ctx: questions_ctx(ctx, academy, &edition_view)
            .crumb(
                "Questions du formulaire",
                format!("/editions/{}/questions", edition.id),
            )
            .title("Modifier la question")
            .here(),
        edition: edition_view,
        question_id: view.question_id,
        kinds: kinds(),
        form: view.form,
        errors: view.errors,
        counts,
        losses: view.losses,
    })
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let question = question_of(&state, &edition, question_id).await?;
    let view = EditView {
        question_id: question.id,
        form: QuestionForm::of(&question),
        errors: FormErrors::default(),
        losses: Vec::new(),
    };
    render(edit_page_of(&state, ctx, &edition, &academy, view).await?)
}

/// « 3 actions », « 1 action ».
fn actions_count(n: i64) -> String {
    if n > 1 {
        format!("{n} actions")
    } else {
        format!("{n} action")
    }
}

/// What changing `before` into `after` would erase, in words (issue 7 item
/// 9: an edit never drops answers silently).
async fn losses(state: &AppState, before: &Question, after: &Question) -> AppResult<Vec<String>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if !before.kind.keeps_answers_as(after.kind) {
        let answered = store::answer_count(conn, before.id).await?;
        return Ok(if answered > 0 {
            vec![format!(
                "Passer du type « {} » au type « {} » efface les réponses de {} à cette question.",
                before.kind.label(),
                after.kind.label(),
                actions_count(answered)
            )]
        } else {
            Vec::new()
        });
    }
    let counts = store::option_answer_counts(conn, before.id).await?;
    Ok(before
        .options
        .iter()
        .filter(|o| !after.options.iter().any(|kept| kept.id == o.id))
        .filter_map(|o| {
            let n = counts.iter().find(|(id, _)| *id == o.id)?.1;
            Some(format!(
                "Retirer la réponse « {} » efface le choix de {} qui l'avai{}t choisie.",
                o.label,
                actions_count(n),
                if n > 1 { "en" } else { "" }
            ))
        })
        .collect())
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let existing = question_of(&state, &edition, question_id).await?;
    let form = QuestionForm::read(&pairs);
    let (question, losses) = match form.check(&existing.options) {
        Ok(question) => {
            let question = Question {
                id: existing.id,
                ..question
            };
            let losses = losses(&state, &existing, &question).await?;
            (question, losses)
        }
        Err(errors) => {
            let view = EditView {
                question_id: existing.id,
                form,
                errors,
                losses: Vec::new(),
            };
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                edit_page_of(&state, ctx, &edition, &academy, view).await?,
            );
        }
    };
    if !losses.is_empty() && !form.confirmed {
        // Nothing is changed before the person has read what it would erase.
        let view = EditView {
            question_id: existing.id,
            form,
            errors: FormErrors::default(),
            losses,
        };
        return render_with(
            StatusCode::CONFLICT,
            edit_page_of(&state, ctx, &edition, &academy, view).await?,
        );
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::update_question(conn, edition.id, &question).await?;
        Ok(list_address(edition.id, Notice::Saved))
    })
    .await
}

/// A form with only its token, and a confirmation when it asks for one.
#[derive(Deserialize)]
struct Confirm {
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    once: OnceToken,
}

/// « Supprimer la question ? » when it holds answers.
#[derive(Template)]
#[template(path = "editions/question_delete.html")]
struct DeletePage {
    ctx: PageCtx,
    edition: EditionView,
    question: Question,
    answered: String,
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(form): CsrfForm<Confirm>,
) -> AppResult<Response> {
    let (edition, academy) = coordinated_edition(&state, &user, id).await?;
    let question = question_of(&state, &edition, question_id).await?;
    let answered = store::answer_count(&mut state.db.acquire().await?.conn(), question.id).await?;
    if answered > 0 && form.confirm != "1" {
        let view = EditionView::new(&edition, Utc::now());
        let page = DeletePage {
            ctx: questions_ctx(ctx, &academy, &view)
                .crumb(
                    "Questions du formulaire",
                    format!("/editions/{}/questions", edition.id),
                )
                .title("Supprimer la question ?")
                .here(),
            edition: view,
            question,
            answered: actions_count(answered),
        };
        return render_with(StatusCode::CONFLICT, page);
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::delete_question(conn, edition.id, question.id).await?;
        Ok(list_address(edition.id, Notice::Deleted))
    })
    .await
}

async fn shift(
    state: &AppState,
    user: &CurrentUser,
    id: EditionId,
    question_id: QuestionId,
    delta: i64,
    token: &OnceToken,
) -> AppResult<Response> {
    let (edition, _) = coordinated_edition(state, user, id).await?;
    let question = question_of(state, &edition, question_id).await?;
    // Read the order and write it back in one write transaction: two
    // concurrent moves are applied one after the other, none is lost; a
    // double click moves it once.
    once::run(&state.db, token, user.id, async |conn| {
        store::move_question(conn, edition.id, question.id, delta).await?;
        Ok(format!("/editions/{}/questions", edition.id))
    })
    .await
}

async fn move_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(form): CsrfForm<Confirm>,
) -> AppResult<Response> {
    shift(&state, &user, id, question_id, -1, &form.once).await
}

async fn move_down(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, question_id)): Path<(EditionId, QuestionId)>,
    CsrfForm(form): CsrfForm<Confirm>,
) -> AppResult<Response> {
    shift(&state, &user, id, question_id, 1, &form.once).await
}
