//! The edition's bilan questionnaire and reminder days, shaped by the
//! académie coordination (those who manage the edition): questions on a
//! scale from 1 to 5 or with a free answer, added at the end or removed
//! (removing one that holds answers says how many and asks first).

use askama::Template;
use axum::{extract::State, http::StatusCode, response::Response};
use serde::Deserialize;

use super::store;
use crate::{
    domain::{
        bilan::{BilanQuestion, BilanQuestionKind},
        edition::parse_reminder_days,
        ids::{BilanQuestionId, EditionId},
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, extract::Path, once, render_with,
    },
};

/// The longest question, in characters.
const LABEL_MAX: usize = 300;

/// The edition, if the person manages it: 404 if they may not open it,
/// 403 if they do not shape it.
async fn managed(state: &AppState, user: &CurrentUser, id: EditionId) -> AppResult<Edition> {
    let mut db = state.db.acquire().await?;
    let edition = editions_store::edition_by_id(&mut db.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user
        .rights
        .sees_edition(edition.academy_id, edition.stored_state())
    {
        return Err(AppError::NotFound);
    }
    if !user.rights.manages_academy(edition.academy_id) {
        return Err(AppError::forbidden(
            "Seule la coordination académique définit le questionnaire des bilans.",
        ));
    }
    Ok(edition)
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct QuestionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    required: Option<String>,
    #[serde(default)]
    once: OnceToken,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DaysForm {
    #[serde(default)]
    days: String,
    #[serde(default)]
    once: OnceToken,
}

#[derive(Template)]
#[template(path = "bilans/questionnaire.html")]
struct QuestionnairePage {
    ctx: PageCtx,
    edition: Edition,
    questions: Vec<BilanQuestion>,
    kinds: Vec<(&'static str, &'static str)>,
    form_kind: String,
    form_label: String,
    form_required: bool,
    days: String,
    errors: FormErrors,
    /// A removal waiting for confirmation: the question and its answers.
    confirm: Option<(BilanQuestionId, i64)>,
}

impl QuestionnairePage {
    fn kind_label(&self, q: &BilanQuestion) -> &'static str {
        q.kind.label()
    }
}

struct Shown {
    kind: String,
    label: String,
    required: bool,
    days: Option<String>,
    errors: FormErrors,
    confirm: Option<(BilanQuestionId, i64)>,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    edition: Edition,
    shown: Shown,
    status: StatusCode,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let questions = store::questions(conn, edition.id).await?;
    let days = match shown.days {
        Some(days) => days,
        None => store::reminder_days(conn, edition.id).await?,
    };
    let ctx = ctx
        .title("Questionnaire des bilans et relances")
        .crumb(edition.title(), format!("/editions/{}", edition.id))
        .here();
    render_with(
        status,
        QuestionnairePage {
            ctx,
            edition,
            questions,
            kinds: BilanQuestionKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            form_kind: shown.kind,
            form_label: shown.label,
            form_required: shown.required,
            days,
            errors: shown.errors,
            confirm: shown.confirm,
        },
    )
}

fn blank() -> Shown {
    Shown {
        kind: BilanQuestionKind::Scale.code().into(),
        label: String::new(),
        required: true,
        days: None,
        errors: FormErrors::default(),
        confirm: None,
    }
}

/// `GET /editions/{id}/questionnaire-bilan`
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let edition = managed(&state, &user, id).await?;
    page(&state, ctx, edition, blank(), StatusCode::OK).await
}

/// `POST /editions/{id}/questionnaire-bilan`: adds a question.
pub(super) async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> AppResult<Response> {
    let edition = managed(&state, &user, id).await?;
    let kind = BilanQuestionKind::parse(&form.kind);
    let label = form.label.trim().to_string();
    let mut errors = FormErrors::default();
    if kind.is_none() {
        errors.add("kind", "Choisissez le type de question.");
    }
    let count = label.chars().count();
    if count == 0 {
        errors.add("label", "Écrivez la question.");
    } else if count > LABEL_MAX {
        errors.add(
            "label",
            crate::domain::declaration::too_long("La question", LABEL_MAX, count),
        );
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        let shown = Shown {
            kind: form.kind,
            label: form.label,
            required: form.required.is_some(),
            errors,
            ..blank()
        };
        return page(
            &state,
            ctx,
            edition,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let required = form.required.is_some();
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::add_question(conn, id, kind, &label, required).await?;
        Ok(Notice::Created.at(&format!("/editions/{id}/questionnaire-bilan")))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DeleteForm {
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    once: OnceToken,
}

/// `POST /editions/{id}/questionnaire-bilan/{question}/supprimer`
pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, question)): Path<(EditionId, BilanQuestionId)>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let edition = managed(&state, &user, id).await?;
    let answers = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        if !store::questions(conn, id)
            .await?
            .iter()
            .any(|q| q.id == question)
        {
            return Err(AppError::NotFound);
        }
        store::answers_to(conn, question).await?
    };
    if answers > 0 && form.confirm != "1" {
        let shown = Shown {
            confirm: Some((question, answers)),
            ..blank()
        };
        return page(&state, ctx, edition, shown, StatusCode::CONFLICT).await;
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::delete_question(conn, id, question).await?;
        Ok(Notice::Deleted.at(&format!("/editions/{id}/questionnaire-bilan")))
    })
    .await
}

/// `POST /editions/{id}/questionnaire-bilan/relances`: the reminder days.
pub(super) async fn reminder_days(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<DaysForm>,
) -> AppResult<Response> {
    let edition = managed(&state, &user, id).await?;
    let days = match parse_reminder_days(&form.days) {
        Ok(days) => days,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("days", message);
            let shown = Shown {
                days: Some(form.days),
                errors,
                ..blank()
            };
            return page(
                &state,
                ctx,
                edition,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let stored = days
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_reminder_days(conn, id, &stored).await?;
        Ok(Notice::Saved.at(&format!("/editions/{id}/questionnaire-bilan")))
    })
    .await
}
