//! The school's checklist for the week (issue 10): the académie edits the
//! steps of each edition (carried over by cloning); each school ticks its
//! steps (when, who); a step the service can see done ticks itself; the
//! district coordination (and the DSDEN, the académie) sees each school's
//! progress in a table.
//!
//! Rights come from the policy: the académie's coordination edits
//! (`Ability::Manage`), a school's staff tick for their school (the places
//! where they declare, `Rights::declare_places`), followers read the table
//! over their reach (`Rights::reach(Ability::Export, …)`).

pub mod demo;
pub mod store;

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    domain::{
        Ability, DeclarePlace, EditionId, Placement, SchoolId, StepId,
        checklist::{AutoCheck, Phase, STEP_MAX},
        declaration::too_long,
        edition::format_paris,
    },
    editions::{EditionView, visible_edition},
    map::store as map_store,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, extract::Path, once, render, render_with,
    },
};
use store::Step;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/etapes", get(page).post(add))
        .route("/editions/{id}/etapes/suivi", get(progress))
        .route("/etapes/{id}/supprimer", post(delete))
        .route("/etapes/{id}/cocher", post(tick))
}

const MANAGE_REASON: &str = "Seule la coordination académique modifie les étapes de la semaine.";
const TICK_REASON: &str =
    "Seuls les personnels de l’établissement cochent les étapes de son parcours.";

/// One step as a school sees it.
struct StepLine {
    id: StepId,
    label: String,
    auto: Option<&'static str>,
    /// « le 12/03/2027 à 10:02 par referent@… », or « vu par le service ».
    done: Option<String>,
    /// Ticked by hand (so it can be unticked).
    manual: bool,
}

struct PhaseBlock {
    label: &'static str,
    steps: Vec<StepLine>,
}

/// A school's checklist.
struct SchoolList {
    id: SchoolId,
    name: String,
    done: usize,
    total: usize,
    phases: Vec<PhaseBlock>,
}

#[derive(Template)]
#[template(path = "checklist/page.html")]
struct ChecklistPage {
    ctx: PageCtx,
    edition: EditionView,
    schools: Vec<SchoolList>,
    coordinator: bool,
    follows: bool,
    steps: Vec<(Phase, Vec<Step>)>,
    /// The self-ticking kinds the académie may choose for a new step.
    autos: Vec<(&'static str, &'static str)>,
    form: StepForm,
    errors: FormErrors,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    phase: String,
    label: String,
    /// `''` (ticked by hand) or an [`AutoCheck`] code.
    auto: String,
    once: OnceToken,
}

/// What the service sees done, per kind of self-ticking step: the schools
/// concerned among those listed.
struct Seen {
    declared: Vec<SchoolId>,
    bilans: Vec<SchoolId>,
    photos: Vec<SchoolId>,
}

impl Seen {
    fn sees(&self, check: AutoCheck, school: SchoolId) -> bool {
        match check {
            AutoCheck::ActionDeclared => self.declared.contains(&school),
            AutoCheck::BilanSent => self.bilans.contains(&school),
            AutoCheck::PhotosApproved => self.photos.contains(&school),
        }
    }
}

/// The lists of `schools`: each step, ticked by hand or seen done.
async fn lists(
    conn: &mut crate::db::Conn<'_>,
    edition: EditionId,
    steps: &[Step],
    schools: &[(SchoolId, String)],
) -> AppResult<Vec<SchoolList>> {
    let ids: Vec<SchoolId> = schools.iter().map(|(id, _)| *id).collect();
    let ticks = store::ticks(conn, edition, &ids).await?;
    let seen = Seen {
        declared: store::schools_with_actions(conn, edition, &ids).await?,
        bilans: store::schools_with_bilans(conn, edition, &ids).await?,
        photos: store::schools_with_approved_photos(conn, edition, &ids).await?,
    };
    Ok(schools
        .iter()
        .map(|(school, name)| {
            let phases: Vec<PhaseBlock> = Phase::ALL
                .into_iter()
                .map(|phase| PhaseBlock {
                    label: phase.label(),
                    steps: steps
                        .iter()
                        .filter(|s| s.phase == phase)
                        .map(|s| {
                            let tick = ticks
                                .iter()
                                .find(|t| t.step_id == s.id && t.school_id == *school);
                            let seen = s.auto().is_some_and(|a| seen.sees(a, *school));
                            StepLine {
                                id: s.id,
                                label: s.label.clone(),
                                auto: s.auto().map(AutoCheck::label),
                                done: match (tick, seen) {
                                    (Some(t), _) => Some(format!(
                                        "le {} par {}",
                                        format_paris(t.ticked_at),
                                        t.email
                                    )),
                                    (None, true) => Some("vu par le service".into()),
                                    (None, false) => None,
                                },
                                manual: tick.is_some(),
                            }
                        })
                        .collect(),
                })
                .collect();
            let total = phases.iter().map(|p| p.steps.len()).sum();
            let done = phases
                .iter()
                .flat_map(|p| &p.steps)
                .filter(|s| s.done.is_some())
                .count();
            SchoolList {
                id: *school,
                name: name.clone(),
                done,
                total,
                phases,
            }
        })
        .collect())
}

async fn checklist_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: EditionId,
    form: Option<StepForm>,
    errors: FormErrors,
) -> AppResult<ChecklistPage> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let steps = store::steps_of(conn, edition.id).await?;
    let mut schools = Vec::new();
    for place in user.rights.declare_places(academy.id) {
        if let DeclarePlace::School(school) = place
            && let Some(found) = map_store::school_by_id(conn, school).await?
        {
            schools.push((found.id, format!("{} ({})", found.name, found.uai)));
        }
    }
    let lists = lists(conn, edition.id, &steps, &schools).await?;
    Ok(ChecklistPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .title("Le parcours de la semaine")
            .here(),
        edition: EditionView::new(&edition, chrono::Utc::now()),
        schools: lists,
        coordinator: user.rights.manages_academy(academy.id),
        follows: user.rights.reach(Ability::Export, academy.id).is_some(),
        steps: Phase::ALL
            .into_iter()
            .map(|p| (p, steps.iter().filter(|s| s.phase == p).cloned().collect()))
            .collect(),
        autos: AutoCheck::ALL
            .iter()
            .map(|a| (a.code(), a.option_label()))
            .collect(),
        form: form.unwrap_or_default(),
        errors,
    })
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    render(checklist_page(&state, &user, ctx, id, None, FormErrors::default()).await?)
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let mut errors = FormErrors::default();
    let phase = Phase::parse(&form.phase);
    if phase.is_none() {
        errors.add(
            "phase",
            "Choisissez le moment de l’étape : avant, pendant ou après la semaine.",
        );
    }
    let label = form.label.trim();
    if label.is_empty() {
        errors.add(
            "label",
            "Indiquez l’étape, par exemple « Informer les parents ».",
        );
    } else if label.chars().count() > STEP_MAX {
        errors.add(
            "label",
            too_long("L’étape", STEP_MAX, label.chars().count()),
        );
    }
    let auto = AutoCheck::parse(&form.auto);
    if auto.is_none() && !form.auto.is_empty() {
        errors.add(
            "auto",
            "Choisissez qui coche l’étape : l’établissement, ou le service d’après ce qu’il voit.",
        );
    }
    if let (Some(phase), true) = (phase, errors.is_empty()) {
        let label = label.to_string();
        return once::run(&state.db, &form.once, user.id, async |conn| {
            store::add_step(conn, edition.id, phase, &label, auto).await?;
            Ok(Notice::Created.at(&format!("/editions/{}/etapes#etapes", edition.id)))
        })
        .await;
    }
    let page = checklist_page(&state, &user, ctx, id, Some(form), errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The step and its edition, if the person sees the edition.
async fn visible_step(
    state: &AppState,
    user: &CurrentUser,
    id: StepId,
) -> AppResult<(
    Step,
    crate::editions::store::Edition,
    crate::map::store::Academy,
)> {
    let step = {
        let mut db = state.db.acquire().await?;
        store::step_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let (edition, academy) = visible_edition(state, user, step.edition_id).await?;
    Ok((step, edition, academy))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OnceForm {
    once: OnceToken,
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<StepId>,
    CsrfForm(form): CsrfForm<OnceForm>,
) -> AppResult<Response> {
    let (step, edition, academy) = visible_step(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::delete_step(conn, step.id).await?;
        Ok(Notice::Deleted.at(&format!("/editions/{}/etapes#etapes", edition.id)))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TickForm {
    school: i64,
    /// `1` to tick, anything else to untick.
    done: String,
}

async fn tick(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<StepId>,
    CsrfForm(form): CsrfForm<TickForm>,
) -> AppResult<Response> {
    let (step, edition, academy) = visible_step(&state, &user, id).await?;
    let school = SchoolId(form.school);
    if !user
        .rights
        .declare_places(academy.id)
        .contains(&DeclarePlace::School(school))
    {
        return Err(AppError::forbidden(TICK_REASON));
    }
    let mut db = state.db.acquire().await?;
    store::set_tick(&mut db.conn(), step.id, school, user.id, form.done == "1").await?;
    Ok(Redirect::to(&format!(
        "/editions/{}/etapes#etablissement-{}",
        edition.id, school
    ))
    .into_response())
}

/// One school in the progress table.
struct ProgressLine {
    uai: String,
    name: String,
    district: String,
    done: usize,
    total: usize,
    /// Per phase: done / total.
    phases: Vec<(usize, usize)>,
}

#[derive(Template)]
#[template(path = "checklist/progress.html")]
struct ProgressPage {
    ctx: PageCtx,
    edition_id: EditionId,
    phases: Vec<&'static str>,
    lines: Vec<ProgressLine>,
}

async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    let reach = user
        .rights
        .reach(Ability::Export, academy.id)
        .ok_or_else(|| {
            AppError::forbidden(
                "Le suivi des parcours est réservé aux coordinations et à la DSDEN.",
            )
        })?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let steps = store::steps_of(conn, edition.id).await?;
    let schools = store::schools_in_reach(conn, academy.id, &reach).await?;
    let pairs: Vec<(SchoolId, String)> = schools.iter().map(|s| (s.id, s.name.clone())).collect();
    let lists = lists(conn, edition.id, &steps, &pairs).await?;
    let lines = schools
        .iter()
        .zip(lists)
        .map(|(school, list)| ProgressLine {
            uai: school.uai.clone(),
            name: school.name.clone(),
            district: school.district.clone(),
            done: list.done,
            total: list.total,
            phases: list
                .phases
                .iter()
                .map(|p| {
                    (
                        p.steps.iter().filter(|s| s.done.is_some()).count(),
                        p.steps.len(),
                    )
                })
                .collect(),
        })
        .collect();
    render(ProgressPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .crumb(
                "Le parcours de la semaine",
                format!("/editions/{}/etapes", edition.id),
            )
            .title("Suivi des parcours des établissements")
            .here(),
        edition_id: edition.id,
        phases: Phase::ALL.iter().map(|p| p.label()).collect(),
        lines,
    })
}
