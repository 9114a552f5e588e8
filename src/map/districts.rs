//! Districts (réseaux FOQUALE): coordinators create them and attach schools.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{
    academy_for,
    schools::build_academy_page,
    store::{self, District, School},
};
use crate::{
    domain::{Role, Uai},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, PageCtx, render,
        render_with,
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
}

async fn create_district(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DistrictForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy_for(&state, &user, &slug).await?;
    let place = crate::domain::Placement {
        academy: academy.id,
        ..Default::default()
    };
    user.require(
        &[Role::AcademyCoordinator],
        &place,
        "Seule la coordination académique crée les districts.",
    )?;
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
    if let (Some(department), true) = (&department, errors.is_empty()) {
        if store::district_by_name(conn, department.id, name)
            .await?
            .is_some()
        {
            errors.add("name", "Un district porte déjà ce nom dans ce département.");
        } else {
            let mut db = state.db.acquire().await?;
            let conn = &mut db.conn();
            let id = store::ensure_district(conn, department.id, name).await?;
            return Ok(Redirect::to(&format!("/districts/{id}")).into_response());
        }
    }
    let page = build_academy_page(&state, &user, ctx, academy, form, None, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// A district: its schools, and (for coordinators) the attach form.
#[derive(Template)]
#[template(path = "map/district.html")]
struct DistrictPage {
    ctx: PageCtx,
    district: District,
    schools: Vec<School>,
    can_edit: bool,
    /// The UAI typed in the attach form.
    uai: String,
    errors: FormErrors,
}

async fn load_district(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<District> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let district = store::district_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.grants.can_view(&district.placement()) {
        Ok(district)
    } else {
        Err(AppError::NotFound)
    }
}

async fn district_page_with(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    district: District,
    uai: String,
    errors: FormErrors,
) -> AppResult<DistrictPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = store::academy_by_id(conn, district.academy_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let schools = store::schools_of_district(conn, district.id).await?;
    let can_edit = user.grants.any_covers(
        &[Role::AcademyCoordinator, Role::DistrictCoordinator],
        &district.placement(),
    );
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
    Path(id): Path<i64>,
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
}

async fn attach_school(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UaiForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let district = load_district(&state, &user, id).await?;
    user.require(
        &[Role::AcademyCoordinator, Role::DistrictCoordinator],
        &district.placement(),
        "Seules les coordinations rattachent des établissements à un district.",
    )?;
    let mut errors = FormErrors::default();
    match Uai::parse(&form.uai) {
        Err(err) => errors.add("uai", format!("UAI invalide : {err}.")),
        Ok(uai) => match store::school_by_uai(conn, uai.as_str()).await? {
            Some(school) if school.department_id == district.department_id => {
                let mut db = state.db.acquire().await?;
                let conn = &mut db.conn();
                store::set_school_district(conn, school.id, Some(district.id)).await?;
                return Ok(Redirect::to(&format!("/districts/{}", district.id)).into_response());
            }
            Some(_) => errors.add(
                "uai",
                "Cet établissement n'est pas dans le département du district.",
            ),
            None => errors.add("uai", "Aucun établissement de l'annuaire ne porte cet UAI."),
        },
    }
    let page = district_page_with(&state, &user, ctx, district, form.uai, errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

async fn detach_school(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<UaiForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let district = load_district(&state, &user, id).await?;
    user.require(
        &[Role::AcademyCoordinator, Role::DistrictCoordinator],
        &district.placement(),
        "Seules les coordinations retirent des établissements d'un district.",
    )?;
    let school = store::school_by_uai(conn, &form.uai.trim().to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    if school.district_id != Some(district.id) {
        return Err(AppError::NotFound);
    }
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    store::set_school_district(conn, school.id, None).await?;
    Ok(Redirect::to(&format!("/districts/{}", district.id)).into_response())
}
