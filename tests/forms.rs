//! The kinds of issue 7 that every form of the service must hold, over HTTP,
//! on both engines: nothing well-formed is lost (item 1), a double click
//! does one thing (5), a named format is accepted (7), a deadline shown to
//! the minute includes that minute (8), an edit never orphans answers (9),
//! every text has a limit and every choice counts once (15), a malformed
//! address answers the French error page (15), and a refusal about a form
//! leads back to the form (17).

mod common;

use chrono::{Duration, DurationRound, NaiveDate, Timelike, Utc};
use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page};
use perseverance::{
    actions::store as actions_store,
    db::Db,
    domain::{
        ActionId, UserId,
        declaration::QuestionKind,
        edition::{format_paris, paris_date},
    },
    editions::store as editions_store,
    on_conn,
};
use reqwest::StatusCode;

on_both_engines!(
    a_draft_keeps_every_well_formed_field_and_flags_the_rest,
    a_double_click_does_one_thing,
    a_double_click_does_one_thing_on_a_pool_of_one_connection,
    two_submits_at_once_submit_once_and_the_second_answer_says_so,
    every_named_format_is_accepted,
    a_deadline_shown_to_the_minute_includes_that_minute,
    renaming_an_option_carries_its_answers,
    deleting_what_holds_answers_says_how_many_and_asks,
    a_refusal_about_a_form_leads_back_to_the_form,
    every_text_has_a_limit_and_every_choice_counts_once,
    malformed_addresses_answer_the_french_error_page,
);

const STAFF: &str = "personnel@demo.test";
const COORDINATOR: &str = "coordination.academique@demo.test";
const DISTRICT: &str = "coordination.district@demo.test";

/// A day of the week of editions built by [`EditionBuilder`] (40 days from now).
fn week_day() -> NaiveDate {
    paris_date(Utc::now()) + Duration::days(41)
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn french(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The value of the hidden `once` field of the form posting to `action`.
fn once_of(html: &str, action: &str) -> String {
    Page::parse(html)
        .attr(
            &format!("form[action=\"{action}\"] input[name=\"once\"]"),
            "value",
        )
        .unwrap_or_else(|| panic!("a once field in the form to {action}"))
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// The form's current version.
async fn version_of(app: &TestApp, action: ActionId) -> String {
    let html = body(app.get(&format!("/actions/{action}/modifier")).await).await;
    Page::parse(&html).field("version").expect("a version")
}

/// Every field of the form, well filled, for the edition's week.
fn complete(version: &str) -> Vec<(String, String)> {
    let day = iso(week_day());
    pairs(&[
        ("version", version),
        ("title", "Forum des anciens élèves"),
        ("summary", "Des anciens racontent leur parcours"),
        ("description", "Table ronde au CDI, puis échanges."),
        ("owner_name", "Camille Martin"),
        ("owner_role", "CPE"),
        ("people_involved", "Équipe de vie scolaire"),
        ("audiences", "eleves"),
        ("levels", "3e"),
        ("scheme", "aucun"),
        ("starts_on", &day),
        ("start_time", "14:00"),
        ("end_time", "16:00"),
        ("place", "CDI"),
        ("partners", "Mission locale"),
        ("expected_participants", "60"),
        ("showcase_kinds", "exposition"),
    ])
}

async fn stored(db: &Db, id: ActionId) -> actions_store::Action {
    actions_store::action_by_id(&mut db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap()
}

async fn count(db: &Db, sql: &'static str, id: impl Into<i64>) -> i64 {
    let id: i64 = id.into();
    on_conn!(db.acquire().await.unwrap().conn(), |c| sqlx::query_scalar(
        sql
    )
    .bind(id)
    .fetch_one(c)
    .await)
    .unwrap()
}

async fn a_draft_keeps_every_well_formed_field_and_flags_the_rest(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;
    // A date already saved, to see that a bad one never replaces it.
    let version = version_of(&app, id).await;
    let good_day = iso(week_day());
    let saved = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("starts_on", &good_day),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // A title, a 2,000-character description, a date outside the week.
    let version = version_of(&app, id).await;
    let description = "Des anciens élèves témoignent. ".repeat(65);
    let description = description.trim_end();
    assert!(description.chars().count() >= 2_000);
    let outside = iso(week_day() + Duration::days(30));
    let response = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Forum des métiers"),
                ("description", description),
                ("starts_on", &outside),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    let page = Page::parse(&html);
    // The form flags the date, and only the date…
    assert_eq!(
        page.attrs(".fr-error-text", "id"),
        ["starts_on-erreur"],
        "{html}"
    );
    assert!(
        page.text("#starts_on-erreur")
            .unwrap()
            .contains("pendant la semaine")
    );
    // …shows what was typed, and says the rest is saved.
    assert_eq!(page.field("starts_on").as_deref(), Some(outside.as_str()));
    assert_eq!(page.field("description").as_deref(), Some(description));
    assert!(
        page.text(".fr-alert__title")
            .unwrap()
            .contains("Brouillon enregistré, sauf les champs signalés")
    );
    // Stored: the title and the description; the date keeps its value.
    let action = stored(&app.db, id).await;
    assert_eq!(action.title, "Forum des métiers");
    assert_eq!(action.description, description);
    assert_eq!(action.starts_on, Some(week_day()));
    // The form sent back carries the new version: saving it again works.
    let version = page.field("version").unwrap();
    let again = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Forum des métiers"),
                ("summary", "Un forum"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored(&app.db, id).await.summary, "Un forum");

    // A failed submission saves the draft too.
    let version = version_of(&app, id).await;
    let response = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Forum des métiers"),
                ("place", "Gymnase"),
                ("intent", "submit"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let action = stored(&app.db, id).await;
    assert_eq!(action.place, "Gymnase");
    assert_eq!(action.state.code(), "draft");
}

async fn a_double_click_does_one_thing(engine: Engine) {
    double_click(TestApp::spawn(engine).await).await;
}

/// The same with a single pooled connection: no request path holds one
/// connection while it takes another (it would wait for itself: with a
/// pool of 4, two such submissions at once and the job worker starved each
/// other under load and one answered 500).
async fn a_double_click_does_one_thing_on_a_pool_of_one_connection(engine: Engine) {
    double_click(TestApp::spawn_with_pool(engine, 1).await).await;
}

async fn double_click(app: TestApp) {
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    app.sign_in_demo(STAFF).await;

    // Two simultaneous « Commencer la déclaration » with the same token.
    let html = body(
        app.get(&format!("/editions/{edition}/actions/nouvelle"))
            .await,
    )
    .await;
    let target = format!("/editions/{edition}/actions");
    let once = once_of(&html, &target);
    let place = Page::parse(&html)
        .attr("input[name=\"place\"]", "value")
        .unwrap();
    let fields = [("place", place.as_str()), ("once", once.as_str())];
    let (first, second) = tokio::join!(app.post(&target, &fields), app.post(&target, &fields));
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let sql = "SELECT COUNT(*) FROM actions WHERE edition_id = $1";
    assert_eq!(count(&app.db, sql, edition).await, 1, "one draft");
    let (a, b) = (location(&first), location(&second));
    let (repeat, fresh) = if a.contains("deja=1") { (a, b) } else { (b, a) };
    assert_eq!(
        repeat,
        format!("{fresh}?deja=1"),
        "both lead to the one draft"
    );
    let page = body(app.get(&repeat).await).await;
    assert!(
        page.contains("Votre formulaire avait déjà été envoyé"),
        "the second answer says so"
    );
    let id: ActionId = fresh
        .trim_start_matches("/actions/")
        .trim_end_matches("/modifier")
        .parse()
        .unwrap();

    // Two simultaneous « Soumettre l'action » from the form.
    let form = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let target = format!("/actions/{id}/modifier");
    let mut sent = complete(&Page::parse(&form).field("version").unwrap());
    sent.push(("once".into(), once_of(&form, &target)));
    sent.push(("intent".into(), "submit".into()));
    let (first, second) = tokio::join!(
        app.post_pairs(&target, &sent),
        app.post_pairs(&target, &sent)
    );
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let sql = "SELECT COUNT(*) FROM action_events WHERE action_id = $1";
    assert_eq!(count(&app.db, sql, id).await, 1, "submitted once");
    assert_eq!(app.mails(1).await.len(), 1, "one acknowledgement");
    for response in [first, second] {
        let page = body(app.get(&location(&response)).await).await;
        assert!(page.contains("Action soumise."), "{page}");
        assert!(!page.contains("Rien n’a été enregistré"));
    }

    // Coordination forms too: a question added, moved, a deadline extended.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let questions = format!("/editions/{edition}/questions");
    let html = body(app.get(&questions).await).await;
    let once = once_of(&html, &questions);
    let fields = [
        ("kind", "short_text"),
        ("label", "Partenaire principal"),
        ("once", once.as_str()),
    ];
    let (first, second) =
        tokio::join!(app.post(&questions, &fields), app.post(&questions, &fields));
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let sql = "SELECT COUNT(*) FROM edition_questions WHERE edition_id = $1";
    assert_eq!(count(&app.db, sql, edition).await, 1, "one question");

    let show = format!("/editions/{edition}");
    let html = body(app.get(&show).await).await;
    let delai = format!("/editions/{edition}/delai");
    let once = once_of(&html, &delai);
    let until = french(paris_date(Utc::now()) + Duration::days(25));
    let fields = [
        ("until_date", until.as_str()),
        ("until_time", "18h"),
        ("once", once.as_str()),
    ];
    let (first, second) = tokio::join!(app.post(&delai, &fields), app.post(&delai, &fields));
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let sql = "SELECT COUNT(*) FROM deadline_extensions WHERE edition_id = $1";
    assert_eq!(count(&app.db, sql, edition).await, 1, "one extension");
}

async fn two_submits_at_once_submit_once_and_the_second_answer_says_so(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;
    let version = version_of(&app, id).await;
    let mut sent = complete(&version);
    sent.push(("intent".into(), "save".into()));
    app.post_pairs(&format!("/actions/{id}/modifier"), &sent)
        .await;

    // Two tabs on the action page press « Soumettre » (two tokens, one version).
    let show = format!("/actions/{id}");
    let html = body(app.get(&show).await).await;
    let version = Page::parse(&html).field("version").unwrap();
    let target = format!("/actions/{id}/transition");
    let tab = |once: String| {
        pairs(&[
            ("transition", "submit"),
            ("version", &version),
            ("once", &once),
        ])
    };
    let (one, two) = (tab(once_of(&html, &target)), tab(once_of(&html, &target)));
    let (first, second) =
        tokio::join!(app.post_pairs(&target, &one), app.post_pairs(&target, &two));
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER, "not a conflict");
    let sql = "SELECT COUNT(*) FROM action_events WHERE action_id = $1";
    assert_eq!(count(&app.db, sql, id).await, 1, "submitted once");
    let repeat = [location(&first), location(&second)]
        .into_iter()
        .find(|l| l.contains("deja=1"))
        .expect("one answer says it was already done");
    let page = body(app.get(&repeat).await).await;
    assert!(page.contains("Action soumise."));
    assert!(page.contains("Votre formulaire avait déjà été envoyé"));

    // The same form resent later (a tab restored): the truth, not « nothing saved ».
    let mut resent = complete(&version);
    resent.push(("intent".into(), "submit".into()));
    let response = app
        .post_pairs(&format!("/actions/{id}/modifier"), &resent)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains("avis=soumise&deja=1"));
    // Different content, too late: kept on the page, and said not saved.
    let mut changed = complete(&version);
    changed.retain(|(k, _)| k != "place");
    changed.push(("place".into(), "Salle des fêtes".into()));
    changed.push(("intent".into(), "submit".into()));
    let response = app
        .post_pairs(&format!("/actions/{id}/modifier"), &changed)
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = body(response).await;
    assert!(html.contains("Cette action est soumise"));
    assert_eq!(
        Page::parse(&html).field("place").as_deref(),
        Some("Salle des fêtes")
    );
}

async fn every_named_format_is_accepted(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, questions) = EditionBuilder::new(2040)
        .question(QuestionKind::Date, "Date de la réunion de préparation", &[])
        .question(QuestionKind::Number, "Budget (en euros)", &[])
        .insert(&app.db)
        .await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;

    // Dates as JJ/MM/AAAA, times as French people write them.
    let version = version_of(&app, id).await;
    let mut sent = complete(&version);
    for (key, value) in sent.iter_mut() {
        match key.as_str() {
            "starts_on" => *value = french(week_day()),
            "start_time" => *value = "14h".into(),
            "end_time" => *value = "16 h 30".into(),
            "expected_participants" => *value = "1 200".into(),
            _ => {}
        }
    }
    sent.push((
        format!("q{}", questions[0]),
        french(week_day() - Duration::days(20)),
    ));
    sent.push((format!("q{}", questions[1]), "1 250,50".into()));
    sent.push(("intent".into(), "save".into()));
    let response = app
        .post_pairs(&format!("/actions/{id}/modifier"), &sent)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let action = stored(&app.db, id).await;
    assert_eq!(action.starts_on, Some(week_day()));
    assert_eq!(
        (action.start_time.as_str(), action.end_time.as_str()),
        ("14:00", "16:30")
    );
    assert_eq!(action.expected_participants, Some(1200));
    let form = Page::parse(&body(app.get(&format!("/actions/{id}/modifier")).await).await);
    assert_eq!(
        form.field("starts_on"),
        Some(french(week_day())),
        "shown as named"
    );
    // Each field names the format it takes, and a wrong value is told the same.
    assert!(
        form.text("label[for=\"starts_on\"]")
            .unwrap()
            .contains("JJ/MM/AAAA")
    );
    assert!(
        form.text("label[for=\"start_time\"]")
            .unwrap()
            .contains("14h30")
    );
    let version = form.field("version").unwrap();
    let response = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("starts_on", "le 6 avril"),
                ("start_time", "midi"),
                ("intent", "save"),
            ],
        )
        .await;
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#starts_on-erreur")
            .unwrap()
            .contains("JJ/MM/AAAA")
    );
    assert!(page.text("#start_time-erreur").unwrap().contains("14h30"));

    // The edition form and the deadline extension take the same.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let form = pairs(&[
        ("number", "12e"),
        ("year", "2031"),
        ("theme", "L'engagement, clé de la réussite"),
        ("week_start", "07/04/2031"),
        ("week_end", "2031-04-11"),
        ("deadline_date", "14/03/2031"),
        ("deadline_time", "17h30"),
        ("bilan_deadline", "30/06/2031"),
        ("contact_email", "ce.saio@ac-creteil.fr"),
        ("reminder_days", "J-14 J-7"),
    ]);
    let created = app.post_pairs("/a/creteil/editions", &form).await;
    assert_eq!(
        created.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(created).await
    );
    let page = body(app.get(&location(&created)).await).await;
    assert!(page.contains("14/03/2031 à 17:30"), "{page}");
    assert!(page.contains("du 07/04/2031 au 11/04/2031"));
    let show = format!("/editions/{edition}");
    let until = paris_date(Utc::now()) + Duration::days(22);
    let response = app
        .post(
            &format!("{show}/delai"),
            &[("until_date", &french(until)), ("until_time", "9h")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(app.get(&show).await).await;
    assert!(
        page.contains(&format!("{} à 09:00", french(until))),
        "{page}"
    );
}

async fn a_deadline_shown_to_the_minute_includes_that_minute(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // Far from a minute's end, so that the whole test runs within it.
    if Utc::now().second() >= 50 {
        tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    }
    let minute = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;
    let version = version_of(&app, id).await;
    let mut sent = complete(&version);
    sent.push(("intent".into(), "save".into()));
    app.post_pairs(&format!("/actions/{id}/modifier"), &sent)
        .await;
    let set_deadline = |at: chrono::DateTime<Utc>| {
        let db = app.db.clone();
        async move {
            let sql = "UPDATE editions SET declaration_deadline = $1 WHERE id = $2";
            on_conn!(db.acquire().await.unwrap().conn(), |c| sqlx::query(sql)
                .bind(at)
                .bind(edition)
                .execute(c)
                .await
                .map(|_| ()))
            .unwrap();
        }
    };

    // The deadline is this very minute: the page shows it, a submission now is on time.
    set_deadline(minute).await;
    let page = body(app.get(&format!("/editions/{edition}")).await).await;
    assert!(page.contains(&format_paris(minute)), "{page}");
    let show = body(app.get(&format!("/actions/{id}")).await).await;
    let version = Page::parse(&show).field("version").unwrap();
    let submitted = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "submit"), ("version", &version)],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);

    // Another draft: a deadline a minute ago has passed, but an extension
    // to this very minute keeps declarations open.
    let other = app.start_draft(edition).await;
    let version = version_of(&app, other).await;
    let mut sent = complete(&version);
    sent.push(("intent".into(), "save".into()));
    app.post_pairs(&format!("/actions/{other}/modifier"), &sent)
        .await;
    set_deadline(minute - Duration::minutes(1)).await;
    let show = body(app.get(&format!("/actions/{other}")).await).await;
    let version = Page::parse(&show).field("version").unwrap();
    let late = app
        .post(
            &format!("/actions/{other}/transition"),
            &[("transition", "submit"), ("version", &version)],
        )
        .await;
    assert_eq!(late.status(), StatusCode::FORBIDDEN);
    editions_store::extend_deadline(
        &mut app.db.acquire().await.unwrap().conn(),
        edition,
        None,
        minute,
        UserId(1),
    )
    .await
    .unwrap();
    let on_time = app
        .post(
            &format!("/actions/{other}/transition"),
            &[("transition", "submit"), ("version", &version)],
        )
        .await;
    assert_eq!(on_time.status(), StatusCode::SEE_OTHER);
}

async fn renaming_an_option_carries_its_answers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, questions) = EditionBuilder::new(2040)
        .question(
            QuestionKind::SingleChoice,
            "Comment avez-vous connu la semaine ?",
            &["Note de service", "Collègues"],
        )
        .insert(&app.db)
        .await;
    let question = questions[0];
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;
    let form = Page::parse(&body(app.get(&format!("/actions/{id}/modifier")).await).await);
    let option = form
        .attr(&format!("#q{question}-1"), "value")
        .expect("the first option");
    let version = form.field("version").unwrap();
    let q = format!("q{question}");
    app.post(
        &format!("/actions/{id}/modifier"),
        &[("version", &version), (&q, &option), ("intent", "save")],
    )
    .await;

    // The coordination renames the option chosen.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let edit = format!("/editions/{edition}/questions/{question}/modifier");
    let page = Page::parse(&body(app.get(&edit).await).await);
    let first = format!("option_{option}");
    assert!(
        page.text(&format!("label[for=\"{first}\"]"))
            .unwrap()
            .contains("Choisie par 1 action")
    );
    let second = page
        .attrs("input[name^=\"option_\"]", "name")
        .into_iter()
        .find(|n| *n != first)
        .unwrap();
    let renamed = app
        .post(
            &edit,
            &[
                ("kind", "single_choice"),
                ("label", "Comment avez-vous connu la semaine ?"),
                ("required", "oui"),
                (&first, "La note de service du recteur"),
                (&second, "Collègues"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);

    // The owner's answer follows, and survives their next save.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(STAFF).await;
    let show = body(app.get(&format!("/actions/{id}")).await).await;
    assert!(show.contains("La note de service du recteur"), "{show}");
    let html = body(app.get(&format!("/actions/{id}/modifier")).await).await;
    let form = Page::parse(&html);
    assert_eq!(
        form.attr(&format!("#q{question}-1"), "checked").as_deref(),
        Some(""),
        "still chosen"
    );
    let version = form.field("version").unwrap();
    app.post(
        &format!("/actions/{id}/modifier"),
        &[
            ("version", &version),
            ("title", "Forum"),
            (&q, &option),
            ("intent", "save"),
        ],
    )
    .await;
    let answers = actions_store::answers(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap();
    assert_eq!(answers, [(question, option.clone())]);
}

async fn deleting_what_holds_answers_says_how_many_and_asks(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, questions) = EditionBuilder::new(2040)
        .question(
            QuestionKind::MultipleChoice,
            "Quels partenaires ?",
            &["Mairie", "Mission locale", "Association"],
        )
        .insert(&app.db)
        .await;
    let question = questions[0];
    let q = format!("q{question}");
    app.sign_in_demo(STAFF).await;
    // Two actions chose « Mairie ».
    let mut chosen = String::new();
    for _ in 0..2 {
        let id = app.start_draft(edition).await;
        let form = Page::parse(&body(app.get(&format!("/actions/{id}/modifier")).await).await);
        chosen = form.attr(&format!("#q{question}-1"), "value").unwrap();
        let version = form.field("version").unwrap();
        app.post(
            &format!("/actions/{id}/modifier"),
            &[("version", &version), (&q, &chosen), ("intent", "save")],
        )
        .await;
    }
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let edit = format!("/editions/{edition}/questions/{question}/modifier");
    let page = Page::parse(&body(app.get(&edit).await).await);
    let names = page.attrs("input[name^=\"option_\"]", "name");
    let mairie = format!("option_{chosen}");
    let others: Vec<(String, String)> = names
        .iter()
        .filter(|n| **n != mairie)
        .map(|n| (n.clone(), page.field(n).unwrap()))
        .collect();

    // Removing « Mairie »: how many, and a question; nothing changed yet.
    let mut fields = pairs(&[
        ("kind", "multiple_choice"),
        ("label", "Quels partenaires ?"),
        ("required", "oui"),
        (&mairie, ""),
    ]);
    fields.extend(others.clone());
    let asked = app.post_pairs(&edit, &fields).await;
    assert_eq!(asked.status(), StatusCode::CONFLICT);
    let html = body(asked).await;
    let page = Page::parse(&html);
    let warning = page.text("#confirmation").unwrap();
    assert!(
        warning.contains("« Mairie »") && warning.contains("2 actions"),
        "{warning}"
    );
    assert_eq!(page.field("confirm").as_deref(), Some("1"));
    let sql = "SELECT COUNT(*) FROM action_choices WHERE option_id = $1";
    let option: i64 = chosen.parse().unwrap();
    assert_eq!(count(&app.db, sql, option).await, 2, "nothing erased yet");
    // Confirmed: done.
    fields.push(("confirm".into(), "1".into()));
    let confirmed = app.post_pairs(&edit, &fields).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db, sql, option).await, 0);

    // Deleting the question that holds answers: the same.
    let mission = others[0].0.trim_start_matches("option_").to_string();
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(STAFF).await;
    let sql_actions = "SELECT MIN(id) FROM actions WHERE edition_id = $1";
    let id = ActionId(count(&app.db, sql_actions, edition).await);
    let version = version_of(&app, id).await;
    app.post(
        &format!("/actions/{id}/modifier"),
        &[("version", &version), (&q, &mission), ("intent", "save")],
    )
    .await;
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let delete = format!("/editions/{edition}/questions/{question}/supprimer");
    let asked = app.post(&delete, &[]).await;
    assert_eq!(asked.status(), StatusCode::CONFLICT);
    let html = body(asked).await;
    assert!(html.contains("1 action a déjà répondu"), "{html}");
    let sql = "SELECT COUNT(*) FROM edition_questions WHERE id = $1";
    assert_eq!(count(&app.db, sql, question).await, 1, "still there");
    let deleted = app.post(&delete, &[("confirm", "1")]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db, sql, question).await, 0);
}

async fn a_refusal_about_a_form_leads_back_to_the_form(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040)
        .yes_no("Participez-vous au concours d'affiches ?")
        .insert(&app.db)
        .await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;

    // « Enregistrer le brouillon » with only a title: saved, and said so.
    let version = version_of(&app, id).await;
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
    let page = Page::parse(&body(app.get(&location(&saved)).await).await);
    assert_eq!(
        page.text("main .fr-notice__title").as_deref(),
        Some("Brouillon enregistré.")
    );

    // « Soumettre l'action » from the action page: back on the form, each
    // missing field flagged, with the summary.
    let show = body(app.get(&format!("/actions/{id}")).await).await;
    let version = Page::parse(&show).field("version").unwrap();
    let response = app
        .post(
            &format!("/actions/{id}/transition"),
            &[("transition", "submit"), ("version", &version)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    let page = Page::parse(&html);
    assert_eq!(
        page.attr("form[method=\"post\"][action$=\"/modifier\"]", "action"),
        Some(format!("/actions/{id}/modifier")),
        "the declaration form"
    );
    assert_eq!(page.field("title").as_deref(), Some("Mon idée"));
    let flagged = page.attrs(".fr-error-text, .fr-message--error", "id");
    let summary = page.texts(".fr-alert--error li");
    for field in ["summary", "description", "starts_on", "place"] {
        assert!(
            flagged.contains(&format!("{field}-erreur")),
            "{field} in {flagged:?}"
        );
    }
    assert!(summary.len() >= 10, "{summary:?}");
    assert!(
        summary
            .iter()
            .any(|s| s.contains("Répondez à cette question"))
    );
    assert_eq!(stored(&app.db, id).await.state.code(), "draft");
}

async fn every_text_has_a_limit_and_every_choice_counts_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    app.sign_in_demo(STAFF).await;
    let id = app.start_draft(edition).await;
    let form = Page::parse(&body(app.get(&format!("/actions/{id}/modifier")).await).await);
    // Each limit is shown with its field.
    for (field, shown) in [
        ("title", "200 caractères au maximum"),
        // (The page's text reads the non-breaking space as a space.)
        ("description", "10 000 caractères au maximum"),
        ("place", "300 caractères au maximum"),
    ] {
        let label = form.text(&format!("label[for=\"{field}\"]")).unwrap();
        assert!(label.contains(shown), "{field}: {label}");
    }

    // A 1.9 MiB description: refused in French, the text kept, nothing stored.
    let version = form.field("version").unwrap();
    let huge = "a".repeat(1_900 * 1024);
    let response = app
        .post(
            &format!("/actions/{id}/modifier"),
            &[
                ("version", &version),
                ("title", "Exposition"),
                ("description", &huge),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#description-erreur")
            .unwrap()
            .contains("ne doit pas dépasser 10 000 caractères")
    );
    assert_eq!(page.field("description").map(|d| d.len()), Some(huge.len()));
    let action = stored(&app.db, id).await;
    assert_eq!(action.description, "", "the long text is not stored");
    assert_eq!(action.title, "Exposition", "the rest is");

    // A choice repeated 60,000 times is one choice.
    let version = page.field("version").unwrap();
    let mut sent = pairs(&[("version", &version), ("intent", "save")]);
    sent.extend(std::iter::repeat_n(
        ("audiences".to_string(), "parents".to_string()),
        60_000,
    ));
    sent.push(("levels".into(), "3e".into()));
    sent.push(("levels".into(), "3e".into()));
    let response = app
        .post_pairs(&format!("/actions/{id}/modifier"), &sent)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let action = stored(&app.db, id).await;
    assert_eq!(
        (action.audiences.as_str(), action.levels.as_str()),
        ("parents", "3e")
    );

    // The decision comment and the edition's texts have theirs too.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo(COORDINATOR).await;
    let questions = format!("/editions/{edition}/questions");
    let long_label = "Q".repeat(301);
    let response = app
        .post(
            &questions,
            &[("kind", "short_text"), ("label", &long_label)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#label-erreur")
            .unwrap()
            .contains("300 caractères")
    );
    assert_eq!(page.field("label").as_deref(), Some(long_label.as_str()));
}

async fn malformed_addresses_answer_the_french_error_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo(DISTRICT).await;
    for path in [
        "/actions/abc",
        "/actions/12abc/modifier",
        "/editions/9999999999999999999999",
        "/editions/1/questions/x/modifier",
        "/districts/%00",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = body(response).await;
        assert!(html.contains("Page introuvable"), "{path}: {html}");
        assert!(html.contains("lang=\"fr\""));
    }
    // Never a dead end: the way back, when the person came from this site.
    let from = |referer: String| {
        app.client
            .get(format!("{}/actions/abc", app.url))
            .header("referer", referer)
            .send()
    };
    let page =
        Page::parse(&body(from(format!("{}/mes-actions?x=1", app.url)).await.unwrap()).await);
    assert_eq!(
        page.attr("main a.fr-btn", "href").as_deref(),
        Some("/mes-actions?x=1")
    );
    let page = Page::parse(
        &body(
            from("https://evil.example/mes-actions".into())
                .await
                .unwrap(),
        )
        .await,
    );
    assert_eq!(page.attr("main a.fr-btn", "href").as_deref(), Some("/"));
    let response = app.get("/a/creteil/etablissements?page=1e3").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = common::html::text(&body(response).await);
    assert!(html.contains("Requête incorrecte"), "{html}");
    assert!(html.contains("« page »"), "{html}");
    assert!(!html.contains("i64") && !html.contains("Failed to deserialize"));
    // A method the address does not answer: a French page too.
    let response = app.get("/actions/1/transition").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let html = common::html::text(&body(response).await);
    assert!(html.contains("ne s'ouvre pas de cette façon"), "{html}");
    // A form body that does not read.
    let response = app
        .post("/actions/1/transition", &[("version", "deux")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("Requête incorrecte"));
}
