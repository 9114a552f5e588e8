//! The declaration form: start a draft, save it at every step, submit it.

use crate::domain::ids::{ActionId, EditionId};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{PlaceChoice, ensure_open, place_choices, store, workflow};
use crate::{
    domain::{
        DeclarePlace,
        action::{ActionState, Transition},
        declaration::{self, ActionInput, Choices, Question},
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, PageCtx, render,
        render_with,
    },
};

/// « Déclarer une action »: choose where it happens.
#[derive(Template)]
#[template(path = "actions/new.html")]
struct NewPage {
    ctx: PageCtx,
    edition: Edition,
    places: Vec<PlaceChoice>,
    errors: FormErrors,
}

/// The edition, if the person holds a role in its académie (else 404).
async fn edition_in_scope(
    state: &AppState,
    user: &CurrentUser,
    id: EditionId,
) -> AppResult<Edition> {
    Ok(crate::editions::visible_edition(state, user, id).await?.0)
}

pub async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let edition = edition_in_scope(&state, &user, id).await?;
    let places = place_choices(&state, &user, &edition).await?;
    if places.is_empty() {
        return Err(no_place());
    }
    let places = open_places(&state, &edition, places).await?;
    let ctx = ctx
        .title("Déclarer une action")
        .crumb(edition.title(), format!("/editions/{}", edition.id))
        .here();
    render(NewPage {
        ctx,
        edition,
        places,
        errors: FormErrors::default(),
    })
}

/// The refusal for a person with no place to declare at in the académie.
fn no_place() -> AppError {
    AppError::forbidden(
        "Pour déclarer une action, il faut un rôle dans un établissement (ou un district) de l'académie. \
         Demandez-le à votre chef d'établissement.",
    )
}

/// Keeps the places still open for declarations; if none is, says why.
async fn open_places(
    state: &AppState,
    edition: &Edition,
    places: Vec<PlaceChoice>,
) -> AppResult<Vec<PlaceChoice>> {
    let mut open = Vec::new();
    let mut refusal = None;
    for place in places {
        match ensure_open(state, edition, place.place.school(), "déclarer une action").await {
            Ok(()) => open.push(place),
            Err(err) => refusal = Some(err),
        }
    }
    match (open.is_empty(), refusal) {
        (true, Some(err)) => Err(err),
        _ => Ok(open),
    }
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    place: String,
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<NewForm>,
) -> AppResult<Response> {
    let edition = edition_in_scope(&state, &user, id).await?;
    let places = place_choices(&state, &user, &edition).await?;
    if places.is_empty() {
        return Err(no_place());
    }
    let chosen = DeclarePlace::parse(&form.place).filter(|p| places.iter().any(|c| c.place == *p));
    let Some(place) = chosen else {
        let mut errors = FormErrors::default();
        errors.add(
            "place",
            "Choisissez l'établissement (ou le district) où l'action a lieu.",
        );
        let ctx = ctx
            .title("Déclarer une action")
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .here();
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            NewPage {
                ctx,
                edition,
                places,
                errors,
            },
        );
    };
    ensure_open(&state, &edition, place.school(), "déclarer une action").await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action_id =
        store::create_draft(conn, edition.id, place.school(), place.district(), user.id).await?;
    Ok(Redirect::to(&format!("/actions/{action_id}/modifier")).into_response())
}

/// The declaration form.
#[derive(Template)]
#[template(path = "actions/form.html")]
struct FormPage {
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    questions: Vec<Question>,
    /// What is shown in the fields: stored values, or what was just typed.
    input: ActionInput,
    /// The version the form was read at (optimistic locking).
    version: i64,
    errors: FormErrors,
    /// Someone else saved in between (shown above the form).
    conflict: bool,
    audiences: Choices,
    levels: Choices,
    schemes: Choices,
    showcase_kinds: Choices,
}

impl FormPage {
    /// Whether `code` is ticked in the list field `field`.
    fn selected(&self, field: &str, code: &str) -> bool {
        let list = match field {
            "audiences" => &self.input.audiences,
            "levels" => &self.input.levels,
            _ => &self.input.showcase_kinds,
        };
        list.iter().any(|v| v == code)
    }

    fn answer(&self, question: &Question) -> String {
        self.input.answer(question.id)
    }

    fn answered(&self, question: &Question, option: &str) -> bool {
        self.input.has_answer(question.id, option)
    }
}

async fn editable(
    state: &AppState,
    user: &CurrentUser,
    id: ActionId,
) -> AppResult<(store::Action, Edition)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action = store::action_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = workflow::relation(user, &action);
    if !relation.can_view(action.state()) {
        return Err(AppError::NotFound);
    }
    if !relation.can_edit(action.state()) {
        return Err(AppError::forbidden(match action.state() {
            ActionState::Submitted => {
                "Cette action est soumise : elle ne peut plus être modifiée pendant son examen."
            }
            ActionState::Validated | ActionState::Declined => {
                "Cette action a été examinée : elle ne peut plus être modifiée."
            }
            _ => "Seuls le porteur de l'action et le chef d'établissement peuvent la modifier.",
        }));
    }
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((action, edition))
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    input: Option<ActionInput>,
    version: i64,
    errors: FormErrors,
    conflict: bool,
) -> AppResult<FormPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let questions = editions_store::questions(conn, edition.id).await?;
    let input = match input {
        Some(input) => input,
        None => action.input(store::answers(conn, action.id).await?),
    };
    let title = if action.title.is_empty() {
        "Nouvelle action".to_string()
    } else {
        action.title.clone()
    };
    let ctx = ctx
        .title(format!("Modifier : {title}"))
        .crumb(edition.title(), format!("/editions/{}", edition.id))
        .here();
    Ok(FormPage {
        ctx,
        action,
        edition,
        questions,
        input,
        version,
        errors,
        conflict,
        audiences: declaration::AUDIENCES,
        levels: declaration::LEVELS,
        schemes: declaration::SCHEMES,
        showcase_kinds: declaration::SHOWCASE_KINDS,
    })
}

pub async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    let (action, edition) = editable(&state, &user, id).await?;
    let version = action.version;
    render(
        form_page(
            &state,
            ctx,
            action,
            edition,
            None,
            version,
            FormErrors::default(),
            false,
        )
        .await?,
    )
}

/// Saves the draft (`intent=save`) or saves and submits it (`intent=submit`).
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let (action, edition) = editable(&state, &user, id).await?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let version: i64 = field("version")
        .parse()
        .map_err(|_| AppError::BadRequest("Le formulaire envoyé est incomplet.".into()))?;
    let submit = field("intent") == "submit";
    let input = ActionInput::from_pairs(&pairs);
    let questions = editions_store::questions(conn, edition.id).await?;
    let checked = match declaration::check(&input, &edition.calendar(), &questions, submit) {
        Ok(checked) => checked,
        Err(list) => {
            let mut errors = FormErrors::default();
            for (field, message) in list {
                errors.add(&field, message);
            }
            let page = form_page(
                &state,
                ctx,
                action,
                edition,
                Some(input),
                version,
                errors,
                false,
            )
            .await?;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    if !store::save_content(conn, action.id, version, &input, &checked).await? {
        drop(tx);
        let current = action.version;
        let page = form_page(
            &state,
            ctx,
            action,
            edition,
            Some(input),
            current,
            FormErrors::default(),
            true,
        )
        .await?;
        return render_with(StatusCode::CONFLICT, page);
    }
    tx.commit().await?;
    if submit {
        let saved = store::action_by_id(&mut db.conn(), action.id)
            .await?
            .ok_or(AppError::NotFound)?;
        workflow::perform(&state, &user, &saved, Transition::Submit, "", saved.version).await?;
    }
    Ok(Redirect::to(&format!("/actions/{}", action.id)).into_response())
}
