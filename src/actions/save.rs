//! Saving the declaration form: the draft at every step (every well-formed
//! field kept, the others flagged), its submission in the same transaction,
//! once per form sent, and the truth when the action changed in between.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

use super::{
    form::{Editing, FormAlert, Shown, editing, form_page},
    store, workflow,
};
use crate::contest::store as contest_store;
use crate::{
    domain::{
        ActionId,
        action::{ActionState, Transition},
        declaration::{self, ActionInput, FieldError},
    },
    editions::store::{self as editions_store, Edition},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, Notice, OnceToken, PageCtx,
        extract::Path,
        notice,
        once::{self, Ran, Step},
        render_with,
    },
};

/// The declaration form as sent.
struct Sent {
    version: i64,
    submit: bool,
    input: ActionInput,
    once: OnceToken,
    /// « Participez-vous au concours d'affiches ? » as sent (``, `non`, a
    /// category number).
    poster_contest: String,
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
            poster_contest: field("poster_contest").trim().to_string(),
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
    let (questions, stored) = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let questions = editions_store::questions(conn, edition.id).await?;
        (
            questions,
            action.input(store::answers(conn, action.id).await?),
        )
    };
    let calendar = edition.calendar();
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
    let poster = poster_answer(&state, &action, &sent).await?;
    let show = format!("/actions/{id}");
    let ran = once::guard(&state.db, &sent.once, user.id, async |conn| {
        let draft = &plan.draft;
        if !store::save_content(conn, id, sent.version, &draft.input, &draft.values).await? {
            return Ok(Step::Abort(Saved::Conflict));
        }
        if let Some(answer) = poster {
            contest_store::set_form_answer(conn, id, answer).await?;
        }
        Ok(match &plan.submission {
            Some(step) => {
                if !workflow::write(conn, &action, step, sent.version + 1, user.id).await? {
                    return Ok(Step::Abort(Saved::Conflict));
                }
                if let (Some(Some(category)), Some(school)) = (poster, action.school_id)
                    && category > 0
                {
                    let title = draft.input.title.trim();
                    contest_store::entry_from_action(
                        conn,
                        &contest_store::NewEntry {
                            edition_id: edition.id,
                            school_id: school,
                            category,
                            group_name: "",
                            title,
                            statement: "",
                            created_by: user.id,
                        },
                        id,
                    )
                    .await?;
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
                poster_answer: Some(sent.poster_contest.clone()),
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

/// The answer to « Participez-vous au concours d'affiches ? » to store:
/// `None` when the edition's contest is not entered from the form (nothing
/// to store), else `Some(None)` not answered, `Some(Some(0))` no,
/// `Some(Some(n))` yes in category n (an unknown category reads as not
/// answered).
async fn poster_answer(
    state: &AppState,
    action: &store::Action,
    sent: &Sent,
) -> AppResult<Option<Option<i64>>> {
    if action.school_id.is_none() {
        return Ok(None);
    }
    let mut db = state.db.acquire().await?;
    let Some(categories) =
        contest_store::form_categories(&mut db.conn(), action.edition_id).await?
    else {
        return Ok(None);
    };
    Ok(Some(match sent.poster_contest.as_str() {
        "non" => Some(0),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|n| categories.iter().any(|(c, _)| c == n)),
    }))
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
    drop(db);
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
        poster_answer: Some(sent.poster_contest.clone()),
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
                poster_answer: Some(sent.poster_contest.clone()),
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
