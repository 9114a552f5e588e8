//! The declaration form: start a draft, save it at every step, submit it.

use crate::domain::ids::{ActionId, EditionId};
use crate::web::extract::Path;
use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{PlaceChoice, ensure_open, place_choices, store, workflow};
use crate::{
    domain::{
        DeclarePlace,
        action::{ActionState, Transition},
        declaration::{self, ActionInput, Choices, FieldError, Question, QuestionOption},
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, notice,
        once::{self, Ran, Step},
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
    level: &'static str,
    title: String,
    text: String,
    /// A link after the text: (address, label).
    link: Option<(String, String)>,
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
    /// What happened to the last save, when it did not simply succeed.
    alert: Option<FormAlert>,
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
enum Editing {
    Open(store::Action, Edition),
    /// The owner or head may no longer change it (it was submitted or
    /// reviewed): the reason.
    Closed(store::Action, Edition, String),
}

async fn editing(state: &AppState, user: &CurrentUser, id: ActionId) -> AppResult<Editing> {
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

async fn form_page(
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
    let mut db = state.db.acquire().await?;
    let edition = editions_store::edition_by_id(&mut db.conn(), action.edition_id)
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

/// The declaration form as sent.
struct Sent {
    version: i64,
    submit: bool,
    input: ActionInput,
    once: OnceToken,
}

impl Sent {
    fn read(pairs: &[(String, String)]) -> AppResult<Sent> {
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        Ok(Sent {
            version: field("version")
                .parse()
                .map_err(|_| AppError::BadRequest("Le formulaire envoyé est incomplet.".into()))?,
            submit: field("intent") == "submit",
            input: ActionInput::from_pairs(pairs),
            once: OnceToken::from_pairs(pairs),
        })
    }
}

/// What a save wrote.
enum Saved {
    /// The draft, whole.
    Draft,
    /// The draft and its submission.
    Submitted,
    /// The draft, keeping what was stored for each field flagged.
    Partly,
    /// Nothing: someone changed the action since the form was read.
    Conflict,
}

/// What a save will write, decided before the write transaction.
struct Plan {
    /// The draft as stored: each well-formed field, the stored value for
    /// the others.
    draft: declaration::Examined,
    /// The errors to flag: the draft's, or all a submission lacks.
    errors: Vec<FieldError>,
    /// The submission, when it may go through.
    submission: Option<workflow::Move>,
    /// Why the submission may not go through (the deadline…).
    refusal: Option<String>,
}

async fn plan(
    state: &AppState,
    user: &CurrentUser,
    action: &store::Action,
    edition: &Edition,
    sent: &Sent,
) -> AppResult<Plan> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let questions = editions_store::questions(conn, edition.id).await?;
    let calendar = edition.calendar();
    let stored = action.input(store::answers(conn, action.id).await?);
    let draft = declaration::draft(&sent.input, &stored, &calendar, &questions);
    if !sent.submit {
        let errors = draft.errors.clone();
        return Ok(Plan {
            draft,
            errors,
            submission: None,
            refusal: None,
        });
    }
    let errors = declaration::examine(&sent.input, &calendar, &questions, true).errors;
    let (mut submission, mut refusal) = (None, None);
    if errors.is_empty() {
        let mut saved = action.clone();
        saved.title = draft.input.title.clone();
        match workflow::prepare(state, user, &saved, Transition::Submit, "").await {
            Ok(step) => submission = Some(step),
            Err(AppError::Forbidden(reason)) => refusal = Some(reason),
            Err(err) => return Err(err),
        }
    }
    Ok(Plan {
        draft,
        errors,
        submission,
        refusal,
    })
}

/// Saves the draft (`intent=save`) or saves and submits it
/// (`intent=submit`). A draft keeps every well-formed field even when
/// others are wrong; a submission that cannot go through still saves the
/// draft, and the form says what is missing or why.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let sent = Sent::read(&pairs)?;
    let (action, edition) = match editing(&state, &user, id).await? {
        Editing::Open(action, edition) => (action, edition),
        Editing::Closed(action, edition, reason) => {
            return closed(&state, ctx, action, edition, sent, reason).await;
        }
    };
    let plan = plan(&state, &user, &action, &edition, &sent).await?;
    let show = format!("/actions/{id}");
    let ran = once::guard(&state.db, &sent.once, user.id, async |conn| {
        let draft = &plan.draft;
        if !store::save_content(conn, id, sent.version, &draft.input, &draft.values).await? {
            return Ok(Step::Abort(Saved::Conflict));
        }
        Ok(match &plan.submission {
            Some(step) => {
                if !workflow::write(conn, &action, step, sent.version + 1, user.id).await? {
                    return Ok(Step::Abort(Saved::Conflict));
                }
                Step::Commit(Notice::Submitted.at(&show), Saved::Submitted)
            }
            None if plan.errors.is_empty() && plan.refusal.is_none() => {
                Step::Commit(Notice::DraftSaved.at(&show), Saved::Draft)
            }
            None => Step::Commit(format!("/actions/{id}/modifier"), Saved::Partly),
        })
    })
    .await?;
    let saved = match ran {
        Ran::Repeat(answer) => return Ok(answer),
        Ran::Did(saved) => saved,
    };
    match saved {
        Saved::Submitted => {
            state.jobs.notify_one();
            Ok(Redirect::to(&Notice::Submitted.at(&show)).into_response())
        }
        Saved::Draft => Ok(Redirect::to(&Notice::DraftSaved.at(&show)).into_response()),
        Saved::Partly => {
            let (status, alert) = partly_saved(sent.submit, plan.refusal);
            let shown = Shown {
                input: Some(sent.input),
                version: Some(sent.version + 1),
                alert: Some(alert),
                ..Shown::flagged(plan.errors)
            };
            render_with(
                status,
                form_page(&state, ctx, action, edition, shown).await?,
            )
        }
        Saved::Conflict => conflict(&state, &user, ctx, id, sent).await,
    }
}

/// The alert above a form whose draft was saved but not all of it, or not
/// submitted, and the status of that answer.
fn partly_saved(submit: bool, refusal: Option<String>) -> (StatusCode, FormAlert) {
    match refusal {
        Some(reason) => (
            StatusCode::FORBIDDEN,
            FormAlert {
                level: "error",
                title: "L’action n’a pas été soumise".into(),
                text: format!("{reason} Votre brouillon, lui, est enregistré."),
                link: None,
            },
        ),
        None if submit => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormAlert {
                level: "warning",
                title: "Brouillon enregistré, action non soumise".into(),
                text: "Ce qui est bien rempli est enregistré. Pour soumettre l’action, \
                       complétez ou corrigez les champs signalés."
                    .into(),
                link: None,
            },
        ),
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormAlert {
                level: "warning",
                title: "Brouillon enregistré, sauf les champs signalés".into(),
                text: "Chaque champ bien rempli est enregistré ; les champs signalés gardent \
                       leur valeur précédente tant que vous ne les avez pas corrigés."
                    .into(),
                link: None,
            },
        ),
    }
}

/// The answer to a form for an action that can no longer change (it was
/// submitted in between, by this person in another tab or by the head):
/// when what was sent is what is stored, the first sending did the work,
/// and the answer says so; otherwise the form comes back with what was
/// typed, saying it was not saved and why.
async fn closed(
    state: &AppState,
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    sent: Sent,
    reason: String,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let questions = editions_store::questions(conn, edition.id).await?;
    let calendar = edition.calendar();
    let stored = action.input(store::answers(conn, action.id).await?);
    let same = declaration::examine(&sent.input, &calendar, &questions, false).input
        == declaration::examine(&stored, &calendar, &questions, false).input;
    let show = format!("/actions/{}", action.id);
    if same {
        let location = if action.state() == ActionState::Submitted {
            Notice::Submitted.at(&show)
        } else {
            show
        };
        return Ok(Redirect::to(&notice::repeated(&location)).into_response());
    }
    let shown = Shown {
        input: Some(sent.input),
        alert: Some(FormAlert {
            level: "error",
            title: "Vos dernières saisies n’ont pas été enregistrées".into(),
            text: reason,
            link: Some((show, "Voir l’action".into())),
        }),
        ..Shown::default()
    };
    render_with(
        StatusCode::CONFLICT,
        form_page(state, ctx, action, edition, shown).await?,
    )
}

/// Someone changed the action since the form was read: nothing was
/// written; what was typed comes back, unless the action meanwhile left
/// the states where it changes (then [`closed`] says what happened).
async fn conflict(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: ActionId,
    sent: Sent,
) -> AppResult<Response> {
    match editing(state, user, id).await? {
        Editing::Closed(action, edition, reason) => {
            closed(state, ctx, action, edition, sent, reason).await
        }
        Editing::Open(action, edition) => {
            let shown = Shown {
                input: Some(sent.input),
                alert: Some(FormAlert {
                    level: "warning",
                    title: "Quelqu’un d’autre a modifié cette action entre-temps".into(),
                    text: "Rien n’a été enregistré. Vos saisies sont conservées ci-dessous ; \
                           enregistrez à nouveau pour remplacer la version actuelle par la vôtre."
                        .into(),
                    link: Some((
                        format!("/actions/{}", action.id),
                        "Voir la version actuelle".into(),
                    )),
                }),
                ..Shown::default()
            };
            render_with(
                StatusCode::CONFLICT,
                form_page(state, ctx, action, edition, shown).await?,
            )
        }
    }
}
