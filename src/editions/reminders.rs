//! Reminders before the declaration deadline, and notices of a new one.
//!
//! Reminders belong to a deadline value (issue 7, item 4). A deadline is
//! the edition's (its own, or a later extension granted to all), for every
//! school of the académie, or a school's own later extension. Each deadline
//! value gets its own reminders (J-14, J-7, J-2 by default: the edition's
//! `reminder_days`), recorded with the value they announce
//! (`deadline_reminders`), so each goes once; they go to the schools the
//! deadline applies to that have declared nothing yet.
//!
//! The deadline last announced to each of these scopes is kept
//! (`announced_deadlines`). When it changes (the edition's deadline moved or
//! extended for all, a school given its own extension), the schools
//! concerned are told the new date, once; that notice stands for the
//! reminders due within the next day. The edition's deadline, the first time
//! it is seen, is recorded without a mail: the edition's note and page
//! announced it.
//!
//! Everything is decided here, in the periodic task, from what is stored:
//! whatever changes a deadline (the edition form, an extension, a command),
//! its reminders and notices follow.

use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::store::{self, DeadlineScope, Edition};
use crate::domain::ids::SchoolId;
use crate::{
    config::Config,
    db::{Conn, Db},
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

/// The mail telling a school its new deadline, as text.
#[derive(Template)]
#[template(path = "mail/deadline_notice.txt")]
struct NoticeText<'a> {
    extension: bool,
    school: &'a str,
    uai: &'a str,
    edition: &'a str,
    theme: &'a str,
    deadline: &'a str,
    previous: &'a str,
    link: &'a str,
    contact: &'a str,
}

/// What to do about the deadline last announced to a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Announce {
    /// It is the one announced.
    Nothing,
    /// Record it without a mail (the edition's, seen for the first time).
    Silently,
    /// Tell the schools: it is new to them.
    Notice,
}

/// What is due for one deadline at `now`: whether to announce it, and the
/// reminder days to record (`days` less those already `sent`). A notice
/// stands for the reminders due within the next day.
fn due(
    scope: DeadlineScope,
    announced: Option<DateTime<Utc>>,
    deadline: DateTime<Utc>,
    days: &[i64],
    sent: &[i64],
    now: DateTime<Utc>,
) -> (Announce, Vec<i64>) {
    let announce = match (scope, announced) {
        (_, Some(told)) if told == deadline => Announce::Nothing,
        (DeadlineScope::Edition, None) => Announce::Silently,
        _ => Announce::Notice,
    };
    let horizon = if announce == Announce::Notice {
        now + Duration::days(1)
    } else {
        now
    };
    let days = days
        .iter()
        .copied()
        .filter(|d| horizon >= deadline - Duration::days(*d) && !sent.contains(d))
        .collect();
    (announce, days)
}

/// Enqueues the reminders and notices due at `now`; returns how many mails.
///
/// Each is recorded in the same transaction as its mails, so it goes out
/// once even if several workers run. When several reminder days are due at
/// once (an edition opened late, a deadline moved), they are recorded
/// together and the schools get a single mail.
pub async fn send_due(db: &Db, config: &Config, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut sent = 0;
    let mut failure = None;
    // Read, then let the connection go: each edition takes its own (a
    // temporary in the loop's head would be held through every iteration).
    let editions = store::live_editions(&mut db.acquire().await?.conn()).await?;
    for edition in editions {
        // Reminders invite to declare: only while the coordination keeps
        // the edition open (the calendar closes it by scope, below).
        if edition.stored_state() != EditionState::Open {
            continue;
        }
        match remind_edition(db, config, &edition, now).await {
            Ok(count) => sent += count,
            Err(err) => {
                tracing::warn!(edition = edition.id.0, error = %format!("{err:#}"), "reminders failed");
                failure.get_or_insert(err);
            }
        }
    }
    if sent > 0 {
        tracing::info!(mails = sent, "deadline reminders and notices enqueued");
    }
    match failure {
        Some(err) => Err(err),
        None => Ok(sent),
    }
}

/// The edition's deadline for all, then each school's own later one.
async fn remind_edition(
    db: &Db,
    config: &Config,
    edition: &Edition,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let (general, own) = {
        let mut pooled = db.acquire().await?;
        let conn = &mut pooled.conn();
        let general = store::deadline_for(conn, edition, None).await?;
        (
            general,
            store::own_deadlines(conn, edition.id, general).await?,
        )
    };
    let own_schools: Vec<SchoolId> = own.iter().map(|(school, _)| *school).collect();
    let mut sent = 0;
    if now < general {
        let deadline = (DeadlineScope::Edition, general);
        sent += remind(db, config, edition, deadline, &own_schools, now).await?;
    }
    for (school, until) in own {
        if now < until {
            let deadline = (DeadlineScope::School(school), until);
            sent += remind(db, config, edition, deadline, &[], now).await?;
        }
    }
    Ok(sent)
}

/// Does what is due for one deadline of a scope; `except` are the schools
/// with a later deadline of their own (for the edition's scope).
async fn remind(
    db: &Db,
    config: &Config,
    edition: &Edition,
    (scope, deadline): (DeadlineScope, DateTime<Utc>),
    except: &[SchoolId],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let days = parse_reminder_days(&edition.reminder_days).unwrap_or_default();
    // Most minutes nothing is due: read first, and take no write lock then.
    {
        let mut pooled = db.acquire().await?;
        let (announced, sent) = recorded(&mut pooled.conn(), edition, (scope, deadline)).await?;
        if due(scope, announced, deadline, &days, &sent, now) == (Announce::Nothing, Vec::new()) {
            return Ok(0);
        }
    }
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    let (announced, sent) = recorded(conn, edition, (scope, deadline)).await?;
    let (announce, days) = due(scope, announced, deadline, &days, &sent, now);
    let told = match announce {
        Announce::Nothing => false,
        Announce::Silently => {
            store::announce_deadline(conn, edition.id, scope, None, deadline, now).await?;
            false
        }
        Announce::Notice => {
            store::announce_deadline(conn, edition.id, scope, announced, deadline, now).await?
        }
    };
    let mut fresh = false;
    for day in days {
        fresh |= store::mark_reminder_sent(conn, edition.id, scope, deadline, day, now).await?;
    }
    let mails = if told {
        // What the schools were told before: the scope's last deadline, or
        // for a school's first own extension, the edition's.
        let previous = match (scope, announced) {
            (DeadlineScope::School(_), None) => {
                store::announced_deadline(conn, edition.id, DeadlineScope::Edition).await?
            }
            _ => announced,
        };
        if scope == DeadlineScope::Edition {
            store::forget_own_announcements(conn, edition.id, except).await?;
        }
        notify(conn, config, edition, (scope, deadline), previous, except).await?
    } else if fresh {
        remind_silent(conn, config, edition, (scope, deadline), except, now).await?
    } else {
        0
    };
    tx.commit().await?;
    Ok(mails)
}

/// The deadline last announced to the scope, and the reminder days sent
/// for this one.
async fn recorded(
    conn: &mut Conn<'_>,
    edition: &Edition,
    (scope, deadline): (DeadlineScope, DateTime<Utc>),
) -> anyhow::Result<(Option<DateTime<Utc>>, Vec<i64>)> {
    let announced = store::announced_deadline(conn, edition.id, scope).await?;
    let sent = store::reminders_sent(conn, edition.id, scope, deadline).await?;
    Ok((announced, sent))
}

fn declare_link(config: &Config, edition: &Edition) -> String {
    format!(
        "{}/editions/{}/actions/nouvelle",
        config.base_url(),
        edition.id
    )
}

/// Reminds the schools of the scope that have declared nothing yet.
async fn remind_silent(
    conn: &mut Conn<'_>,
    config: &Config,
    edition: &Edition,
    (scope, deadline): (DeadlineScope, DateTime<Utc>),
    except: &[SchoolId],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let when = format_paris(deadline);
    let title = edition.title();
    let link = declare_link(config, edition);
    let hours_left = (deadline - now).num_hours();
    let days_left = (hours_left + 23) / 24;
    let recipients = store::deadline_recipients(conn, edition, scope, except, true).await?;
    for recipient in &recipients {
        let text = ReminderText {
            school: &recipient.school_name,
            uai: &recipient.uai,
            edition: &title,
            theme: &edition.theme,
            deadline: &when,
            days_left,
            link: &link,
            contact: &edition.contact_email,
        }
        .render()?;
        let mail = Mail {
            to: recipient.email.clone(),
            subject: format!("Rappel : déclarez vos actions avant le {when}"),
            text,
            html: None,
        };
        mail::enqueue(conn, &mail).await?;
    }
    Ok(recipients.len())
}

/// Tells every school of the scope its new deadline.
async fn notify(
    conn: &mut Conn<'_>,
    config: &Config,
    edition: &Edition,
    (scope, deadline): (DeadlineScope, DateTime<Utc>),
    previous: Option<DateTime<Utc>>,
    except: &[SchoolId],
) -> anyhow::Result<usize> {
    let when = format_paris(deadline);
    let previous = previous.map(format_paris).unwrap_or_default();
    let title = edition.title();
    let link = declare_link(config, edition);
    let extension = matches!(scope, DeadlineScope::School(_));
    let subject = if extension {
        format!("Délai accordé à votre établissement : déclarations jusqu'au {when}")
    } else {
        format!("Nouvelle date limite des déclarations : {when}")
    };
    let recipients = store::deadline_recipients(conn, edition, scope, except, false).await?;
    for recipient in &recipients {
        let text = NoticeText {
            extension,
            school: &recipient.school_name,
            uai: &recipient.uai,
            edition: &title,
            theme: &edition.theme,
            deadline: &when,
            previous: &previous,
            link: &link,
            contact: &edition.contact_email,
        }
        .render()?;
        let mail = Mail {
            to: recipient.email.clone(),
            subject: subject.clone(),
            text,
            html: None,
        };
        mail::enqueue(conn, &mail).await?;
    }
    Ok(recipients.len())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, hour, 0, 0).unwrap()
    }

    const DAYS: [i64; 3] = [14, 7, 2];

    #[test]
    fn the_editions_deadline_is_first_recorded_without_a_mail() {
        let deadline = at(31, 22);
        assert_eq!(
            due(DeadlineScope::Edition, None, deadline, &DAYS, &[], at(1, 9)),
            (Announce::Silently, vec![])
        );
        assert_eq!(
            due(
                DeadlineScope::Edition,
                None,
                deadline,
                &DAYS,
                &[],
                at(25, 9)
            ),
            (Announce::Silently, vec![14, 7])
        );
        assert_eq!(
            due(
                DeadlineScope::Edition,
                Some(deadline),
                deadline,
                &DAYS,
                &[14],
                at(25, 9)
            ),
            (Announce::Nothing, vec![7])
        );
    }

    #[test]
    fn a_new_deadline_is_told_and_gets_its_own_reminders() {
        let old = at(10, 22);
        let new = at(23, 22);
        // Told on 9 March at 23:00: J-14 of the new date (9 March, 22:00)
        // is due within the day, so the notice stands for it.
        let (announce, days) = due(
            DeadlineScope::Edition,
            Some(old),
            new,
            &DAYS,
            &[],
            at(9, 10),
        );
        assert_eq!((announce, days), (Announce::Notice, vec![14]));
        assert_eq!(
            due(
                DeadlineScope::Edition,
                Some(new),
                new,
                &DAYS,
                &[14],
                at(16, 23)
            ),
            (Announce::Nothing, vec![7])
        );
        // A school's own extension is always news to it.
        assert_eq!(
            due(
                DeadlineScope::School(SchoolId(4)),
                None,
                new,
                &DAYS,
                &[],
                at(1, 9)
            )
            .0,
            Announce::Notice
        );
    }
}
