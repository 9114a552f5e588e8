//! The declaration form: start a draft, and the form page (saving it is
//! `save.rs`).

use crate::domain::ids::{ActionId, EditionId};
use crate::web::extract::Path;
use askama::Template;
use axum::{extract::State, http::StatusCode, response::Response};
use serde::Deserialize;

use super::{PlaceChoice, ensure_open, place_choices, store, workflow};
use crate::contest::store as contest_store;
use crate::{
    domain::{
        DeclarePlace,
        action::ActionState,
        declaration::{self, ActionInput, Choices, FieldError, Question, QuestionOption},
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, OnceToken, PageCtx, once,
        render, render_with,
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
    #[serde(default)]
    once: OnceToken,
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
    once::run(&state.db, &form.once, user.id, async |conn| {
        let id = store::create_draft(conn, edition.id, place.school(), place.district(), user.id)
            .await?;
        Ok(format!("/actions/{id}/modifier"))
    })
    .await
}

/// A message above the declaration form (DSFR alert).
#[derive(Clone, Debug)]
pub(super) struct FormAlert {
    /// `info`, `warning` or `error`.
    pub level: &'static str,
    pub title: String,
    pub text: String,
    /// A link after the text: (address, label).
    pub link: Option<(String, String)>,
}

impl FormAlert {
    /// Above the form, when a submission from the action page found it
    /// incomplete.
    pub(super) fn incomplete() -> FormAlert {
        FormAlert {
            level: "warning",
            title: "L’action n’a pas été soumise : elle est incomplète".into(),
            text:
                "Tous les champs sont obligatoires pour soumettre l’action. Complétez les champs \
                   signalés, puis soumettez-la."
                    .into(),
            link: None,
        }
    }
}

/// The declaration form.
#[derive(Template)]
#[template(path = "actions/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    questions: Vec<Question>,
    /// What is shown in the fields: stored values, or what was just typed.
    input: ActionInput,
    /// The version the form was read at (optimistic locking).
    version: i64,
    errors: FormErrors,
    /// What happened to the last save, when it did not simply succeed.
    alert: Option<FormAlert>,
    audiences: Choices,
    levels: Choices,
    schemes: Choices,
    showcase_kinds: Choices,
    /// The contest's categories when its entries come from this form (and
    /// the action has a school): « Participez-vous au concours d'affiches ? ».
    poster_categories: Option<Vec<(i64, String)>>,
    /// The answer shown: ``, `non` or a category number.
    poster_answer: String,
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

    fn answered(&self, question: &Question, value: &str) -> bool {
        self.input.has_answer(question.id, value)
    }

    /// Whether the option is chosen (by id, or by label in a page sent
    /// before options had ids).
    fn chosen(&self, question: &Question, option: &QuestionOption) -> bool {
        self.input.answers.get(&question.id).is_some_and(|values| {
            values
                .iter()
                .any(|v| question.option(v).is_some_and(|o| o.id == option.id))
        })
    }

    /// « 200 caractères au maximum » under a field with a limit.
    fn limit(&self, field: &str) -> String {
        limit_hint(declaration::max_len(field))
    }

    fn answer_limit(&self, question: &Question) -> String {
        limit_hint(question.kind.max_len().unwrap_or(0))
    }
}

fn limit_hint(max: usize) -> String {
    if max == 0 {
        String::new()
    } else {
        format!("{} caractères au maximum", declaration::french_count(max))
    }
}

/// Whether the person may change the action now, and if not, why.
pub(super) enum Editing {
    Open(store::Action, Edition),
    /// The owner or head may no longer change it (it was submitted or
    /// reviewed): the reason.
    Closed(store::Action, Edition, String),
}

pub(super) async fn editing(
    state: &AppState,
    user: &CurrentUser,
    id: ActionId,
) -> AppResult<Editing> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action = store::action_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = workflow::relation(user, &action);
    if !relation.can_view(action.state()) {
        return Err(AppError::NotFound);
    }
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if relation.can_edit(action.state()) {
        return Ok(Editing::Open(action, edition));
    }
    if !(relation.owner || relation.school_head) {
        return Err(AppError::forbidden(
            "Seuls le porteur de l'action et le chef d'établissement peuvent la modifier.",
        ));
    }
    let reason = match action.state() {
        ActionState::Submitted => {
            "Cette action est soumise : elle ne peut plus être modifiée pendant son examen."
        }
        _ => "Cette action a été examinée : elle ne peut plus être modifiée.",
    };
    Ok(Editing::Closed(action, edition, reason.into()))
}

/// What the form page shows besides the action.
#[derive(Default)]
pub(super) struct Shown {
    /// What was typed (else the stored values).
    pub input: Option<ActionInput>,
    /// The version to send back (else the action's).
    pub version: Option<i64>,
    pub errors: FormErrors,
    pub alert: Option<FormAlert>,
    /// The answer to the contest's question as sent (else the stored one).
    pub poster_answer: Option<String>,
}

impl Shown {
    /// The form with these errors, flagged field by field.
    pub fn flagged(errors: Vec<FieldError>) -> Shown {
        let mut flagged = FormErrors::default();
        for (field, message) in errors {
            flagged.add(&field, message);
        }
        Shown {
            errors: flagged,
            ..Shown::default()
        }
    }
}

pub(super) async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    shown: Shown,
) -> AppResult<FormPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let questions = editions_store::questions(conn, edition.id).await?;
    let input = match shown.input {
        Some(input) => input,
        None => action.input(store::answers(conn, action.id).await?),
    };
    let poster_categories = match action.school_id {
        Some(_) => contest_store::form_categories(conn, edition.id).await?,
        None => None,
    };
    let poster_answer = match shown.poster_answer {
        Some(answer) => answer,
        None => match contest_store::form_answer(conn, action.id).await? {
            Some(0) => "non".into(),
            Some(n) => n.to_string(),
            None => String::new(),
        },
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
        version: shown.version.unwrap_or(action.version),
        action,
        edition,
        questions,
        input,
        errors: shown.errors,
        alert: shown.alert,
        audiences: declaration::AUDIENCES,
        levels: declaration::LEVELS,
        schemes: declaration::SCHEMES,
        showcase_kinds: declaration::SHOWCASE_KINDS,
        poster_categories,
        poster_answer,
    })
}

/// The declaration form sent back with `status` (a refusal about the form
/// leads back to the form: issue 7 item 17).
pub(super) async fn form_response(
    state: &AppState,
    ctx: PageCtx,
    action: store::Action,
    status: StatusCode,
    shown: Shown,
) -> AppResult<Response> {
    let edition =
        editions_store::edition_by_id(&mut state.db.acquire().await?.conn(), action.edition_id)
            .await?
            .ok_or(AppError::NotFound)?;
    render_with(status, form_page(state, ctx, action, edition, shown).await?)
}

pub async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    match editing(&state, &user, id).await? {
        Editing::Open(action, edition) => {
            render(form_page(&state, ctx, action, edition, Shown::default()).await?)
        }
        Editing::Closed(_, _, reason) => Err(AppError::forbidden(reason)),
    }
}
