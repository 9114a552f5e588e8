//! A session's attendance list (registered, then waiting, in arrival order),
//! marking who attended, and its CSV export: the académie's coordination only.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{SessionView, store, visible_meeting};
use crate::{
    domain::{Ability, MeetingId, Placement, UserId, edition::format_paris, meeting::Seat},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, Notice, OnceToken, PageCtx,
        extract::Path, once, render,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rendez-vous/{id}/participants", get(page))
        .route("/rendez-vous/{id}/presences", post(mark))
        .route("/rendez-vous/{id}/participants.csv", get(export))
}

const REASON: &str = "Seule la coordination académique consulte les listes de participants.";

/// One line of the list, formatted.
struct Line {
    user_id: UserId,
    email: String,
    name: String,
    schools: String,
    registered: bool,
    since: String,
    attended: Option<bool>,
}

#[derive(Template)]
#[template(path = "meetings/attendance.html")]
struct AttendancePage {
    ctx: PageCtx,
    meeting: SessionView,
    registered: Vec<Line>,
    waiting: Vec<Line>,
}

async fn lines(state: &AppState, id: MeetingId) -> AppResult<Vec<store::Attendee>> {
    let mut db = state.db.acquire().await?;
    Ok(store::attendees(&mut db.conn(), id).await?)
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let (meeting, edition, academy) = visible_meeting(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), REASON)?;
    let (registered, waiting): (Vec<Line>, Vec<Line>) = lines(&state, id)
        .await?
        .into_iter()
        .map(|a| Line {
            user_id: a.user_id,
            name: a.display_name,
            email: a.email,
            schools: a.schools,
            registered: a.seat == Seat::Registered,
            since: format_paris(a.registered_at),
            attended: a.attended,
        })
        .partition(|l| l.registered);
    render(AttendancePage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .crumb(
                "Rendez-vous de la persévérance",
                format!("/editions/{}/rendez-vous", edition.id),
            )
            .title(format!("Participants : {}", meeting.topic))
            .here(),
        meeting: SessionView::new(&meeting, None, Utc::now()),
        registered,
        waiting,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MarkForm {
    /// The registered people who attended (checkboxes).
    present: Vec<UserId>,
    once: OnceToken,
}

async fn mark(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MeetingId>,
    CsrfForm(form): CsrfForm<MarkForm>,
) -> AppResult<Response> {
    let (_, _, academy) = visible_meeting(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), REASON)?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::lock_meeting(conn, id).await?;
        store::set_attendance(conn, id, &form.present).await?;
        Ok(Notice::Saved.at(&format!("/rendez-vous/{id}/participants")))
    })
    .await
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let (meeting, _, academy) = visible_meeting(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), REASON)?;
    let attendees = lines(&state, id).await?;
    let bytes = csv_file(&attendees).map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("writing the attendance CSV"))
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"participants-rendez-vous-{}.csv\"",
                    meeting.id
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A typed text made safe for a spreadsheet (no formula).
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// UTF-8 with a BOM, `;`-separated, CRLF: what Excel in France opens.
fn csv_file(attendees: &[store::Attendee]) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record([
            "ordre d'arrivée",
            "courriel",
            "nom",
            "établissement",
            "statut",
            "inscrit le",
            "présent",
        ])?;
        for (i, a) in attendees.iter().enumerate() {
            writer.write_record([
                (i + 1).to_string(),
                cell(&a.email),
                cell(&a.display_name),
                cell(&a.schools),
                a.seat.label().to_string(),
                format_paris(a.registered_at),
                match a.attended {
                    Some(true) => "oui",
                    Some(false) => "non",
                    None => "",
                }
                .to_string(),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}
