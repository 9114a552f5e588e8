//! The read-only JSON API, `/api/v1/` (issue 8): published editions, the
//! agenda's actions (with its filters and search), one action, the reuse
//! catalogue; paginated with the total; ETag and `304`; open to any origin
//! for GET (`Access-Control-Allow-Origin: *`). Its OpenAPI 3.1 document,
//! generated from these handlers and types by `utoipa`, is served at
//! `/api/v1/openapi.json` and read by the reference page `/api/v1`.
//!
//! Everything comes through `public::store`, so only what is published
//! appears, and never a staff member's e-mail (their name only when they
//! agreed). Bad input answers a JSON error (`{"erreur": "…"}`), never a 500.

use askama::Template;
use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    domain::ids::ActionId,
    map::store as map_store,
    public::{
        agenda::{AgendaQuery, published_editions},
        store::{self as public_store, PublicAction},
        view::ActionView,
    },
    search,
    web::{AppResult, AppState, PageCtx, extract::Path, extract::Query, render},
};

/// Most items a page may hold.
pub const MAX_PER_PAGE: i64 = 100;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route("/api/v1/editions", get(editions))
        .route("/api/v1/academies/{slug}/actions", get(actions))
        .route("/api/v1/academies/{slug}/actions/{id}", get(action))
        .route("/api/v1/academies/{slug}/catalogue", get(catalogue))
        .route("/api/v1/openapi.json", get(openapi))
        .route_layer(axum::middleware::from_fn(etag_and_cors));
    Router::new().route("/api/v1", get(reference)).merge(api)
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Persévérance — API publique",
        description = "Les éditions publiées, les actions publiées de l'agenda et les fiches mutualisation. Lecture seule, sans compte.",
        version = "1"
    ),
    paths(editions, actions, action, catalogue),
    components(schemas(EditionDto, ActionDto, ActionPage, ApiError))
)]
pub struct ApiDoc;

/// An error: its French message.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub erreur: String,
}

fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &ApiError {
            erreur: message.into(),
        },
    )
}

/// A JSON answer (axum's `json` feature is not built: one function is enough).
fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A published edition.
#[derive(Serialize, ToSchema)]
pub struct EditionDto {
    pub academie: String,
    pub academie_nom: String,
    pub annee: i64,
    pub numero: i64,
    pub theme: String,
    /// First day of the week, `AAAA-MM-JJ`.
    pub semaine_debut: String,
    pub semaine_fin: String,
    pub contact: String,
}

/// A published action.
#[derive(Serialize, ToSchema)]
pub struct ActionDto {
    pub id: i64,
    pub annee: i64,
    pub titre: String,
    pub resume: String,
    pub description: String,
    /// Start, RFC 3339 with the Europe/Paris offset, or the date alone.
    pub debut: Option<String>,
    pub heure_debut: String,
    pub heure_fin: String,
    pub lieu: String,
    pub etablissement: Option<String>,
    pub uai: Option<String>,
    pub commune: Option<String>,
    pub code_postal: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub district: Option<String>,
    pub departement: Option<String>,
    /// Codes: `eleves`, `parents`, `personnels`, `partenaires`.
    pub publics: Vec<String>,
    pub niveaux: Vec<String>,
    pub dispositif: String,
    pub valorisations: Vec<String>,
    pub partenaires: String,
    /// The owner's name, only when they agreed to show it.
    pub porteur: Option<String>,
    /// The action's public page.
    pub url: String,
}

/// A page of actions.
#[derive(Serialize, ToSchema)]
pub struct ActionPage {
    pub total: i64,
    pub page: i64,
    pub par_page: i64,
    pub actions: Vec<ActionDto>,
}

/// The agenda's filters, as the agenda page takes them, plus `par_page`.
#[derive(serde::Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ApiQuery {
    /// Free text, searched in French (stems, accents, one typing error).
    pub q: String,
    /// Year of the edition (by default the latest published one).
    pub edition: String,
    pub departement: String,
    /// District id.
    pub district: String,
    pub commune: String,
    /// UAI of the school.
    pub etablissement: String,
    /// `JJ/MM/AAAA` or `AAAA-MM-JJ`.
    pub jour: String,
    pub public: String,
    pub niveau: String,
    pub dispositif: String,
    pub valorisation: String,
    /// 1 and more.
    pub page: String,
    /// 1 to 100 (50 by default).
    pub par_page: String,
}

impl ApiQuery {
    fn agenda(&self) -> AgendaQuery {
        AgendaQuery {
            q: self.q.clone(),
            edition: self.edition.clone(),
            departement: self.departement.clone(),
            district: self.district.clone(),
            commune: self.commune.clone(),
            etablissement: self.etablissement.clone(),
            jour: self.jour.clone(),
            public: self.public.clone(),
            niveau: self.niveau.clone(),
            dispositif: self.dispositif.clone(),
            valorisation: self.valorisation.clone(),
            page: self.page.clone(),
            ..Default::default()
        }
    }

    fn per_page(&self) -> Result<i64, Response> {
        match self.par_page.trim() {
            "" => Ok(public_store::PAGE_SIZE),
            n => match n.parse::<i64>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
                _ => Err(error(
                    StatusCode::BAD_REQUEST,
                    "par_page doit être un nombre entier de 1 à 100.",
                )),
            },
        }
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn dto(a: PublicAction, slug: &str, base: &str) -> ActionDto {
    let view = ActionView::new(a, slug);
    let debut = view.start_iso();
    let url = format!("{base}{}", view.path);
    let a = view.a;
    ActionDto {
        id: a.id.0,
        annee: a.edition_year,
        titre: a.title,
        resume: a.summary,
        description: a.description,
        debut,
        heure_debut: a.start_time,
        heure_fin: a.end_time,
        lieu: a.place,
        etablissement: a.school_name,
        uai: a.uai,
        commune: a.commune,
        code_postal: a.postal_code,
        latitude: a.latitude,
        longitude: a.longitude,
        district: a.district_name,
        departement: a.department_code,
        publics: list(&a.audiences),
        niveaux: list(&a.levels),
        dispositif: a.scheme,
        valorisations: list(&a.showcase_kinds),
        partenaires: a.partners,
        porteur: (!a.owner_shown.is_empty()).then_some(a.owner_shown),
        url,
    }
}

/// The published editions of every académie.
#[utoipa::path(get, path = "/api/v1/editions", responses((status = 200, body = [EditionDto])))]
async fn editions(State(state): State<AppState>) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let mut out = Vec::new();
    for academy in map_store::academies(conn).await? {
        for e in published_editions(conn, &academy).await? {
            out.push(EditionDto {
                academie: academy.slug.clone(),
                academie_nom: academy.name.clone(),
                annee: e.year,
                numero: e.number,
                theme: e.theme.clone(),
                semaine_debut: e.week_start.to_string(),
                semaine_fin: e.week_end.to_string(),
                contact: e.contact_email.clone(),
            });
        }
    }
    Ok(json(StatusCode::OK, &out))
}

async fn page_of(
    state: &AppState,
    slug: &str,
    query: &ApiQuery,
    catalogue: bool,
) -> AppResult<Response> {
    let agenda = query.agenda();
    let page = match agenda.page() {
        Ok(p) => p,
        Err(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "page doit être un nombre entier, 1 ou plus.",
            ));
        }
    };
    let per_page = match query.per_page() {
        Ok(n) => n,
        Err(r) => return Ok(r),
    };
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let Some(academy) = map_store::academy_by_slug(conn, slug).await? else {
        return Ok(error(StatusCode::NOT_FOUND, "Académie inconnue."));
    };
    let editions = published_editions(conn, &academy).await?;
    let mut filter = agenda.filter(None);
    let wanted = agenda.edition.trim();
    let chosen = if wanted.is_empty() {
        if catalogue { None } else { editions.first() }
    } else {
        let found = editions.iter().find(|e| e.year.to_string() == wanted);
        if found.is_none() {
            filter.impossible = true;
        }
        found
    };
    filter.edition = chosen.map(|e| e.id);
    if catalogue {
        filter.catalogue = true;
        filter.before_year = Some(editions.first().map(|e| e.year).unwrap_or(i64::MIN));
    } else if editions.is_empty() {
        filter.impossible = true;
    }
    filter.text = search::resolve(conn, &agenda.q).await?;
    let (rows, total) = public_store::agenda(conn, academy.id, &filter, page, per_page).await?;
    let base = state.config.base_url();
    Ok(json(
        StatusCode::OK,
        &ActionPage {
            total,
            page,
            par_page: per_page,
            actions: rows
                .into_iter()
                .map(|a| dto(a, &academy.slug, &base))
                .collect(),
        },
    ))
}

/// The published actions of an edition of the académie (the agenda).
#[utoipa::path(
    get,
    path = "/api/v1/academies/{slug}/actions",
    params(("slug" = String, Path, description = "L'académie, par exemple `creteil`"), ApiQuery),
    responses(
        (status = 200, body = ActionPage),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError)
    )
)]
async fn actions(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<ApiQuery>,
) -> AppResult<Response> {
    page_of(&state, &slug, &query, false).await
}

/// The reuse catalogue: published actions of the académie's past editions,
/// featured first, then by relevance.
#[utoipa::path(
    get,
    path = "/api/v1/academies/{slug}/catalogue",
    params(("slug" = String, Path, description = "L'académie"), ApiQuery),
    responses(
        (status = 200, body = ActionPage),
        (status = 400, body = ApiError),
        (status = 404, body = ApiError)
    )
)]
async fn catalogue(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<ApiQuery>,
) -> AppResult<Response> {
    page_of(&state, &slug, &query, true).await
}

/// One published action.
#[utoipa::path(
    get,
    path = "/api/v1/academies/{slug}/actions/{id}",
    params(("slug" = String, Path, description = "L'académie"), ("id" = i64, Path, description = "L'action")),
    responses((status = 200, body = ActionDto), (status = 404, body = ApiError))
)]
async fn action(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(error(StatusCode::NOT_FOUND, "Action inconnue."));
    };
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let Some(academy) = map_store::academy_by_slug(conn, &slug).await? else {
        return Ok(error(StatusCode::NOT_FOUND, "Académie inconnue."));
    };
    match public_store::public_action(conn, academy.id, ActionId(id)).await? {
        Some(a) => Ok(json(
            StatusCode::OK,
            &dto(a, &academy.slug, &state.config.base_url()),
        )),
        None => Ok(error(
            StatusCode::NOT_FOUND,
            "Action inconnue ou non publiée.",
        )),
    }
}

/// `GET /api/v1/openapi.json`
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_json().unwrap_or_default(),
    )
        .into_response()
}

/// The reference page: each operation of the OpenAPI document.
#[derive(Template)]
#[template(path = "api/reference.html")]
struct ReferencePage {
    ctx: PageCtx,
    /// (method, path, summary, parameters as « name (where) : description »).
    operations: Vec<(String, String, String, Vec<String>)>,
}

async fn reference(ctx: PageCtx) -> AppResult<Response> {
    let doc: serde_json::Value =
        serde_json::from_str(&ApiDoc::openapi().to_json().unwrap_or_default()).unwrap_or_default();
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            if let Some(op) = item.get("get") {
                let summary = op["summary"].as_str().unwrap_or_default().to_string();
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| {
                                format!(
                                    "{} ({}) {}",
                                    p["name"].as_str().unwrap_or_default(),
                                    p["in"].as_str().unwrap_or_default(),
                                    p["description"].as_str().unwrap_or_default()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                operations.push(("GET".into(), path.clone(), summary, params));
            }
        }
    }
    render(ReferencePage {
        ctx: ctx.title("API publique (lecture seule)"),
        operations,
    })
}

/// ETag (SHA-256 of the body) and `304` on `If-None-Match`; CORS open for GET.
async fn etag_and_cors(request: Request, next: Next) -> Response {
    let asked = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if parts.status != StatusCode::OK {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Réponse trop grande.");
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if asked.is_some_and(|a| a.split(',').any(|t| t.trim() == tag || t.trim() == "*")) {
        parts.status = StatusCode::NOT_MODIFIED;
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
