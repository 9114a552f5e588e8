//! The declaration path over HTTP, on both engines: draft, submission,
//! review, changes, validation, mails, deadlines, scopes and conflicts.

mod common;

use chrono::{Duration, NaiveTime, Utc};
use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page};
use perseverance::domain::ids::{ActionId, EditionId, QuestionId, UserId};
use perseverance::{
    domain::edition::{EditionState, paris_date, paris_to_utc},
    editions::store as editions_store,
};
use reqwest::StatusCode;

on_both_engines!(
    a_declaration_goes_from_draft_to_validated,
    incomplete_or_wrong_forms_keep_what_was_typed,
    the_deadline_closes_submissions_unless_extended,
    actions_stay_within_their_scope,
    two_reviewers_at_once_do_not_overwrite,
    owners_duplicate_past_actions,
);

/// An open edition of the demo académie, deadline `deadline_in` from now,
/// with one required yes/no question. Returns (edition id, question id).
async fn open_edition(app: &TestApp, year: i64, deadline_in: Duration) -> (EditionId, QuestionId) {
    let (id, questions) = EditionBuilder::new(year)
        .deadline_in(deadline_in)
        .yes_no("Participez-vous au concours d'affiches ?")
        .insert(&app.db)
        .await;
    (id, questions[0])
}

fn version_in(html: &str) -> String {
    Page::parse(html).field("version").expect("a version field")
}

/// A complete form for the demo edition.
fn complete(app_week_day: &str, question: QuestionId, version: &str) -> Vec<(String, String)> {
    let q = format!("q{question}");
    [
        ("version", version),
        ("title", "Forum des anciens élèves"),
        ("summary", "Des anciens racontent leur parcours"),
        (
            "description",
            "Table ronde au CDI, puis échanges en petits groupes.",
        ),
        ("owner_name", "Camille Martin"),
        ("owner_role", "CPE"),
        ("people_involved", "Équipe de vie scolaire"),
        ("audiences", "eleves"),
        ("audiences", "parents"),
        ("levels", "3e"),
        ("scheme", "aucun"),
        ("starts_on", app_week_day),
        ("start_time", "14:00"),
        ("end_time", "16:00"),
        ("place", "CDI"),
        ("partners", "Mission locale"),
        ("expected_participants", "60"),
        ("showcase_kinds", "exposition"),
        (q.as_str(), "oui"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn week_day() -> String {
    (paris_date(Utc::now()) + Duration::days(41))
        .format("%Y-%m-%d")
        .to_string()
}

async fn a_declaration_goes_from_draft_to_validated(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, question) = open_edition(&app, 2040, Duration::days(20)).await;

    // The staff member declares and submits.
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(edition).await;
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let mut pairs = complete(&week_day(), question, &version_in(&form));
    pairs.push(("intent".into(), "submit".into()));
    let response = app
        .post_pairs(&format!("/actions/{id}/modifier"), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let receipt = app.mails(1).await;
    assert!(receipt[0].contains("To: personnel@demo.test"));
    assert!(
        receipt[0].contains("a bien été transmise"),
        "{}",
        receipt[0]
    );

    // The district coordinator asks for a change, with a comment.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("coordination.district@demo.test").await;
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(page.contains("Soumise"));
    let version = version_in(&page);
    let no_comment = app
        .post(
            &format!("/actions/{id}/transition"),
            &[
                ("transition", "request_changes"),
                ("version", &version),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(no_comment.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(no_comment).await.contains("Expliquez ce qu"));
    let asked = app
        .post(
            &format!("/actions/{id}/transition"),
            &[
                ("transition", "request_changes"),
                ("version", &version),
                ("comment", "Précisez le lieu exact."),
            ],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let mails = app.mails(2).await;
    assert!(
        mails[1].contains("demande des modifications"),
        "{}",
        mails[1]
    );
    assert!(mails[1].contains("Précisez le lieu exact."));

    // The staff member fixes it and resubmits.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("personnel@demo.test").await;
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let mut pairs = complete(&week_day(), question, &version_in(&form));
    pairs.retain(|(k, _)| k != "place");
    pairs.push(("place".into(), "CDI, bâtiment B".into()));
    pairs.push(("intent".into(), "submit".into()));
    assert_eq!(
        app.post_pairs(&format!("/actions/{id}/modifier"), &pairs)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.mails(3).await;

    // The coordinator validates.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("coordination.district@demo.test").await;
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(page.contains("CDI, bâtiment B"));
    let validated = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "validate"), ("version", &version_in(&page))],
        )
        .await;
    assert_eq!(validated.status(), StatusCode::SEE_OTHER);
    let mails = app.mails(4).await;
    assert!(
        mails[3].contains("est validée par la coordination"),
        "{}",
        mails[3]
    );
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(page.contains("Validée"));
    // The audit trail: submitted, changes requested, submitted, validated.
    let trail = page.split_once(">Historique<").unwrap().1;
    assert_eq!(trail.matches("<tr><td>").count(), 4, "{trail}");
    assert!(
        trail.contains("coordination.district@demo.test")
            && trail.contains("Précisez le lieu exact.")
    );
    // Flags on a validated action.
    let flagged = app
        .post(
            &format!("/actions/{id}/signalements"),
            &[("featured", "1"), ("version", &version_in(&page))],
        )
        .await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);
    assert!(
        body(app.get(&format!("/actions/{id}")).await)
            .await
            .contains("Au programme du district")
    );
}

async fn incomplete_or_wrong_forms_keep_what_was_typed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, question) = open_edition(&app, 2040, Duration::days(20)).await;
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(edition).await;
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let version = version_in(&form);

    // A draft with only a title saves.
    let saved = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Mon idée"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    assert!(form.contains("value=\"Mon idée\""));

    // Submitting it incomplete: every missing field is named, the title kept.
    let version = version_in(&form);
    let response = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Mon idée"),
                ("intent", "submit"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("value=\"Mon idée\""));
    for message in [
        "Résumez l",
        "Choisissez au moins un public",
        "Indiquez la date",
        "Répondez à cette question",
    ] {
        assert!(html.contains(message), "{message}");
    }

    // The refused submission saved the draft: the form sent back carries its new version.
    let version = version_in(&html);
    // Wrong values: date outside the week, end before start, negative number, a choice not offered.
    let mut pairs = complete("2020-01-01", question, &version);
    for (key, value) in pairs.iter_mut() {
        match key.as_str() {
            "end_time" => *value = "13:00".into(),
            "expected_participants" => *value = "-4".into(),
            "scheme" => *value = "inconnu".into(),
            _ => {}
        }
    }
    pairs.push(("intent".into(), "submit".into()));
    let html = body(
        app.post_pairs(&format!("/actions/{id}/modifier"), &pairs)
            .await,
    )
    .await;
    for message in [
        "pendant la semaine",
        "L&#39;heure de fin doit suivre",
        "ne peut pas être négatif",
        "pas proposé",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains("Camille Martin"), "the rest is kept");
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(
        page.contains("Brouillon"),
        "a refused submission leaves a draft"
    );
}

async fn the_deadline_closes_submissions_unless_extended(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, question) = open_edition(&app, 2040, Duration::days(20)).await;
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(edition).await;
    // The deadline passes.
    let sql = "UPDATE editions SET declaration_deadline = $1 WHERE id = $2";
    let past = Utc::now() - Duration::hours(1);
    perseverance::on_conn!(app.db.acquire().await.unwrap().conn(), |pool| sqlx::query(
        sql
    )
    .bind(past)
    .bind(edition)
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let mut pairs = complete(&week_day(), question, &version_in(&form));
    pairs.push(("intent".into(), "submit".into()));
    let refused = app
        .post_pairs(&format!("/actions/{id}/modifier"), &pairs)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        body(refused)
            .await
            .contains("date limite des déclarations est passée")
    );
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(
        page.contains("Brouillon") && page.contains("Forum des anciens élèves"),
        "saved as a draft, nothing lost"
    );
    assert_eq!(
        app.get(&format!("/editions/{edition}/actions/nouvelle"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let mine = body(app.get("/mes-actions").await).await;
    assert!(
        !mine.contains(&format!("/editions/{edition}/actions/nouvelle")),
        "no declaration link once closed"
    );

    // An extension for this school reopens it.
    let school =
        perseverance::actions::store::action_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
            .await
            .unwrap()
            .unwrap()
            .school_id;
    let until = paris_to_utc(
        paris_date(Utc::now()) + Duration::days(2),
        NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
    );
    editions_store::extend_deadline(
        &mut app.db.acquire().await.unwrap().conn(),
        edition,
        school,
        until,
        UserId(1),
    )
    .await
    .unwrap();
    let mine = body(app.get("/mes-actions").await).await;
    assert!(
        mine.contains(&format!("/editions/{edition}/actions/nouvelle")),
        "the extension reopens the declaration link"
    );
    let page = body(app.get(&format!("/actions/{id}")).await).await;
    let submitted = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "submit"), ("version", &version_in(&page))],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
}

async fn actions_stay_within_their_scope(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, question) = open_edition(&app, 2040, Duration::days(20)).await;
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(edition).await;
    // Submitted, so that the DSDEN may read it (drafts are private: tests/access.rs).
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let mut pairs = complete(&week_day(), question, &version_in(&form));
    pairs.push(("intent".into(), "submit".into()));
    let submitted = app
        .post_pairs(&format!("/actions/{id}/modifier"), &pairs)
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    app.post("/deconnexion", &[]).await;

    // Staff of another school: a new account with a role elsewhere.
    let mut tx = app.db.begin().await.unwrap();
    let other = perseverance::map::store::school_by_uai(
        &mut tx.conn(),
        &perseverance::domain::Uai::from_number(770_100).to_string(),
    )
    .await
    .unwrap()
    .unwrap();
    let user = perseverance::auth::store::ensure_user(
        &mut tx.conn(),
        &perseverance::domain::Email::parse("autre@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    let grant = perseverance::domain::Grant::new(
        perseverance::domain::Role::Staff,
        perseverance::domain::Scope::School(other.id),
    )
    .unwrap();
    perseverance::auth::store::add_grant(&mut tx.conn(), user, grant, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let token = perseverance::auth::tokens::random_token();
    perseverance::auth::store::create_session(
        &mut app.db.acquire().await.unwrap().conn(),
        user,
        &perseverance::auth::tokens::hash(&token),
        Duration::hours(1),
    )
    .await
    .unwrap();
    app.jar.add_cookie_str(
        &format!("perseverance_session={token}"),
        &app.url.parse().unwrap(),
    );
    assert_eq!(
        app.get(&format!("/actions/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/actions/{id}/modifier")).await.status(),
        StatusCode::NOT_FOUND
    );
    let forged = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "validate"), ("version", "2")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);

    // The DSDEN viewer reads but cannot decide.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("dsden93@demo.test").await;
    assert_eq!(
        app.get(&format!("/actions/{id}")).await.status(),
        StatusCode::OK
    );
    let refused = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "validate"), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        body(refused)
            .await
            .contains("Votre rôle ne vous permet pas de valider")
    );
}

async fn two_reviewers_at_once_do_not_overwrite(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, question) = open_edition(&app, 2040, Duration::days(20)).await;
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(edition).await;
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let mut pairs = complete(&week_day(), question, &version_in(&form));
    pairs.push(("intent".into(), "submit".into()));
    app.post_pairs(&format!("/actions/{id}/modifier"), &pairs)
        .await;
    app.post("/deconnexion", &[]).await;

    // Both coordinators load the page at the same version.
    app.sign_in_demo("coordination.district@demo.test").await;
    let version = version_in(&body(app.get(&format!("/actions/{id}")).await).await);
    let first = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "validate"), ("version", &version)],
        )
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("coordination.academique@demo.test").await;
    let second = app
        .post(
            &format!("/actions/{id}/transition"),
            &[
                ("transition", "decline"),
                ("version", &version),
                ("comment", "Hors sujet"),
            ],
        )
        .await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(
        body(second)
            .await
            .contains("Quelqu&#39;un d&#39;autre a modifié cette action")
    );
    assert!(
        body(app.get(&format!("/actions/{id}")).await)
            .await
            .contains("Validée"),
        "the first decision stands"
    );
}

async fn owners_duplicate_past_actions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (old, _) = open_edition(&app, 2039, Duration::days(20)).await;
    app.sign_in_demo("personnel@demo.test").await;
    let id = app.start_draft(old).await;
    let version = version_in(&body(app.get(&format!("/actions/{id}/modifier")).await).await);
    app.post(
        &format!("/actions/{id}/modifier"),
        &[
            ("version", &version),
            ("title", "Rallye de la persévérance"),
            ("intent", "save"),
        ],
    )
    .await;
    editions_store::set_edition_state(
        &mut app.db.acquire().await.unwrap().conn(),
        old,
        EditionState::Archived,
    )
    .await
    .unwrap();
    let (new, _) = open_edition(&app, 2040, Duration::days(20)).await;

    let page = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(page.contains("Dupliquer dans la"));
    let copied = app.post(&format!("/actions/{id}/dupliquer"), &[]).await;
    assert_eq!(copied.status(), StatusCode::SEE_OTHER);
    let location = copied.headers()["location"].to_str().unwrap().to_string();
    let form = body(app.get(&location).await).await;
    assert!(form.contains("value=\"Rallye de la persévérance\""));
    let copy_id: ActionId = location
        .trim_start_matches("/actions/")
        .trim_end_matches("/modifier")
        .parse()
        .unwrap();
    let copy = perseverance::actions::store::action_by_id(
        &mut app.db.acquire().await.unwrap().conn(),
        copy_id,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(copy.edition_id, new);
    assert_eq!(copy.state.code(), "draft");
}
