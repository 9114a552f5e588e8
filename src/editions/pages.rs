//! The editions of an académie, the edition page, and what the académie
//! coordination does with an edition: create, edit, move its state, clone it
//! for next year, extend its deadline.

use crate::domain::ids::{AcademyId, EditionId};
use crate::web::extract::Path;
use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    EditionView, follows_declarations,
    form::{EditionForm, date_field, time_field},
    is_academy_coordinator, markdown, require_coordinator,
    store::{self, Edition, EditionValues},
    visible_edition,
};
use crate::map::academy_for;
use crate::{
    db::is_unique_violation,
    domain::{
        Uai,
        edition::{EditionState, format_paris, paris_date, paris_to_utc},
    },
    map::store::{self as map_store, Academy},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx,
        once::{self, Ran, Step},
        render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/a/{slug}/editions", get(list).post(create))
        .route("/editions/{id}", get(show))
        .route("/editions/{id}/modifier", get(edit_page).post(update))
        .route("/editions/{id}/etat", post(move_state))
        .route("/editions/{id}/cloner", post(clone_edition))
        .route("/editions/{id}/delai", post(extend_deadline))
}

fn academy_crumbs(ctx: PageCtx, academy: &Academy) -> PageCtx {
    ctx.academy(academy.name.clone()).crumb(
        format!("Académie de {}", academy.name),
        format!("/a/{}", academy.slug),
    )
}

/// The editions of an académie and, for its coordination, the form to open one.
#[derive(Template)]
#[template(path = "editions/list.html")]
struct ListPage {
    ctx: PageCtx,
    academy: Academy,
    editions: Vec<EditionView>,
    can_create: bool,
    form: EditionForm,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    academy: Academy,
    form: Option<EditionForm>,
    errors: FormErrors,
) -> AppResult<ListPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let editions = store::editions_of(conn, academy.id).await?;
    let now = Utc::now();
    let form = form.unwrap_or_else(|| EditionForm::blank(editions.first()));
    Ok(ListPage {
        ctx: academy_crumbs(ctx, &academy)
            .title("Éditions de la semaine")
            .here(),
        can_create: is_academy_coordinator(user, academy.id),
        // Editions in preparation are listed only for those who prepare them.
        editions: editions
            .iter()
            .filter(|e| user.rights.sees_edition(academy.id, e.stored_state()))
            .map(|e| EditionView::new(e, now))
            .collect(),
        academy,
        form,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let academy = academy_for(&state, &user, &slug).await?;
    render(list_page(&state, &user, ctx, academy, None, FormErrors::default()).await?)
}

/// The message when the académie already has an edition that year.
fn year_taken_message(year: i64) -> String {
    format!("L'académie a déjà une édition en {year}.")
}

/// Adds the « one edition per year » error if another edition has that year.
async fn check_year_free(
    state: &AppState,
    academy_id: AcademyId,
    values: &EditionValues,
    except: Option<EditionId>,
    errors: &mut FormErrors,
) -> AppResult<()> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if let Some(other) = store::edition_of_year(conn, academy_id, values.year).await?
        && Some(other.id) != except
    {
        errors.add("year", year_taken_message(values.year));
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<EditionForm>,
) -> AppResult<Response> {
    let academy = academy_for(&state, &user, &slug).await?;
    require_coordinator(
        &user,
        academy.id,
        "Seule la coordination académique ouvre une édition de la semaine.",
    )?;
    let mut errors = match form.check() {
        Ok(values) => {
            let mut errors = FormErrors::default();
            check_year_free(&state, academy.id, &values, None, &mut errors).await?;
            if errors.is_empty() {
                let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
                    match store::insert_edition(conn, academy.id, &values, None).await {
                        Ok(id) => {
                            let to = Notice::Created.at(&format!("/editions/{id}"));
                            Ok(Step::Commit(to.clone(), Some(to)))
                        }
                        Err(err) if is_unique_violation(&err) => Ok(Step::Abort(None)),
                        Err(err) => Err(err.into()),
                    }
                })
                .await?;
                match ran {
                    Ran::Repeat(answer) => return Ok(answer),
                    Ran::Did(Some(to)) => return Ok(Redirect::to(&to).into_response()),
                    Ran::Did(None) => errors.add("year", year_taken_message(values.year)),
                }
            }
            errors
        }
        Err(errors) => errors,
    };
    if errors.is_empty() {
        errors.add("year", "Le formulaire n'a pas pu être enregistré.");
    }
    let page = list_page(&state, &user, ctx, academy, Some(form), errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// A state the coordination may move the edition to.
struct StateMove {
    code: &'static str,
    label: &'static str,
    forward: bool,
}

/// A deadline extension as listed.
struct ExtensionView {
    until: String,
    target: String,
}

/// The « extend the deadline » form, as typed.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
struct ExtensionForm {
    until_date: String,
    until_time: String,
    uai: String,
    once: OnceToken,
}

impl Default for ExtensionForm {
    fn default() -> Self {
        ExtensionForm {
            until_date: String::new(),
            until_time: "23:59".into(),
            uai: String::new(),
            once: OnceToken::default(),
        }
    }
}

/// The edition page.
#[derive(Template)]
#[template(path = "editions/show.html")]
struct EditionPage {
    ctx: PageCtx,
    academy: Academy,
    edition: EditionView,
    circular_html: String,
    coordinator: bool,
    /// Whether to link the review list and the dashboard.
    follows: bool,
    /// Whether declarations are open (link to the action form).
    can_declare: bool,
    stored_state: &'static str,
    moves: Vec<StateMove>,
    question_count: usize,
    extensions: Vec<ExtensionView>,
    extension: ExtensionForm,
    errors: FormErrors,
}

async fn edition_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    edition: Edition,
    academy: Academy,
    extension: ExtensionForm,
    errors: FormErrors,
) -> AppResult<EditionPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let now = Utc::now();
    let view = EditionView::new(&edition, now);
    let coordinator = is_academy_coordinator(user, academy.id);
    let moves = edition
        .stored_state()
        .manual_moves()
        .into_iter()
        .map(|to| StateMove {
            code: to.code(),
            label: to.label(),
            forward: to > edition.stored_state(),
        })
        .collect();
    let extensions = store::extensions(conn, edition.id)
        .await?
        .into_iter()
        .map(|e| ExtensionView {
            until: format_paris(e.until),
            target: match (e.school_name, e.uai) {
                (Some(name), Some(uai)) => format!("{name} ({uai})"),
                _ => "Tous les établissements".into(),
            },
        })
        .collect();
    let question_count = store::questions(conn, edition.id).await?.len();
    Ok(EditionPage {
        ctx: academy_crumbs(ctx, &academy)
            .crumb("Éditions", format!("/a/{}/editions", academy.slug))
            .title(view.title.clone())
            .here(),
        circular_html: markdown::to_safe_html(&edition.circular),
        coordinator,
        follows: follows_declarations(user, academy.id),
        // Only where the person may declare (else the link leads to a refusal).
        can_declare: edition.state_at(now) == EditionState::Open
            && !user.rights.declare_places(academy.id).is_empty(),
        stored_state: edition.stored_state().code(),
        moves,
        question_count,
        extensions,
        extension,
        errors,
        edition: view,
        academy,
    })
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    render(
        edition_page(
            &state,
            &user,
            ctx,
            edition,
            academy,
            ExtensionForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// The edition form, to change an edition.
#[derive(Template)]
#[template(path = "editions/edit.html")]
struct EditPage {
    ctx: PageCtx,
    edition: EditionView,
    form: EditionForm,
    errors: FormErrors,
}

fn edit_ctx(ctx: PageCtx, academy: &Academy, edition: &EditionView) -> PageCtx {
    academy_crumbs(ctx, academy)
        .crumb("Éditions", format!("/a/{}/editions", academy.slug))
        .crumb(edition.title.clone(), format!("/editions/{}", edition.id))
        .title("Modifier l'édition")
        .here()
}

const EDIT_REASON: &str = "Seule la coordination académique modifie une édition.";

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    require_coordinator(&user, academy.id, EDIT_REASON)?;
    let view = EditionView::new(&edition, Utc::now());
    render(EditPage {
        ctx: edit_ctx(ctx, &academy, &view),
        form: EditionForm::of(&edition),
        edition: view,
        errors: FormErrors::default(),
    })
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<EditionForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    require_coordinator(&user, academy.id, EDIT_REASON)?;
    let errors = match form.check() {
        Ok(values) => {
            let mut errors = FormErrors::default();
            check_year_free(&state, academy.id, &values, Some(edition.id), &mut errors).await?;
            if errors.is_empty() {
                let to = Notice::Saved.at(&format!("/editions/{}", edition.id));
                let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
                    match store::update_edition(conn, edition.id, &values).await {
                        Ok(()) => Ok(Step::Commit(to.clone(), true)),
                        Err(err) if is_unique_violation(&err) => Ok(Step::Abort(false)),
                        Err(err) => Err(err.into()),
                    }
                })
                .await?;
                match ran {
                    Ran::Repeat(answer) => return Ok(answer),
                    Ran::Did(true) => return Ok(Redirect::to(&to).into_response()),
                    Ran::Did(false) => errors.add("year", year_taken_message(values.year)),
                }
            }
            errors
        }
        Err(errors) => errors,
    };
    let view = EditionView::new(&edition, Utc::now());
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        EditPage {
            ctx: edit_ctx(ctx, &academy, &view),
            edition: view,
            form,
            errors,
        },
    )
}

#[derive(Deserialize)]
struct StateForm {
    #[serde(default)]
    state: String,
    /// The state the page showed, to notice someone else's move.
    #[serde(default)]
    from: String,
    #[serde(default)]
    once: OnceToken,
}

const STALE_STATE: &str = "L'état de l'édition a été changé entre-temps par une autre personne. Rechargez la page et recommencez.";

async fn move_state(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<StateForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    require_coordinator(
        &user,
        academy.id,
        "Seule la coordination académique change l'état d'une édition.",
    )?;
    let show = format!("/editions/{}", edition.id);
    let from = edition.stored_state();
    if !form.from.is_empty() && form.from != from.code() {
        return Err(AppError::Conflict(if form.state.trim() == from.code() {
            format!(
                "L'édition est déjà à l'état « {} » : elle y a été mise entre-temps, rien n'a été changé.",
                from.label()
            )
        } else {
            STALE_STATE.into()
        }));
    }
    let Some(to) =
        EditionState::parse(form.state.trim()).filter(|to| from.manual_moves().contains(to))
    else {
        let allowed: Vec<String> = from
            .manual_moves()
            .iter()
            .map(|s| format!("« {} »", s.label()))
            .collect();
        return Err(AppError::forbidden(format!(
            "Une édition « {} » ne peut passer qu'à l'état voisin : {}. Les étapes se franchissent une à une.",
            from.label(),
            allowed.join(" ou ")
        )));
    };
    once::run(&state.db, &form.once, user.id, async |conn| {
        if store::move_edition_state(conn, edition.id, from, to).await? {
            Ok(Notice::Saved.at(&show))
        } else {
            Err(AppError::Conflict(STALE_STATE.into()))
        }
    })
    .await
}

/// A form with nothing but its token.
#[derive(Deserialize)]
struct Once {
    #[serde(default)]
    once: OnceToken,
}

async fn clone_edition(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<Once>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    require_coordinator(
        &user,
        academy.id,
        "Seule la coordination académique prépare l'édition suivante.",
    )?;
    let values = EditionValues {
        year: edition.year + 1,
        number: edition.number + 1,
        theme: edition.theme.clone(),
        calendar: edition.calendar().next_year(),
        circular: edition.circular.clone(),
        contact_email: edition.contact_email.clone(),
        reminder_days: edition.reminder_days.clone(),
    };
    let taken = format!(
        "L'académie a déjà une édition en {} : ouvrez-la depuis la liste des éditions pour la modifier.",
        values.year
    );
    let free = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        match store::edition_of_year(conn, academy.id, values.year).await? {
            None => Some(store::questions(conn, edition.id).await?),
            Some(_) => None,
        }
    };
    if let Some(questions) = free {
        let ran =
            once::guard(
                &state.db,
                &form.once,
                user.id,
                async |conn| match store::insert_edition(
                    conn,
                    academy.id,
                    &values,
                    Some(edition.id),
                )
                .await
                {
                    Ok(new_id) => {
                        for question in &questions {
                            store::add_question(conn, new_id, question).await?;
                        }
                        // Issue 10: the kit is carried over.
                        crate::resources::store::clone_kit(conn, edition.id, new_id).await?;
                        crate::checklist::store::clone_steps(conn, edition.id, new_id).await?;
                        let to = Notice::Created.at(&format!("/editions/{new_id}"));
                        Ok(Step::Commit(to.clone(), Some(to)))
                    }
                    Err(err) if is_unique_violation(&err) => Ok(Step::Abort(None)),
                    Err(err) => Err(err.into()),
                },
            )
            .await?;
        match ran {
            Ran::Repeat(answer) => return Ok(answer),
            Ran::Did(Some(to)) => return Ok(Redirect::to(&to).into_response()),
            Ran::Did(None) => {}
        }
    }
    let mut errors = FormErrors::default();
    errors.add("cloner", taken);
    let page = edition_page(
        &state,
        &user,
        ctx,
        edition,
        academy,
        ExtensionForm::default(),
        errors,
    )
    .await?;
    render_with(StatusCode::CONFLICT, page)
}

async fn extend_deadline(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<ExtensionForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    require_coordinator(
        &user,
        academy.id,
        "Seule la coordination académique prolonge la date limite des déclarations.",
    )?;
    let mut errors = FormErrors::default();
    let date = date_field(
        &mut errors,
        "until_date",
        &form.until_date,
        "Indiquez la nouvelle date limite.",
    );
    let time = time_field(&mut errors, "until_time", &form.until_time);
    let school = match form.uai.trim() {
        "" => None,
        text => match Uai::parse(text) {
            Err(err) => {
                errors.add("uai", format!("UAI invalide : {err}."));
                None
            }
            Ok(uai) => {
                match map_store::school_by_uai(&mut state.db.acquire().await?.conn(), uai.as_str())
                    .await?
                {
                    Some(school) if school.academy_id == academy.id => Some(school),
                    Some(_) => {
                        errors.add("uai", "Cet établissement n'appartient pas à l'académie.");
                        None
                    }
                    None => {
                        errors.add("uai", "Aucun établissement de l'annuaire ne porte cet UAI.");
                        None
                    }
                }
            }
        },
    };
    if let (Some(date), Some(time)) = (date, time) {
        let until = paris_to_utc(date, time);
        if until <= edition.declaration_deadline {
            errors.add(
                "until_date",
                format!(
                    "La nouvelle date limite doit suivre celle de l'édition ({}).",
                    format_paris(edition.declaration_deadline)
                ),
            );
        } else if paris_date(until) > edition.week_start {
            errors.add(
                "until_date",
                "La nouvelle date limite ne peut pas dépasser le premier jour de la semaine.",
            );
        } else if errors.is_empty() {
            return once::run(&state.db, &form.once, user.id, async |conn| {
                store::extend_deadline(
                    conn,
                    edition.id,
                    school.as_ref().map(|s| s.id),
                    until,
                    user.id,
                )
                .await?;
                Ok(Notice::Saved.at(&format!("/editions/{}#delais", edition.id)))
            })
            .await;
        }
    }
    let page = edition_page(&state, &user, ctx, edition, academy, form, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}
