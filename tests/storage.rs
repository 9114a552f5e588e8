//! One storage story, run on both engines: the map import, grants and their
//! placements, sessions, and the job queue.

mod common;

use common::{Engine, fresh_db};
use perseverance::{
    auth::store as auth_store,
    config::Config,
    db::Db,
    domain::{Email, Grant, Role, Scope},
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
        auth_store::GrantQuery::Within(Scope::District(district + 1)),
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
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "live", hours)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "dead", hours)
            .await
            .unwrap()
            .is_none()
    );
    auth_store::delete_session(&mut db.acquire().await.unwrap().conn(), "live")
        .await
        .unwrap();
    assert!(
        auth_store::session_user(&mut db.acquire().await.unwrap().conn(), "live", hours)
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
