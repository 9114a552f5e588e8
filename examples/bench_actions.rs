//! Load benchmark of the actions workflow at national scale (issue 3, « Speed »).
//!
//! ```text
//! cargo run --release --example bench_actions
//! cargo run --release --example bench_actions -- fill DATABASE_URL
//! cargo run --release --example bench_actions -- sessions DATABASE_URL
//! cargo run --release --example bench_actions -- national [DATABASE_URL]
//! ```
//!
//! `public [DATABASE_URL]` (issue 8) fills the same national dataset, lets
//! the server index it for search, and measures the public side: the
//! agenda, a page from the render cache, the catalogue search (see
//! [`public_command`]).
//!
//! `national` (issue 11) fills the national dataset (30 académies, 200,000
//! actions over 10 editions each, 150,000 bilans) and measures the
//! dashboards under 8 clients beside the static asset (see
//! [`national_command`]).
//!
//! `fill` builds the same dataset (below) in an empty database, SQLite or
//! PostgreSQL, and stops there; `sessions` opens a session for a school staff
//! member, the district coordinator and the académie coordinator of such a
//! database and prints them, with the edition's id, as shell assignments.
//! `scripts/bench-pages` uses both (page rates under `wrk`).
//!
//! Builds a fresh SQLite database in a temporary folder, fills it with bulk
//! multi-row INSERTs in one transaction (1 académie, 100 departments, 600
//! districts, 60,000 schools with valid UAIs, one open edition with two
//! questions, 20,000 complete actions of which 5,000 drafts, their answers,
//! audit trail and the grants of their owners and of a district
//! coordinator), starts the real server on 127.0.0.1:0, then measures:
//!
//! * (a) submissions: `actions::workflow::perform(Submit)` in a loop (load
//!   the action, check the deadline and the form, write, audit event, e-mail
//!   job), while the job worker writes the mails: 1,000 drafts by one
//!   submitter at a time, then 3,000 drafts by 4 submitters at once;
//! * (a') submissions over HTTP: `POST /actions/{id}/transition` by the
//!   owners (their own sessions), 8 concurrent clients, 1,000 drafts;
//! * (b) the district review list `GET /editions/{id}/revue?…` (50 lines,
//!   several filters in turn) under 16 concurrent HTTP clients for ~10 s:
//!   p50 / p95 / p99 latency and requests per second;
//! * (c) the same list for the académie coordination (every district), for
//!   information, under 4 clients;
//! * (d) the coverage dashboard of a district and of the académie, one
//!   request at a time, for information.
//!
//! Targets: ≥ 1,000 submissions/s (a); review list p99 < 20 ms (b).
//!
//! Variables: BENCH_SECONDS (10), BENCH_CLIENTS (16), BENCH_SUBMISSIONS
//! (3000), BENCH_SUBMITTERS (4), BENCH_SEQUENTIAL_SUBMISSIONS (1000),
//! BENCH_ACADEMY_CLIENTS (4),
//! BENCH_HTTP_SUBMISSIONS (1000), BENCH_NATIONAL_ACTIONS (200000: fewer to
//! see `national`/`public` finish in debug), BENCH_KEEP=1 keeps the database folder
//! (its path is printed) to study query plans with `sqlite3`; BENCH_FILLED=1
//! with that database's URL measures it again without filling it;
//! BENCH_ONLY=<a word of a case's label> measures only that case (`public`).

/// The service's allocator (`src/main.rs`): the server runs in this
/// process, so it is measured as the binary runs it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use perseverance::{
    actions::{store as actions_store, workflow},
    auth::{store as auth_store, tokens},
    config::Config,
    db::{Conn, Db},
    domain::ids::{AcademyId, ActionId, EditionId, QuestionId, UserId},
    domain::{
        Uai,
        action::{ActionState, Transition},
        declaration::{Question, QuestionKind},
        edition::{EditionCalendar, EditionState, paris_date, paris_to_utc},
    },
    editions::store::{self as editions_store, EditionValues},
    on_conn, server,
    web::CurrentUser,
};

const DEPARTMENTS: i64 = 100;
const DISTRICTS_PER_DEPARTMENT: i64 = 6;
const SCHOOLS: i64 = 60_000;
const ACTIONS: i64 = 20_000;
/// The benchmark district (the coordinator's) gets this many actions.
const BENCH_DISTRICT_ACTIONS: i64 = 240;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A value of a multi-row INSERT.
#[derive(Clone)]
enum V {
    I(i64),
    T(String),
    B(bool),
    D(NaiveDate),
    Ts(DateTime<Utc>),
    /// A missing number.
    Null,
    /// A missing timestamp (PostgreSQL types the parameter).
    NullTs,
}

/// Binds a value to a query of either engine.
macro_rules! bind_value {
    ($query:expr, $value:expr) => {
        match $value {
            V::I(v) => $query.bind(*v),
            V::T(v) => $query.bind(v.as_str()),
            V::B(v) => $query.bind(*v),
            V::D(v) => $query.bind(*v),
            V::Ts(v) => $query.bind(*v),
            V::Null => $query.bind(None::<i64>),
            V::NullTs => $query.bind(None::<DateTime<Utc>>),
        }
    };
}

/// `INSERT INTO table (columns) VALUES (…), (…)…` by chunks of 500 rows.
async fn insert(
    conn: &mut Conn<'_>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(500) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            assert_eq!(row.len(), columns.len(), "{table}");
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..row.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if c == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        on_conn!(conn, |c| {
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    query = bind_value!(query, value);
                }
            }
            query.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// xorshift64*: deterministic spreading of the actions over the schools.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const TITLES: [&str; 10] = [
    "Forum des métiers",
    "Café des parents",
    "Exposition des projets d'élèves",
    "Rencontre avec d'anciens élèves",
    "Journée portes ouvertes du dispositif relais",
    "Atelier estime de soi",
    "Tournoi sportif inter-classes",
    "Témoignages vidéo : mon parcours",
    "Petit-déjeuner de la persévérance",
    "Concours d'affiches : vernissage",
];
const PATRONS: [&str; 8] = [
    "Jean Moulin",
    "Louise Michel",
    "Victor Hugo",
    "Marie Curie",
    "Aimé Césaire",
    "Simone Veil",
    "Lucie Aubrac",
    "Jacques Prévert",
];
const AUDIENCES: [&str; 5] = [
    "eleves",
    "eleves,parents",
    "parents",
    "eleves,personnels",
    "personnels,partenaires",
];
const SHOWCASES: [&str; 4] = [
    "exposition",
    "temps-festif,reportage-photo",
    "evenement-etablissement",
    "temoignages-video,evenement-district",
];

/// What the fill made, for the measurements.
struct Fixture {
    edition: perseverance::domain::EditionId,
    coordinator: i64,
    academy_coordinator: i64,
    /// Drafts (id, owner) in id order.
    drafts: Vec<(i64, i64)>,
    /// A UAI of the benchmark district, for the school filter.
    uai: String,
}

/// Fills an empty, migrated database (either engine) with the benchmark's
/// dataset. Deterministic but for the dates, which follow today's (the
/// edition is open, its deadline 30 days ahead).
async fn fill(db: &Db) -> anyhow::Result<Fixture> {
    let now = Utc::now();
    let today = paris_date(now);
    let week_start = today + chrono::Duration::days(60);
    let calendar = EditionCalendar {
        week_start,
        week_end: week_start + chrono::Duration::days(4),
        declaration_deadline: paris_to_utc(
            today + chrono::Duration::days(30),
            NaiveTime::from_hms_opt(23, 59, 0).expect("a time"),
        ),
        bilan_deadline: week_start + chrono::Duration::days(64),
    };
    let mut tx = db.begin().await?;
    insert(
        &mut tx.conn(),
        "academies",
        &["id", "code", "slug", "name", "email_domains", "created_at"],
        &[vec![
            V::I(1),
            V::T("99".into()),
            V::T("banc-d-essai".into()),
            V::T("Banc d'essai".into()),
            V::T(String::new()),
            V::Ts(now),
        ]],
    )
    .await?;
    let departments: Vec<Vec<V>> = (1..=DEPARTMENTS)
        .map(|d| {
            vec![
                V::I(d),
                V::I(1),
                V::T(format!("B{d:03}")),
                V::T(format!("Département {d}")),
            ]
        })
        .collect();
    insert(
        &mut tx.conn(),
        "departments",
        &["id", "academy_id", "code", "name"],
        &departments,
    )
    .await?;
    let district_count = DEPARTMENTS * DISTRICTS_PER_DEPARTMENT;
    let districts: Vec<Vec<V>> = (1..=district_count)
        .map(|k| {
            let department = (k - 1) / DISTRICTS_PER_DEPARTMENT + 1;
            vec![
                V::I(k),
                V::I(department),
                V::T(format!(
                    "District {department}-{}",
                    (k - 1) % DISTRICTS_PER_DEPARTMENT + 1
                )),
            ]
        })
        .collect();
    insert(
        &mut tx.conn(),
        "districts",
        &["id", "department_id", "name"],
        &districts,
    )
    .await?;
    let per_district = SCHOOLS / district_count;
    let kinds = [
        ("college", "Collège"),
        ("lycee", "Lycée"),
        ("lp", "Lycée professionnel"),
    ];
    let schools: Vec<Vec<V>> = (0..SCHOOLS)
        .map(|i| {
            let district = i / per_district + 1;
            let department = (district - 1) / DISTRICTS_PER_DEPARTMENT + 1;
            let (kind, label) = kinds[(i % 3) as usize];
            vec![
                V::I(i + 1),
                V::T(Uai::from_number(1_000_000 + i as u32).as_str().to_string()),
                V::T(format!(
                    "{label} {} ({i})",
                    PATRONS[(i % PATRONS.len() as i64) as usize]
                )),
                V::T(kind.into()),
                V::T("public".into()),
                V::T(format!("Commune {district}")),
                V::T(format!("{:05}", 10_000 + department * 10)),
                V::I(1),
                V::I(department),
                V::I(district),
                V::B(true),
                V::Ts(now),
            ]
        })
        .collect();
    insert(
        &mut tx.conn(),
        "schools",
        &[
            "id",
            "uai",
            "name",
            "kind",
            "sector",
            "commune",
            "postal_code",
            "academy_id",
            "department_id",
            "district_id",
            "is_open",
            "updated_at",
        ],
        &schools,
    )
    .await?;
    let uai = match &schools[5][1] {
        V::T(uai) => uai.clone(),
        _ => unreachable!(),
    };
    drop(schools);

    // The actions' schools: the first ones in the benchmark district (its 100
    // schools), the others spread over the map.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let school_of: Vec<i64> = (0..ACTIONS)
        .map(|k| {
            if k < BENCH_DISTRICT_ACTIONS {
                k % per_district + 1
            } else {
                (rng.next() % SCHOOLS as u64) as i64 + 1
            }
        })
        .collect();
    // One owner per school with actions (users 3…), a coordinator of district
    // 1 (user 1) and an académie coordinator (user 2).
    let mut owner_of_school: HashMap<i64, i64> = HashMap::new();
    for school in &school_of {
        let next = owner_of_school.len() as i64 + 3;
        owner_of_school.entry(*school).or_insert(next);
    }
    let mut users = vec![
        vec![
            V::I(1),
            V::T("coordination.district@bench.test".into()),
            V::T(String::new()),
            V::Ts(now),
        ],
        vec![
            V::I(2),
            V::T("coordination.academique@bench.test".into()),
            V::T(String::new()),
            V::Ts(now),
        ],
    ];
    let mut grants = vec![
        vec![
            V::I(1),
            V::T("district_coordinator".into()),
            V::T("district".into()),
            V::I(1),
            V::Ts(now),
        ],
        vec![
            V::I(2),
            V::T("academy_coordinator".into()),
            V::T("academy".into()),
            V::I(1),
            V::Ts(now),
        ],
    ];
    let mut owners: Vec<(i64, i64)> = owner_of_school.iter().map(|(s, u)| (*u, *s)).collect();
    owners.sort_unstable();
    for (user, school) in &owners {
        users.push(vec![
            V::I(*user),
            V::T(format!("porteur.{user}@bench.test")),
            V::T(String::new()),
            V::Ts(now),
        ]);
        grants.push(vec![
            V::I(*user),
            V::T("staff".into()),
            V::T("school".into()),
            V::I(*school),
            V::Ts(now),
        ]);
    }
    insert(
        &mut tx.conn(),
        "users",
        &["id", "email", "display_name", "created_at"],
        &users,
    )
    .await?;
    insert(
        &mut tx.conn(),
        "role_grants",
        &["user_id", "role", "scope_kind", "scope_id", "created_at"],
        &grants,
    )
    .await?;
    tx.commit().await?;

    // The edition and its questions, through the store.
    let mut tx = db.begin().await?;
    let values = EditionValues {
        year: i64::from(week_start.year()),
        number: 11,
        theme: "La persévérance, un projet collectif".into(),
        calendar,
        circular: String::new(),
        contact_email: "ce.saio@bench.test".into(),
        reminder_days: "14 7 2".into(),
    };
    let edition =
        editions_store::insert_edition(&mut tx.conn(), AcademyId(1), &values, None).await?;
    let poster = editions_store::add_question(
        &mut tx.conn(),
        edition,
        &Question {
            id: QuestionId(0),
            kind: QuestionKind::YesNo,
            label: "Participez-vous au concours d'affiches ?".into(),
            help: String::new(),
            required: true,
            options: Vec::new(),
        },
    )
    .await?;
    editions_store::add_question(
        &mut tx.conn(),
        edition,
        &Question {
            id: QuestionId(0),
            kind: QuestionKind::ShortText,
            label: "Partenaire principal".into(),
            help: String::new(),
            required: false,
            options: Vec::new(),
        },
    )
    .await?;
    tx.commit().await?;
    editions_store::set_edition_state(&mut db.acquire().await?.conn(), edition, EditionState::Open)
        .await?;

    // The actions: complete, so that drafts can be submitted.
    let mut actions = Vec::with_capacity(ACTIONS as usize);
    let mut answers = Vec::with_capacity(ACTIONS as usize);
    let mut events = Vec::new();
    let mut drafts = Vec::new();
    for k in 0..ACTIONS {
        let id = k + 1;
        let school = school_of[k as usize];
        let owner = owner_of_school[&school];
        let state = match k % 4 {
            0 => ActionState::Draft,
            1 => ActionState::Submitted,
            2 => ActionState::Validated,
            _ if k % 8 == 3 => ActionState::ChangesRequested,
            _ => ActionState::Declined,
        };
        let path: &[ActionState] = match state {
            ActionState::Draft => &[],
            ActionState::Submitted => &[ActionState::Submitted],
            ActionState::Validated => &[ActionState::Submitted, ActionState::Validated],
            ActionState::ChangesRequested => {
                &[ActionState::Submitted, ActionState::ChangesRequested]
            }
            ActionState::Declined => &[ActionState::Submitted, ActionState::Declined],
        };
        if state == ActionState::Draft {
            drafts.push((id, owner));
        }
        let title = format!("{} — {}", TITLES[(k % 10) as usize], k);
        let starts_on = week_start + chrono::Duration::days((k / 7) % 5);
        actions.push(vec![
            V::I(id),
            V::I(edition.0),
            V::I(school),
            V::Null,
            V::I(owner),
            V::T(state.code().into()),
            V::I(2 + path.len() as i64),
            V::T(title.clone()),
            V::T(format!("{title} : un temps fort pour raccrocher les élèves.")),
            V::T("Les élèves préparent l'évènement avec l'équipe éducative ; d'anciens élèves témoignent de leur parcours, les familles sont invitées.".into()),
            V::T(format!("Porteur {owner}")),
            V::T(["CPE", "Professeur principal", "Référent décrochage", "Chef d'établissement"][(k % 4) as usize].into()),
            V::T("L'équipe de vie scolaire".into()),
            V::T(AUDIENCES[((k / 5) % 5) as usize].into()),
            V::T(["3e", "4e,3e", "2de", "cap"][((k / 3) % 4) as usize].into()),
            V::T(["aucun", "relais", "mlds", "ulis"][((k / 11) % 4) as usize].into()),
            V::B(false),
            V::D(starts_on),
            V::T("14:00".into()),
            V::T("16:00".into()),
            V::T("CDI".into()),
            V::T("Mission locale".into()),
            V::I(20 + k % 80),
            V::T(SHOWCASES[((k / 13) % 4) as usize].into()),
            V::T(String::new()),
            if path.is_empty() { V::NullTs } else { V::Ts(now) },
            V::Ts(now),
            V::Ts(now),
        ]);
        answers.push(vec![
            V::I(id),
            V::I(poster.0),
            V::T(if k % 2 == 0 { "oui" } else { "non" }.into()),
        ]);
        let mut from = ActionState::Draft;
        for to in path {
            let by = if *to == ActionState::Submitted {
                owner
            } else {
                1
            };
            events.push(vec![
                V::I(id),
                V::I(by),
                V::T(from.code().into()),
                V::T(to.code().into()),
                V::T(String::new()),
                V::Ts(now),
            ]);
            from = *to;
        }
    }
    let mut tx = db.begin().await?;
    insert(
        &mut tx.conn(),
        "actions",
        &[
            "id",
            "edition_id",
            "school_id",
            "district_id",
            "owner_user_id",
            "state",
            "version",
            "title",
            "summary",
            "description",
            "owner_name",
            "owner_role",
            "people_involved",
            "audiences",
            "levels",
            "scheme",
            "before_week",
            "starts_on",
            "start_time",
            "end_time",
            "place",
            "partners",
            "expected_participants",
            "showcase_kinds",
            "showcase_other",
            "submitted_at",
            "created_at",
            "updated_at",
        ],
        &actions,
    )
    .await?;
    insert(
        &mut tx.conn(),
        "action_answers",
        &["action_id", "question_id", "value"],
        &answers,
    )
    .await?;
    insert(
        &mut tx.conn(),
        "action_events",
        &[
            "action_id",
            "user_id",
            "from_state",
            "to_state",
            "comment",
            "at",
        ],
        &events,
    )
    .await?;
    tx.commit().await?;
    if let Db::Postgres(pool) = db {
        // The rows above carry their ids: move the identity sequences past them.
        for table in [
            "academies",
            "departments",
            "districts",
            "schools",
            "users",
            "role_grants",
            "actions",
            "action_events",
        ] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(pool)
            .await?;
        }
    }
    Ok(Fixture {
        edition,
        coordinator: 1,
        academy_coordinator: 2,
        drafts,
        uai,
    })
}

/// The signed-in person, as the session extractor builds it.
async fn current_user(db: &Db, user_id: UserId) -> anyhow::Result<CurrentUser> {
    let user = auth_store::user_by_id(&mut db.acquire().await?.conn(), user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user {user_id}"))?;
    let rows = auth_store::grants_of(&mut db.acquire().await?.conn(), user_id).await?;
    Ok(CurrentUser::new(user, rows))
}

/// The cookies of a signed-in browser: a session (the row is written
/// directly) and the anti-forgery token the site gave it.
async fn session_cookie(db: &Db, user_id: UserId) -> anyhow::Result<String> {
    let token = tokens::random_token();
    auth_store::create_session(
        &mut db.acquire().await?.conn(),
        user_id,
        &tokens::hash(&token),
        chrono::Duration::hours(12),
    )
    .await?;
    // The anti-forgery token is bound to the session.
    Ok(format!(
        "perseverance_session={token}; perseverance_csrf={}",
        perseverance::web::csrf::for_session(&token)
    ))
}

/// Submits the drafts through `workflow::perform` with `tasks` submitters
/// taking the next draft from a shared queue: (count, elapsed, latencies).
async fn submit_all(
    state: &perseverance::web::AppState,
    users: &Arc<HashMap<i64, CurrentUser>>,
    batch: Vec<(i64, i64)>,
    tasks: usize,
) -> anyhow::Result<(usize, Duration, Vec<Duration>)> {
    let count = batch.len();
    let queue = Arc::new(std::sync::Mutex::new(batch.into_iter()));
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (state, users, queue) = (state.clone(), users.clone(), queue.clone());
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let next = queue.lock().expect("the queue").next();
                let Some((id, owner)) = next else {
                    break;
                };
                let t = Instant::now();
                let action = actions_store::action_by_id(
                    &mut state.db.acquire().await?.conn(),
                    ActionId(id),
                )
                .await?
                .ok_or_else(|| anyhow::anyhow!("no action {id}"))?;
                let to = workflow::perform(
                    &state,
                    &users[&owner],
                    &action,
                    Transition::Submit,
                    "",
                    action.version,
                )
                .await
                .map_err(|e| anyhow::anyhow!("submitting {id}: {e}"))?;
                anyhow::ensure!(
                    to == workflow::Outcome::Moved(ActionState::Submitted),
                    "action {id} is {to:?}"
                );
                latencies.push(t.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(count);
    for handle in handles {
        latencies.extend(handle.await??);
    }
    Ok((count, start.elapsed(), latencies))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Latencies of a closed loop of `clients` clients fetching `urls` in turn.
async fn load(
    base: &str,
    cookie: &str,
    urls: &[String],
    clients: usize,
    seconds: u64,
) -> anyhow::Result<(Vec<Duration>, Duration, usize)> {
    let urls = Arc::new(urls.to_vec());
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let urls = urls.clone();
        let base = base.to_string();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::COOKIE, cookie.parse()?);
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut i = c;
            while Instant::now() < until {
                let url = format!("{base}{}", urls[i % urls.len()]);
                i += 1;
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (latencies, e) = task.await?;
        all.extend(latencies);
        errors += e;
    }
    let elapsed = start.elapsed();
    all.sort_unstable();
    Ok((all, elapsed, errors))
}

fn report(label: &str, latencies: &[Duration], elapsed: Duration, errors: usize, clients: usize) {
    let count = latencies.len();
    println!(
        "{label}: {count} requêtes en {:.1} s, {clients} clients : {:.0} req/s ; p50 {} ; p95 {} ; p99 {} ; max {} ; erreurs {errors}",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 95.0)),
        ms(percentile(latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => benchmark().await,
        ["fill", url] => fill_command(url).await,
        ["sessions", url] => sessions_command(url).await,
        ["national"] => national_command(None).await,
        ["public"] => public_command(None).await,
        ["public", url] => public_command(Some(url)).await,
        ["national", url] => national_command(Some(url)).await,
        _ => anyhow::bail!(
            "usage: bench_actions [fill DATABASE_URL | sessions DATABASE_URL | national [DATABASE_URL]]"
        ),
    }
}

/// Connects to the database (`sqlite://…` or `postgres://…`) and migrates it.
async fn open(url: &str) -> anyhow::Result<Db> {
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = url.to_string();
    server::open_db(&config).await
}

/// `fill URL`: the dataset, in an empty database.
async fn fill_command(url: &str) -> anyhow::Result<()> {
    let db = open(url).await?;
    let academies: i64 = on_conn!(db.acquire().await?.conn(), |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM academies"
    )
    .fetch_one(pool)
    .await)?;
    anyhow::ensure!(
        academies == 0,
        "the database is not empty ({academies} académies)"
    );
    let t = Instant::now();
    let fixture = fill(&db).await?;
    println!(
        "Base remplie en {:.1} s : 1 académie, {DEPARTMENTS} départements, {} districts, {SCHOOLS} établissements, {ACTIONS} actions ({} brouillons), 1 édition ouverte (id {})",
        t.elapsed().as_secs_f64(),
        DEPARTMENTS * DISTRICTS_PER_DEPARTMENT,
        fixture.drafts.len(),
        fixture.edition,
    );
    db.close().await;
    Ok(())
}

/// `sessions URL`: signs in a school staff member (the owner of the first
/// action, in the coordinator's district), the district coordinator and the
/// académie coordinator of a filled database, and prints their cookies and
/// the edition's id as shell assignments (`BENCH_…=…`).
async fn sessions_command(url: &str) -> anyhow::Result<()> {
    let db = open(url).await?;
    let (edition, schools, actions): (i64, i64, i64) = on_conn!(
        db.acquire().await?.conn(),
        |pool| {
            sqlx::query_as(
        "SELECT (SELECT MIN(id) FROM editions), (SELECT COUNT(*) FROM schools), (SELECT COUNT(*) FROM actions)"
    )
    .fetch_one(pool)
    .await
        }
    )?;
    let staff: i64 = on_conn!(db.acquire().await?.conn(), |pool| sqlx::query_scalar(
        "SELECT owner_user_id FROM actions ORDER BY id LIMIT 1"
    )
    .fetch_one(pool)
    .await)?;
    let public = public_page(&db, EditionId(edition)).await?;
    println!("BENCH_PUBLIC={public}");
    println!("BENCH_EDITION={edition}");
    println!("BENCH_SCHOOLS={schools}");
    println!("BENCH_ACTIONS={actions}");
    for (name, user) in [("STAFF", staff), ("DISTRICT", 1), ("ACADEMY", 2)] {
        let cookie = session_cookie(&db, UserId(user)).await?;
        println!("BENCH_COOKIE_{name}='{cookie}'");
    }
    db.close().await;
    Ok(())
}

/// The address of the edition's public page (issue 10), after giving the
/// edition six rendez-vous (the 2024 note's six Wednesdays) if it has none.
async fn public_page(db: &Db, edition: EditionId) -> anyhow::Result<String> {
    use perseverance::meetings::store::{self as meetings_store, MeetingValues};
    let mut pool = db.acquire().await?;
    let conn = &mut pool.conn();
    let found = editions_store::edition_by_id(conn, edition)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no edition {edition}"))?;
    if meetings_store::meetings_of(conn, edition).await?.is_empty() {
        for week in 0..6 {
            let date = found.week_start - chrono::Duration::days(36 - 7 * week);
            let values = MeetingValues {
                starts_at: perseverance::domain::edition::paris_to_utc(
                    date,
                    NaiveTime::from_hms_opt(14, 0, 0).expect("14:00"),
                ),
                duration_minutes: 90,
                topic: format!("Rendez-vous de la persévérance n° {}", week + 1),
                description: "Une séance en ligne pour les **référents** décrochage scolaire."
                    .into(),
                speakers: "Pôle persévérance (SAIO)".into(),
                visio_url: "https://webconf.example.fr/b/rdv".into(),
                link_opens_minutes: 30,
                capacity: 200,
                materials: String::new(),
            };
            meetings_store::insert_meeting(conn, edition, &values).await?;
        }
    }
    let academy = perseverance::map::store::academy_by_id(conn, found.academy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no académie"))?;
    Ok(format!("/a/{}/editions/{}", academy.slug, found.year))
}

/// The issue 3 benchmark (no arguments).
async fn benchmark() -> anyhow::Result<()> {
    let seconds = env_number("BENCH_SECONDS", 10);
    let clients = env_number("BENCH_CLIENTS", 16) as usize;
    let academy_clients = env_number("BENCH_ACADEMY_CLIENTS", 4) as usize;
    let submissions = env_number("BENCH_SUBMISSIONS", 3000) as usize;
    let submitters = env_number("BENCH_SUBMITTERS", 4).max(1) as usize;
    let sequential_submissions = env_number("BENCH_SEQUENTIAL_SUBMISSIONS", 1000) as usize;
    let http_submissions = env_number("BENCH_HTTP_SUBMISSIONS", 1000) as usize;

    let dir = tempfile::tempdir()?;
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    config.addr = "127.0.0.1:0".parse()?;
    config.outbox_dir = dir.path().join("outbox");
    let db = server::open_db(&config).await?;

    let t = Instant::now();
    let fixture = fill(&db).await?;
    println!(
        "Base remplie en {:.1} s : 1 académie, {DEPARTMENTS} départements, {} districts, {SCHOOLS} établissements, {ACTIONS} actions ({} brouillons), 1 édition ouverte",
        t.elapsed().as_secs_f64(),
        DEPARTMENTS * DISTRICTS_PER_DEPARTMENT,
        fixture.drafts.len()
    );
    let running = server::start(config, db.clone()).await?;
    let state = running.state.clone();
    let base = format!("http://{}", running.addr);

    // (a) Submissions through the workflow service: first one submitter at
    // a time (latency-bound: each query waits for SQLite's thread), then
    // several at once, as schools do near the deadline.
    let mut drafts = fixture.drafts.iter().copied();
    let sequential: Vec<(i64, i64)> = drafts.by_ref().take(sequential_submissions).collect();
    let concurrent: Vec<(i64, i64)> = drafts.by_ref().take(submissions).collect();
    let mut users: HashMap<i64, CurrentUser> = HashMap::new();
    for (_, owner) in sequential.iter().chain(&concurrent) {
        if !users.contains_key(owner) {
            users.insert(*owner, current_user(&db, UserId(*owner)).await?);
        }
    }
    let users = Arc::new(users);
    for (label, batch, tasks) in [
        ("1 soumetteur à la fois", sequential, 1),
        ("soumetteurs simultanés", concurrent, submitters),
    ] {
        if batch.is_empty() {
            continue;
        }
        let (count, elapsed, mut latencies) = submit_all(&state, &users, batch, tasks).await?;
        latencies.sort_unstable();
        println!(
            "(a) Soumissions (workflow::perform, chargement de l'action compris), {label} ({tasks}) : {count} en {:.3} s = {:.0} soumissions/s ; p50 {} ; p99 {} (objectif ≥ 1 000/s)",
            elapsed.as_secs_f64(),
            count as f64 / elapsed.as_secs_f64(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
        );
    }

    // (a') Submissions over HTTP, by the owners themselves.
    let http_batch: Vec<(i64, i64)> = drafts.take(http_submissions).collect();
    if !http_batch.is_empty() {
        let mut jobs = Vec::new();
        for (id, owner) in &http_batch {
            let cookie = session_cookie(&db, UserId(*owner)).await?;
            let csrf = cookie
                .split("; ")
                .find_map(|c| c.strip_prefix("perseverance_csrf="))
                .unwrap_or_default()
                .to_string();
            let version =
                actions_store::action_by_id(&mut db.acquire().await?.conn(), ActionId(*id))
                    .await?
                    .map(|a| a.version)
                    .unwrap_or_default();
            jobs.push((*id, cookie, csrf, version));
        }
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        let t = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let jobs = jobs.clone();
            let base = base.clone();
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                loop {
                    let Some((id, cookie, csrf, version)) = jobs.lock().unwrap().pop() else {
                        break;
                    };
                    let started = Instant::now();
                    let response = client
                        .post(format!("{base}/actions/{id}/transition"))
                        .header(reqwest::header::COOKIE, cookie)
                        .form(&[
                            ("csrf", csrf.as_str()),
                            ("transition", "submit"),
                            ("version", &version.to_string()),
                            ("comment", ""),
                        ])
                        .send()
                        .await;
                    match response {
                        Ok(r) if r.status() == reqwest::StatusCode::SEE_OTHER => {
                            latencies.push(started.elapsed())
                        }
                        _ => failures += 1,
                    }
                }
                (latencies, failures)
            }));
        }
        let mut latencies = Vec::new();
        let mut failures = 0;
        for task in tasks {
            let (l, f) = task.await?;
            latencies.extend(l);
            failures += f;
        }
        let elapsed = t.elapsed();
        latencies.sort_unstable();
        println!(
            "(a') Soumissions HTTP (POST /actions/{{id}}/transition, 8 clients) : {} en {:.3} s = {:.0} soumissions/s ; p50 {} ; p99 {} ; échecs {failures}",
            latencies.len(),
            elapsed.as_secs_f64(),
            latencies.len() as f64 / elapsed.as_secs_f64(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
        );
    }
    if let Db::Sqlite(pool) = &db {
        let (mails, events, submitted): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE kind = 'mail'), (SELECT COUNT(*) FROM action_events),
                    (SELECT COUNT(*) FROM actions WHERE state = 'submitted')",
        )
        .fetch_one(pool)
        .await?;
        println!(
            "    contrôle : {mails} courriels en file, {events} évènements d'audit, {submitted} actions soumises"
        );
        // The job worker writes the mails meanwhile; let it finish so that the
        // review list is measured on a quiet server.
        let t = Instant::now();
        loop {
            let pending: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
                    .fetch_one(pool)
                    .await?;
            if pending == 0 || t.elapsed() > Duration::from_secs(120) {
                println!(
                    "    file des courriels vidée par le worker {:.1} s après la fin des soumissions (restant : {pending})",
                    t.elapsed().as_secs_f64()
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // (b) The district review list.
    let edition = fixture.edition;
    let list = |query: &str| format!("/editions/{edition}/revue{query}");
    let urls = vec![
        list(""),
        list("?etat=submitted"),
        list("?public=parents"),
        list("?q=forum"),
        list("?tri=desc&page=2"),
        list(&format!("?etablissement={}", fixture.uai)),
        list("?etat=validated&public=eleves&tri=desc"),
        list("?q=%C3%A9l%C3%A8ves&page=3"),
    ];
    let cookie = session_cookie(&db, UserId(fixture.coordinator)).await?;
    let probe = reqwest::Client::new()
        .get(format!("{base}{}", urls[0]))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await?;
    anyhow::ensure!(
        probe.status().is_success(),
        "review list: {}",
        probe.status()
    );
    let html = probe.text().await?;
    let lines = html.matches("name=\"ids\"").count();
    let total = html
        .find(" actions transmises")
        .map(|end| {
            html[..end]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        })
        .unwrap_or_else(|| "?".into());
    println!(
        "(b) Liste de revue du district : {lines} lignes par page ({total} actions transmises dans le district)"
    );
    // Warm-up, then the measure.
    load(&base, &cookie, &urls, clients, 1).await?;
    let (latencies, elapsed, errors) = load(&base, &cookie, &urls, clients, seconds).await?;
    report(
        "(b) GET /editions/{id}/revue?… (district)",
        &latencies,
        elapsed,
        errors,
        clients,
    );
    let p99 = percentile(&latencies, 99.0);
    println!(
        "    objectif p99 < 20 ms : {}",
        if p99 < Duration::from_millis(20) {
            "atteint"
        } else {
            "NON ATTEINT"
        }
    );

    // (c) The same list for the académie coordination (every district), for
    // information: a few coordinators at once.
    let academy_cookie = session_cookie(&db, UserId(fixture.academy_coordinator)).await?;
    let urls = vec![
        list(""),
        list("?etat=submitted"),
        list("?public=parents&tri=desc"),
        list("?district=7"),
    ];
    let (latencies, elapsed, errors) = load(
        &base,
        &academy_cookie,
        &urls,
        academy_clients,
        (seconds / 2).max(1),
    )
    .await?;
    report(
        "(c) GET /editions/{id}/revue?… (académie, 20 000 actions)",
        &latencies,
        elapsed,
        errors,
        academy_clients,
    );

    // (d) The coverage dashboard, one request at a time, for information.
    let client = reqwest::Client::new();
    for (label, cookie) in [("district", &cookie), ("académie", &academy_cookie)] {
        let mut times = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let response = client
                .get(format!("{base}/editions/{edition}/tableau-de-bord"))
                .header(reqwest::header::COOKIE, cookie.as_str())
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "dashboard: {}",
                response.status()
            );
            response.bytes().await?;
            times.push(t.elapsed());
        }
        times.sort_unstable();
        println!(
            "(d) GET /editions/{{id}}/tableau-de-bord ({label}) : médiane {} ; max {} (7 requêtes, une à la fois)",
            ms(percentile(&times, 50.0)),
            ms(times[times.len() - 1]),
        );
    }

    running.stop();
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = dir.keep();
        println!("Base gardée : {}", kept.join("bench.db").display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The national dataset and the dashboards (issue 11, « Speed »).
// ---------------------------------------------------------------------------

const NATIONAL_ACADEMIES: i64 = 30;
const NATIONAL_EDITIONS: i64 = 10;
const NATIONAL_ACTIONS: i64 = 200_000;
const NATIONAL_BILANS: i64 = 150_000;
const FIRST_YEAR: i64 = 2016;

/// Fills an empty database with the national dataset: 30 académies, 100
/// departments (department d in académie (d-1) % 30 + 1), 600 districts,
/// 60,000 schools, 10 editions per académie (2016–2025, 3 questionnaire
/// questions each), 200,000 actions spread over the 300 editions (80 %
/// validated), 150,000 bilans (95 % submitted) with their answers; the
/// coordinator of district 1, the académie coordinator of académie 1
/// (users 1, 2), the platform administrator (user 3), one owner per
/// académie (users 10…). Deterministic.
async fn fill_national(db: &Db) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let c = &mut tx.conn();
    let academies: Vec<Vec<V>> = (1..=NATIONAL_ACADEMIES)
        .map(|a| {
            vec![
                V::I(a),
                V::T(format!("{}", 100 + a)),
                V::T(format!("academie-{a}")),
                V::T(format!("Académie {a}")),
                V::T(String::new()),
                V::Ts(now),
            ]
        })
        .collect();
    insert(
        c,
        "academies",
        &["id", "code", "slug", "name", "email_domains", "created_at"],
        &academies,
    )
    .await?;
    let academy_of_department = |d: i64| (d - 1) % NATIONAL_ACADEMIES + 1;
    let departments: Vec<Vec<V>> = (1..=DEPARTMENTS)
        .map(|d| {
            vec![
                V::I(d),
                V::I(academy_of_department(d)),
                V::T(format!("N{d:03}")),
                V::T(format!("Département {d}")),
            ]
        })
        .collect();
    insert(
        c,
        "departments",
        &["id", "academy_id", "code", "name"],
        &departments,
    )
    .await?;
    let district_count = DEPARTMENTS * DISTRICTS_PER_DEPARTMENT;
    let districts: Vec<Vec<V>> = (1..=district_count)
        .map(|k| {
            let department = (k - 1) / DISTRICTS_PER_DEPARTMENT + 1;
            vec![V::I(k), V::I(department), V::T(format!("District {k}"))]
        })
        .collect();
    insert(c, "districts", &["id", "department_id", "name"], &districts).await?;
    let per_district = SCHOOLS / district_count;
    let kinds = ["college", "lycee", "lp"];
    let mut schools_of_academy: HashMap<i64, Vec<i64>> = HashMap::new();
    let schools: Vec<Vec<V>> = (0..SCHOOLS)
        .map(|i| {
            let district = i / per_district + 1;
            let department = (district - 1) / DISTRICTS_PER_DEPARTMENT + 1;
            let academy = academy_of_department(department);
            schools_of_academy.entry(academy).or_default().push(i + 1);
            vec![
                V::I(i + 1),
                V::T(Uai::from_number(2_000_000 + i as u32).as_str().to_string()),
                V::T(format!("Établissement {}", i + 1)),
                V::T(kinds[(i % 3) as usize].into()),
                V::T("public".into()),
                V::T(format!("Commune {district}")),
                V::T(format!("{:05}", 10_000 + department * 10)),
                V::I(academy),
                V::I(department),
                V::I(district),
                V::B(true),
                V::Ts(now),
            ]
        })
        .collect();
    insert(
        c,
        "schools",
        &[
            "id",
            "uai",
            "name",
            "kind",
            "sector",
            "commune",
            "postal_code",
            "academy_id",
            "department_id",
            "district_id",
            "is_open",
            "updated_at",
        ],
        &schools,
    )
    .await?;
    drop(schools);
    let mut users = vec![
        vec![
            V::I(1),
            V::T("coordination.district@national.test".into()),
            V::T(String::new()),
            V::Ts(now),
        ],
        vec![
            V::I(2),
            V::T("coordination.academique@national.test".into()),
            V::T(String::new()),
            V::Ts(now),
        ],
        vec![
            V::I(3),
            V::T("admin@national.test".into()),
            V::T(String::new()),
            V::Ts(now),
        ],
    ];
    users.extend((1..=NATIONAL_ACADEMIES).map(|a| {
        vec![
            V::I(9 + a),
            V::T(format!("porteur.{a}@national.test")),
            V::T(String::new()),
            V::Ts(now),
        ]
    }));
    insert(
        c,
        "users",
        &["id", "email", "display_name", "created_at"],
        &users,
    )
    .await?;
    let grants = vec![
        vec![
            V::I(1),
            V::T("district_coordinator".into()),
            V::T("district".into()),
            V::I(1),
            V::Ts(now),
        ],
        vec![
            V::I(2),
            V::T("academy_coordinator".into()),
            V::T("academy".into()),
            V::I(1),
            V::Ts(now),
        ],
        vec![
            V::I(3),
            V::T("admin".into()),
            V::T("platform".into()),
            V::I(0),
            V::Ts(now),
        ],
    ];
    insert(
        c,
        "role_grants",
        &["user_id", "role", "scope_kind", "scope_id", "created_at"],
        &grants,
    )
    .await?;

    // 300 editions: id (a-1)*10 + (year-2016) + 1, their weeks in April.
    let mut editions = Vec::new();
    let mut questions = Vec::new();
    for a in 1..=NATIONAL_ACADEMIES {
        for y in 0..NATIONAL_EDITIONS {
            let id = (a - 1) * NATIONAL_EDITIONS + y + 1;
            let year = FIRST_YEAR + y;
            let start = NaiveDate::from_ymd_opt(year as i32, 4, 6).expect("a date");
            editions.push(vec![
                V::I(id),
                V::I(a),
                V::I(year),
                V::I(y + 1),
                V::T("La persévérance".into()),
                V::D(start),
                V::D(start + chrono::Duration::days(4)),
                V::Ts(paris_to_utc(
                    start - chrono::Duration::days(20),
                    NaiveTime::from_hms_opt(23, 59, 0).expect("a time"),
                )),
                V::D(NaiveDate::from_ymd_opt(year as i32, 6, 30).expect("a date")),
                V::T("ce.saio@national.test".into()),
                V::T("open".into()),
                V::Ts(now),
                V::Ts(now),
            ]);
            for (q, (kind, label)) in [
                ("scale", "Les élèves se sont-ils sentis acteurs ?"),
                ("scale", "Le lien avec les familles est-il renforcé ?"),
                ("text", "Une parole d'élève"),
            ]
            .iter()
            .enumerate()
            {
                questions.push(vec![
                    V::I(id * 3 + q as i64),
                    V::I(id),
                    V::I(q as i64 + 1),
                    V::T((*kind).into()),
                    V::T((*label).into()),
                    V::B(true),
                ]);
            }
        }
    }
    insert(
        c,
        "editions",
        &[
            "id",
            "academy_id",
            "year",
            "number",
            "theme",
            "week_start",
            "week_end",
            "declaration_deadline",
            "bilan_deadline",
            "contact_email",
            "state",
            "created_at",
            "updated_at",
        ],
        &editions,
    )
    .await?;
    insert(
        c,
        "bilan_questions",
        &["id", "edition_id", "position", "kind", "label", "required"],
        &questions,
    )
    .await?;

    // 200,000 actions over the 300 editions; the benchmark district (1)
    // gets its share of académie 1's.
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let edition_count = NATIONAL_ACADEMIES * NATIONAL_EDITIONS;
    let mut actions = Vec::new();
    let mut bilans = Vec::new();
    let mut answers = Vec::new();
    // BENCH_NATIONAL_ACTIONS (200,000) shrinks the dataset to see a run
    // finish in debug; the bilans stay three quarters of the actions.
    let national_actions = env_number("BENCH_NATIONAL_ACTIONS", NATIONAL_ACTIONS as u64) as i64;
    let mut bilans_left = NATIONAL_BILANS * national_actions / NATIONAL_ACTIONS;
    for k in 0..national_actions {
        let edition = k % edition_count + 1;
        let academy = (edition - 1) / NATIONAL_EDITIONS + 1;
        let year = FIRST_YEAR + (edition - 1) % NATIONAL_EDITIONS;
        let schools = &schools_of_academy[&academy];
        let school = schools[(rng.next() % schools.len() as u64) as usize];
        let roll = rng.next() % 100;
        let state = match roll {
            0..5 => "draft",
            5..12 => "submitted",
            12..17 => "declined",
            17..20 => "changes_requested",
            _ => "validated",
        };
        let id = k + 1;
        let date = NaiveDate::from_ymd_opt(year as i32, 4, 6 + (k % 5) as u32).expect("a date");
        actions.push(vec![
            V::I(id),
            V::I(edition),
            V::I(school),
            V::I(9 + academy),
            V::T(state.into()),
            V::T(TITLES[(k % TITLES.len() as i64) as usize].into()),
            V::T(AUDIENCES[(rng.next() % AUDIENCES.len() as u64) as usize].into()),
            V::T(SHOWCASES[(rng.next() % SHOWCASES.len() as u64) as usize].into()),
            V::D(date),
            V::I(20 + (k % 60)),
            V::Ts(now),
            V::Ts(now),
        ]);
        // Bilans for the validated actions, 150,000 in all (every validated
        // action but the last ones, spread over every edition).
        if state == "validated" && bilans_left > 0 && rng.next() % 100 < 94 {
            bilans_left -= 1;
            let submitted = rng.next() % 100 < 95;
            let took = match rng.next() % 100 {
                0..4 => "no",
                4..12 => "postponed",
                _ => "yes",
            };
            let held = took == "yes";
            let figure = |n: i64| if held { V::I(n) } else { V::Null };
            bilans.push(vec![
                V::I(id),
                V::I(edition),
                V::T(if submitted { "submitted" } else { "draft" }.into()),
                V::T(took.into()),
                figure(10 + (k % 90)),
                figure(k % 20),
                figure(2 + k % 8),
                figure(k % 4),
                V::T(if k % 3 == 0 {
                    "Les élèves ont apprécié de témoigner devant leurs familles.".into()
                } else {
                    String::new()
                }),
                V::T(if k % 5 == 0 {
                    "Prévoir une salle plus grande.".into()
                } else {
                    String::new()
                }),
                V::Ts(now),
                V::Ts(now),
            ]);
            if held {
                answers.push(vec![
                    V::I(id),
                    V::I(edition * 3),
                    V::T((1 + rng.next() % 5).to_string()),
                ]);
                answers.push(vec![
                    V::I(id),
                    V::I(edition * 3 + 1),
                    V::T((1 + rng.next() % 5).to_string()),
                ]);
            }
        }
    }
    insert(
        c,
        "actions",
        &[
            "id",
            "edition_id",
            "school_id",
            "owner_user_id",
            "state",
            "title",
            "audiences",
            "showcase_kinds",
            "starts_on",
            "expected_participants",
            "created_at",
            "updated_at",
        ],
        &actions,
    )
    .await?;
    insert(
        c,
        "bilans",
        &[
            "action_id",
            "edition_id",
            "state",
            "took_place",
            "pupils",
            "parents",
            "staff",
            "partners",
            "feedback",
            "vigilance",
            "created_at",
            "updated_at",
        ],
        &bilans,
    )
    .await?;
    insert(
        c,
        "bilan_answers",
        &["action_id", "question_id", "value"],
        &answers,
    )
    .await?;
    tx.commit().await?;
    println!(
        "Base nationale : {NATIONAL_ACADEMIES} académies, {DEPARTMENTS} départements, {district_count} districts, {SCHOOLS} établissements, {} éditions, {} actions, {} bilans, {} réponses",
        editions.len(),
        actions.len(),
        bilans.len(),
        answers.len()
    );
    Ok(())
}

/// Fills the national dataset, unless BENCH_FILLED=1 says that the database
/// named on the command line already holds it (one kept by BENCH_KEEP=1).
async fn fill_unless_filled(db: &Db) -> anyhow::Result<()> {
    if std::env::var("BENCH_FILLED").is_ok_and(|v| v == "1") {
        return Ok(());
    }
    let t = Instant::now();
    fill_national(db).await?;
    println!("remplie en {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// `national [DATABASE_URL]`: fills the national dataset (in a fresh SQLite
/// database, or the empty one named), starts the server and measures the
/// dashboards under BENCH_CLIENTS (8) clients for BENCH_SECONDS (10) each,
/// beside the static asset measured in the same run. Targets (issue 11):
/// académie dashboard with its comparison p99 < 100 ms, district dashboard
/// p99 < 30 ms, national view p99 < 500 ms. Exit code 1 if one is missed.
async fn national_command(url: Option<&str>) -> anyhow::Result<()> {
    let seconds = env_number("BENCH_SECONDS", 10);
    let clients = env_number("BENCH_CLIENTS", 8) as usize;
    let dir = tempfile::tempdir()?;
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = match url {
        Some(url) => url.to_string(),
        None => format!("sqlite://{}", dir.path().join("national.db").display()),
    };
    config.addr = "127.0.0.1:0".parse()?;
    config.outbox_dir = dir.path().join("outbox");
    config.rate_limit_factor = 100_000;
    let db = server::open_db(&config).await?;
    fill_unless_filled(&db).await?;
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = dir.keep();
        println!("base gardée : {}", kept.display());
    }
    let running = server::start(config, db.clone()).await?;
    let base = format!("http://{}", running.addr);
    let last = NATIONAL_EDITIONS; // académie 1's 2025 edition
    let year = FIRST_YEAR + NATIONAL_EDITIONS - 1;
    let cases = [
        (
            "fichier statique /static/app.css",
            0,
            "/static/app.css".to_string(),
            None,
        ),
        (
            "tableau de bord de l'académie (+ 4 éditions précédentes)",
            2,
            format!("/editions/{last}/indicateurs"),
            Some(100.0),
        ),
        (
            "tableau de bord d'un district",
            1,
            format!("/editions/{last}/indicateurs?niveau=district-1"),
            Some(30.0),
        ),
        (
            "vue nationale (30 académies, une année)",
            3,
            format!("/indicateurs/national?annee={year}"),
            Some(500.0),
        ),
    ];
    let mut missed = false;
    let mut ceiling = 0.0;
    for (label, user, path, target) in cases {
        let cookie = if user == 0 {
            String::new()
        } else {
            session_cookie(&db, UserId(user)).await?
        };
        // Warm-up, and a check that the page answers.
        let (_, _, errors) = load(
            &base,
            if cookie.is_empty() { "x=y" } else { &cookie },
            std::slice::from_ref(&path),
            1,
            1,
        )
        .await?;
        anyhow::ensure!(errors == 0, "{path} does not answer 200");
        let (latencies, elapsed, errors) = load(
            &base,
            if cookie.is_empty() { "x=y" } else { &cookie },
            &[path],
            clients,
            seconds,
        )
        .await?;
        report(label, &latencies, elapsed, errors, clients);
        let rate = latencies.len() as f64 / elapsed.as_secs_f64();
        if user == 0 {
            ceiling = rate;
        } else {
            println!(
                "  débit : {:.1} % du fichier statique",
                100.0 * rate / ceiling
            );
        }
        if let Some(target) = target {
            let p99 = percentile(&latencies, 99.0).as_secs_f64() * 1000.0;
            let ok = p99 < target && errors == 0;
            missed |= !ok;
            println!(
                "  objectif p99 < {target} ms : {}",
                if ok { "atteint" } else { "MANQUÉ" }
            );
        }
    }
    running.stop();
    if missed {
        std::process::exit(1);
    }
    Ok(())
}

/// `public [DATABASE_URL]` (issue 8, « Speed »): fills the national dataset,
/// starts the server (which builds the search index), then measures in one
/// run, for BENCH_SECONDS (10) each: the static asset (the ceiling) and the
/// agenda page (two filters, 50 results, never from the render cache: each
/// request has its own query string) at 64 clients; an action's public
/// page served from the render cache at 64 clients; the catalogue search
/// (a word of a title, never cached) at 16 clients. Targets: agenda ≥ 10 %
/// of the static rate and p99 < 50 ms; cached page ≥ 50 %; catalogue
/// p99 < 30 ms. Exit code 1 if one is missed.
async fn public_command(url: Option<&str>) -> anyhow::Result<()> {
    use perseverance::{
        domain::ids::AcademyId,
        public::store::{self as public_store, AgendaFilter},
    };
    let seconds = env_number("BENCH_SECONDS", 10);
    let dir = tempfile::tempdir()?;
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = match url {
        Some(url) => url.to_string(),
        None => format!("sqlite://{}", dir.path().join("national.db").display()),
    };
    config.addr = "127.0.0.1:0".parse()?;
    config.outbox_dir = dir.path().join("outbox");
    config.rate_limit_factor = 100_000;
    let db = server::open_db(&config).await?;
    fill_unless_filled(&db).await?;
    if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
        let kept = dir.keep();
        println!("base gardée : {}", kept.display());
    }
    let t = Instant::now();
    let running = server::start(config, db.clone()).await?;
    println!(
        "index de recherche construit en {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let base = format!("http://{}", running.addr);
    let (published, _) = {
        let mut conn = db.acquire().await?;
        public_store::agenda(
            &mut conn.conn(),
            AcademyId(1),
            &AgendaFilter::default(),
            1,
            1,
        )
        .await?
    };
    let action = published.first().map(|a| a.id.0).unwrap_or(1);
    let agenda: Vec<String> = (0..50_000)
        .map(|i| {
            let academy = 1 + i % NATIONAL_ACADEMIES;
            let audience = ["eleves", "parents"][(i / NATIONAL_ACADEMIES % 2) as usize];
            let showcase =
                ["exposition", "temps-festif", "evenement-etablissement"][(i as usize / 60) % 3];
            format!(
                "/a/academie-{academy}/agenda?periode=toutes&public={audience}&valorisation={showcase}&n={i}"
            )
        })
        .collect();
    let words = [
        "forum",
        "parents",
        "metiers",
        "eleves",
        "temoignages",
        "atelier",
        "tournoi",
        "affiches",
        "cafe",
        "dejeuner",
    ];
    let catalogue: Vec<String> = (0..50_000)
        .map(|i| {
            let academy = 1 + i % NATIONAL_ACADEMIES;
            let word = words[(i as usize / 30) % words.len()];
            format!("/a/academie-{academy}/mutualisation?q={word}&n={i}")
        })
        .collect();
    let cases: [(&str, usize, Vec<String>, Option<f64>, Option<f64>); 4] = [
        (
            "fichier statique /static/app.css",
            64,
            vec!["/static/app.css".to_string()],
            None,
            None,
        ),
        (
            "agenda, deux filtres, 50 résultats, hors cache",
            64,
            agenda,
            Some(50.0),
            Some(10.0),
        ),
        (
            "page publique d'une action, du cache de rendu",
            64,
            vec![format!("/a/academie-1/actions/{action}")],
            None,
            Some(50.0),
        ),
        (
            "recherche dans les fiches mutualisation, hors cache",
            16,
            catalogue,
            Some(30.0),
            None,
        ),
    ];
    let mut missed = false;
    let mut ceiling = 0.0;
    // BENCH_ONLY=agenda (a word of the label) measures only those cases
    // beside the static asset (to profile one of them).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    for (label, clients, paths, p99_target, share_target) in cases {
        if ceiling != 0.0 && !label.contains(only.as_str()) {
            continue;
        }
        // Warm-up (1 s, one client, the first 60 paths: each académie
        // once, as on a server that has been running: the read models are
        // read once per publication generation), and a check that it answers.
        let (_, _, errors) = load(&base, "x=y", &paths[..paths.len().min(60)], 1, 1).await?;
        anyhow::ensure!(errors == 0, "{} does not answer 200", paths[0]);
        let (latencies, elapsed, errors) = load(&base, "x=y", &paths, clients, seconds).await?;
        report(label, &latencies, elapsed, errors, clients);
        let rate = latencies.len() as f64 / elapsed.as_secs_f64();
        if ceiling == 0.0 {
            ceiling = rate;
            continue;
        }
        let share = 100.0 * rate / ceiling;
        println!("  débit : {share:.1} % du fichier statique");
        if let Some(target) = share_target {
            let ok = share >= target && errors == 0;
            missed |= !ok;
            println!(
                "  objectif ≥ {target} % du fichier statique : {}",
                if ok { "atteint" } else { "MANQUÉ" }
            );
        }
        if let Some(target) = p99_target {
            let p99 = percentile(&latencies, 99.0).as_secs_f64() * 1000.0;
            let ok = p99 < target && errors == 0;
            missed |= !ok;
            println!(
                "  objectif p99 < {target} ms : {}",
                if ok { "atteint" } else { "MANQUÉ" }
            );
        }
    }
    running.stop();
    if missed {
        std::process::exit(1);
    }
    Ok(())
}
