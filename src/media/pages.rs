//! Serving media, deciding on them, and the edition's review page.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{MediaView, relation, store};
use crate::{
    domain::{
        Ability, EditionId, MediaId, Placement,
        media::{Decision, MediaKind, decide},
    },
    editions::visible_edition,
    files::StoredKey,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, MaybeUser, Notice, OnceToken,
        PageCtx,
        extract::{Path, Query},
        once, redirect, render,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/medias/{id}/{variant}", get(serve))
        .route("/medias/{id}/decision", post(decision))
        .route("/editions/{id}/medias", get(review))
        .route("/editions/{id}/medias/conservation", post(retention))
}

const REVIEW_REASON: &str = "Seule la coordination académique examine les images de l’édition.";

/// Approved variants are cached for a day by browsers and proxies, then
/// revalidated with their ETag: a withdrawn image stops being served at once
/// by us, and within a day by caches (a year-long `immutable` would keep a
/// withdrawn pupil's photo in caches that long).
const PUBLIC_CACHE: &str = "public, max-age=86400";

/// `/medias/{id}/vignette`, `/medias/{id}/image` (display size) or
/// `/medias/{id}/fichier` (a PDF poster): the stored bytes with a fixed
/// content type. An approved medium is anyone's (long cache, ETag, 304 on
/// `If-None-Match`); before, or after withdrawal, only the coordination and
/// the school's side get it (never cached), everyone else a 404.
async fn serve(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((id, variant)): Path<(MediaId, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let media = store::media_by_id(&mut state.db.acquire().await?.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let public = media.is_public();
    if !public && !super::sees_private(&state, user.as_ref(), &media).await? {
        return Err(AppError::NotFound);
    }
    let (key, content_type) = match (variant.as_str(), media.kind) {
        ("vignette", MediaKind::Image) => (media.thumb_key.as_deref(), "image/jpeg"),
        ("image", MediaKind::Image) => (media.display_key.as_deref(), "image/jpeg"),
        ("fichier", MediaKind::Pdf) => (Some(media.master_key.as_str()), "application/pdf"),
        _ => (None, ""),
    };
    let key = key.and_then(StoredKey::parse).ok_or(AppError::NotFound)?;
    let etag = format!(
        "\"{}\"",
        &hex(&Sha256::digest(key.as_str().as_bytes()))[..32]
    );
    let mut response = if public
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = state.files.get(&key).await?;
        let mut response = bytes.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if media.kind == MediaKind::Pdf {
            let disposition = crate::files::content_disposition(
                "attachment",
                &media.file_name,
                crate::files::FileKind::Pdf,
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    if public {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_CACHE),
        );
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
    } else {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DecisionForm {
    decision: String,
    suite: String,
    once: OnceToken,
}

/// Approve, reject or withdraw a medium (`domain::media::decide`); back to
/// the page it was decided from.
async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MediaId>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let media = store::media_by_id(&mut state.db.acquire().await?.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = relation(Some(&user), &media);
    if !who.sees_private() && !media.is_public() {
        return Err(AppError::NotFound);
    }
    let wanted = Decision::parse(&form.decision)
        .ok_or_else(|| AppError::BadRequest("Décision inconnue.".into()))?;
    let next = decide(
        media.state,
        wanted,
        who,
        !media.description.trim().is_empty(),
        media.consent(),
    )
    .map_err(AppError::forbidden)?;
    let back = redirect::local_target(&form.suite)
        .unwrap_or_else(|| format!("/editions/{}/medias", media.edition_id));
    once::run(&state.db, &form.once, user.id, async |conn| {
        if !store::set_state(conn, id, media.state, next, user.id).await? {
            return Err(AppError::Conflict(
                "Une autre décision a été prise sur cette image entre-temps : rechargez la page."
                    .into(),
            ));
        }
        Ok(Notice::Saved.at(&back))
    })
    .await
}

#[derive(Template)]
#[template(path = "media/review.html")]
struct ReviewPage {
    ctx: PageCtx,
    edition_id: EditionId,
    media: Vec<MediaView>,
    /// The edition's video links (issue 9), those waiting first.
    videos: Vec<crate::videos::VideoView>,
    /// The académie's allowed video hosts, one a line.
    hosts: String,
    /// Whether that list is the default one (the tubes of apps.education.fr).
    default_hosts: bool,
    retention_days: i64,
    here: String,
    /// A video is played on this answer.
    playing: bool,
}

/// The edition's media, those waiting first: thumbnail, description,
/// consent, school; approve, reject, withdraw; the retention period.
async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(play): Query<crate::videos::Play>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        REVIEW_REASON,
    )?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let media = store::media_of_edition(conn, edition.id).await?;
    let videos: Vec<_> = crate::videos::store::videos_of_edition(conn, edition.id)
        .await?
        .iter()
        .map(|v| crate::videos::VideoView::new(v, crate::videos::relation(Some(&user), v), play))
        .collect();
    let setting = crate::videos::store::hosts_setting(conn, academy.id).await?;
    let allowed = crate::domain::video::allowed_hosts(setting.as_deref());
    let retention_days = store::retention_days(conn, academy.id).await?;
    let page = ReviewPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .title("Images de l’édition à examiner")
            .here(),
        edition_id: edition.id,
        media: media.iter().map(MediaView::new).collect(),
        playing: crate::videos::playing(videos.iter()),
        videos,
        hosts: allowed.join("\n"),
        default_hosts: setting.is_none(),
        retention_days,
        here: format!("/editions/{}/medias", edition.id),
    };
    let playing = page.playing;
    Ok(crate::videos::with_player(
        &state,
        render(page)?,
        &allowed,
        playing,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RetentionForm {
    days: String,
    once: OnceToken,
}

/// Sets how long the académie keeps rejected and withdrawn media (1 to 365 days).
async fn retention(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<RetentionForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        REVIEW_REASON,
    )?;
    let days = form
        .days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=365).contains(d))
        .ok_or_else(|| {
            AppError::BadRequest("Indiquez une durée de conservation entre 1 et 365 jours.".into())
        })?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_retention_days(conn, academy.id, days).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/medias", edition.id)))
    })
    .await
}
