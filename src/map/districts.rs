//! Districts (réseaux FOQUALE): coordinators create them and attach schools.

use crate::domain::ids::{ActionId, DistrictId};
use crate::public::store as public_store;
use crate::web::extract::Path;
use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

use super::{
    academy_for,
    schools::build_academy_page,
    store::{self, District, School},
};
use crate::{
    actions::store::Action,
    auth::store as auth_store,
    domain::{Ability, Uai, action::ActionState, edition::EditionState, policy::AttachError},
    editions::store as editions_store,
    review::store::{self as review_store, ReviewFilter},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, once, render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/a/{slug}/districts", post(create_district))
        .route("/districts/{id}", get(district_page))
        .route("/districts/{id}/etablissements", post(attach_school))
        .route("/districts/{id}/detacher", post(detach_school))
}

/// The « new district » form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DistrictForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub once: OnceToken,
}

async fn create_district(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DistrictForm>,
) -> AppResult<Response> {
    let academy = academy_for(&state, &user, &slug).await?;
    user.require(
        Ability::Manage,
        &crate::domain::Placement::academy(academy.id),
        "Seule la coordination académique crée les districts.",
    )?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut errors = FormErrors::default();
    let name = form.name.trim();
    if name.is_empty() {
        errors.add("name", "Indiquez le nom du district.");
    } else if name.chars().count() > 120 {
        errors.add(
            "name",
            "Le nom du district ne doit pas dépasser 120 caractères.",
        );
    }
    let department = store::department_by_code(conn, form.department.trim())
        .await?
        .filter(|d| d.academy_id == academy.id);
    if department.is_none() {
        errors.add("department", "Choisissez un département de l'académie.");
    }
    let taken = match (&department, errors.is_empty()) {
        (Some(department), true) => store::district_by_name(conn, department.id, name)
            .await?
            .is_some(),
        _ => false,
    };
    drop(db);
    if let (Some(department), true) = (&department, errors.is_empty()) {
        if taken {
            errors.add("name", "Un district porte déjà ce nom dans ce département.");
        } else {
            return once::run(&state.db, &form.once, user.id, async |conn| {
                let id = store::ensure_district(conn, department.id, name).await?;
                // The public filters list the districts.
                public_store::bump_generation(conn).await?;
                Ok(Notice::Created.at(&format!("/districts/{id}")))
            })
            .await;
        }
    }
    let page = build_academy_page(&state, &user, ctx, academy, form, None, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// A district: its coordination, its programme, its schools, and (for its
/// coordinators) the attach form. Seen by everyone whose role covers the
/// district or lies in it: the staff of its schools read who coordinates
/// their district and its programme (issue 7 item 10).
#[derive(Template)]
#[template(path = "map/district.html")]
struct DistrictPage {
    ctx: PageCtx,
    district: District,
    /// The coordinators' addresses.
    coordinators: Vec<String>,
    /// The programme of each edition under way.
    programmes: Vec<Programme>,
    /// The schools, each with whether the person may open its page.
    schools: Vec<(School, bool)>,
    can_edit: bool,
    /// The UAI typed in the attach form.
    uai: String,
    errors: FormErrors,
}

/// The district programme of one edition: the validated actions its
/// coordination marked for the programme.
struct Programme {
    edition: String,
    lines: Vec<ProgrammeLine>,
    /// The programme's compose page, for those who follow the district.
    compose: Option<String>,
}

struct ProgrammeLine {
    id: ActionId,
    title: String,
    place: String,
    date: Option<String>,
    /// Whether the person may open the action (else no link).
    link: bool,
}

async fn load_district(
    state: &AppState,
    user: &CurrentUser,
    id: DistrictId,
) -> AppResult<District> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let district = store::district_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.rights.may(Ability::See, &district.placement()) {
        Ok(district)
    } else {
        Err(AppError::NotFound)
    }
}

/// The programmes of the district in the académie's editions under way.
async fn programmes(
    state: &AppState,
    user: &CurrentUser,
    district: &District,
) -> AppResult<Vec<Programme>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let now = chrono::Utc::now();
    let reach = review_store::Reach::districts(vec![district.id]);
    let filter = ReviewFilter {
        state: Some(ActionState::Validated),
        ..ReviewFilter::default()
    };
    let mut programmes = Vec::new();
    for edition in editions_store::editions_of(conn, district.academy_id).await? {
        if matches!(
            edition.state_at(now),
            EditionState::Draft | EditionState::Archived
        ) {
            continue;
        }
        let actions: Vec<Action> =
            review_store::export_actions(conn, edition.id, &reach, &filter, None).await?;
        let lines = actions
            .into_iter()
            .filter(|a| a.featured_in_programme)
            .map(|a| ProgrammeLine {
                link: user
                    .rights
                    .relation(&crate::actions::workflow::facts(&a))
                    .can_view(a.state()),
                id: a.id,
                place: a
                    .school_name
                    .clone()
                    .unwrap_or_else(|| "Action de district".into()),
                date: a.starts_on.map(|d| crate::domain::formats::format_date(d)),
                title: a.title,
            })
            .collect();
        programmes.push(Programme {
            compose: user
                .rights
                .may(crate::domain::Ability::Export, &district.placement())
                .then(|| {
                    format!(
                        "/editions/{}/districts/{}/programme",
                        edition.id, district.id
                    )
                }),
            edition: edition.title(),
            lines,
        });
    }
    Ok(programmes)
}

async fn district_page_with(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    district: District,
    uai: String,
    errors: FormErrors,
) -> AppResult<DistrictPage> {
    let programmes = programmes(state, user, &district).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = store::academy_by_id(conn, district.academy_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let schools = store::schools_of_district(conn, district.id)
        .await?
        .into_iter()
        .map(|s| {
            let link = user.rights.may(Ability::See, &s.placement());
            (s, link)
        })
        .collect();
    let can_edit = user.rights.may(Ability::Manage, &district.placement());
    let coordinators = auth_store::district_coordinators(conn, district.id).await?;
    let ctx = ctx
        .title(district.name.clone())
        .academy(academy.name.clone())
        .crumb(
            format!("Académie de {}", academy.name),
            format!("/a/{}", academy.slug),
        )
        .here();
    Ok(DistrictPage {
        ctx,
        district,
        coordinators,
        programmes,
        schools,
        can_edit,
        uai,
        errors,
    })
}

async fn district_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<DistrictId>,
) -> AppResult<Response> {
    let district = load_district(&state, &user, id).await?;
    render(
        district_page_with(
            &state,
            &user,
            ctx,
            district,
            String::new(),
            FormErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize)]
struct UaiForm {
    #[serde(default)]
    uai: String,
    #[serde(default)]
    once: OnceToken,
}

async fn attach_school(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<DistrictId>,
    CsrfForm(form): CsrfForm<UaiForm>,
) -> AppResult<Response> {
    let district = load_district(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &district.placement(),
        &AttachError::NotCoordinator.to_string(),
    )?;
    let mut errors = FormErrors::default();
    match Uai::parse(&form.uai) {
        Err(err) => errors.add("uai", format!("UAI invalide : {err}.")),
        Ok(uai) => match school_of_uai(&state, &uai).await? {
            // Where the school is now counts as much as where it goes (issue 7 item 11).
            Some(school) => match user
                .rights
                .may_attach_school(&school.placement(), &district.placement())
            {
                Ok(()) => {
                    return once::run(&state.db, &form.once, user.id, async |conn| {
                        store::set_school_district(conn, school.id, Some(district.id)).await?;
                        // Its actions' district shows on the public side.
                        public_store::bump_generation(conn).await?;
                        Ok(Notice::Saved.at(&format!("/districts/{}", district.id)))
                    })
                    .await;
                }
                Err(AttachError::NotCoordinator) => {
                    return Err(AppError::forbidden(AttachError::NotCoordinator.to_string()));
                }
                Err(refusal) => errors.add("uai", refusal.to_string()),
            },
            None => errors.add("uai", "Aucun établissement de l'annuaire ne porte cet UAI."),
        },
    }
    let page = district_page_with(&state, &user, ctx, district, form.uai, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

async fn detach_school(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<DistrictId>,
    CsrfForm(form): CsrfForm<UaiForm>,
) -> AppResult<Response> {
    let district = load_district(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &district.placement(),
        "Seules les coordinations retirent des établissements d'un district.",
    )?;
    let school = store::school_by_uai(
        &mut state.db.acquire().await?.conn(),
        &form.uai.trim().to_uppercase(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let show = format!("/districts/{}", district.id);
    if school.district_id != Some(district.id) {
        return Err(AppError::NotFound);
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_school_district(conn, school.id, None).await?;
        public_store::bump_generation(conn).await?;
        Ok(Notice::Saved.at(&show))
    })
    .await
}

/// The school of the Annuaire with this UAI (on a connection given back at
/// once: the callers go on to write on another).
async fn school_of_uai(state: &AppState, uai: &Uai) -> AppResult<Option<store::School>> {
    let mut db = state.db.acquire().await?;
    Ok(store::school_by_uai(&mut db.conn(), uai.as_str()).await?)
}
