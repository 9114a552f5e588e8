//! The mails of a rendez-vous: confirmation with its invitation (iCalendar
//! `REQUEST`), waiting list, place freed, cancellation (`CANCEL`), reminder
//! the day before, follow-up with the materials. Each is enqueued in the
//! transaction that causes it.

use askama::Template;
use chrono::Utc;

use super::store::Meeting;
use crate::{
    config::Config,
    db::{Conn, DbResult},
    domain::meeting::{self, CalendarEvent, CalendarMethod},
    jobs::{
        self,
        mail::{self as outbox, Mail, SendCalendarMail},
    },
};

/// Which mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    Confirmed,
    Promoted,
    Waiting,
    Cancelled,
    Reminder,
    FollowUp,
    /// The académie cancelled the session; to a registered person, with the
    /// invitation's `CANCEL`.
    SessionCancelled,
    /// The académie cancelled the session; to a person who was waiting (no
    /// invitation was ever sent to them, so none to withdraw).
    SessionCancelledWaiting,
}

#[derive(Template)]
#[template(path = "mail/meeting.txt")]
struct MeetingText<'a> {
    kind: MailKind,
    topic: &'a str,
    when: String,
    duration: i64,
    speakers: &'a str,
    link_opens: i64,
    page: String,
    contact: &'a str,
    materials: &'a str,
    position: i64,
    show_link: bool,
    with_invitation: bool,
}

/// The session's page.
pub fn page_link(config: &Config, meeting: &Meeting) -> String {
    format!(
        "{}/editions/{}/rendez-vous#rdv-{}",
        config.base_url(),
        meeting.edition_id,
        meeting.id
    )
}

/// The session as a calendar event for `attendee`. Its `SEQUENCE` grows with
/// each change (seconds since the session was last written, from 2024).
pub fn event(config: &Config, meeting: &Meeting, attendee: Option<&str>) -> CalendarEvent {
    let host = config
        .base_url()
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
        .to_string();
    CalendarEvent {
        location: None,
        uid: format!("rendez-vous-{}@{host}", meeting.id),
        slot: meeting.slot(),
        summary: format!("Rendez-vous de la persévérance : {}", meeting.topic),
        description: format!(
            "{}\n\nLe lien de la visioconférence s'affiche sur la page de la séance {} minutes \
             avant le début : {}",
            meeting.description,
            meeting.link_opens_minutes,
            page_link(config, meeting)
        ),
        url: page_link(config, meeting),
        organizer_email: organizer(config),
        attendee_email: attendee.map(str::to_string),
        sequence: (meeting.updated_at.timestamp() - 1_704_067_200).max(0) / 60,
    }
}

/// The address in `PERSEVERANCE_MAIL_FROM` (`Name <a@b>` or `a@b`).
/// The bare address of `mail_from` (the organizer of calendar events).
pub(crate) fn organizer(config: &Config) -> String {
    let from = config.mail_from.as_str();
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].to_string(),
        _ => from.trim().to_string(),
    }
}

/// Enqueues one mail of `kind` about `meeting` to `to` (with the invitation
/// for a confirmation, a freed place or a cancellation).
pub async fn send(
    conn: &mut Conn<'_>,
    config: &Config,
    meeting: &Meeting,
    contact: &str,
    kind: MailKind,
    to: &str,
    position: i64,
) -> DbResult<()> {
    let text = MeetingText {
        kind,
        topic: &meeting.topic,
        when: meeting::format_long(meeting.starts_at),
        duration: meeting.duration_minutes,
        speakers: &meeting.speakers,
        link_opens: meeting.link_opens_minutes,
        page: page_link(config, meeting),
        contact,
        materials: &meeting.materials,
        position,
        show_link: matches!(
            kind,
            MailKind::Confirmed | MailKind::Promoted | MailKind::Reminder
        ),
        with_invitation: matches!(kind, MailKind::Confirmed | MailKind::Promoted),
    }
    .render()
    .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let day = meeting::format_long(meeting.starts_at);
    let subject = match kind {
        MailKind::Confirmed | MailKind::Promoted => {
            format!("Inscription confirmée : {} ({day})", meeting.topic)
        }
        MailKind::Waiting => format!("Liste d'attente : {} ({day})", meeting.topic),
        MailKind::Cancelled => format!("Inscription annulée : {} ({day})", meeting.topic),
        MailKind::Reminder => format!("Demain : {} ({day})", meeting.topic),
        MailKind::FollowUp => format!("Les supports de la séance : {}", meeting.topic),
        MailKind::SessionCancelled | MailKind::SessionCancelledWaiting => {
            format!("Séance annulée : {} ({day})", meeting.topic)
        }
    };
    let mail = Mail {
        to: to.to_string(),
        subject,
        text,
        html: None,
    };
    let method = match kind {
        MailKind::Confirmed | MailKind::Promoted => Some(CalendarMethod::Request),
        MailKind::Cancelled | MailKind::SessionCancelled => Some(CalendarMethod::Cancel),
        _ => None,
    };
    match method {
        None => outbox::enqueue(conn, &mail).await.map(|_| ()),
        Some(method) => {
            let calendar = meeting::calendar(
                "Rendez-vous de la persévérance",
                method,
                &[event(config, meeting, Some(to))],
                Utc::now(),
            );
            let job = SendCalendarMail {
                mail,
                calendar,
                method: method.code().into(),
            };
            jobs::enqueue(conn, &job).await.map(|_| ())
        }
    }
}
