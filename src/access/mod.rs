//! Who holds which role: coordinators grant and revoke roles within their
//! scope; the platform admin adds académies; académie coordinators choose
//! which e-mail domains may create an account.

mod academies;

pub use academies::parse_domains;

use crate::domain::ids::{AcademyId, GrantId};
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
    auth::store::{self as auth_store, GrantListing, GrantQuery},
    domain::{Email, Grant, Placement, Role, Scope, ScopeKind, Uai},
    map::store as map_store,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, once, render, render_with,
        security::{self, Kind, Origin},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/acces", get(access_page).post(grant_role))
        .route("/acces/{id}/retirer", post(revoke_role))
        .merge(academies::router())
}

/// A scope above the school that the person may grant roles on.
struct ScopeChoice {
    value: String,
    label: String,
}

/// The access page: grants within the person's scopes, and the grant form.
#[derive(Template)]
#[template(path = "access/index.html")]
struct AccessPage {
    ctx: PageCtx,
    grants: Vec<GrantListing>,
    roles: Vec<Role>,
    scopes: Vec<ScopeChoice>,
    form: GrantForm,
    errors: FormErrors,
    /// The grants this person may revoke (ids).
    revocable: Vec<GrantId>,
}

const NO_GRANTING: &str = "Votre rôle ne permet pas d'attribuer des rôles.";

#[derive(Clone, Debug, Default, Deserialize)]
struct GrantForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    /// For school roles: the school's UAI.
    #[serde(default)]
    uai: String,
    /// For other roles: `academy:ID`, `department:ID`, `district:ID` or `platform`.
    #[serde(default)]
    scope: String,
}

/// The scopes (above schools) where the person may grant some role, for the select.
async fn scope_choices(state: &AppState, user: &CurrentUser) -> AppResult<Vec<ScopeChoice>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let rights = &user.rights;
    let mut choices = Vec::new();
    if rights.offers_scope(Scope::Platform, &Placement::default()) {
        choices.push(ScopeChoice {
            value: Scope::Platform.value(),
            label: "Plateforme (administration)".into(),
        });
    }
    let academy_ids: Vec<AcademyId> = if rights.is_admin() {
        map_store::academies(conn)
            .await?
            .iter()
            .map(|a| a.id)
            .collect()
    } else {
        rights.academies()
    };
    for academy_id in academy_ids {
        let Some(academy) = map_store::academy_by_id(conn, academy_id).await? else {
            continue;
        };
        let scope = Scope::Academy(academy.id);
        if rights.offers_scope(scope, &Placement::academy(academy.id)) {
            choices.push(ScopeChoice {
                value: scope.value(),
                label: format!("Académie de {}", academy.name),
            });
        }
        for department in map_store::departments(conn, academy.id).await? {
            let scope = Scope::Department(department.id);
            if rights.offers_scope(scope, &Placement::department(academy.id, department.id)) {
                choices.push(ScopeChoice {
                    value: scope.value(),
                    label: format!("Département : {} ({})", department.name, department.code),
                });
            }
        }
        for district in map_store::districts(conn, academy.id).await? {
            let scope = Scope::District(district.id);
            if rights.offers_scope(scope, &district.placement()) {
                choices.push(ScopeChoice {
                    value: scope.value(),
                    label: format!("District : {}", district.name),
                });
            }
        }
    }
    Ok(choices)
}

/// The grants listed on the page: those within every scope where the person grants roles.
async fn visible_grants(state: &AppState, user: &CurrentUser) -> AppResult<Vec<GrantListing>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut all = Vec::new();
    for (grant, _) in user.rights.held() {
        if grant.role.manages().is_empty() {
            continue;
        }
        all.extend(auth_store::list_grants(conn, GrantQuery::Within(grant.scope), 500).await?);
    }
    all.sort_by(|a, b| (&a.scope_name, &a.email).cmp(&(&b.scope_name, &b.email)));
    all.dedup_by_key(|g| g.id);
    Ok(all)
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    form: GrantForm,
    errors: FormErrors,
) -> AppResult<AccessPage> {
    if !user.rights.manages_anyone() {
        return Err(AppError::forbidden(NO_GRANTING));
    }
    let grants = visible_grants(state, user).await?;
    let scopes = scope_choices(state, user).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut revocable = Vec::new();
    for listing in &grants {
        if let Some(row) = auth_store::grant_by_id(conn, listing.id).await?
            && let Some(grant) = row.grant()
            && user.rights.may_grant(&grant, &row.placement()).is_ok()
        {
            revocable.push(listing.id);
        }
    }
    Ok(AccessPage {
        ctx: ctx
            .title("Rôles et accès")
            .crumb("Mon espace", "/mon-espace")
            .here(),
        grants,
        roles: user.rights.grantable_roles(),
        scopes,
        form,
        errors,
        revocable,
    })
}

async fn access_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
) -> AppResult<Response> {
    render(
        page(
            &state,
            &user,
            ctx,
            GrantForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Reads the form into a grant and the placement of its scope, or errors by field.
async fn read_grant(
    state: &AppState,
    form: &GrantForm,
    errors: &mut FormErrors,
) -> AppResult<Option<(Grant, Placement)>> {
    let Some(role) = Role::parse(&form.role) else {
        errors.add("role", "Choisissez un rôle dans la liste.");
        return Ok(None);
    };
    let located = if role.scope_kind() == ScopeKind::School {
        match Uai::parse(&form.uai) {
            Err(err) => {
                errors.add("uai", format!("UAI invalide : {err}."));
                return Ok(None);
            }
            Ok(uai) => {
                map_store::school_by_uai(&mut state.db.acquire().await?.conn(), uai.as_str())
                    .await?
                    .map(|s| (Scope::School(s.id), s.placement()))
            }
        }
    } else {
        match Scope::parse_value(&form.scope) {
            Some(scope) if scope.kind() == role.scope_kind() => {
                placement_of(state, scope).await?.map(|p| (scope, p))
            }
            _ => {
                errors.add("scope", "Ce rôle ne s'attribue pas à ce niveau : choisissez un niveau qui lui correspond.");
                return Ok(None);
            }
        }
    };
    match located {
        None => {
            let field = if role.scope_kind() == ScopeKind::School {
                "uai"
            } else {
                "scope"
            };
            errors.add(field, "Ce lieu est introuvable.");
            Ok(None)
        }
        Some((scope, place)) => Ok(Some((Grant { role, scope }, place))),
    }
}

/// Where a scope above the school lives.
async fn placement_of(state: &AppState, scope: Scope) -> AppResult<Option<Placement>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    Ok(match scope {
        Scope::Platform => Some(Placement::default()),
        Scope::Academy(id) => map_store::academy_by_id(conn, id)
            .await?
            .map(|a| Placement::academy(a.id)),
        Scope::Department(id) => map_store::department_by_id(conn, id)
            .await?
            .map(|d| Placement::department(d.academy_id, d.id)),
        Scope::District(id) => map_store::district_by_id(conn, id)
            .await?
            .map(|d| d.placement()),
        Scope::School(id) => map_store::school_by_id(conn, id)
            .await?
            .map(|s| s.placement()),
    })
}

async fn grant_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    origin: Origin,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.add("email", e.to_string()))
        .ok();
    let grant = read_grant(&state, &form, &mut errors).await?;
    if let (Some(email), Some((grant, place))) = (email, grant) {
        if user.rights.may_grant(&grant, &place).is_err() {
            errors.add("role", "Vous ne pouvez pas attribuer ce rôle à ce niveau.");
        } else {
            let mut tx = state.db.begin().await?;
            let conn = &mut tx.conn();
            let user_id = auth_store::ensure_user(conn, &email, "").await?;
            if let Some(id) = auth_store::insert_grant(conn, user_id, grant, Some(user.id)).await? {
                let detail = security::grant_detail(id, &email.to_string(), user_id, &grant);
                security::record(
                    conn,
                    &origin.event(Kind::RoleGranted, Some(user.id), detail),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(Redirect::to("/acces").into_response());
        }
    }
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&state, &user, ctx, form, errors).await?,
    )
}

#[derive(Deserialize)]
struct Once {
    #[serde(default)]
    once: OnceToken,
}

async fn revoke_role(
    State(state): State<AppState>,
    user: CurrentUser,
    origin: Origin,
    Path(id): Path<GrantId>,
    CsrfForm(form): CsrfForm<Once>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let row = auth_store::grant_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let grant = row.grant().ok_or(AppError::NotFound)?;
    if !user.rights.manages_anyone() {
        return Err(AppError::forbidden(NO_GRANTING));
    }
    if !user.rights.sees_grants_at(&row.placement()) {
        return Err(AppError::NotFound);
    }
    user.rights
        .may_grant(&grant, &row.placement())
        .map_err(|_| AppError::forbidden("Vous ne pouvez pas retirer ce rôle."))?;
    let holder = auth_store::user_by_id(conn, row.user_id)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    drop(db);
    // A double click revokes (and logs) once; the second answer says so.
    once::run(&state.db, &form.once, user.id, async |conn| {
        auth_store::remove_grant(conn, id).await?;
        let detail = security::grant_detail(id, &holder, row.user_id, &grant);
        security::record(
            conn,
            &origin.event(Kind::RoleRevoked, Some(user.id), detail),
        )
        .await?;
        Ok(Notice::Deleted.at("/acces"))
    })
    .await
}
