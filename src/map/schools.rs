//! The académie overview, the school directory and the school page.

use crate::domain::ids::{DepartmentId, DistrictId};
use crate::web::extract::{Path, Query};
use askama::Template;
use axum::{Router, extract::State, response::Response, routing::get};
use serde::Deserialize;

use super::{
    academy_for,
    store::{self, Academy, Department, District, School, SchoolFilter},
};
use crate::{
    auth::store::{self as auth_store, GrantListing, GrantQuery},
    domain::{Ability, Scope},
    web::{AppError, AppResult, AppState, CurrentUser, PageCtx, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/a/{slug}", get(academy_page))
        .route("/a/{slug}/etablissements", get(directory))
        .route("/etablissements/{uai}", get(school_page))
}

/// An académie: its departments and districts.
#[derive(Template)]
#[template(path = "map/academy.html")]
struct AcademyPage {
    ctx: PageCtx,
    academy: Academy,
    departments: Vec<Department>,
    districts: Vec<District>,
    /// Whether the person may create districts here.
    can_edit: bool,
    /// The districts whose page the person may open (others are not linked).
    visible_districts: Vec<DistrictId>,
    /// Whether the person may open the school directory (else no link).
    sees_directory: bool,
    /// The form to create a district: its values and errors.
    form: super::districts::DistrictForm,
    /// The self-registration domains, as stored or as typed.
    domains: String,
    errors: crate::web::FormErrors,
}

async fn academy_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let academy = academy_for(&state, &user, &slug).await?;
    render(
        build_academy_page(
            &state,
            &user,
            ctx,
            academy,
            Default::default(),
            None,
            Default::default(),
        )
        .await?,
    )
}

pub(crate) async fn build_academy_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    academy: Academy,
    form: super::districts::DistrictForm,
    domains: Option<String>,
    errors: crate::web::FormErrors,
) -> AppResult<impl Template> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let departments = store::departments(conn, academy.id).await?;
    let districts = store::districts(conn, academy.id).await?;
    let rights = &user.rights;
    let visible_districts = districts
        .iter()
        .filter(|d| rights.may(Ability::See, &d.placement()))
        .map(|d| d.id)
        .collect();
    Ok(AcademyPage {
        can_edit: rights.manages_academy(academy.id),
        sees_directory: rights.reach(Ability::Export, academy.id).is_some(),
        visible_districts,
        domains: domains.unwrap_or_else(|| academy.email_domains.clone()),
        ctx: ctx
            .title(format!("Académie de {}", academy.name))
            .academy(academy.name.clone())
            .here(),
        academy,
        departments,
        districts,
        form,
        errors,
    })
}

impl AcademyPage {
    /// Whether to link the district's page (only where the person may open it).
    fn district_link(&self, district: &District) -> bool {
        self.visible_districts.contains(&district.id)
    }
}

#[derive(Deserialize, Default)]
struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    departement: Option<String>,
    #[serde(default)]
    district: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

/// The school directory of an académie, limited to the person's scope.
#[derive(Template)]
#[template(path = "map/directory.html")]
struct DirectoryPage {
    ctx: PageCtx,
    academy: Academy,
    schools: Vec<School>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    department_id: Option<DepartmentId>,
    district_id: Option<DistrictId>,
    departments: Vec<Department>,
    districts: Vec<District>,
}

const PAGE_SIZE: i64 = 50;

/// Narrows the requested filter to the person's reach in the directory
/// (the policy's [`Ability::Export`]), or refuses (`None`).
fn scoped_filter(
    user: &CurrentUser,
    academy: &Academy,
    department: Option<DepartmentId>,
    district: Option<DistrictId>,
) -> Option<(Option<DepartmentId>, Option<DistrictId>)> {
    let reach = user.rights.reach(Ability::Export, academy.id)?;
    if reach.whole {
        return Some((department, district));
    }
    if let Some(&first) = reach.departments.first() {
        let chosen = department
            .filter(|d| reach.departments.contains(d))
            .unwrap_or(first);
        return Some((Some(chosen), district));
    }
    let first = *reach.districts.first()?;
    Some((
        None,
        Some(
            district
                .filter(|d| reach.districts.contains(d))
                .unwrap_or(first),
        ),
    ))
}

fn parse_id<T: std::str::FromStr>(text: &Option<String>) -> Option<T> {
    text.as_deref().and_then(|t| t.parse().ok())
}

async fn directory(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let academy = academy_for(&state, &user, &slug).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let (department_id, district_id) = scoped_filter(
        &user,
        &academy,
        parse_id(&q.departement),
        parse_id(&q.district),
    )
    .ok_or_else(|| {
        AppError::forbidden(
            "L'annuaire est réservé aux coordinations (académie, département, district).",
        )
    })?;
    let page = q.page.unwrap_or(1).max(1);
    let filter = SchoolFilter {
        academy_id: academy.id,
        department_id,
        district_id,
        text: Some(q.q.trim().to_string()).filter(|t| !t.is_empty()),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let (schools, total) = store::search_schools(conn, &filter).await?;
    let ctx = ctx
        .title("Annuaire des établissements")
        .academy(academy.name.clone())
        .crumb(
            format!("Académie de {}", academy.name),
            format!("/a/{}", academy.slug),
        )
        .here();
    render(DirectoryPage {
        ctx,
        departments: store::departments(conn, academy.id).await?,
        districts: store::districts(conn, academy.id).await?,
        academy,
        schools,
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        q: q.q,
        department_id,
        district_id,
    })
}

/// One school: its identity, district, and the people who hold a role there.
#[derive(Template)]
#[template(path = "map/school.html")]
struct SchoolPage {
    ctx: PageCtx,
    school: School,
    district: Option<District>,
    /// People with a role in the school (shown to those who manage roles there).
    people: Vec<GrantListing>,
    show_people: bool,
    /// Whether the person may open the district's page (else no link).
    district_link: bool,
}

async fn school_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(uai): Path<String>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let school = store::school_by_uai(conn, &uai.to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    let rights = &user.rights;
    if !rights.may(Ability::See, &school.placement()) {
        return Err(AppError::NotFound);
    }
    let district = match school.district_id {
        Some(id) => store::district_by_id(conn, id).await?,
        None => None,
    };
    let district_link = district
        .as_ref()
        .is_some_and(|d| rights.may(Ability::See, &d.placement()));
    let show_people = rights.sees_grants_at(&school.placement());
    let people = if show_people {
        auth_store::list_grants(conn, GrantQuery::Within(Scope::School(school.id)), 200).await?
    } else {
        Vec::new()
    };
    let academy = store::academy_by_id(conn, school.academy_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = ctx.title(school.name.clone()).academy(academy.name).here();
    render(SchoolPage {
        ctx,
        school,
        district,
        people,
        show_people,
        district_link,
    })
}
