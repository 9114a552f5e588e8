//! One storage story, run on both engines: the map import, grants and their
//! placements, sessions, and the job queue.

mod common;

use common::{Engine, fresh_db};
use perseverance::{
    auth::store as auth_store,
    config::Config,
    db::{Db, dialect::Bucket},
    domain::declaration::{Question, QuestionKind},
    domain::{Email, Grant, Role, Scope},
    editions::store as editions_store,
    jobs::{self, mail::Mail},
    map::{annuaire, import, store as map_store},
};

on_both_engines!(
    import_upserts_by_uai_and_reports_each_row,
    import_can_keep_one_academy,
    districts_come_from_a_small_csv,
    grants_know_where_they_apply,
    login_links_and_sessions_expire,
    jobs_follow_their_transaction_and_retry,
    concurrent_question_moves_lose_nothing,
    stored_codes_decode_or_fail,
    dates_bucket_alike_on_both_engines,
    text_searches_take_wildcards_literally,
);

const ANNUAIRE: &str = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;code_postal;nom_commune;code_departement;libelle_departement;code_academie;libelle_academie;latitude;longitude;etat
0930200M;Collège Jules Ferry;Collège;Public;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;48.93;2.35;OUVERT
0750655E;Lycée Louis-le-Grand;Lycée;Public;75005;Paris;075;Paris;01;Paris;;;OUVERT
0930201A;Mauvaise lettre;Collège;Public;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;;;OUVERT
0930202P;Collège fermé;Collège;Public;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;;;FERME
";

async fn import_text(db: &Db, text: &str, options: &import::ImportOptions) -> import::ImportReport {
    let parsed = annuaire::parse(text.as_bytes(), || {}).expect("the file reads");
    import::apply(db, parsed, options)
        .await
        .expect("the import runs")
}

async fn import_upserts_by_uai_and_reports_each_row(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let options = import::ImportOptions::default();

    let first = import_text(&db, ANNUAIRE, &options).await;
    assert_eq!(
        (
            first.created,
            first.updated,
            first.unchanged,
            first.skipped_closed
        ),
        (2, 0, 0, 1)
    );
    assert_eq!(first.rejected.len(), 1);
    assert_eq!(first.rejected[0].line, 4);
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(school.latitude, Some(48.93));
    let academies = map_store::academies(&mut db.acquire().await.unwrap().conn())
        .await
        .unwrap();
    assert_eq!(
        academies
            .iter()
            .map(|a| a.slug.as_str())
            .collect::<Vec<_>>(),
        ["creteil", "paris"]
    );

    let again = import_text(&db, ANNUAIRE, &options).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));

    let renamed = ANNUAIRE.replace("Collège Jules Ferry", "Collège Jules-Ferry");
    let changed = import_text(&db, &renamed, &options).await;
    assert_eq!(
        (changed.created, changed.updated, changed.unchanged),
        (0, 1, 1)
    );
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(school.name, "Collège Jules-Ferry");

    let with_closed = import_text(
        &db,
        ANNUAIRE,
        &import::ImportOptions {
            include_closed: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        (with_closed.created, with_closed.updated),
        (1, 1),
        "the closed one is created, Paris reopens"
    );
    assert!(
        !map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930202P")
            .await
            .unwrap()
            .unwrap()
            .is_open
    );
}

async fn import_can_keep_one_academy(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let options = import::ImportOptions {
        academy_code: Some("24".into()),
        include_closed: false,
    };
    let report = import_text(&db, ANNUAIRE, &options).await;
    assert_eq!((report.created, report.skipped_other_academy), (1, 1));
    assert!(
        map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0750655E")
            .await
            .unwrap()
            .is_none()
    );
}

async fn districts_come_from_a_small_csv(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    import_text(&db, ANNUAIRE, &Default::default()).await;
    let csv =
        "uai;district\n0930200M;District de Saint-Denis\n0000000A;District fantôme\n0750655E;\n";
    let report = import::import_districts(&db, csv.as_bytes()).await.unwrap();
    assert_eq!(
        (report.updated, report.unchanged, report.rejected.len()),
        (1, 0, 2)
    );
    assert_eq!(report.rejected[0].line, 3);
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    let district = map_store::district_by_id(
        &mut db.acquire().await.unwrap().conn(),
        school.district_id.unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(district.name, "District de Saint-Denis");
    assert_eq!(district.department_id, school.department_id);
    let again = import::import_districts(&db, csv.as_bytes()).await.unwrap();
    assert_eq!((again.updated, again.unchanged), (0, 1));
}

async fn grants_know_where_they_apply(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    import_text(&db, ANNUAIRE, &Default::default()).await;
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    let district = map_store::ensure_district(
        &mut tx.conn(),
        school.department_id,
        "District de Saint-Denis",
    )
    .await
    .unwrap();
    map_store::set_school_district(&mut tx.conn(), school.id, Some(district))
        .await
        .unwrap();
    let user = auth_store::ensure_user(
        &mut tx.conn(),
        &Email::parse("chef@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    let grant = Grant::new(Role::SchoolHead, Scope::School(school.id)).unwrap();
    assert!(
        auth_store::add_grant(&mut tx.conn(), user, grant, None)
            .await
            .unwrap()
    );
    assert!(
        !auth_store::add_grant(&mut tx.conn(), user, grant, None)
            .await
            .unwrap(),
        "granting twice is a no-op"
    );
    tx.commit().await.unwrap();

    let rows = auth_store::grants_of(&mut db.acquire().await.unwrap().conn(), user)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let place = rows[0].placement();
    assert_eq!(place.school, Some(school.id));
    assert_eq!(place.district, Some(district));
    assert_eq!(place.department, Some(school.department_id));
    assert_eq!(place.academy, school.academy_id);
    assert_eq!(rows[0].grant(), Some(grant));

    let within_district = auth_store::list_grants(
        &mut db.acquire().await.unwrap().conn(),
        auth_store::GrantQuery::Within(Scope::District(district)),
        10,
    )
    .await
    .unwrap();
    assert_eq!(within_district.len(), 1);
    assert_eq!(within_district[0].scope_href, "/etablissements/0930200M");
    let elsewhere = auth_store::list_grants(
        &mut db.acquire().await.unwrap().conn(),
        auth_store::GrantQuery::Within(Scope::District(perseverance::domain::DistrictId(
            district.0 + 1,
        ))),
        10,
    )
    .await
    .unwrap();
    assert!(elsewhere.is_empty());
}

async fn login_links_and_sessions_expire(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let mut tx = db.begin().await.unwrap();
    let user = auth_store::ensure_user(
        &mut tx.conn(),
        &Email::parse("a@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    auth_store::create_login_token(&mut tx.conn(), user, "fresh", chrono::Duration::minutes(30))
        .await
        .unwrap();
    auth_store::create_login_token(&mut tx.conn(), user, "stale", chrono::Duration::minutes(-1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        auth_store::consume_login_token(&mut db.acquire().await.unwrap().conn(), "stale")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        auth_store::consume_login_token(&mut db.acquire().await.unwrap().conn(), "fresh")
            .await
            .unwrap(),
        Some(user)
    );
    assert_eq!(
        auth_store::consume_login_token(&mut db.acquire().await.unwrap().conn(), "fresh")
            .await
            .unwrap(),
        None,
        "single use"
    );

    let hours = chrono::Duration::hours(12);
    let days = chrono::Duration::days(7);
    auth_store::create_session(&mut db.acquire().await.unwrap().conn(), user, "live", hours)
        .await
        .unwrap();
    auth_store::create_session(
        &mut db.acquire().await.unwrap().conn(),
        user,
        "dead",
        chrono::Duration::seconds(-1),
    )
    .await
    .unwrap();
    assert!(
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "live", hours, days)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "dead", hours, days)
            .await
            .unwrap()
            .is_none()
    );
    auth_store::end_session(&mut db.acquire().await.unwrap().conn(), "live")
        .await
        .unwrap();
    assert!(
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "live", hours, days)
            .await
            .unwrap()
            .is_none()
    );
}

async fn jobs_follow_their_transaction_and_retry(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.outbox_dir = dir.path().join("outbox");
    let mail = |to: &str| Mail {
        to: to.into(),
        subject: "Objet".into(),
        text: "Bonjour".into(),
        html: None,
    };

    // A rolled-back change sends nothing.
    let mut tx = db.begin().await.unwrap();
    jobs::mail::enqueue(&mut tx.conn(), &mail("a@ac-creteil.fr"))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(jobs::run_all_due(&db, &config).await.unwrap(), 0);

    // A committed one is delivered once.
    let mut tx = db.begin().await.unwrap();
    jobs::mail::enqueue(&mut tx.conn(), &mail("b@ac-creteil.fr"))
        .await
        .unwrap();
    jobs::mail::enqueue(&mut tx.conn(), &mail("pas une adresse"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(jobs::run_all_due(&db, &config).await.unwrap(), 2);
    let files: Vec<_> = std::fs::read_dir(&config.outbox_dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        jobs::run_all_due(&db, &config).await.unwrap(),
        0,
        "the failed job waits before its retry"
    );
    let (attempts, error): (i64, Option<String>) = perseverance::on_conn!(
        db.acquire().await.unwrap().conn(),
        |pool| sqlx::query_as("SELECT attempts, last_error FROM jobs WHERE done_at IS NULL")
            .fetch_one(pool)
            .await
    )
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(Engine::Sqlite, &dir).await;
    let Db::Sqlite(pool) = &db else {
        unreachable!()
    };
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 1, "NORMAL");
    assert_eq!(foreign_keys, 1);
}

/// A demo database and one of its editions, for the stories below.
async fn demo_edition(db: &Db) -> perseverance::domain::EditionId {
    perseverance::demo::seed(db).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let academy = map_store::academy_by_slug(&mut conn.conn(), "creteil")
        .await
        .unwrap()
        .unwrap();
    editions_store::editions_of(&mut conn.conn(), academy.id)
        .await
        .unwrap()[0]
        .id
}

/// 8 tasks × 200 read-then-write transactions (question moves) at once: none
/// fails with SQLITE_BUSY, none is lost. Each task moves the middle question
/// of its own three up and down again, so that if every move is applied the
/// order comes back to where it started; a lost move leaves a pair swapped.
async fn concurrent_question_moves_lose_nothing(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let edition = demo_edition(&db).await;
    let mut tx = db.begin().await.unwrap();
    let before = editions_store::questions(&mut tx.conn(), edition)
        .await
        .unwrap()
        .len();
    for i in 0..24 {
        let question = Question {
            id: perseverance::domain::QuestionId(0),
            kind: QuestionKind::ShortText,
            label: format!("Question {i}"),
            help: String::new(),
            required: false,
            options: Vec::new(),
        };
        editions_store::add_question(&mut tx.conn(), edition, &question)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let ids = |qs: Vec<Question>| qs.into_iter().map(|q| q.id).collect::<Vec<_>>();
    let initial = ids(
        editions_store::questions(&mut db.acquire().await.unwrap().conn(), edition)
            .await
            .unwrap(),
    );
    let tasks: Vec<_> = (0..8)
        .map(|k| {
            let db = db.clone();
            let middle = initial[before + 3 * k + 1];
            tokio::spawn(async move {
                for i in 0..200 {
                    let delta = if i % 2 == 0 { -1 } else { 1 };
                    let mut tx = db.begin().await?;
                    editions_store::move_question(&mut tx.conn(), edition, middle, delta).await?;
                    tx.commit().await?;
                }
                Ok::<_, perseverance::db::DbError>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("no move fails");
    }
    let after = ids(
        editions_store::questions(&mut db.acquire().await.unwrap().conn(), edition)
            .await
            .unwrap(),
    );
    assert_eq!(after, initial, "every move applied, none lost");
}

/// A stored state the code does not know is an error naming the query,
/// never a silent default.
async fn stored_codes_decode_or_fail(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let edition = demo_edition(&db).await;
    let mut conn = db.acquire().await.unwrap();
    let stored = editions_store::edition_by_id(&mut conn.conn(), edition)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, stored.stored_state());
    perseverance::on_conn!(conn.conn(), |c| sqlx::query(
        "UPDATE editions SET state = 'bientot' WHERE id = $1"
    )
    .bind(edition)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    let err = editions_store::edition_by_id(&mut conn.conn(), edition)
        .await
        .expect_err("an unknown state does not decode");
    let text = format!("{:#}", anyhow::Error::new(err));
    assert!(text.contains("editions::store"), "{text}");
    assert!(text.contains("bientot"), "{text}");
}

/// The dialect's date buckets give the same text on both engines.
async fn dates_bucket_alike_on_both_engines(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let mut conn = db.acquire().await.unwrap();
    let mut conn = conn.conn();
    let dialect = conn.dialect();
    for (bucket, expected) in [
        (Bucket::Day, "2027-04-12"),
        (Bucket::Week, "2027-W15"),
        (Bucket::Month, "2027-04"),
    ] {
        use perseverance::db::builder::SqlBuilder;
        let expression = dialect.date_bucket("d", bucket);
        let day = chrono::NaiveDate::from_ymd_opt(2027, 4, 12).unwrap();
        let text: String = perseverance::on_conn!(conn, |c| {
            let mut q = sqlx::QueryBuilder::new("SELECT ");
            q.push_sql(&expression).push_sql(" FROM (SELECT ");
            q.push_bind(day).push_sql(" AS d) t");
            q.build_query_scalar().fetch_one(c).await
        })
        .unwrap();
        assert_eq!(text, expected, "{bucket:?}");
    }
}

/// Both engines' migrations give the same tables, columns, nullability and
/// indexes: a migration written for one engine only fails here.
#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL : définir PERSEVERANCE_TEST_PG_URL pour lancer cette suite"
)]
async fn schema_parity_between_engines() {
    let dir = tempfile::tempdir().unwrap();
    let (sqlite, _) = fresh_db(Engine::Sqlite, &dir).await;
    let (postgres, _) = fresh_db(Engine::Postgres, &dir).await;
    let sqlite = schema_of(&sqlite).await;
    let postgres = schema_of(&postgres).await;
    let only = |a: &std::collections::BTreeSet<String>, b: &std::collections::BTreeSet<String>| {
        a.difference(b).cloned().collect::<Vec<_>>()
    };
    assert!(
        sqlite == postgres,
        "schemas differ\nonly on SQLite: {:#?}\nonly on PostgreSQL: {:#?}",
        only(&sqlite, &postgres),
        only(&postgres, &sqlite)
    );
}

/// `table.column null|not null`, `view name` and `index table.name` lines.
async fn schema_of(db: &Db) -> std::collections::BTreeSet<String> {
    let mut set = std::collections::BTreeSet::new();
    match db {
        Db::Sqlite(pool) => {
            let objects: Vec<(String, String, Option<String>)> = sqlx::query_as(
                "SELECT type, name, tbl_name FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
                   AND (type IN ('table', 'view') OR (type = 'index' AND sql IS NOT NULL))",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (kind, name, table) in objects {
                match kind.as_str() {
                    "table" => {
                        let columns: Vec<(String, i64, i64)> = sqlx::query_as(
                            "SELECT name, \"notnull\", pk FROM pragma_table_info($1)",
                        )
                        .bind(&name)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                        for (column, not_null, pk) in columns {
                            let null = if not_null == 1 || pk > 0 {
                                "not null"
                            } else {
                                "null"
                            };
                            set.insert(format!("{name}.{column} {null}"));
                        }
                    }
                    "view" => {
                        set.insert(format!("view {name}"));
                    }
                    _ => {
                        set.insert(format!("index {}.{name}", table.unwrap_or_default()));
                    }
                }
            }
        }
        Db::Postgres(pool) => {
            let columns: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT c.table_name::text, c.column_name::text, c.is_nullable::text
                 FROM information_schema.columns c JOIN information_schema.tables t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                   AND c.table_name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, column, nullable) in columns {
                let null = if nullable == "YES" {
                    "null"
                } else {
                    "not null"
                };
                set.insert(format!("{table}.{column} {null}"));
            }
            let views: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.views WHERE table_schema = current_schema()",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for view in views {
                set.insert(format!("view {view}"));
            }
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT i.tablename::text, i.indexname::text FROM pg_indexes i
                 WHERE i.schemaname = current_schema() AND i.tablename <> '_sqlx_migrations'
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_class x ON x.oid = c.conindid
                                   JOIN pg_namespace n ON n.oid = x.relnamespace
                                   WHERE x.relname = i.indexname AND n.nspname = i.schemaname)",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, index) in indexes {
                set.insert(format!("index {table}.{index}"));
            }
        }
    }
    set
}

/// Kind: a text search escapes LIKE patterns. In the school directory, `%`,
/// `_` and a NUL byte are plain characters, never wildcards.
async fn text_searches_take_wildcards_literally(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    perseverance::demo::seed(&db).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let academy = map_store::academy_by_slug(&mut conn.conn(), "creteil")
        .await
        .unwrap()
        .unwrap();
    let search = |text: &str| map_store::SchoolFilter {
        academy_id: academy.id,
        department_id: None,
        district_id: None,
        text: Some(text.to_string()),
        offset: 0,
        limit: 1000,
    };
    for (text, expected_none) in [
        ("%", true),
        ("_", true),
        ("Coll\0ge", true),
        ("Coll%ge", true),
    ] {
        let filter = search(text);
        let (_, total) = map_store::search_schools(&mut conn.conn(), &filter)
            .await
            .unwrap();
        assert_eq!(
            total == 0,
            expected_none,
            "« {text} » matched {total} schools"
        );
    }
    let filter = search("collège");
    let (_, total) = map_store::search_schools(&mut conn.conn(), &filter)
        .await
        .unwrap();
    assert!(total > 100, "a plain word still finds schools: {total}");
    // Accents and case never matter (migration 0019): the same schools.
    for typed in ["college", "COLLÈGE", "COLLEGE"] {
        let (_, same) = map_store::search_schools(&mut conn.conn(), &search(typed))
            .await
            .unwrap();
        assert_eq!(same, total, "« {typed} »");
    }
}
