//! The public side of a programme (no account): the page of its latest
//! version (A4 print stylesheet) and its files (PDF, iCalendar, CSV, XLSX).
//! An edition in preparation, an unknown district or a programme never
//! published answers 404. The actions unpublished since the version was
//! frozen are left out of every one of them (`store::still_published`).

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

use super::{compose::ShowPage, content_of, formats, pdf, store};
use crate::{
    domain::{DistrictId, edition::EditionState, edition::format_paris, programme},
    editions::store as editions_store,
    map::store as map_store,
    web::{AppError, AppResult, AppState, PageCtx, extract::Path, render},
};

/// The published programme: (academy name, page address, version label, content).
struct Published {
    academy: String,
    url: String,
    label: String,
    content: programme::Content,
    file_stem: String,
}

async fn published(
    state: &AppState,
    slug: &str,
    year: i64,
    district: DistrictId,
) -> AppResult<Published> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = map_store::academy_by_slug(conn, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = editions_store::edition_of_year(conn, academy.id, year)
        .await?
        .filter(|e| e.stored_state() != EditionState::Draft)
        .ok_or(AppError::NotFound)?;
    let found = map_store::district_by_id(conn, district)
        .await?
        .filter(|d| d.academy_id == academy.id)
        .ok_or(AppError::NotFound)?;
    let version = store::published(conn, edition.id, found.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut content = content_of(&version)?;
    // A frozen version never shows an action unpublished since.
    let ids: Vec<i64> = content.items.iter().map(|i| i.action_id).collect();
    let kept = store::still_published(conn, &ids).await?;
    content.items.retain(|i| kept.contains(&i.action_id));
    Ok(Published {
        url: format!(
            "/a/{}/editions/{}/programmes/{}",
            academy.slug, edition.year, found.id
        ),
        academy: academy.name,
        label: format!(
            "Version {}, publiée le {}",
            version.number,
            format_paris(version.published_at)
        ),
        content,
        file_stem: format!(
            "programme-{}-{}",
            crate::text::slug(&found.name),
            edition.year
        ),
    })
}

/// `GET /a/{slug}/editions/{year}/programmes/{district}`
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, year, district)): Path<(String, i64, DistrictId)>,
) -> AppResult<Response> {
    let p = published(&state, &slug, year, district).await?;
    render(ShowPage {
        ctx: ctx
            .academy(p.academy.clone())
            .title(format!(
                "{} — {}",
                crate::text::programme_title(&p.content.district),
                p.content.edition
            ))
            .crumb(
                p.content.edition.clone(),
                format!("/a/{slug}/editions/{year}"),
            )
            .here(),
        district: p.content.district.clone(),
        edition: p.content.edition.clone(),
        introduction: p.content.introduction.clone(),
        sections: programme::sections(&p.content),
        preview_of: None,
        version: p.label,
        files: Some(p.url),
    })
}

fn file(content_type: &str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET …/programme.pdf`
pub(super) async fn pdf(
    State(state): State<AppState>,
    Path((slug, year, district)): Path<(String, i64, DistrictId)>,
) -> AppResult<Response> {
    let p = published(&state, &slug, year, district).await?;
    let link = format!("{}{}", state.config.public_url.trim_end_matches('/'), p.url);
    let bytes = pdf::render(&p.content, &p.label, &link);
    Ok(file(
        "application/pdf",
        format!("{}.pdf", p.file_stem),
        bytes,
    ))
}

/// `GET …/programme.ics`
pub(super) async fn ics(
    State(state): State<AppState>,
    Path((slug, year, district)): Path<(String, i64, DistrictId)>,
) -> AppResult<Response> {
    let p = published(&state, &slug, year, district).await?;
    let link = format!("{}{}", state.config.public_url.trim_end_matches('/'), p.url);
    let text = formats::ics(
        &p.content,
        &link,
        &crate::meetings::mail::organizer(&state.config),
        &format!("programme-{slug}-{year}-{district}"),
    );
    Ok(file(
        "text/calendar; charset=utf-8",
        format!("{}.ics", p.file_stem),
        text.into_bytes(),
    ))
}

/// `GET …/programme.csv`
pub(super) async fn csv(
    State(state): State<AppState>,
    Path((slug, year, district)): Path<(String, i64, DistrictId)>,
) -> AppResult<Response> {
    let p = published(&state, &slug, year, district).await?;
    let bytes = formats::csv(&p.content)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("programme CSV")))?;
    Ok(file(
        "text/csv; charset=utf-8",
        format!("{}.csv", p.file_stem),
        bytes,
    ))
}

/// `GET …/programme.xlsx`
pub(super) async fn xlsx(
    State(state): State<AppState>,
    Path((slug, year, district)): Path<(String, i64, DistrictId)>,
) -> AppResult<Response> {
    let p = published(&state, &slug, year, district).await?;
    let bytes = formats::xlsx(&p.content)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("programme XLSX")))?;
    Ok(file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("{}.xlsx", p.file_stem),
        bytes,
    ))
}
