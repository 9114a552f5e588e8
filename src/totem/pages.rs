//! The totem pages: the school's entry (text and photos), the académie's
//! call and review, and the public gallery.

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use std::io::Write;

use super::{PHOTOS_MAX, PROMPT_MAX, TEXT_MAX, store};
use crate::files::upload::Upload;
use crate::{
    domain::{
        Ability, DepartmentId, DistrictId, EditionId, Placement, SchoolId,
        declaration::too_long,
        edition::EditionState,
        media::{Consent, DESCRIPTION_MAX},
    },
    editions::{store as editions_store, visible_edition},
    jobs,
    map::store as map_store,
    media::{
        MediaView,
        chosen::{self, Chosen, HeldView},
        pipeline::{self, FORM_MAX_BYTES, ProcessMedia},
        store::{self as media_store, NewMedia},
    },
    videos::{self, Play, VideoView, with_player},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx,
        extract::{Path, Query},
        once::{self, Ran, Step},
        render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/totem", get(page).post(save))
        .route("/editions/{id}/totem/appel", post(call))
        .route("/a/{slug}/editions/{year}/galerie", get(gallery))
}

/// The school's form, as typed (kept when it comes back).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct EntryForm {
    text: String,
    description: String,
    consent: String,
    /// A photo held from a refused submission (`files::held`).
    photo_held: String,
    once: OnceToken,
}

/// An entry with its photos and videos, as the pages show it.
struct EntryView {
    id: i64,
    school_name: String,
    commune: String,
    text: String,
    media: Vec<MediaView>,
    videos: Vec<VideoView>,
}

#[derive(Template)]
#[template(path = "totem/page.html")]
struct TotemPage {
    ctx: PageCtx,
    edition_id: EditionId,
    prompt: String,
    coordinator: bool,
    /// The school the person sends for, if any.
    school: Option<(SchoolId, String)>,
    own: Option<EntryView>,
    entries: Vec<EntryView>,
    form: EntryForm,
    errors: FormErrors,
    /// The photo received with a refused submission, kept for the next one.
    held: Option<HeldView>,
    here: String,
    consents: [Consent; 2],
    /// The académie's allowed video hosts (the players' `frame-src`).
    hosts: Vec<String>,
}

/// The school the person may send an entry for in the académie (their
/// first school grant).
fn own_school(user: &CurrentUser, academy: crate::domain::AcademyId) -> Option<SchoolId> {
    user.rights
        .declare_places(academy)
        .into_iter()
        .find_map(|p| p.school())
}

async fn entry_view(
    conn: &mut crate::db::Conn<'_>,
    user: &CurrentUser,
    entry: &store::TotemEntry,
    play: Play,
) -> AppResult<EntryView> {
    let media = media_store::media_of(conn, "totem", entry.id.0).await?;
    Ok(EntryView {
        id: entry.id.0,
        videos: videos::views_of(conn, Some(user), "totem", entry.id.0, false, play).await?,
        school_name: entry.school_name.clone(),
        commune: entry.commune.clone(),
        text: entry.text.clone(),
        media: media.iter().map(MediaView::new).collect(),
    })
}

async fn totem_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: EditionId,
    form: Option<EntryForm>,
    errors: FormErrors,
    play: Play,
) -> AppResult<TotemPage> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let coordinator = user.rights.manages_academy(academy.id);
    let school = match own_school(user, academy.id) {
        Some(id) => map_store::school_by_id(conn, id)
            .await?
            .map(|s| (s.id, s.name)),
        None => None,
    };
    let own_entry = match &school {
        Some((id, _)) => store::entry_of(conn, edition.id, *id).await?,
        None => None,
    };
    let own = match &own_entry {
        Some(entry) => Some(entry_view(conn, user, entry, play).await?),
        None => None,
    };
    let mut entries = Vec::new();
    if coordinator {
        for entry in store::entries_of(conn, edition.id).await? {
            entries.push(entry_view(conn, user, &entry, play).await?);
        }
    }
    let form = form.unwrap_or_else(|| EntryForm {
        text: own_entry.map(|e| e.text).unwrap_or_default(),
        ..EntryForm::default()
    });
    Ok(TotemPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .title("Le totem de la persévérance")
            .here(),
        edition_id: edition.id,
        prompt: store::prompt(conn, edition.id).await?,
        coordinator,
        school,
        own,
        entries,
        form,
        errors,
        held: None,
        here: format!("/editions/{}/totem", edition.id),
        consents: Consent::ALL,
        hosts: videos::allowed_hosts(conn, academy.id).await?,
    })
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(play): Query<Play>,
) -> AppResult<Response> {
    let page = totem_page(&state, &user, ctx, id, None, FormErrors::default(), play).await?;
    let playing = videos::playing(page.own.iter().chain(&page.entries).flat_map(|e| &e.videos));
    let hosts = page.hosts.clone();
    Ok(with_player(&state, render(page)?, &hosts, playing))
}

/// The school's entry: its text, and a photo through the media pipeline
/// (private until the académie approves it). A form refused for its text
/// holds the photo (`media::chosen`: stored once, named by a hidden field)
/// and keeps its description and consent; the corrected form attaches it.
async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    upload: Upload<FORM_MAX_BYTES>,
) -> AppResult<Response> {
    let form: EntryForm = upload.form()?;
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    let school = own_school(&user, academy.id).ok_or_else(|| {
        AppError::forbidden("Seuls les personnels d’un établissement envoient son totem.")
    })?;
    let csrf = ctx.csrf.clone();
    let held = chosen::read_held(&state.db, &form.photo_held, &csrf).await?;
    let mut db = state.db.acquire().await?;
    let school = map_store::school_by_id(&mut db.conn(), school)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(db);
    user.require(
        Ability::Declare,
        &school.placement(),
        "Seuls les personnels d’un établissement envoient son totem.",
    )?;
    let mut errors = FormErrors::default();
    if store::prompt(&mut state.db.acquire().await?.conn(), edition.id)
        .await?
        .trim()
        .is_empty()
    {
        errors.add(
            "text",
            "L’académie n’a pas lancé d’appel au totem pour cette édition.",
        );
    }
    let text = form.text.trim();
    if text.is_empty() {
        errors.add(
            "text",
            "Écrivez le texte qui relie les valeurs de l’année à la persévérance.",
        );
    } else if text.chars().count() > TEXT_MAX {
        errors.add("text", too_long("Le texte", TEXT_MAX, text.chars().count()));
    }
    let description = form.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "description",
            too_long(
                "La description",
                DESCRIPTION_MAX,
                description.chars().count(),
            ),
        );
    }
    let consent = Consent::parse(&form.consent);
    let file = upload.file("photo");
    if (file.is_some() || held.is_some()) && consent.is_some() && description.is_empty() {
        // Publishable: no image is published without its text alternative
        // (issue 9), which cannot be added afterwards.
        errors.add(
            "description",
            "Décrivez la photo (ce qu’elle montre, pour les personnes qui ne la voient pas) : avec l’attestation de droit à l’image elle pourra être publiée, et une image publiée a toujours une description.",
        );
    }
    if file.is_some() && consent.is_none() {
        // Kept private, never refused: said on the form's answer.
        tracing::info!("totem photo sent without the consent tick");
    }
    let existing = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        match store::entry_of(conn, edition.id, school.id).await? {
            Some(entry) => media_store::media_of(conn, "totem", entry.id.0)
                .await?
                .len(),
            None => 0,
        }
    };
    if (file.is_some() || held.is_some()) && existing >= PHOTOS_MAX {
        errors.add(
            "photo",
            format!(
                "Une participation compte {PHOTOS_MAX} photos au plus : retirez-en une d’abord."
            ),
        );
    }
    let accepted = match file {
        Some(file) => match pipeline::accept(file, false).await {
            Ok(accepted) => Some(accepted),
            Err(message) => {
                errors.add("photo", message);
                None
            }
        },
        None => None,
    };
    // A file chosen now replaces the one held, if any.
    let replaced = held
        .as_ref()
        .filter(|_| accepted.is_some())
        .map(|h| h.key.clone());
    let photo = Chosen::pick(accepted, held);
    if !errors.is_empty() {
        // The photo is held (stored once) for the corrected form.
        let holding = match &photo {
            Some(photo) => Some(photo.hold(&state.files).await?),
            None => None,
        };
        chosen::tidy(&state.files, None, replaced.as_ref(), true).await;
        let mut page = totem_page(
            &state,
            &user,
            ctx,
            edition.id,
            Some(form),
            errors,
            Play::default(),
        )
        .await?;
        page.held = holding.as_ref().map(|h| HeldView::new(h, &csrf));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let stored = match &photo {
        Some(photo) => Some(photo.store(&state.files).await?),
        None => None,
    };
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        let entry = store::save_entry(conn, edition.id, school.id, text, user.id).await?;
        if let Some(stored) = &stored {
            // A held photo is attached once, whatever the pages sent again.
            if stored.fresh || !media_store::names_file(conn, stored.key.as_str()).await? {
                let media = media_store::insert(
                    conn,
                    &NewMedia {
                        edition_id: edition.id,
                        school_id: Some(school.id),
                        uploader_id: user.id,
                        owner_kind: "totem",
                        owner_id: entry.0,
                        kind: stored.kind,
                        file_name: &stored.file_name,
                        byte_size: stored.byte_size,
                        master_key: stored.key.as_str(),
                        description,
                        consent,
                    },
                )
                .await?;
                jobs::enqueue(conn, &ProcessMedia { media }).await?;
            }
        }
        let to = Notice::Saved.at(&format!("/editions/{}/totem", edition.id));
        Ok(Step::Commit(to.clone(), to))
    })
    .await;
    let done = matches!(ran, Ok(Ran::Did(_)));
    let fresh = stored.as_ref().filter(|s| s.fresh).map(|s| &s.key);
    chosen::tidy(&state.files, fresh, replaced.as_ref(), done).await;
    state.jobs.notify_one();
    Ok(match ran? {
        Ran::Repeat(answer) => answer,
        Ran::Did(to) => axum::response::Redirect::to(&to).into_response(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CallForm {
    prompt: String,
    once: OnceToken,
}

/// The académie's call: what each school is asked to send (empty: none).
async fn call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<CallForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        "Seule la coordination académique lance l’appel au totem.",
    )?;
    let prompt = form.prompt.trim().to_string();
    if prompt.chars().count() > PROMPT_MAX {
        return Err(AppError::BadRequest(too_long(
            "L’appel",
            PROMPT_MAX,
            prompt.chars().count(),
        )));
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_prompt(conn, edition.id, &prompt).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/totem", edition.id)))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GalleryQuery {
    departement: String,
    district: String,
}

/// One photo of the gallery.
struct GalleryPhoto {
    id: crate::domain::MediaId,
    width: i64,
    height: i64,
    description: String,
}

struct GalleryEntry {
    videos: Vec<VideoView>,
    school_name: String,
    commune: String,
    text: String,
    photos: Vec<GalleryPhoto>,
}

#[derive(Template)]
#[template(path = "totem/gallery.html")]
struct GalleryPage {
    ctx: PageCtx,
    edition_title: String,
    edition_page: String,
    entries: Vec<GalleryEntry>,
    departments: Vec<(DepartmentId, String)>,
    districts: Vec<(DistrictId, String)>,
    department: Option<DepartmentId>,
    district: Option<DistrictId>,
    /// The gallery's own address (for « Lire la vidéo »).
    here: String,
}

/// The gallery as anonymous visitors get it from the render cache
/// (`web::render_cache`): gzipped once per publication generation, which
/// every change the gallery shows bumps in its own transaction (a decision
/// on a medium, its variants made, its deletion, an entry's text: see
/// `media::store` and `totem::store`). The compression layer leaves a body
/// already encoded as it is.
fn gzipped(entry: &crate::web::render_cache::Entry) -> Response {
    let mut response = entry.body.clone().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&entry.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The public gallery of an edition's totems: approved, described photos
/// only, thumbnails with their size, loaded lazily. Anonymous visitors
/// whose browser takes gzip get it from the render cache (see [`gzipped`]).
async fn gallery(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, year)): Path<(String, i64)>,
    Query(query): Query<GalleryQuery>,
    Query(play): Query<Play>,
    uri: Uri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    // A page that plays a video carries its own `frame-src`: never cached.
    let cacheable = !ctx.signed_in()
        && play.video.is_none()
        && headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let key = format!(
        "totem-gallery gzip {}",
        uri.path_and_query().map_or("", |p| p.as_str())
    );
    let generation = if cacheable {
        let generation = crate::public::store::generation(conn).await?;
        if let Some(entry) = state.render_cache.get(&key, generation) {
            return Ok(gzipped(&entry));
        }
        Some(generation)
    } else {
        None
    };
    let academy = map_store::academy_by_slug(conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = editions_store::edition_of_year(conn, academy.id, year)
        .await?
        .filter(|e| e.stored_state() != EditionState::Draft)
        .ok_or(AppError::NotFound)?;
    let department = query.departement.trim().parse().ok().map(DepartmentId);
    let district = query.district.trim().parse().ok().map(DistrictId);
    let entries = store::gallery_entries(conn, edition.id, department, district).await?;
    let mut media = store::gallery_media(conn, edition.id).await?;
    media.retain(|m| m.is_public());
    let mut films = videos::store::approved_of_edition(conn, edition.id, "totem").await?;
    films.retain(|v| v.is_public());
    let hosts = videos::allowed_hosts(conn, academy.id).await?;
    let entries = entries
        .into_iter()
        .map(|entry| GalleryEntry {
            videos: films
                .iter()
                .filter(|v| v.owner_id == entry.id.0)
                .map(|v| VideoView::new(v, videos::relation(None, v), play))
                .collect(),
            photos: media
                .iter()
                .filter(|m| m.owner_id == entry.id.0)
                .map(|m| GalleryPhoto {
                    id: m.id,
                    width: m.thumb_width.unwrap_or(0),
                    height: m.thumb_height.unwrap_or(0),
                    description: m.description.clone(),
                })
                .collect(),
            school_name: entry.school_name,
            commune: entry.commune,
            text: entry.text,
        })
        .collect();
    let departments = map_store::departments(conn, academy.id)
        .await?
        .into_iter()
        .map(|d| (d.id, format!("{} ({})", d.name, d.code)))
        .collect();
    let districts = map_store::districts(conn, academy.id)
        .await?
        .into_iter()
        .filter(|d| department.is_none_or(|dep| d.department_id == dep))
        .map(|d| (d.id, d.name))
        .collect();
    let edition_title = edition.title();
    let page = GalleryPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(
                edition_title.clone(),
                format!("/a/{}/editions/{}", academy.slug, edition.year),
            )
            .title(format!("Galerie des totems — {edition_title}"))
            .here(),
        edition_page: format!("/a/{}/editions/{}", academy.slug, edition.year),
        edition_title,
        entries,
        departments,
        districts,
        department,
        district,
        here: format!("/a/{}/editions/{}/galerie", academy.slug, edition.year),
    };
    let Some(generation) = generation else {
        let playing = videos::playing(page.entries.iter().flat_map(|e| &e.videos));
        return Ok(with_player(&state, render(page)?, &hosts, playing));
    };
    let html = page.render()?;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(html.len() / 4),
        flate2::Compression::fast(),
    );
    encoder
        .write_all(html.as_bytes())
        .and_then(|_| encoder.finish())
        .map(|gz| {
            let entry = crate::web::render_cache::Entry {
                generation,
                content_type: "text/html; charset=utf-8".into(),
                body: Bytes::from(gz),
            };
            state.render_cache.put(key, entry.clone());
            gzipped(&entry)
        })
        .or_else(|_| render_html(html))
}

fn render_html(html: String) -> AppResult<Response> {
    Ok(axum::response::Html(html).into_response())
}
