//! Reminders before the declaration deadline (J-14, J-7, J-2 by default):
//! each is sent once per edition, to the schools of the académie that have
//! declared nothing yet.

use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::store::{self, Edition};
use crate::{
    config::Config,
    db::Db,
    domain::edition::{EditionState, format_paris, parse_reminder_days},
    jobs::mail::{self, Mail},
};

/// The reminder mail, as text.
#[derive(Template)]
#[template(path = "mail/reminder.txt")]
struct ReminderText<'a> {
    school: &'a str,
    uai: &'a str,
    edition: &'a str,
    theme: &'a str,
    deadline: &'a str,
    days_left: i64,
    link: &'a str,
    contact: &'a str,
}

/// The reminder days of `edition` that are due at `now` (largest first).
fn due_days(edition: &Edition, now: DateTime<Utc>) -> Vec<i64> {
    let deadline = edition.declaration_deadline;
    if now >= deadline || edition.state_at(now) != EditionState::Open {
        return Vec::new();
    }
    parse_reminder_days(&edition.reminder_days)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| now >= deadline - Duration::days(*d))
        .collect()
}

/// Enqueues the reminders that are due at `now`; returns how many mails.
///
/// Each (edition, day) is recorded in `edition_reminders` in the same
/// transaction as its mails, so a reminder goes out once even if several
/// workers run. When several days are due at once (an edition opened late),
/// they are recorded together and the schools get a single mail.
pub async fn send_due(db: &Db, config: &Config, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut sent = 0;
    let mut failure = None;
    for edition in store::live_editions(&mut db.acquire().await?.conn()).await? {
        if due_days(&edition, now).is_empty() {
            continue;
        }
        match remind(db, config, &edition, now).await {
            Ok(count) => sent += count,
            Err(err) => {
                tracing::warn!(edition = edition.id.0, error = %format!("{err:#}"), "reminders failed");
                failure.get_or_insert(err);
            }
        }
    }
    if sent > 0 {
        tracing::info!(mails = sent, "deadline reminders enqueued");
    }
    match failure {
        Some(err) => Err(err),
        None => Ok(sent),
    }
}

async fn remind(
    db: &Db,
    config: &Config,
    edition: &Edition,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    let mut fresh = false;
    for day in due_days(edition, now) {
        fresh |= store::mark_reminder_sent(conn, edition.id, day).await?;
    }
    if !fresh {
        return Ok(0);
    }
    let deadline = format_paris(edition.declaration_deadline);
    let title = edition.title();
    let link = format!(
        "{}/editions/{}/actions/nouvelle",
        config.base_url(),
        edition.id
    );
    let hours_left = (edition.declaration_deadline - now).num_hours();
    let days_left = (hours_left + 23) / 24;
    let recipients = store::reminder_recipients(conn, edition).await?;
    for recipient in &recipients {
        let text = ReminderText {
            school: &recipient.school_name,
            uai: &recipient.uai,
            edition: &title,
            theme: &edition.theme,
            deadline: &deadline,
            days_left,
            link: &link,
            contact: &edition.contact_email,
        }
        .render()?;
        let mail = Mail {
            to: recipient.email.clone(),
            subject: format!("Rappel : déclarez vos actions avant le {deadline}"),
            text,
            html: None,
        };
        mail::enqueue(conn, &mail).await?;
    }
    tx.commit().await?;
    Ok(recipients.len())
}
