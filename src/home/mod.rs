//! The home page, the health check, « Mon espace », and the error page.

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::IntoResponse, routing::get};

use crate::{
    auth::store::{self as auth_store, GrantListing, GrantQuery},
    domain::Role,
    map::store::{self as map_store, Academy},
    web::{AcademyName, AppResult, AppState, CurrentUser, PageCtx, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/mon-espace", get(my_space))
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    /// The académies hosted here, each with its current (latest published)
    /// edition, if any.
    academies: Vec<(Academy, Option<crate::editions::store::Edition>)>,
}

async fn home(State(state): State<AppState>, ctx: PageCtx) -> AppResult<axum::response::Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academies = map_store::academies(conn).await?;
    let ctx = match academies.as_slice() {
        [only] if ctx.academy_name.is_none() => ctx.academy(only.name.clone()),
        _ => ctx,
    };
    let mut with_editions = Vec::with_capacity(academies.len());
    for academy in academies {
        let current = crate::public::agenda::published_editions(conn, &academy)
            .await?
            .into_iter()
            .next();
        with_editions.push((academy, current));
    }
    render(HomePage {
        ctx: ctx.title("Semaine de la persévérance scolaire"),
        academies: with_editions,
    })
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "base de données injoignable",
        )
    }
}

/// « Mon espace »: the person's roles and what each lets them do.
#[derive(Template)]
#[template(path = "my_space.html")]
struct MySpacePage {
    ctx: PageCtx,
    /// The person's roles, with the place each applies to.
    grants: Vec<GrantListing>,
    /// What those roles allow, in plain French.
    abilities: Vec<&'static str>,
    /// Whether the person may open the access management page.
    manages: bool,
    is_admin: bool,
    /// The académies where the person holds a role (for the editions links).
    academies: Vec<AcademyName>,
    /// The poster contests the person judges (issue 9), with what is left.
    juries: Vec<crate::contest::JuryCard>,
}

async fn my_space(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
) -> AppResult<axum::response::Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let grants = auth_store::list_grants(conn, GrantQuery::OfUser(user.id), 200).await?;
    let mut abilities: Vec<&'static str> = user
        .rights
        .roles()
        .into_iter()
        .flat_map(abilities_of)
        .copied()
        .collect();
    abilities.dedup();
    let juries = crate::contest::jury_cards(conn, user.id).await?;
    render(MySpacePage {
        juries,
        academies: user.academies,
        ctx: ctx.title("Mon espace").here(),
        grants,
        abilities,
        manages: user.rights.manages_anyone(),
        is_admin: user.rights.is_admin(),
    })
}

/// What a role lets its holder do, in the words of the interface.
fn abilities_of(role: Role) -> &'static [&'static str] {
    match role {
        Role::Admin => &[
            "Ajouter une académie à la plateforme",
            "Attribuer et retirer tous les rôles, dans toutes les académies",
        ],
        Role::AcademyCoordinator => &[
            "Consulter l'annuaire des établissements de l'académie",
            "Définir les districts (réseaux FOQUALE) et y rattacher les établissements",
            "Attribuer et retirer les rôles dans l'académie",
            "Choisir les domaines de messagerie autorisés à créer un compte",
        ],
        Role::DepartmentViewer => &["Consulter les établissements et les districts du département"],
        Role::DistrictCoordinator => &[
            "Consulter les établissements du district",
            "Rattacher des établissements au district",
            "Attribuer et retirer les rôles d'établissement dans le district",
        ],
        Role::SchoolHead => &[
            "Consulter la fiche de l'établissement",
            "Consulter la page de votre district : sa coordination et son programme",
            "Attribuer et retirer les rôles de référent et de personnel dans l'établissement",
        ],
        Role::SchoolReferent | Role::Staff => &[
            "Consulter la fiche de l'établissement",
            "Consulter la page de votre district : sa coordination et son programme",
            "Déclarer les actions de l'établissement et suivre les vôtres",
        ],
    }
}
