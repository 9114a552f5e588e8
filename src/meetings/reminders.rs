//! The reminder the day before a rendez-vous and the follow-up after it
//! (with its materials), sent by a periodic task of the job worker. Each
//! session's reminder and follow-up are claimed once (`reminder_sent_at`,
//! `follow_up_sent_at`) in the transaction that enqueues their mails, so
//! several workers or instances send each once.

use chrono::{DateTime, Duration, Utc};

use super::{
    mail::{self, MailKind},
    store,
};
use crate::{config::Config, db::Db, editions::store as editions_store};

/// How long before a session its reminder goes: the day before.
pub const REMINDER_BEFORE: Duration = Duration::hours(24);

/// Sends the reminders and follow-ups due at `now`; returns how many mails
/// were enqueued.
pub async fn send_due(db: &Db, config: &Config, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let (reminders, follow_ups) = {
        let mut pool = db.acquire().await?;
        let conn = &mut pool.conn();
        (
            store::reminders_due(conn, now, now + REMINDER_BEFORE).await?,
            store::follow_ups_due(conn, now).await?,
        )
    };
    let mut sent = 0;
    for id in reminders {
        let mut tx = db.begin().await?;
        let conn = &mut tx.conn();
        if !store::claim_reminder(conn, id, now).await? {
            continue;
        }
        sent += notify(conn, config, id, MailKind::Reminder).await?;
        tx.commit().await?;
    }
    for meeting in follow_ups.iter().filter(|m| m.slot().ends_at() <= now) {
        let mut tx = db.begin().await?;
        let conn = &mut tx.conn();
        if !store::claim_follow_up(conn, meeting.id, now).await? {
            continue;
        }
        sent += notify(conn, config, meeting.id, MailKind::FollowUp).await?;
        tx.commit().await?;
    }
    Ok(sent)
}

/// Mails every registered person of the session.
async fn notify(
    conn: &mut crate::db::Conn<'_>,
    config: &Config,
    id: crate::domain::MeetingId,
    kind: MailKind,
) -> anyhow::Result<usize> {
    let Some(meeting) = store::meeting_by_id(conn, id).await? else {
        return Ok(0);
    };
    let contact = editions_store::edition_by_id(conn, meeting.edition_id)
        .await?
        .map(|e| e.contact_email)
        .unwrap_or_default();
    let emails = store::registered_emails(conn, id).await?;
    for email in &emails {
        mail::send(conn, config, &meeting, &contact, kind, email, 0).await?;
    }
    Ok(emails.len())
}
