//! Background work as a job table.
//!
//! A job is a value of a type implementing [`Job`] (a kind, a JSON payload,
//! an idempotent `run`), enqueued with [`enqueue`] in the same transaction as
//! the change that causes it, so a rolled-back change sends nothing. Every
//! kind is registered once, in [`Registry::standard`]. The worker claims one
//! due job at a time (the claim statement comes from the engine's dialect:
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite), runs
//! it, and marks it done; a failure is retried with a growing delay, and
//! after [`MAX_ATTEMPTS`] the job is set aside with its last error. Periodic
//! work (deadline reminders, purging sessions) is registered the same way.

pub mod mail;

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use chrono::Utc;
use serde::{Serialize, de::DeserializeOwned};
use tokio::sync::Notify;

use crate::{
    config::Config,
    db::{Conn, Db, DbResult},
    on_conn,
};

/// After this many failures a job stops being retried.
pub const MAX_ATTEMPTS: i64 = 8;

/// What a running job may use: the settings, the database, the process's
/// one SMTP transport and the file store.
pub struct JobContext {
    pub config: Arc<Config>,
    pub db: Db,
    pub mailer: mail::Mailer,
    pub files: crate::files::FileStore,
}

impl JobContext {
    /// Builds the context once for the process; fails on a bad `SMTP_URL`
    /// or a file store that cannot be opened.
    pub fn new(config: Arc<Config>, db: Db) -> anyhow::Result<JobContext> {
        let mailer = mail::Mailer::new(&config)?;
        let files = crate::files::FileStore::from_config(&config)?;
        Ok(JobContext {
            config,
            db,
            mailer,
            files,
        })
    }
}

/// A kind of background work. The payload is the value itself, as JSON.
/// `run` must be idempotent: a job may run twice (a crash between its effect
/// and its `done` mark), and its `job_id` is stable across retries.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stored `jobs.kind`; unique among the registered jobs.
    const KIND: &'static str;

    fn run(&self, ctx: &JobContext, job_id: i64)
    -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Adds `job` inside the caller's transaction (or on a lone connection).
pub async fn enqueue<J: Job>(conn: &mut Conn<'_>, job: &J) -> DbResult<i64> {
    let payload = serde_json::to_string(job).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let sql =
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $3) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(J::KIND)
        .bind(&payload)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
type Runner = for<'a> fn(&'a JobContext, i64, &'a str) -> BoxFuture<'a>;
type Periodic = for<'a> fn(&'a JobContext) -> BoxFuture<'a>;

fn runner<'a, J: Job>(ctx: &'a JobContext, job_id: i64, payload: &'a str) -> BoxFuture<'a> {
    let job = serde_json::from_str::<J>(payload);
    Box::pin(async move { job?.run(ctx, job_id).await })
}

/// Every job kind and periodic task the worker knows, registered once.
pub struct Registry {
    runners: HashMap<&'static str, Runner>,
    periodic: Vec<(&'static str, Duration, Periodic)>,
}

impl Registry {
    pub fn empty() -> Registry {
        Registry {
            runners: HashMap::new(),
            periodic: Vec::new(),
        }
    }

    /// The service's jobs.
    pub fn standard() -> Registry {
        Registry::empty()
            .register::<mail::SendMail>()
            .register::<mail::SendCalendarMail>()
            .register::<crate::media::pipeline::ProcessMedia>()
            .every(
                "delete rejected and withdrawn media",
                Duration::from_secs(3600),
                |ctx| {
                    Box::pin(async move {
                        crate::media::pipeline::purge_expired(&ctx.db, &ctx.files, Utc::now())
                            .await
                            .map(|_| ())
                    })
                },
            )
            .register::<crate::programmes::SendProgrammeMail>()
            .every(
                "rendez-vous reminders and follow-ups",
                Duration::from_secs(60),
                |ctx| {
                    Box::pin(async move {
                        crate::meetings::reminders::send_due(&ctx.db, &ctx.config, Utc::now())
                            .await
                            .map(|_| ())
                    })
                },
            )
            .every("deadline reminders", Duration::from_secs(60), |ctx| {
                Box::pin(async move {
                    crate::editions::reminders::send_due(&ctx.db, &ctx.config, Utc::now())
                        .await
                        .map(|_| ())
                })
            })
            .every("bilan reminders", Duration::from_secs(60), |ctx| {
                Box::pin(async move {
                    crate::bilans::reminders::send_due(&ctx.db, &ctx.config, Utc::now())
                        .await
                        .map(|_| ())
                })
            })
            .every("purge expired sessions", Duration::from_secs(3600), |ctx| {
                Box::pin(async move {
                    crate::auth::store::purge_expired(&mut ctx.db.acquire().await?.conn()).await?;
                    Ok(())
                })
            })
    }

    /// Adds a job kind. Panics if the kind is registered twice (a bug).
    pub fn register<J: Job>(mut self) -> Registry {
        let previous = self.runners.insert(J::KIND, runner::<J>);
        assert!(previous.is_none(), "job kind {} registered twice", J::KIND);
        self
    }

    /// Adds a task run about every `every` by the worker.
    pub fn every(mut self, name: &'static str, every: Duration, task: Periodic) -> Registry {
        self.periodic.push((name, every, task));
        self
    }

    async fn run(&self, ctx: &JobContext, job: &StoredJob) -> anyhow::Result<()> {
        match self.runners.get(job.kind.as_str()) {
            Some(run) => run(ctx, job.id, &job.payload).await,
            None => anyhow::bail!("unknown job kind {}", job.kind),
        }
    }
}

/// A claimed job.
#[derive(Debug, sqlx::FromRow)]
struct StoredJob {
    id: i64,
    kind: String,
    payload: String,
    attempts: i64,
}

async fn claim(conn: &mut Conn<'_>) -> DbResult<Option<StoredJob>> {
    let now = Utc::now();
    let lease = now + chrono::Duration::minutes(5);
    let sql = conn.dialect().claim_job();
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(lease)
        .bind(now)
        .fetch_optional(c)
        .await)
}

async fn finish(conn: &mut Conn<'_>, job: &StoredJob, outcome: anyhow::Result<()>) -> DbResult<()> {
    let now = Utc::now();
    match outcome {
        Ok(()) => {
            let sql = "UPDATE jobs SET done_at = $2, locked_until = NULL WHERE id = $1";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(job.id)
                .bind(now)
                .execute(c)
                .await
                .map(|_| ()))
        }
        Err(err) => {
            let message = format!("{err:#}");
            tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %message, "job failed");
            let give_up = job.attempts >= MAX_ATTEMPTS;
            let retry_at = now + chrono::Duration::seconds(30 * job.attempts * job.attempts);
            let sql = "UPDATE jobs SET last_error = $2, locked_until = NULL, run_at = $3, done_at = $4 WHERE id = $1";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(job.id)
                .bind(&message)
                .bind(retry_at)
                .bind(give_up.then_some(now))
                .execute(c)
                .await
                .map(|_| ()))
        }
    }
}

/// Runs every due job, one after the other; returns how many ran.
pub async fn run_due(registry: &Registry, ctx: &JobContext) -> DbResult<usize> {
    let mut count = 0;
    loop {
        let Some(job) = claim(&mut ctx.db.acquire().await?.conn()).await? else {
            return Ok(count);
        };
        let outcome = registry.run(ctx, &job).await;
        finish(&mut ctx.db.acquire().await?.conn(), &job, outcome).await?;
        count += 1;
    }
}

/// Runs every due job with the standard registry and a fresh context (for
/// command-line tools and tests).
pub async fn run_all_due(db: &Db, config: &Config) -> anyhow::Result<usize> {
    let ctx = JobContext::new(Arc::new(config.clone()), db.clone())?;
    Ok(run_due(&Registry::standard(), &ctx).await?)
}

/// The worker loop of `serve`: runs due jobs and the periodic tasks that are
/// due, then sleeps until woken or a few seconds pass.
pub async fn worker(registry: Registry, ctx: JobContext, wake: Arc<Notify>) {
    let mut last_run: Vec<Option<std::time::Instant>> = vec![None; registry.periodic.len()];
    loop {
        if let Err(err) = run_due(&registry, &ctx).await {
            tracing::error!(error = %err, "job worker could not reach the database");
        }
        for ((name, every, task), last) in registry.periodic.iter().zip(&mut last_run) {
            if last.is_none_or(|at| at.elapsed() >= *every) {
                *last = Some(std::time::Instant::now());
                if let Err(err) = task(&ctx).await {
                    tracing::error!(task = name, error = %format!("{err:#}"), "periodic task failed");
                }
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), wake.notified()).await;
    }
}
