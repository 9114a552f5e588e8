//! Reminders to the owners who have not submitted their bilans, on the
//! edition's bilan reminder days (« 14 3 » by default: 14 and 3 days before
//! the bilan deadline), each day once.
//!
//! A periodic task of the job worker ([`crate::jobs::Registry::standard`]):
//! for each live edition whose week has begun, the reminder days due
//! ([`crate::domain::bilan::reminders_due`]) are recorded in
//! `bilan_reminders` in the same transaction as their mails, so several
//! workers (or instances) send each reminder once. When several days are
//! due at once (the task did not run for a while), the owners get one mail.
//! One mail per owner, listing their actions without a submitted bilan.

use chrono::{DateTime, Utc};

use super::store;
use crate::{
    config::Config,
    db::Db,
    domain::{
        bilan::reminders_due,
        edition::{EditionState, paris_date, parse_reminder_days},
        formats::format_date,
    },
    editions::store::{self as editions_store, Edition},
    jobs::mail::{self, Mail},
};

/// Enqueues the reminders due at `now`; returns how many mails.
pub async fn send_due(db: &Db, config: &Config, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let editions = editions_store::live_editions(&mut db.acquire().await?.conn()).await?;
    let mut sent = 0;
    for edition in editions {
        if edition.state_at(now) < EditionState::Week || paris_date(now) < edition.week_start {
            continue;
        }
        sent += remind(db, config, &edition, now).await?;
    }
    if sent > 0 {
        tracing::info!(mails = sent, "bilan reminders enqueued");
    }
    Ok(sent)
}

async fn remind(
    db: &Db,
    config: &Config,
    edition: &Edition,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    // Most minutes nothing is due: read first, take no write lock then.
    let days = {
        let mut pooled = db.acquire().await?;
        let conn = &mut pooled.conn();
        let days =
            parse_reminder_days(&store::reminder_days(conn, edition.id).await?).unwrap_or_default();
        let sent = store::reminders_sent(conn, edition.id).await?;
        reminders_due(edition.bilan_deadline, &days, &sent, now)
    };
    if days.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    let mut fresh = false;
    for day in days {
        fresh |= store::mark_reminder_sent(conn, edition.id, day).await?;
    }
    if !fresh {
        return Ok(0);
    }
    let missing = store::missing(conn, edition.id).await?;
    let deadline = format_date(edition.bilan_deadline);
    let mut mails = 0;
    for owner in missing.chunk_by(|a, b| a.email == b.email) {
        let list: String = owner
            .iter()
            .map(|m| {
                format!(
                    "- {} : {}/actions/{}/bilan\n",
                    if m.title.is_empty() {
                        "Action sans titre"
                    } else {
                        &m.title
                    },
                    config.base_url(),
                    m.action_id
                )
            })
            .collect();
        let mail = Mail {
            to: owner[0].email.clone(),
            subject: format!("Rappel : bilan de vos actions à transmettre avant le {deadline}"),
            text: format!(
                "Bonjour,\n\nLa {} est terminée. Le bilan de {} n'est pas encore transmis :\n\n{list}\n\
                 Le bilan (fréquentation, questionnaire, retours, points de vigilance, perspectives) \
                 se remplit en ligne, peut être enregistré en brouillon, et se transmet jusqu'au \
                 {deadline} inclus. Il parvient à la coordination de votre district et à l'académie.\n\n\
                 Pour toute question : {}\n\n--\nPersévérance — Semaine de la persévérance scolaire\n",
                edition.title(),
                if owner.len() > 1 {
                    "ces actions"
                } else {
                    "cette action"
                },
                edition.contact_email
            ),
            html: None,
        };
        mail::enqueue(conn, &mail).await?;
        mails += 1;
    }
    tx.commit().await?;
    Ok(mails)
}
