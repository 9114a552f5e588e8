//! Benchmark of the coordinators' exports (issue 8, « Speed »).
//!
//! ```text
//! cargo run --release --example bench_exports            # SQLite in a temporary folder
//! cargo run --release --example bench_exports -- postgres://…/db   # a fresh PostgreSQL database
//! ```
//!
//! Fills the demo académie's base (no story) then `BENCH_EXPORT_ROWS`
//! (100,000) submitted actions in the demo district coordinator's district,
//! starts the real server on 127.0.0.1:0, and asks for the review list's
//! export of the whole district as CSV then XLSX (`POST
//! /editions/{id}/revue/export`), reading each body chunk by chunk.
//! Measures the time to the last byte and the process's peak resident
//! memory during each export (`VmHWM`, reset through `/proc/self/clear_refs`
//! before each one; the server and this client share the process).
//!
//! Targets: CSV of 100,000 rows < 2 s, XLSX < 6 s, peak < 200 MB.

use std::{sync::Arc, time::Instant};

use chrono::{Duration, NaiveDate, Utc};
use perseverance::{
    auth::{store as auth_store, tokens},
    config::Config,
    db::{ConnectOptions, Db},
    domain::Email,
    editions::store as editions_store,
    map::store as map_store,
    server,
};
use reqwest::cookie::CookieStore;
use sqlx::QueryBuilder;

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn current_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::var("BENCH_EXPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = Db::connect(&url, &ConnectOptions::default()).await?;
    db.migrate().await?;
    anyhow::ensure!(
        perseverance::demo::seed(&db).await?,
        "the database must be empty"
    );

    // Where: the demo district coordinator's district, the current edition.
    let email = Email::parse("coordination.district@demo.test")?;
    let (user, district, schools, edition) = {
        let mut pooled = db.acquire().await?;
        let conn = &mut pooled.conn();
        let user = auth_store::user_by_email(conn, &email)
            .await?
            .expect("the demo coordinator");
        let academy = map_store::academies(conn).await?.remove(0);
        let districts = map_store::districts(conn, academy.id).await?;
        let mut found = None;
        for d in districts {
            let coordinators = auth_store::district_coordinators(conn, d.id).await?;
            if coordinators.iter().any(|e| e == email.as_str()) {
                found = Some(d.id);
                break;
            }
        }
        let district = found.expect("the coordinator's district");
        let schools: Vec<i64> = map_store::schools_of_district(conn, district)
            .await?
            .iter()
            .map(|s| s.id.0)
            .collect();
        let edition = editions_store::editions_of(conn, academy.id)
            .await?
            .into_iter()
            .max_by_key(|e| e.year)
            .expect("an edition");
        (user, district, schools, edition)
    };

    // The actions, in one transaction, 500 rows per INSERT.
    let started = Instant::now();
    let now = Utc::now();
    let week = NaiveDate::from_ymd_opt(2027, 4, 5).expect("a date");
    {
        let mut tx = db.begin().await?;
        for chunk in (0..rows).collect::<Vec<_>>().chunks(500) {
            macro_rules! insert {
                ($c:expr) => {{
                    let mut q = QueryBuilder::new(
                        "INSERT INTO actions (edition_id, school_id, owner_user_id, state, title, summary, \
                         description, owner_name, owner_role, audiences, levels, scheme, starts_on, \
                         start_time, end_time, place, partners, expected_participants, showcase_kinds, \
                         submitted_at, created_at, updated_at) ",
                    );
                    q.push_values(chunk, |mut b, i| {
                        b.push_bind(edition.id.0)
                            .push_bind(schools[i % schools.len()])
                            .push_bind(user.id.0)
                            .push_bind("submitted")
                            .push_bind(format!("Action n° {i} : forum des métiers et persévérance"))
                            .push_bind("Des anciens élèves racontent leur parcours aux classes de 3e.")
                            .push_bind("Table ronde au CDI, puis échanges en petits groupes.")
                            .push_bind("Camille Martin")
                            .push_bind("CPE")
                            .push_bind("eleves,parents")
                            .push_bind("3e")
                            .push_bind("aucun")
                            .push_bind(week + Duration::days((i % 5) as i64))
                            .push_bind("14:00")
                            .push_bind("16:00")
                            .push_bind("CDI")
                            .push_bind(if i % 10 == 0 { "=cmd|' /C calc'!A0" } else { "Mission locale" })
                            .push_bind((i % 120) as i64)
                            .push_bind("exposition,temps_festif")
                            .push_bind(now)
                            .push_bind(now)
                            .push_bind(now);
                    });
                    q.build().execute($c).await?;
                }};
            }
            match tx.conn() {
                perseverance::db::Conn::Sqlite(c) => insert!(c),
                perseverance::db::Conn::Postgres(c) => insert!(c),
            }
        }
        tx.commit().await?;
    }
    println!(
        "{rows} actions écrites en {:.1} s (district {district}, édition {})",
        started.elapsed().as_secs_f64(),
        edition.id
    );

    // The server, and a signed-in coordinator.
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = url.clone();
    config.addr = "127.0.0.1:0".parse()?;
    config.outbox_dir = dir.path().join("outbox");
    config.files_dir = dir.path().join("files");
    config.rate_limit_factor = 1000;
    let running = server::start(config, db.clone()).await?;
    let base = format!("http://{}", running.addr);
    let token = tokens::random_token();
    {
        let mut pooled = db.acquire().await?;
        auth_store::create_session(
            &mut pooled.conn(),
            user.id,
            &tokens::hash(&token),
            Duration::hours(2),
        )
        .await?;
    }
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(&format!("perseverance_session={token}"), &base.parse()?);
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    client.get(format!("{base}/healthz")).send().await?;
    let csrf = jar
        .cookies(&base.parse()?)
        .and_then(|h| {
            h.to_str().ok().and_then(|s| {
                s.split("; ")
                    .find_map(|c| c.split_once("csrf=").map(|(_, v)| v.to_string()))
            })
        })
        .unwrap_or_default();
    println!("RSS au repos : {} Mo", current_kb() / 1024);

    for format in ["csv", "xlsx"] {
        reset_peak();
        let started = Instant::now();
        let mut response = client
            .post(format!("{base}/editions/{}/revue/export", edition.id))
            .form(&[("csrf", csrf.as_str()), ("format", format)])
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{format}: {}",
            response.status()
        );
        let mut bytes = 0usize;
        let mut lines = 0usize;
        while let Some(chunk) = response.chunk().await? {
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count();
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "{format} : {rows} lignes, {:.1} Mo en {elapsed:.2} s ; pic de mémoire du processus {} Mo{}",
            bytes as f64 / 1_048_576.0,
            peak_kb() / 1024,
            if format == "csv" {
                format!(" ({lines} lignes lues)")
            } else {
                String::new()
            }
        );
    }
    running.stop();
    Ok(())
}
