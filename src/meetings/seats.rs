//! Registering for a session and cancelling: one write transaction each,
//! which locks the session's row, counts the places taken, writes the seat
//! and enqueues the mail. A cancelled place goes to the first person waiting.

use axum::{Router, extract::State, response::Response, routing::post};
use serde::Deserialize;

use super::{
    mail::{self, MailKind},
    store, visible_meeting,
};
use crate::{
    db::Conn,
    domain::{MeetingId, UserId, meeting::Seat},
    editions::store::Edition,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, Notice, OnceToken, extract::Path,
        once,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rendez-vous/{id}/inscription", post(register))
        .route("/rendez-vous/{id}/annulation", post(cancel))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SeatForm {
    once: OnceToken,
}

async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MeetingId>,
    CsrfForm(form): CsrfForm<SeatForm>,
) -> AppResult<Response> {
    let (meeting, edition, academy) = visible_meeting(&state, &user, id).await?;
    if !user.rights.may_register_meetings(academy.id) {
        return Err(AppError::forbidden(
            "Les rendez-vous de la persévérance sont réservés aux personnels des établissements \
             et des services de l’académie.",
        ));
    }
    if !meeting.slot().open_for_registration(chrono::Utc::now()) {
        return Err(AppError::Conflict(
            "Cette séance a commencé : les inscriptions sont closes.".into(),
        ));
    }
    let back = format!("/editions/{}/rendez-vous", edition.id);
    once::run(&state.db, &form.once, user.id, async |conn| {
        if !store::lock_meeting(conn, id).await? {
            return Err(AppError::NotFound);
        }
        let (seat, new) = match store::take_seat(conn, id, user.id).await? {
            Some(seat) => (seat, true),
            None => (
                store::seat_of(conn, id, user.id)
                    .await?
                    .unwrap_or(Seat::Waiting),
                false,
            ),
        };
        if new {
            // The session as read before the lock: its texts, for the mail.
            let (kind, position) = match seat {
                Seat::Registered => (MailKind::Confirmed, 0),
                Seat::Waiting => (
                    MailKind::Waiting,
                    store::waiting_position(conn, id, user.id).await?,
                ),
            };
            mail::send(
                conn,
                &state.config,
                &meeting,
                &edition.contact_email,
                kind,
                &user.email,
                position,
            )
            .await?;
        }
        let notice = match seat {
            Seat::Registered => Notice::Registered,
            Seat::Waiting => Notice::Waiting,
        };
        Ok(format!("{}#rdv-{id}", notice.at(&back)))
    })
    .await
}

async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MeetingId>,
    CsrfForm(form): CsrfForm<SeatForm>,
) -> AppResult<Response> {
    let (meeting, edition, _) = visible_meeting(&state, &user, id).await?;
    if !meeting.slot().open_for_registration(chrono::Utc::now()) {
        return Err(AppError::Conflict(
            "Cette séance a commencé : l’inscription ne peut plus être annulée.".into(),
        ));
    }
    let back = format!("/editions/{}/rendez-vous", edition.id);
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::lock_meeting(conn, id).await?;
        let held = store::delete_registration(conn, id, user.id).await?;
        if held == Some(Seat::Registered) {
            let promoted = store::promote_waiting(conn, id, 1).await?;
            tell_promoted(conn, &state, id, &edition, &promoted).await?;
            if let Some(meeting) = store::meeting_by_id(conn, id).await? {
                mail::send(
                    conn,
                    &state.config,
                    &meeting,
                    &edition.contact_email,
                    MailKind::Cancelled,
                    &user.email,
                    0,
                )
                .await?;
            }
        }
        Ok(format!("{}#rdv-{id}", Notice::Unregistered.at(&back)))
    })
    .await
}

/// Sends their confirmation (with the invitation) to the people who just
/// left the waiting list for a place.
pub(super) async fn tell_promoted(
    conn: &mut Conn<'_>,
    state: &AppState,
    id: MeetingId,
    edition: &Edition,
    promoted: &[UserId],
) -> AppResult<()> {
    if promoted.is_empty() {
        return Ok(());
    }
    let Some(meeting) = store::meeting_by_id(conn, id).await? else {
        return Ok(());
    };
    for user in promoted {
        if let Some(person) = crate::auth::store::user_by_id(conn, *user).await? {
            mail::send(
                conn,
                &state.config,
                &meeting,
                &edition.contact_email,
                MailKind::Promoted,
                &person.email,
                0,
            )
            .await?;
        }
    }
    Ok(())
}
