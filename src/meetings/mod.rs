//! The « rendez-vous de la persévérance » (issue 10): online sessions the
//! académie schedules for an edition; registration with a waiting list,
//! mails with their invitation, reminder and follow-up, attendance lists,
//! and each person's calendar feed.
//!
//! Who may do what is asked of the access policy: the académie's
//! coordination (`Rights::manages_academy`) schedules sessions and keeps
//! their attendance; anyone with a role in the académie
//! (`Rights::may_register_meetings`) registers.

pub mod demo;
pub mod mail;
pub mod reminders;
pub mod store;

mod agenda;
mod attendance;
mod form;
mod pages;
mod seats;

use axum::Router;
use chrono::{DateTime, Utc};

use crate::{
    domain::{
        MeetingId,
        meeting::{self, Seat},
    },
    editions::{markdown, store::Edition},
    map::store::Academy,
    web::{AppError, AppResult, AppState, CurrentUser},
};
use store::Meeting;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(seats::router())
        .merge(attendance::router())
        .merge(agenda::router())
}

/// A session, its edition and académie, if the person may see the edition
/// (else 404).
async fn visible_meeting(
    state: &AppState,
    user: &CurrentUser,
    id: MeetingId,
) -> AppResult<(Meeting, Edition, Academy)> {
    let meeting = {
        let mut db = state.db.acquire().await?;
        store::meeting_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let (edition, academy) =
        crate::editions::visible_edition(state, user, meeting.edition_id).await?;
    Ok((meeting, edition, academy))
}

/// A session as pages show it.
#[derive(Clone, Debug)]
pub struct SessionView {
    pub id: MeetingId,
    pub topic: String,
    /// The presentation, Markdown made safe.
    pub description_html: String,
    pub speakers: String,
    /// « mercredi 28 février 2024 à 14:00 »
    pub when: String,
    pub duration: i64,
    pub capacity: i64,
    pub registered: i64,
    pub waiting: i64,
    pub free: i64,
    /// The person's seat, if any.
    pub seat: Option<Seat>,
    /// The visio link, only for a registered person and only from its opening.
    pub link: Option<String>,
    pub link_opens: i64,
    /// Whether registering or cancelling is still possible.
    pub open: bool,
    pub past: bool,
    /// The materials, for registered people once the session has begun.
    pub materials_html: String,
}

impl SessionView {
    pub fn new(meeting: &Meeting, seat: Option<Seat>, now: DateTime<Utc>) -> SessionView {
        let slot = meeting.slot();
        let registered = seat == Some(Seat::Registered);
        SessionView {
            id: meeting.id,
            topic: meeting.topic.clone(),
            description_html: markdown::to_safe_html(&meeting.description),
            speakers: meeting.speakers.clone(),
            when: meeting::format_long(meeting.starts_at),
            duration: meeting.duration_minutes,
            capacity: meeting.capacity,
            registered: meeting.registered,
            waiting: meeting.waiting,
            free: meeting.free(),
            seat,
            link: (registered
                && !meeting.visio_url.is_empty()
                && slot.link_visible(meeting.link_opens_minutes, now))
            .then(|| meeting.visio_url.clone()),
            link_opens: meeting.link_opens_minutes,
            open: slot.open_for_registration(now),
            past: slot.ends_at() <= now,
            materials_html: if registered && now >= meeting.starts_at {
                markdown::to_safe_html(&meeting.materials)
            } else {
                String::new()
            },
        }
    }

    pub fn seat_label(&self) -> &'static str {
        self.seat.map_or("", Seat::label)
    }

    pub fn is_registered(&self) -> bool {
        self.seat == Some(Seat::Registered)
    }

    pub fn is_waiting(&self) -> bool {
        self.seat == Some(Seat::Waiting)
    }
}
