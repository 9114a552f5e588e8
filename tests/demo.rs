//! The demo tells the seeds' story (issue 7, « A demo that tells the real
//! story »): Créteil's editions 2022, 2023, 2024 and the current one,
//! Normandie's 2023, a few hundred actions in each past edition, in every
//! state, with every choice of the form; the same story every time, on both
//! engines, written in under 5 s on SQLite; every demo account signs in and
//! finds something in its lists.

mod common;

use std::{collections::BTreeSet, time::Duration};

use chrono::{DateTime, NaiveDate, Utc};
use common::{Engine, TestApp, body, fresh_db, html::text};
use perseverance::{
    actions::store::{self as actions_store, ACTION_SELECT, Action},
    db::Db,
    demo::{self, ACCOUNTS, NORMANDIE_ACCOUNTS},
    domain::{
        action::ActionState,
        declaration::{self, AUDIENCES, LEVELS, SCHEMES, SHOWCASE_KINDS},
        edition::{EditionState, format_paris},
        ids::{DistrictId, EditionId, SchoolId},
    },
    editions::store::{self as editions_store, Edition},
    map::store as map_store,
    on_conn,
};
use reqwest::StatusCode;
use sqlx::FromRow;

on_both_engines!(
    the_demo_tells_the_seeds_story,
    the_story_is_the_same_every_time,
    every_demo_account_finds_the_story,
    demo_choices_are_stored_as_the_form_stores_them,
    the_demo_shows_a_contest_and_a_totem_gallery,
);

/// A fixed « today » for the stories compared below.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

async fn story_db(engine: Engine, dir: &tempfile::TempDir, today: NaiveDate) -> (Db, demo::Seeded) {
    let (db, _) = fresh_db(engine, dir).await;
    let seeded = demo::seed_story_on(&db, today)
        .await
        .expect("the story is written")
        .expect("into an empty database");
    (db, seeded)
}

async fn editions_of(db: &Db, slug: &str) -> Vec<Edition> {
    let mut conn = db.acquire().await.unwrap();
    let academy = map_store::academy_by_slug(&mut conn.conn(), slug)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the académie {slug}"));
    editions_store::editions_of(&mut conn.conn(), academy.id)
        .await
        .unwrap()
}

async fn actions_of(db: &Db, edition: EditionId) -> Vec<Action> {
    let sql = format!("{ACTION_SELECT} WHERE a.edition_id = $1 ORDER BY a.id");
    on_conn!(db.acquire().await.unwrap().conn(), |c| sqlx::query_as(&sql)
        .bind(edition)
        .fetch_all(c)
        .await)
    .unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    on_conn!(db.acquire().await.unwrap().conn(), |c| sqlx::query_scalar(
        sql
    )
    .fetch_one(c)
    .await)
    .unwrap()
}

fn codes(actions: &[Action], list: impl Fn(&Action) -> Vec<String>) -> BTreeSet<String> {
    actions.iter().flat_map(list).collect()
}

fn all(choices: declaration::Choices) -> BTreeSet<String> {
    choices.iter().map(|(code, _)| code.to_string()).collect()
}

async fn the_demo_tells_the_seeds_story(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, seeded) = story_db(engine, &dir, today()).await;
    eprintln!("{engine:?}: {seeded}");
    if engine == Engine::Sqlite {
        assert!(
            seeded.elapsed < Duration::from_secs(5),
            "the demo is written in under 5 s on SQLite: {seeded}"
        );
    }
    assert_eq!((seeded.academies, seeded.editions), (2, 5));
    assert_eq!(seeded.schools, 300 + 14 * 15);
    assert_eq!(
        seeded.accounts as i64,
        count(&db, "SELECT COUNT(*) FROM users").await
    );
    assert_eq!(
        seeded.actions as i64,
        count(&db, "SELECT COUNT(*) FROM actions").await
    );

    // Créteil: the 8th, 9th and 10th weeks, and the current one, open.
    let creteil = editions_of(&db, "creteil").await;
    let summary: Vec<(i64, i64, &str, String, String, EditionState)> = creteil
        .iter()
        .map(|e| {
            (
                e.year,
                e.number,
                e.theme.as_str(),
                format!("{}–{}", e.week_start, e.week_end),
                format_paris(e.declaration_deadline),
                e.stored_state(),
            )
        })
        .collect();
    let archived = EditionState::Archived;
    assert_eq!(
        summary[1..],
        [
            (
                2024,
                10,
                "Le totem de la persévérance",
                "2024-04-02–2024-04-05".to_string(),
                "22/03/2024 à 23:59".to_string(),
                archived
            ),
            (
                2023,
                9,
                "Le projet",
                "2023-04-17–2023-04-22".to_string(),
                "17/03/2023 à 23:59".to_string(),
                archived
            ),
            (
                2022,
                8,
                "Autonomies, Mobilités et Persévérance",
                "2022-04-11–2022-04-16".to_string(),
                "01/04/2022 à 23:59".to_string(),
                archived
            ),
        ]
    );
    let current = &creteil[0];
    assert_eq!(
        (current.year, current.number, current.stored_state()),
        (2027, 13, EditionState::Open)
    );
    assert_eq!(current.week_start, today() + chrono::Duration::days(42));
    assert_eq!(
        format_paris(current.declaration_deadline),
        "21/12/2026 à 23:59"
    );
    let totem = &creteil[1].circular;
    for rendez_vous in [
        "28 février",
        "6 mars",
        "13 mars",
        "20 mars",
        "27 mars",
        "3 avril",
    ] {
        assert!(totem.contains(&format!("- {rendez_vous} :")), "{totem}");
    }
    assert!(totem.contains("totem de la persévérance") && totem.contains("14 h"));

    // Normandie: its departments, each with districts and schools, and 2023.
    let normandie = editions_of(&db, "normandie").await;
    assert_eq!(normandie.len(), 1);
    let n2023 = &normandie[0];
    assert_eq!(
        (
            n2023.year,
            n2023.theme.as_str(),
            n2023.week_start.to_string(),
            n2023.week_end.to_string(),
            format_paris(n2023.declaration_deadline),
        ),
        (
            2023,
            "L'engagement, clé de la réussite",
            "2023-04-03".to_string(),
            "2023-04-07".to_string(),
            "10/03/2023 à 23:59".to_string(),
        )
    );
    assert!(
        n2023
            .circular
            .contains("Pour la première fois, la DRAIO organise un concours d'affiches")
    );
    let poster = editions_store::questions(&mut db.acquire().await.unwrap().conn(), n2023.id)
        .await
        .unwrap();
    assert!(
        poster[0].label.contains("concours d'affiches"),
        "{poster:?}"
    );
    let departments: Vec<(String, i64, i64)> = on_conn!(db.acquire().await.unwrap().conn(), |c| {
        sqlx::query_as(
            "SELECT dp.code, COUNT(DISTINCT di.id), COUNT(s.id) FROM departments dp
             JOIN academies a ON a.id = dp.academy_id
             JOIN districts di ON di.department_id = dp.id
             JOIN schools s ON s.district_id = di.id
             WHERE a.code = '70' GROUP BY dp.code ORDER BY dp.code",
        )
        .fetch_all(c)
        .await
    })
    .unwrap();
    let codes_70: Vec<&str> = departments.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(codes_70, ["14", "27", "50", "61", "76"]);
    assert!(departments.iter().all(|(_, d, s)| *d >= 2 && *s >= 30));

    // Each past edition: a few hundred actions spread over districts and
    // schools, every state, every choice of the form, each one complete
    // enough for its state.
    for edition in creteil[1..].iter().chain(&normandie) {
        let actions = actions_of(&db, edition.id).await;
        let label = format!("{} {}", edition.academy_id, edition.year);
        assert!(
            (200..=400).contains(&actions.len()),
            "{label}: {} actions",
            actions.len()
        );
        let states: BTreeSet<&str> = actions.iter().map(|a| a.state().code()).collect();
        assert_eq!(states.len(), ActionState::ALL.len(), "{label}: {states:?}");
        assert_eq!(
            codes(&actions, Action::audience_list),
            all(AUDIENCES),
            "{label}"
        );
        assert_eq!(codes(&actions, Action::level_list), all(LEVELS), "{label}");
        assert_eq!(
            codes(&actions, Action::showcase_list),
            all(SHOWCASE_KINDS),
            "{label}"
        );
        let schemes: BTreeSet<String> = actions
            .iter()
            .filter(|a| !a.scheme.is_empty())
            .map(|a| a.scheme.clone())
            .collect();
        assert_eq!(schemes, all(SCHEMES), "{label}");
        let schools: BTreeSet<SchoolId> = actions.iter().filter_map(|a| a.school_id).collect();
        let districts: BTreeSet<DistrictId> =
            actions.iter().filter_map(|a| a.place_district_id).collect();
        assert!(schools.len() >= 120, "{label}: {} schools", schools.len());
        let expected_districts = if edition.academy_id == current.academy_id {
            12
        } else {
            14
        };
        assert_eq!(districts.len(), expected_districts, "{label}");
        assert!(
            actions.iter().any(|a| a.school_id.is_none()),
            "district actions"
        );
        let questions =
            editions_store::questions(&mut db.acquire().await.unwrap().conn(), edition.id)
                .await
                .unwrap();
        let mut titles = BTreeSet::new();
        for action in &actions {
            titles.insert(action.title.clone());
            let answers =
                actions_store::answers(&mut db.acquire().await.unwrap().conn(), action.id)
                    .await
                    .unwrap();
            let submitted = action.state() != ActionState::Draft;
            if let Err(errors) = declaration::check(
                &action.input(answers),
                &edition.calendar(),
                &questions,
                submitted,
            ) {
                panic!(
                    "{label}: action {} « {} »: {errors:?}",
                    action.id, action.title
                );
            }
            if submitted {
                assert!(action.submitted_at.is_some());
            }
        }
        assert!(titles.len() >= 40, "{label}: {} titles", titles.len());
    }

    // The current edition has its first declarations, drafts among them.
    let open = actions_of(&db, current.id).await;
    assert!(open.len() >= 20, "{}", open.len());
    assert!(open.iter().any(|a| a.state() == ActionState::Draft));
    assert!(open.iter().any(|a| a.state() == ActionState::Submitted));

    // Owners hold a role where their action is; nobody decides on their own
    // action; deciders coordinate its district or académie; first
    // submissions come before the deadline, decisions before the week.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM actions a WHERE NOT EXISTS (
                 SELECT 1 FROM role_grants g WHERE g.user_id = a.owner_user_id
                   AND ((g.scope_kind = 'school' AND g.scope_id = a.school_id)
                     OR (g.scope_kind = 'district' AND g.scope_id = a.district_id)))"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM action_events e JOIN actions a ON a.id = e.action_id
             WHERE e.user_id = a.owner_user_id AND e.to_state <> 'submitted'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM action_events e JOIN actions a ON a.id = e.action_id
             LEFT JOIN schools s ON s.id = a.school_id
             JOIN editions ed ON ed.id = a.edition_id
             WHERE e.to_state <> 'submitted' AND NOT EXISTS (
                 SELECT 1 FROM role_grants g WHERE g.user_id = e.user_id
                   AND ((g.scope_kind = 'district' AND g.scope_id = COALESCE(s.district_id, a.district_id))
                     OR (g.scope_kind = 'academy' AND g.scope_id = ed.academy_id)))"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM actions a JOIN editions ed ON ed.id = a.edition_id
             WHERE (SELECT MIN(e.at) FROM action_events e WHERE e.action_id = a.id)
                   > ed.declaration_deadline
                OR a.created_at > a.updated_at"
        )
        .await,
        0
    );
    let late: Vec<(i64, DateTime<Utc>, NaiveDate)> =
        on_conn!(db.acquire().await.unwrap().conn(), |c| {
            sqlx::query_as(
                "SELECT a.id, MAX(e.at), ed.week_start FROM actions a
                 JOIN editions ed ON ed.id = a.edition_id
                 JOIN action_events e ON e.action_id = a.id
                 GROUP BY a.id, ed.week_start",
            )
            .fetch_all(c)
            .await
        })
        .unwrap();
    assert!(late.len() > 800);
    for (id, last, week_start) in late {
        assert!(
            perseverance::domain::edition::paris_date(last) < week_start,
            "action {id}: {last}"
        );
    }

    // Every demo account exists with its role, the Normandie ones too.
    let accounts = demo::accounts(&mut db.acquire().await.unwrap().conn())
        .await
        .unwrap();
    let emails: Vec<&str> = accounts.iter().map(|a| a.email.as_str()).collect();
    let expected: Vec<&str> = ACCOUNTS
        .iter()
        .chain(NORMANDIE_ACCOUNTS.iter())
        .map(|(email, _)| *email)
        .collect();
    assert_eq!(emails, expected);
    assert!(
        accounts[7].label.contains("Académie de Normandie"),
        "{}",
        accounts[7].label
    );
    // The home school's staff member declared in every past edition.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT a.edition_id) FROM actions a JOIN users u ON u.id = a.owner_user_id
             WHERE u.email = 'personnel@demo.test' AND a.state <> 'draft'"
        )
        .await,
        3
    );
    // Seeding again does nothing.
    assert!(demo::seed_story(&db).await.unwrap().is_none());
    assert!(!demo::seed(&db).await.unwrap());
}

/// One line per row of the story, without ids: the map, the accounts,
/// the editions, the actions, their history and answers.
async fn digest(db: &Db, with_current: bool) -> Vec<String> {
    #[derive(FromRow)]
    struct ActionRow {
        academy: String,
        year: i64,
        uai: Option<String>,
        district: Option<String>,
        owner: String,
        state: String,
        version: i64,
        title: String,
        summary: String,
        description: String,
        owner_name: String,
        owner_role: String,
        people_involved: String,
        audiences: String,
        levels: String,
        scheme: String,
        before_week: bool,
        starts_on: Option<NaiveDate>,
        start_time: String,
        end_time: String,
        place: String,
        partners: String,
        expected_participants: Option<i64>,
        showcase_kinds: String,
        showcase_other: String,
        featured_in_programme: bool,
        proposed_for_showcase: bool,
        submitted_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        events: i64,
    }
    let current_year: i64 = count(db, "SELECT MAX(year) FROM editions").await;
    let mut lines = Vec::new();
    let schools: Vec<(String, String, String, String, String, String)> =
        on_conn!(db.acquire().await.unwrap().conn(), |c| {
            sqlx::query_as(
                "SELECT s.uai, s.name, s.kind, s.commune, s.postal_code, di.name FROM schools s
                 JOIN districts di ON di.id = s.district_id ORDER BY s.uai",
            )
            .fetch_all(c)
            .await
        })
        .unwrap();
    lines.extend(schools.iter().map(|s| format!("{s:?}")));
    let accounts: Vec<(String, String, String, String)> =
        on_conn!(db.acquire().await.unwrap().conn(), |c| {
            sqlx::query_as(
                "SELECT u.email, u.display_name, g.role, g.scope_kind FROM users u
                 JOIN role_grants g ON g.user_id = u.id ORDER BY u.email, g.role",
            )
            .fetch_all(c)
            .await
        })
        .unwrap();
    lines.extend(accounts.iter().map(|a| format!("{a:?}")));
    let actions: Vec<ActionRow> = on_conn!(db.acquire().await.unwrap().conn(), |c| {
        sqlx::query_as(
            "SELECT ac.code AS academy, ed.year, s.uai, di.name AS district, u.email AS owner, a.state,
                    a.version, a.title, a.summary, a.description, a.owner_name, a.owner_role,
                    a.people_involved, a.audiences, a.levels, a.scheme, a.before_week, a.starts_on,
                    a.start_time, a.end_time, a.place, a.partners, a.expected_participants,
                    a.showcase_kinds, a.showcase_other, a.featured_in_programme,
                    a.proposed_for_showcase, a.submitted_at, a.created_at, a.updated_at,
                    (SELECT COUNT(*) FROM action_events e WHERE e.action_id = a.id) AS events
             FROM actions a JOIN editions ed ON ed.id = a.edition_id
             JOIN academies ac ON ac.id = ed.academy_id
             LEFT JOIN schools s ON s.id = a.school_id
             LEFT JOIN districts di ON di.id = a.district_id
             JOIN users u ON u.id = a.owner_user_id ORDER BY a.id",
        )
        .fetch_all(c)
        .await
    })
    .unwrap();
    for a in actions {
        if !with_current && a.year == current_year {
            continue;
        }
        lines.push(format!(
            "{} {} {:?} {:?} {} {} {} {} | {} | {} | {} {} | {} | {} {} {} {} {:?} {}-{} {} | {} | {:?} {} {} {} {} {:?} {} {} {}",
            a.academy,
            a.year,
            a.uai,
            a.district,
            a.owner,
            a.state,
            a.version,
            a.title,
            a.summary,
            a.description,
            a.owner_name,
            a.owner_role,
            a.people_involved,
            a.audiences,
            a.levels,
            a.scheme,
            a.before_week,
            a.starts_on,
            a.start_time,
            a.end_time,
            a.place,
            a.partners,
            a.expected_participants,
            a.showcase_kinds,
            a.showcase_other,
            a.featured_in_programme,
            a.proposed_for_showcase,
            a.submitted_at,
            a.created_at.to_rfc3339(),
            a.updated_at.to_rfc3339(),
            a.events,
        ));
    }
    let events: Vec<(i64, String, String, String, String, DateTime<Utc>)> =
        on_conn!(db.acquire().await.unwrap().conn(), |c| {
            sqlx::query_as(
                "SELECT ed.year, u.email, e.from_state, e.to_state, e.comment, e.at
                 FROM action_events e JOIN actions a ON a.id = e.action_id
                 JOIN editions ed ON ed.id = a.edition_id JOIN users u ON u.id = e.user_id
                 ORDER BY e.action_id, e.at, e.id",
            )
            .fetch_all(c)
            .await
        })
        .unwrap();
    lines.extend(
        events
            .iter()
            .filter(|e| with_current || e.0 != current_year)
            .map(|e| format!("{e:?}")),
    );
    let answers: Vec<(i64, String, String)> = on_conn!(db.acquire().await.unwrap().conn(), |c| {
        sqlx::query_as(
            "SELECT ed.year, q.label, v.value FROM action_answers v
             JOIN edition_questions q ON q.id = v.question_id
             JOIN editions ed ON ed.id = q.edition_id ORDER BY v.action_id, q.position",
        )
        .fetch_all(c)
        .await
    })
    .unwrap();
    lines.extend(
        answers
            .iter()
            .filter(|a| with_current || a.0 != current_year)
            .map(|a| format!("{a:?}")),
    );
    lines
}

fn same(a: &[String], b: &[String], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: as many rows");
    if let Some((x, y)) = a.iter().zip(b).find(|(x, y)| x != y) {
        panic!("{what}: first difference\n{x}\n{y}");
    }
}

/// Seeding twice gives the same story; another day changes only the
/// current edition; and both engines tell the same story.
async fn the_story_is_the_same_every_time(engine: Engine) {
    let (one, two, three, other) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let (first, seeded) = story_db(engine, &one, today()).await;
    let (second, again) = story_db(engine, &two, today()).await;
    assert_eq!(
        (seeded.actions, seeded.events, seeded.accounts),
        (again.actions, again.events, again.accounts)
    );
    let story = digest(&first, true).await;
    assert!(story.len() > 3_000, "{}", story.len());
    same(&story, &digest(&second, true).await, "seeded twice");
    let (later, _) = story_db(engine, &three, today() + chrono::Duration::days(100)).await;
    same(
        &digest(&first, false).await,
        &digest(&later, false).await,
        "another day, past editions",
    );
    if engine == Engine::Postgres {
        let (sqlite, _) = story_db(Engine::Sqlite, &other, today()).await;
        same(
            &story,
            &digest(&sqlite, true).await,
            "PostgreSQL and SQLite",
        );
    }
}

/// Starts the service on a database holding the whole story (what
/// `perseverance serve --demo` shows).
async fn story_app(engine: Engine) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = fresh_db(engine, &dir).await;
    demo::seed_story(&db).await.unwrap().expect("the story");
    TestApp::serve(db, url, dir, true, |_| {}).await
}

/// The number written just before `marker` in the page's text.
fn number_before(page: &str, marker: &str) -> i64 {
    let end = page
        .find(marker)
        .unwrap_or_else(|| panic!("« {marker} » in {page}"));
    let digits: String = page[..end]
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

async fn every_demo_account_finds_the_story(engine: Engine) {
    let app = story_app(engine).await;
    let sign_in_page = text(&body(app.get("/connexion").await).await);
    for (email, _) in ACCOUNTS.iter().chain(NORMANDIE_ACCOUNTS.iter()) {
        app.sign_in_demo(email).await;
        let space = app.get("/mon-espace").await;
        assert_eq!(space.status(), StatusCode::OK, "{email}");
        app.post("/deconnexion", &[]).await;
    }
    assert!(
        sign_in_page.contains("Coordination académique (SAIO / DRAIO) — Académie de Normandie")
    );

    let creteil = editions_of(&app.db, "creteil").await;
    let normandie = editions_of(&app.db, "normandie").await;
    for (email, edition, least) in [
        ("coordination.academique@demo.test", creteil[2].id, 200),
        ("dsden93@demo.test", creteil[3].id, 50),
        ("coordination.district@demo.test", creteil[1].id, 10),
        ("coordination.normandie@demo.test", normandie[0].id, 150),
        ("coordination.rouen@demo.test", normandie[0].id, 5),
        ("dsden76@demo.test", normandie[0].id, 20),
    ] {
        app.sign_in_demo(email).await;
        let list = text(&body(app.get(&format!("/editions/{edition}/revue")).await).await);
        let listed = number_before(&list, "actions transmises");
        assert!(
            listed >= least,
            "{email}: {listed} actions in the review list"
        );
        let dashboard = app
            .get(&format!("/editions/{edition}/tableau-de-bord"))
            .await;
        assert_eq!(dashboard.status(), StatusCode::OK);
        let dashboard = text(&body(dashboard).await);
        assert!(
            dashboard.contains("établissements ont transmis au moins une action"),
            "{email}: {dashboard}"
        );
        app.post("/deconnexion", &[]).await;
    }
    // The open edition's review list has its first declarations.
    app.sign_in_demo("coordination.academique@demo.test").await;
    let list = text(&body(app.get(&format!("/editions/{}/revue", creteil[0].id)).await).await);
    assert!(number_before(&list, "actions transmises") >= 10, "{list}");
    app.post("/deconnexion", &[]).await;

    // A staff member finds their past actions, and may declare in the open edition.
    app.sign_in_demo("personnel@demo.test").await;
    let mine = text(&body(app.get("/mes-actions").await).await);
    assert!(mine.contains("Déclarer une action"), "{mine}");
    assert!(mine.matches("Collège Jules Ferry").count() >= 4, "{mine}");
}

/// The demo's answers to choice questions are rows of `action_choices`, as
/// the form writes them, so that the edition's questions page counts them
/// before an option is removed (a text copy would be orphaned silently).
async fn demo_choices_are_stored_as_the_form_stores_them(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = story_db(engine, &dir, today()).await;
    let mut conn = db.acquire().await.unwrap();
    let texts: i64 = perseverance::on_conn!(conn.conn(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM action_answers a JOIN edition_questions q ON q.id = a.question_id
         WHERE q.kind IN ('single_choice', 'multiple_choice')"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(texts, 0, "no choice kept as text");
    let questions: Vec<i64> = perseverance::on_conn!(conn.conn(), |c| sqlx::query_scalar(
        "SELECT id FROM edition_questions WHERE kind IN ('single_choice', 'multiple_choice')"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    let mut counted = 0;
    for question in questions {
        let counts = editions_store::option_answer_counts(
            &mut conn.conn(),
            perseverance::domain::QuestionId(question),
        )
        .await
        .unwrap();
        counted += counts.iter().map(|(_, n)| n).sum::<i64>();
    }
    assert!(counted > 100, "the story's choices are counted: {counted}");
}

/// `serve --demo`'s pictures (issue 9): Normandie 2023's contest with its
/// drawn posters, jurors among the demo accounts, scores and published
/// laureates; Créteil 2024's totem gallery with approved photos; written
/// once.
async fn the_demo_shows_a_contest_and_a_totem_gallery(engine: Engine) {
    let app = story_app(engine).await;
    let files = perseverance::files::FileStore::from_config(&app.running.state.config).unwrap();
    let written = perseverance::media::demo::pictures(&app.db, &files)
        .await
        .unwrap();
    assert_eq!(written, 17, "9 posters and 8 totem photos");
    assert_eq!(
        perseverance::media::demo::pictures(&app.db, &files)
            .await
            .unwrap(),
        0
    );

    let contest = body(app.get("/a/normandie/editions/2023/concours").await).await;
    assert!(
        contest.matches("1er prix").count() >= 3,
        "a first prize a category (two on a tie)"
    );
    assert_eq!(contest.matches("<img src=\"/medias/").count(), 9);
    let gallery = body(app.get("/a/creteil/editions/2024/galerie").await).await;
    assert_eq!(gallery.matches("<img src=\"/medias/").count(), 8);

    let sign_in_page = text(&body(app.get("/connexion").await).await);
    assert!(sign_in_page.contains("jury du concours d’affiches 2023"));
    let normandie = editions_of(&app.db, "normandie").await;
    app.sign_in_demo(perseverance::media::demo::JURORS[0]).await;
    let page = text(
        &body(
            app.get(&format!("/editions/{}/concours", normandie[0].id))
                .await,
        )
        .await,
    );
    assert!(page.contains("Noter les affiches") && page.contains("Vos notes"));
    // The juror's page names what they judge, each criterion with its
    // score, and shows no empty heading for their own school (which does
    // not enter).
    assert!(
        page.contains("Noter les affiches du collège, du lycée et du lycée professionnel"),
        "{page}"
    );
    assert!(page.contains("Vos notes : Lien avec le thème : "), "{page}");
    assert!(page.contains(" / 5 ; Message : "), "{page}");
    assert!(!page.contains("Les participations de") && !page.contains("Les affiches du collège"));
    // « Mon espace » leads to the jury.
    let space = body(app.get("/mon-espace").await).await;
    assert!(space.contains(&format!(
        "href=\"/editions/{}/concours#noter\">Noter les affiches",
        normandie[0].id
    )));
    assert!(text(&space).contains("Le jury est clos."));
    // Each poster has its own statement; the totems name their school with
    // its article (« du collège … », never « de Collège … »).
    let entries = perseverance::contest::store::entries(
        &mut app.db.acquire().await.unwrap().conn(),
        normandie[0].id,
    )
    .await
    .unwrap();
    let statements: std::collections::BTreeSet<_> =
        entries.iter().map(|e| e.statement.clone()).collect();
    assert_eq!(statements.len(), 9);
    assert!(!gallery.contains("de Collège") && !gallery.contains("de Lycée"));
    assert!(!contest.contains("prix, Collège"));

    // The demo's laureates are the ranking's: publishing again changes nothing.
    let laureates = |html: String| common::html::Page::parse(&html).texts(".pv-laureate");
    let before = laureates(contest);
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(NORMANDIE_ACCOUNTS[0].0).await;
    let manage = format!("/editions/{}/concours", normandie[0].id);
    let page = common::html::Page::parse(&body(app.get(&manage).await).await);
    let palmares = format!("{manage}/palmares");
    let once = page
        .attr(
            &format!("form[action=\"{palmares}\"] input[name=\"once\"]"),
            "value",
        )
        .expect("the « Publier le palmarès » form");
    let published = app.post(&palmares, &[("once", once.as_str())]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    app.post("/deconnexion", &[]).await;
    let after = laureates(body(app.get("/a/normandie/editions/2023/concours").await).await);
    assert!(!before.is_empty());
    assert_eq!(before, after);
}
