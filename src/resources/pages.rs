//! The kit's pages: the edition's kit (and the coordination's forms), a
//! resource (a sheet laid out for printing, or its file), each version at
//! its own address, downloads, new versions, order, and reuse sheets made
//! from a validated action of a past edition.

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
    ResourceView,
    form::{FILE_MAX, ResourceForm, content},
    store::{self, Content, Resource, Version},
};
use crate::{
    domain::{
        Ability, ActionId, EditionId, Placement, ResourceId,
        action::ActionState,
        edition::{EditionState, paris_date},
        resource::{Audience, ResourceKind},
    },
    editions::{
        markdown,
        store::{self as editions_store, Edition},
        visible_edition,
    },
    files::{
        self, FileKind, StoredKey,
        held::Held,
        upload::{Upload, UploadedFile},
    },
    map::store::{self as map_store, Academy},
    media::chosen::{self, HeldView},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, MaybeUser, Notice,
        OnceToken, PageCtx,
        extract::Path,
        once::{self, Ran, Step},
        render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/mallette", get(kit).post(create))
        .route("/editions/{id}/mallette/mutualisation", post(from_action))
        .route("/ressources/{id}", get(show))
        .route("/ressources/{id}/versions/{version}", get(show_version))
        .route("/ressources/{id}/versions/{version}/fichier", get(download))
        .route("/ressources/{id}/version", post(new_version))
        .route("/ressources/{id}/deplacer", post(move_resource))
        .route("/ressources/{id}/modifier", post(update))
        .route("/ressources/{id}/supprimer", post(remove))
}

const MANAGE_REASON: &str = "Seule la coordination académique compose la mallette de l’édition.";

/// A part of the kit on its page.
struct Part {
    label: &'static str,
    code: &'static str,
    resources: Vec<ResourceView>,
}

fn parts(resources: &[Resource], only_public: bool) -> Vec<Part> {
    ResourceKind::ALL
        .into_iter()
        .map(|kind| Part {
            label: kind.label(),
            code: kind.code(),
            resources: resources
                .iter()
                .filter(|r| r.kind == kind && (!only_public || r.audience == Audience::Public))
                .map(ResourceView::new)
                .collect(),
        })
        .collect()
}

/// The public part of an edition's kit, for the public edition page.
pub async fn public_kit(
    conn: &mut crate::db::Conn<'_>,
    edition: EditionId,
) -> AppResult<Vec<ResourceView>> {
    Ok(store::resources_of(conn, edition)
        .await?
        .iter()
        .filter(|r| r.audience == Audience::Public)
        .map(ResourceView::new)
        .collect())
}

#[derive(Template)]
#[template(path = "resources/kit.html")]
struct KitPage {
    ctx: PageCtx,
    edition_id: EditionId,
    parts: Vec<Part>,
    coordinator: bool,
    form: ResourceForm,
    errors: FormErrors,
    /// The file received with a refused submission, kept for the next one.
    held: Option<HeldView>,
    action: String,
    limit: String,
}

async fn kit_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: EditionId,
    form: Option<ResourceForm>,
    errors: FormErrors,
    action: String,
) -> AppResult<KitPage> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let resources = store::resources_of(&mut db.conn(), edition.id).await?;
    Ok(KitPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .title("La mallette de la persévérance")
            .here(),
        edition_id: edition.id,
        parts: parts(&resources, false),
        coordinator: user.rights.manages_academy(academy.id),
        form: form.unwrap_or_else(|| ResourceForm::blank(paris_date(Utc::now()))),
        errors,
        held: None,
        action,
        limit: files::upload::limit_label(FILE_MAX),
    })
}

async fn kit(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    render(
        kit_page(
            &state,
            &user,
            ctx,
            id,
            None,
            FormErrors::default(),
            String::new(),
        )
        .await?,
    )
}

/// SHA-256 of a file's bytes, in hex.
fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The kit form's file: the one sent now, else the one held from the same
/// form's refused submission (`files::held`), read back from the store so
/// it is checked as if sent again. `None` for a held field that is not the
/// person's, or whose file a version already names (the page sent again).
struct FormFile {
    file: Option<UploadedFile>,
    /// The held file, when `file` is it (so it is not stored again).
    held: Option<Held>,
    /// The held file that a file sent now replaces (deleted once done).
    replaced: Option<StoredKey>,
}

async fn form_file(
    state: &AppState,
    upload: &Upload<{ FILE_MAX + 64 * 1024 }>,
    held_field: &str,
    csrf: &str,
) -> AppResult<FormFile> {
    let held = match Held::read(held_field, csrf) {
        Some(held) if FileKind::from_code(&held.kind).is_some() => {
            let mut db = state.db.acquire().await?;
            if store::names_file(&mut db.conn(), held.key.as_str()).await? {
                None
            } else {
                Some(held)
            }
        }
        _ => None,
    };
    if let Some(file) = upload.file("file") {
        return Ok(FormFile {
            file: Some(file.clone()),
            held: None,
            replaced: held.map(|h| h.key),
        });
    }
    let Some(held) = held else {
        return Ok(FormFile {
            file: None,
            held: None,
            replaced: None,
        });
    };
    let bytes = match state.files.get(&held.key).await {
        Ok(bytes) => bytes,
        Err(files::FileError::NotFound) => {
            return Ok(FormFile {
                file: None,
                held: None,
                replaced: None,
            });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(FormFile {
        file: Some(UploadedFile {
            field: "file".into(),
            file_name: held.file_name.clone(),
            sent_name: held.file_name.clone(),
            bytes,
        }),
        held: Some(held),
        replaced: None,
    })
}

impl FormFile {
    /// For a refused form: holds the file (stored once; a held one stays as
    /// it is) for the page that comes back, unless the refusal is about the
    /// file itself (`fits`: no message on the file field) and it was sent now.
    async fn hold(&self, state: &AppState, csrf: &str, fits: bool) -> AppResult<Option<HeldView>> {
        let Some(file) = &self.file else {
            return Ok(None);
        };
        let held = match &self.held {
            Some(held) => held.clone(),
            None if !fits => return Ok(None),
            None => match FileKind::sniff(&file.file_name, &file.bytes) {
                Ok(kind) => {
                    Held::keep(
                        &state.files,
                        file.bytes.clone(),
                        kind.code(),
                        &file.file_name,
                    )
                    .await?
                }
                Err(_) => return Ok(None),
            },
        };
        chosen::tidy(&state.files, None, self.replaced.as_ref(), true).await;
        Ok(Some(HeldView::new(&held, csrf)))
    }
}

/// Keeps an uploaded file in the store; its content row names it. Within
/// `resource`, a file already held by one of its versions (same SHA-256) is
/// not stored again: the new version names the stored one. A file held from
/// a refused submission (`held`) is stored already: its key is used.
/// Returns the key this call stored (to delete if nothing names it).
async fn keep_file(
    state: &AppState,
    resource: Option<ResourceId>,
    content: &mut Content,
    file: Option<(&files::upload::UploadedFile, FileKind)>,
    held: Option<&Held>,
) -> AppResult<Option<StoredKey>> {
    let mut fresh = None;
    if let Some((file, kind)) = file {
        let hash = content_hash(&file.bytes);
        let known = match resource {
            Some(id) => {
                let mut db = state.db.acquire().await?;
                store::version_with_hash(&mut db.conn(), id, &hash)
                    .await?
                    .and_then(|v| v.file_key)
            }
            None => None,
        };
        let key = match (known, held) {
            (Some(key), _) => key,
            (None, Some(held)) => held.key.as_str().to_string(),
            (None, None) => {
                let key = state.files.put(file.bytes.clone()).await?;
                fresh = Some(key.clone());
                key.as_str().to_string()
            }
        };
        content.content_hash = Some(hash);
        content.file_key = Some(key);
        content.file_kind = Some(kind.code().to_string());
        content.file_name = Some(file.file_name.clone());
        content.file_size = Some(file.bytes.len() as i64);
    }
    Ok(fresh)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    upload: Upload<{ FILE_MAX + 64 * 1024 }>,
) -> AppResult<Response> {
    let form: ResourceForm = upload.form()?;
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let csrf = ctx.csrf.clone();
    let sent = form_file(&state, &upload, &form.file_held, &csrf).await?;
    let mut errors = FormErrors::default();
    let values = form.values(&mut errors);
    let checked = values
        .as_ref()
        .and_then(|v| content(v.kind, &form.body, sent.file.as_ref(), &mut errors));
    if let (Some(values), Some((mut content, file)), true) = (values, checked, errors.is_empty()) {
        let fresh = keep_file(&state, None, &mut content, file, sent.held.as_ref()).await?;
        let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
            let id =
                store::insert_resource(conn, edition.id, &values, &content, Some(user.id)).await?;
            let to = Notice::Created.at(&format!("/ressources/{id}"));
            Ok(Step::Commit(to.clone(), to))
        })
        .await;
        let done = matches!(ran, Ok(Ran::Did(_)));
        chosen::tidy(&state.files, fresh.as_ref(), sent.replaced.as_ref(), done).await;
        return Ok(match ran? {
            Ran::Repeat(answer) => answer,
            Ran::Did(to) => Redirect::to(&to).into_response(),
        });
    }
    // The file is held (stored once) for the corrected form.
    let held = sent
        .hold(&state, &csrf, errors.get("file").is_none())
        .await?;
    let mut page = kit_page(
        &state,
        &user,
        ctx,
        edition.id,
        Some(form),
        errors,
        String::new(),
    )
    .await?;
    page.held = held;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FromActionForm {
    action: String,
    once: OnceToken,
}

/// A reuse sheet from a validated action of a past edition of the académie:
/// its fields copied into a sheet the coordination can then edit.
async fn from_action(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<FromActionForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let found = match form.action.trim().trim_start_matches('#').parse::<i64>() {
        Ok(number) => {
            let mut db = state.db.acquire().await?;
            let conn = &mut db.conn();
            match crate::actions::store::action_by_id(conn, ActionId(number)).await? {
                Some(action) => {
                    let source = editions_store::edition_by_id(conn, action.edition_id).await?;
                    Some((action, source))
                }
                None => None,
            }
        }
        Err(_) => None,
    };
    let message = match &found {
        None => Some(
            "Indiquez le numéro d’une action, par exemple 1234 (il figure dans l’adresse de sa page).",
        ),
        Some((_, source))
            if source
                .as_ref()
                .is_none_or(|s| s.academy_id != academy.id || s.year >= edition.year) =>
        {
            Some("Cette action n’est pas une action d’une édition passée de l’académie.")
        }
        Some((action, _)) if action.state != ActionState::Validated => {
            Some("Seule une action validée devient une fiche mutualisation.")
        }
        _ => None,
    };
    if let (None, Some((action, Some(source)))) = (message, found) {
        let values = store::ResourceValues {
            kind: ResourceKind::Reuse,
            group_name: format!("Actions {}", source.year),
            title: action.title.clone(),
            summary: action.summary.clone(),
            audience: Audience::Staff,
            dated_on: paris_date(Utc::now()),
            source_action_id: Some(action.id),
        };
        let body = reuse_sheet(&action, &source);
        return once::run(&state.db, &form.once, user.id, async |conn| {
            let content = Content {
                body: body.clone(),
                ..Content::default()
            };
            let id =
                store::insert_resource(conn, edition.id, &values, &content, Some(user.id)).await?;
            Ok(Notice::Created.at(&format!("/ressources/{id}#nouvelle-version")))
        })
        .await;
    }
    let mut errors = FormErrors::default();
    errors.add("action", message.unwrap_or_default());
    let page = kit_page(&state, &user, ctx, edition.id, None, errors, form.action).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The Markdown of a reuse sheet made from an action (text only: Markdown
/// signs typed in the action are kept as typed).
fn reuse_sheet(action: &crate::actions::store::Action, source: &Edition) -> String {
    let plain = |text: &str| text.replace('<', "‹").replace('>', "›");
    let mut out = format!(
        "## {}\n\n*Action de l’édition {} — {}*\n\n{}\n\n### Déroulement\n\n{}\n",
        plain(&action.title),
        source.year,
        plain(action.school_name.as_deref().unwrap_or("district")),
        plain(&action.summary),
        plain(&action.description),
    );
    for (label, value) in [
        ("Lieu", &action.place),
        ("Partenaires", &action.partners),
        ("Valorisation", &action.showcase_other),
    ] {
        if !value.trim().is_empty() {
            out.push_str(&format!("\n**{label} :** {}\n", plain(value)));
        }
    }
    out
}

/// A resource, its edition and académie, if the person may read it.
async fn readable(
    state: &AppState,
    user: &Option<CurrentUser>,
    id: ResourceId,
) -> AppResult<(Resource, Edition, Academy)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let rights = user.as_ref().map(|u| u.rights.clone()).unwrap_or_default();
    let Some(resource) = store::resource_by_id(conn, id).await? else {
        // A removed resource says so to those who could read it (410); to
        // anyone else it never existed (404).
        let Some(removed) = store::removed(conn, id).await? else {
            return Err(AppError::NotFound);
        };
        let Some(edition) = editions_store::edition_by_id(conn, removed.edition_id).await? else {
            return Err(AppError::NotFound);
        };
        let public = removed.audience == Audience::Public;
        if !rights.reads_resource(edition.academy_id, edition.stored_state(), public) {
            return Err(AppError::NotFound);
        }
        return Err(AppError::Gone(format!(
            "La ressource « {} » a été retirée de la mallette par l’académie le {}. \
             Retrouvez les autres ressources sur la page de l’édition.",
            removed.title,
            crate::domain::formats::format_date(crate::domain::edition::paris_date(
                removed.removed_at
            ))
        )));
    };
    let edition = editions_store::edition_by_id(conn, resource.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = resource.audience == Audience::Public;
    if !rights.reads_resource(edition.academy_id, edition.stored_state(), public) {
        // A staff resource asks an anonymous visitor to sign in.
        return Err(
            if user.is_none() && edition.stored_state() != EditionState::Draft {
                AppError::Unauthenticated
            } else {
                AppError::NotFound
            },
        );
    }
    let academy = map_store::academy_by_id(conn, edition.academy_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((resource, edition, academy))
}

/// One version of a resource.
struct VersionView {
    number: i64,
    date: String,
    downloads: i64,
}

#[derive(Template)]
#[template(path = "resources/show.html")]
struct ResourcePage {
    ctx: PageCtx,
    resource: ResourceView,
    /// The version shown.
    shown: i64,
    latest: bool,
    sheet_html: String,
    has_file: bool,
    versions: Vec<VersionView>,
    coordinator: bool,
    is_markdown: bool,
    body: String,
    errors: FormErrors,
    /// The file received with a refused submission, kept for the next one.
    held: Option<HeldView>,
    limit: String,
    /// The presentation's form (title, rubric, audience, date).
    meta: ResourceForm,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &Option<CurrentUser>,
    ctx: PageCtx,
    id: ResourceId,
    number: Option<i64>,
    errors: FormErrors,
    body: Option<String>,
    meta: Option<ResourceForm>,
) -> AppResult<ResourcePage> {
    let (resource, edition, academy) = readable(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let number = number.unwrap_or(resource.version);
    let shown: Version = store::version(conn, resource.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if shown.file_key.is_none() && errors.is_empty() {
        // Reading a sheet counts as taking it.
        store::count_download(conn, shown.id).await?;
    }
    let versions = store::versions(conn, resource.id)
        .await?
        .into_iter()
        .map(|v| VersionView {
            number: v.version,
            date: crate::domain::edition::format_paris(v.created_at),
            downloads: v.downloads,
        })
        .collect();
    let coordinator = user
        .as_ref()
        .is_some_and(|u| u.rights.manages_academy(academy.id));
    let ctx = ctx.academy(academy.name.clone());
    // The edition's staff pages only for those who may open them (a
    // coordinator of another académie reads the public sheet).
    let sees_edition = user.as_ref().is_some_and(|u| {
        u.rights
            .sees_edition(edition.academy_id, edition.stored_state())
    });
    let ctx = if sees_edition {
        ctx.crumb(edition.title(), format!("/editions/{}", edition.id))
            .crumb("La mallette", format!("/editions/{}/mallette", edition.id))
    } else {
        ctx.crumb(
            edition.title(),
            format!("/a/{}/editions/{}", academy.slug, edition.year),
        )
    };
    Ok(ResourcePage {
        ctx: ctx.title(resource.title.clone()).here(),
        shown: number,
        latest: number == resource.version,
        sheet_html: markdown::to_safe_html(&shown.body),
        has_file: shown.file_key.is_some(),
        versions,
        coordinator,
        is_markdown: shown.file_key.is_none(),
        body: body.unwrap_or_else(|| shown.body.clone()),
        errors,
        held: None,
        limit: files::upload::limit_label(FILE_MAX),
        meta: meta.unwrap_or_else(|| ResourceForm {
            kind: resource.kind.code().into(),
            group_name: resource.group_name.clone(),
            title: resource.title.clone(),
            summary: resource.summary.clone(),
            audience: resource.audience.code().into(),
            dated_on: crate::domain::formats::format_date(resource.dated_on),
            ..ResourceForm::default()
        }),
        resource: ResourceView::new(&resource),
    })
}

async fn show(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ctx: PageCtx,
    Path(id): Path<ResourceId>,
) -> AppResult<Response> {
    render(
        page(
            &state,
            &user,
            ctx,
            id,
            None,
            FormErrors::default(),
            None,
            None,
        )
        .await?,
    )
}

async fn show_version(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ctx: PageCtx,
    Path((id, number)): Path<(ResourceId, i64)>,
) -> AppResult<Response> {
    render(
        page(
            &state,
            &user,
            ctx,
            id,
            Some(number),
            FormErrors::default(),
            None,
            None,
        )
        .await?,
    )
}

/// A version's file, with its fixed content type; counted.
async fn download(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((id, number)): Path<(ResourceId, i64)>,
) -> AppResult<Response> {
    let (resource, _, _) = readable(&state, &user, id).await?;
    let version = {
        let mut db = state.db.acquire().await?;
        store::version(&mut db.conn(), resource.id, number)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let (Some(key), Some(kind)) = (
        version.file_key.as_deref().and_then(StoredKey::parse),
        version.file_kind.as_deref().and_then(FileKind::from_code),
    ) else {
        return Err(AppError::NotFound);
    };
    let bytes = state.files.get(&key).await?;
    {
        let mut db = state.db.acquire().await?;
        store::count_download(&mut db.conn(), version.id).await?;
    }
    let name = version.file_name.unwrap_or_else(|| resource.title.clone());
    let mut response = files::download(kind, &name, bytes, false);
    // A resource of the kit is a publication, not an export of data.
    response
        .extensions_mut()
        .insert(crate::web::security::Publication);
    Ok(response)
}

async fn new_version(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ResourceId>,
    upload: Upload<{ FILE_MAX + 64 * 1024 }>,
) -> AppResult<Response> {
    let form: ResourceForm = upload.form()?;
    let signed = Some(user.clone());
    let (resource, _, academy) = readable(&state, &signed, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let csrf = ctx.csrf.clone();
    let sent = form_file(&state, &upload, &form.file_held, &csrf).await?;
    let mut errors = FormErrors::default();
    if let Some((mut content, file)) =
        content(resource.kind, &form.body, sent.file.as_ref(), &mut errors)
    {
        let fresh = keep_file(
            &state,
            Some(resource.id),
            &mut content,
            file,
            sent.held.as_ref(),
        )
        .await?;
        // A held file that a version already held (same SHA-256) is not named.
        let unnamed = sent
            .held
            .as_ref()
            .filter(|h| content.file_key.as_deref() != Some(h.key.as_str()))
            .map(|h| h.key.clone());
        let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
            let to = match store::add_version(conn, resource.id, &content, Some(user.id)).await? {
                store::Added::New(number) => {
                    Notice::Saved.at(&format!("/ressources/{}/versions/{number}", resource.id))
                }
                store::Added::Same(number) => {
                    Notice::SameFile.at(&format!("/ressources/{}/versions/{number}", resource.id))
                }
            };
            Ok(Step::Commit(to.clone(), to))
        })
        .await;
        let done = matches!(ran, Ok(Ran::Did(_)));
        chosen::tidy(&state.files, fresh.as_ref(), sent.replaced.as_ref(), done).await;
        chosen::tidy(&state.files, None, unnamed.as_ref(), done).await;
        return Ok(match ran? {
            Ran::Repeat(answer) => answer,
            Ran::Did(to) => Redirect::to(&to).into_response(),
        });
    }
    // The file is held (stored once) for the corrected form.
    let held = sent
        .hold(&state, &csrf, errors.get("file").is_none())
        .await?;
    let mut page = page(
        &state,
        &signed,
        ctx,
        id,
        None,
        errors,
        Some(form.body),
        None,
    )
    .await?;
    page.held = held;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoveForm {
    delta: i64,
    once: OnceToken,
}

async fn move_resource(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ResourceId>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let signed = Some(user.clone());
    let (resource, edition, academy) = readable(&state, &signed, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let delta = form.delta.signum();
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        store::move_resource(conn, &resource, delta).await?;
        let to = format!(
            "/editions/{}/mallette#ressource-{}",
            edition.id, resource.id
        );
        Ok(Step::Commit(to.clone(), to))
    })
    .await?;
    Ok(match ran {
        Ran::Repeat(answer) => answer,
        Ran::Did(to) => Redirect::to(&to).into_response(),
    })
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ResourceId>,
    CsrfForm(form): CsrfForm<ResourceForm>,
) -> AppResult<Response> {
    let signed = Some(user.clone());
    let (resource, _, academy) = readable(&state, &signed, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let mut errors = FormErrors::default();
    let mut form = form;
    // The kind never changes: a sheet stays a sheet.
    form.kind = resource.kind.code().into();
    if let (Some(mut values), true) = (form.values(&mut errors), errors.is_empty()) {
        values.source_action_id = resource.source_action_id;
        return once::run(&state.db, &form.once, user.id, async |conn| {
            store::update_resource(conn, resource.id, &values).await?;
            Ok(Notice::Saved.at(&format!("/ressources/{}", resource.id)))
        })
        .await;
    }
    let page = page(&state, &signed, ctx, id, None, errors, None, Some(form)).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// Removes a resource from the kit, with every version; the files no other
/// version names are deleted from the store once the removal is committed.
/// Its addresses then answer 410 (« retirée le … »).
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ResourceId>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let signed = Some(user.clone());
    let (resource, edition, academy) = readable(&state, &signed, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let to = Notice::Deleted.at(&format!("/editions/{}/mallette", edition.id));
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        let orphans = store::remove_resource(conn, &resource).await?;
        Ok(Step::Commit(to.clone(), orphans))
    })
    .await?;
    match ran {
        Ran::Repeat(answer) => Ok(answer),
        Ran::Did(orphans) => {
            for key in orphans.iter().filter_map(|k| StoredKey::parse(k)) {
                // A file left behind costs space, not correctness: logged, not shown.
                if let Err(err) = state.files.delete(&key).await {
                    tracing::warn!(error = %err, "a removed resource's file stayed in the store");
                }
            }
            Ok(Redirect::to(&to).into_response())
        }
    }
}
