//! Académies: the platform admin adds them; their coordinators set which
//! e-mail domains may create an account by themselves.

use crate::web::extract::Path;
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
    domain::{Ability, Placement},
    map::store::{self as map_store, Academy},
    text::slug,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, once, render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/academies", get(list).post(add))
        .route("/a/{slug}/parametres", post(set_domains))
}

/// The admin's list of académies, with the form to add one.
#[derive(Template)]
#[template(path = "access/academies.html")]
struct AcademiesPage {
    ctx: PageCtx,
    academies: Vec<Academy>,
    form: AcademyForm,
    errors: FormErrors,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AcademyForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    once: OnceToken,
}

/// The longest académie name, in characters.
const NAME_MAX: usize = 100;

fn require_admin(user: &CurrentUser) -> AppResult<()> {
    if user.rights.is_admin() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    form: AcademyForm,
    errors: FormErrors,
) -> AppResult<AcademiesPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    Ok(AcademiesPage {
        ctx: ctx
            .title("Académies")
            .crumb("Mon espace", "/mon-espace")
            .here(),
        academies: map_store::academies(conn).await?,
        form,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
) -> AppResult<Response> {
    require_admin(&user)?;
    render(page(&state, ctx, AcademyForm::default(), FormErrors::default()).await?)
}

/// Checks a space- or comma-separated list of mail domains.
pub fn parse_domains(text: &str) -> Result<String, String> {
    let mut domains: Vec<String> = Vec::new();
    for domain in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|d| !d.is_empty())
        .map(|d| d.trim_start_matches('@').to_lowercase())
    {
        // Each domain once, in the order typed.
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    for domain in &domains {
        let ok = domain.contains('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        if !ok {
            return Err(format!(
                "« {domain} » n'est pas un domaine de messagerie (exemple : ac-creteil.fr)."
            ));
        }
    }
    Ok(domains.join(" "))
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<AcademyForm>,
) -> AppResult<Response> {
    require_admin(&user)?;
    let mut errors = FormErrors::default();
    let code = form.code.trim().trim_start_matches('0').to_string();
    if code.is_empty() || code.len() > 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.add("code", "Indiquez le code de l'académie dans l'Annuaire de l'éducation (par exemple 24 pour Créteil).");
    }
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.add(
            "name",
            "Indiquez le nom de l'académie (par exemple Créteil).",
        );
    } else if name.chars().count() > NAME_MAX {
        errors.add(
            "name",
            format!("Le nom ne doit pas dépasser {NAME_MAX} caractères."),
        );
    }
    let domains = parse_domains(&form.domains)
        .map_err(|e| errors.add("domains", e))
        .ok();
    if errors.is_empty() {
        let exists = {
            let mut db = state.db.acquire().await?;
            let conn = &mut db.conn();
            map_store::academy_by_slug(conn, &code).await?.is_some()
                || map_store::academy_by_slug(conn, &slug(&name))
                    .await?
                    .is_some()
        };
        if exists {
            errors.add("code", "Cette académie existe déjà.");
        } else {
            // The académie and its domains together, or neither; once.
            return once::run(&state.db, &form.once, user.id, async |conn| {
                let id = map_store::ensure_academy(conn, &code, &slug(&name), &name).await?;
                map_store::set_email_domains(conn, id, domains.as_deref().unwrap_or_default())
                    .await?;
                Ok(Notice::Created.at("/admin/academies"))
            })
            .await;
        }
    }
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&state, ctx, form, errors).await?,
    )
}

#[derive(Deserialize)]
struct DomainsForm {
    #[serde(default)]
    domains: String,
}

async fn set_domains(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<DomainsForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = map_store::academy_by_slug(conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !user.rights.sees_academy(academy.id) {
        return Err(AppError::NotFound);
    }
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        "Seule la coordination académique règle les inscriptions.",
    )?;
    match parse_domains(&form.domains) {
        Ok(domains) => {
            map_store::set_email_domains(conn, academy.id, &domains).await?;
            Ok(Redirect::to(&format!("/a/{}", academy.slug)).into_response())
        }
        Err(message) => {
            drop(db);
            let mut errors = FormErrors::default();
            errors.add("domains", message);
            let page = crate::map::build_academy_page(
                &state,
                &user,
                ctx,
                academy,
                Default::default(),
                Some(form.domains),
                errors,
            )
            .await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_domain_lists() {
        assert_eq!(
            super::parse_domains("ac-creteil.fr, @AC-Normandie.fr").unwrap(),
            "ac-creteil.fr ac-normandie.fr"
        );
        assert!(super::parse_domains("pas un domaine").is_err());
        assert_eq!(super::parse_domains("").unwrap(), "");
    }
}
