//! The académie overview, the school directory and the school page.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::get,
};
use serde::Deserialize;

use super::{
    academy_for,
    store::{self, Academy, Department, District, School, SchoolFilter},
};
use crate::{
    auth::store::{self as auth_store, GrantListing, GrantQuery},
    domain::{Placement, Role, Scope},
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
    let place = Placement {
        academy: academy.id,
        ..Default::default()
    };
    let can_edit = user.grants.any_covers(&[Role::AcademyCoordinator], &place);
    Ok(AcademyPage {
        domains: domains.unwrap_or_else(|| academy.email_domains.clone()),
        ctx: ctx
            .title(format!("Académie de {}", academy.name))
            .academy(academy.name.clone())
            .here(),
        academy,
        departments,
        districts,
        can_edit,
        form,
        errors,
    })
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
    department_id: Option<i64>,
    district_id: Option<i64>,
    departments: Vec<Department>,
    districts: Vec<District>,
}

const PAGE_SIZE: i64 = 50;

/// Narrows the requested filter to what the person may see, or refuses.
fn scoped_filter(
    user: &CurrentUser,
    academy: &Academy,
    department: Option<i64>,
    district: Option<i64>,
) -> Option<(Option<i64>, Option<i64>)> {
    let whole = Placement {
        academy: academy.id,
        ..Default::default()
    };
    if user.grants.any_covers(&[Role::AcademyCoordinator], &whole) {
        return Some((department, district));
    }
    let mine = |kind: fn(Scope) -> Option<i64>| -> Vec<i64> {
        user.placements
            .iter()
            .filter(|(_, p)| p.academy == academy.id)
            .filter_map(|(g, _)| kind(g.scope))
            .collect()
    };
    let departments = mine(|s| {
        if let Scope::Department(id) = s {
            Some(id)
        } else {
            None
        }
    });
    if let Some(&first) = departments.first() {
        let chosen = department
            .filter(|d| departments.contains(d))
            .unwrap_or(first);
        return Some((Some(chosen), district));
    }
    let districts = mine(|s| {
        if let Scope::District(id) = s {
            Some(id)
        } else {
            None
        }
    });
    let first = *districts.first()?;
    Some((
        None,
        Some(district.filter(|d| districts.contains(d)).unwrap_or(first)),
    ))
}

fn parse_id(text: &Option<String>) -> Option<i64> {
    text.as_deref().and_then(|t| t.parse().ok())
}

async fn directory(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy_for(&state, &user, &slug).await?;
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
    if !user.grants.can_view(&school.placement()) {
        return Err(AppError::NotFound);
    }
    let district = match school.district_id {
        Some(id) => store::district_by_id(conn, id).await?,
        None => None,
    };
    let show_people = user.grants.manages_anyone()
        && user.grants.any_covers(
            &[
                Role::AcademyCoordinator,
                Role::DistrictCoordinator,
                Role::SchoolHead,
                Role::DepartmentViewer,
            ],
            &school.placement(),
        );
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
    })
}
