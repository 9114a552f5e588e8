//! Background work as a job table.
//!
//! A job is enqueued in the same transaction as the change that causes it, so
//! a rolled-back change sends nothing. The worker claims one due job at a
//! time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, a single writer on SQLite),
//! runs it, and marks it done; a failure is retried with a growing delay, and
//! after [`MAX_ATTEMPTS`] the job is set aside with its last error. Jobs are
//! idempotent: running one twice does no harm.

pub mod mail;

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use tokio::sync::Notify;

use crate::{
    config::Config,
    db::{Db, DbResult, Engine, Tx},
    on_db, on_tx,
};

/// After this many failures a job stops being retried.
pub const MAX_ATTEMPTS: i64 = 8;

/// A claimed job.
#[derive(Debug, sqlx::FromRow)]
struct Job {
    id: i64,
    kind: String,
    payload: String,
    attempts: i64,
}

/// Adds a job inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, kind: &str, payload: &serde_json::Value) -> DbResult<i64> {
    let now = Utc::now();
    let sql =
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $3) RETURNING id";
    on_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(kind)
        .bind(payload.to_string())
        .bind(now)
        .fetch_one(conn)
        .await)
}

const CLAIM_SQLITE: &str = "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = (
    SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
    ORDER BY run_at, id LIMIT 1) RETURNING id, kind, payload, attempts";
const CLAIM_POSTGRES: &str = "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id = (
    SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
    ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, kind, payload, attempts";

async fn claim(db: &Db) -> DbResult<Option<Job>> {
    let now = Utc::now();
    let lease = now + chrono::Duration::minutes(5);
    let sql = match db.engine() {
        Engine::Sqlite => CLAIM_SQLITE,
        Engine::Postgres => CLAIM_POSTGRES,
    };
    on_db!(db, |pool| sqlx::query_as(sql)
        .bind(lease)
        .bind(now)
        .fetch_optional(pool)
        .await)
}

async fn finish(db: &Db, job: &Job, outcome: anyhow::Result<()>) -> DbResult<()> {
    let now = Utc::now();
    match outcome {
        Ok(()) => {
            let sql = "UPDATE jobs SET done_at = $2, locked_until = NULL WHERE id = $1";
            on_db!(db, |pool| sqlx::query(sql)
                .bind(job.id)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
        Err(err) => {
            let message = format!("{err:#}");
            tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %message, "job failed");
            let give_up = job.attempts >= MAX_ATTEMPTS;
            let retry_at = now + chrono::Duration::seconds(30 * job.attempts * job.attempts);
            let sql = "UPDATE jobs SET last_error = $2, locked_until = NULL, run_at = $3, done_at = $4 WHERE id = $1";
            on_db!(db, |pool| sqlx::query(sql)
                .bind(job.id)
                .bind(message)
                .bind(retry_at)
                .bind(give_up.then_some(now))
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

async fn run(config: &Config, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        mail::KIND => mail::deliver(config, job.id, &serde_json::from_str(&job.payload)?).await,
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Runs every due job, one after the other; returns how many ran.
pub async fn run_due(db: &Db, config: &Config) -> DbResult<usize> {
    let mut count = 0;
    while let Some(job) = claim(db).await? {
        let outcome = run(config, &job).await;
        finish(db, &job, outcome).await?;
        count += 1;
    }
    Ok(count)
}

/// The worker loop of `serve`: runs due jobs, then sleeps until woken or a
/// few seconds pass; purges expired sessions about once an hour.
pub async fn worker(db: Db, config: Arc<Config>, wake: Arc<Notify>) {
    let mut rounds: u64 = 0;
    let mut last_reminders: Option<std::time::Instant> = None;
    loop {
        if let Err(err) = run_due(&db, &config).await {
            tracing::error!(error = %err, "job worker could not reach the database");
        }
        // Deadline reminders, about once a minute (the loop may wake often).
        if last_reminders.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
            last_reminders = Some(std::time::Instant::now());
            if let Err(err) = crate::editions::reminders::send_due(&db, &config, Utc::now()).await {
                tracing::error!(error = %format!("{err:#}"), "could not send the deadline reminders");
            }
        }
        if rounds.is_multiple_of(720)
            && let Err(err) = crate::auth::store::purge_expired(&db).await
        {
            tracing::warn!(error = %err, "could not purge expired sessions");
        }
        rounds += 1;
        let _ = tokio::time::timeout(Duration::from_secs(5), wake.notified()).await;
    }
}
