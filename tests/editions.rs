//! Editions over HTTP: opening, editing, states, cloning, questions, deadline
//! extensions, and the reminders before the deadline, on both engines.

mod common;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use common::{Engine, TestApp, body, html::text};
use perseverance::domain::ids::{AcademyId, EditionId, QuestionId};
use perseverance::{
    config::Config,
    db::Db,
    domain::{
        Email, Grant, Role, Scope, Uai,
        edition::{EditionCalendar, EditionState, paris_date, paris_to_utc},
    },
    editions::store::{self, Edition, EditionValues},
    map::store as map_store,
};
use reqwest::StatusCode;

on_both_engines!(
    coordinator_opens_an_edition,
    staff_cannot_manage_editions,
    other_academies_are_out_of_sight,
    states_move_one_step_at_a_time,
    cloning_prepares_next_year,
    questions_are_checked,
    deadline_is_extended_for_one_school,
    reminders_go_once_to_schools_without_actions,
    schedules_tied_to_a_date_follow_it,
);

const COORDINATOR: &str = "coordination.academique@demo.test";
const STAFF: &str = "personnel@demo.test";

async fn creteil(db: &Db) -> AcademyId {
    map_store::academy_by_slug(&mut db.acquire().await.unwrap().conn(), "creteil")
        .await
        .unwrap()
        .expect("the demo académie")
        .id
}

/// The demo edition in this stored state.
async fn demo_edition(db: &Db, state: &str) -> Edition {
    let academy = creteil(db).await;
    store::editions_of(&mut db.acquire().await.unwrap().conn(), academy)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.state.code() == state)
        .expect("a demo edition in that state")
}

/// A complete edition form for `year`, one field replaced.
fn edition_form(year: i64, replace: (&'static str, &str)) -> Vec<(&'static str, String)> {
    let fields = [
        ("number", "12".to_string()),
        ("year", year.to_string()),
        ("theme", "L'engagement, clé de la réussite".to_string()),
        ("week_start", format!("{year}-04-07")),
        ("week_end", format!("{year}-04-11")),
        ("deadline_date", format!("{year}-03-14")),
        ("deadline_time", "23:59".to_string()),
        ("bilan_deadline", format!("{year}-06-30")),
        (
            "circular",
            "<script>alert(1)</script>\n\nUne semaine *pour tous*.".to_string(),
        ),
        ("contact_email", "ce.saio@ac-creteil.fr".to_string()),
        ("reminder_days", "14 7 2".to_string()),
    ];
    fields
        .into_iter()
        .map(|(k, v)| {
            if k == replace.0 {
                (k, replace.1.to_string())
            } else {
                (k, v)
            }
        })
        .collect()
}

async fn post_owned(
    app: &TestApp,
    path: &str,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(path, &pairs).await
}

/// Where a redirect leads, without the notice it asks for (`?avis=…`).
fn location(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.split('?').next().unwrap().to_string()
}

async fn coordinator_opens_an_edition(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo(COORDINATOR).await;
    let list = text(&body(app.get("/a/creteil/editions").await).await);
    assert!(
        list.contains("La persévérance, un projet collectif"),
        "{list}"
    );
    assert!(list.contains("Déclarations ouvertes") && list.contains("Archivée"));
    assert!(
        list.contains("action=\"/a/creteil/editions\""),
        "the creation form"
    );

    // End of the week before its start: 422, the message by the field, all kept.
    let bad = post_owned(
        &app,
        "/a/creteil/editions",
        &edition_form(2031, ("week_end", "2031-04-01")),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(bad).await);
    assert!(
        html.contains("La fin de la semaine doit suivre son début."),
        "{html}"
    );
    assert!(html.contains("id=\"week_end-erreur\""), "{html}");
    assert!(
        html.contains("value=\"L'engagement, clé de la réussite\""),
        "{html}"
    );
    assert!(html.contains("value=\"2031-04-01\""));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "the circular is kept: {html}"
    );

    // A bad address and bad reminder days are caught too.
    let bad = post_owned(
        &app,
        "/a/creteil/editions",
        &edition_form(2031, ("contact_email", "saio")),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(bad).await.contains("adresse électronique valide"));

    let created = post_owned(&app, "/a/creteil/editions", &edition_form(2031, ("", ""))).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created);
    assert!(path.starts_with("/editions/"), "{path}");
    let page = text(&body(app.get(&path).await).await);
    assert!(
        page.contains("12e semaine de la persévérance scolaire (2031)"),
        "{page}"
    );
    assert!(page.contains("L'engagement, clé de la réussite"));
    assert!(page.contains("En préparation"), "a new edition is a draft");
    assert!(page.contains("14/03/2031 à 23:59"), "{page}");
    assert!(page.contains("du 07/04/2031 au 11/04/2031"));
    // The circular is rendered safely.
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;"));
    assert!(page.contains("<em>pour tous</em>"));
    assert!(
        !page.contains("/actions/nouvelle"),
        "no declaring in a draft edition"
    );
    let id: EditionId = path.trim_start_matches("/editions/").parse().unwrap();
    let stored = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.reminder_days, "14 7 2");
    assert_eq!(
        stored.declaration_deadline,
        paris_to_utc(
            NaiveDate::from_ymd_opt(2031, 3, 14).unwrap(),
            NaiveTime::from_hms_opt(23, 59, 0).unwrap()
        )
    );

    // One edition per académie and year.
    let twice = post_owned(
        &app,
        "/a/creteil/editions",
        &edition_form(2031, ("theme", "Encore")),
    )
    .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(twice).await);
    assert!(
        html.contains("L'académie a déjà une édition en 2031."),
        "{html}"
    );
    assert!(html.contains("id=\"year-erreur\""));

    // Editing: same checks, then saved.
    let edit = app.get(&format!("{path}/modifier")).await;
    assert_eq!(edit.status(), StatusCode::OK);
    assert!(body(edit).await.contains("value=\"14/03/2031\""));
    let open_year = demo_edition(&app.db, "open").await.year;
    let clash = post_owned(
        &app,
        &format!("{path}/modifier"),
        &edition_form(open_year, ("", "")),
    )
    .await;
    assert_eq!(clash.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = post_owned(
        &app,
        &format!("{path}/modifier"),
        &edition_form(2031, ("theme", "Oser le projet")),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.theme, "Oser le projet");
}

async fn staff_cannot_manage_editions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let open = demo_edition(&app.db, "open").await;
    app.sign_in_demo(STAFF).await;
    let list = body(app.get("/a/creteil/editions").await).await;
    assert!(list.contains("La persévérance, un projet collectif"));
    assert!(
        !list.contains("action=\"/a/creteil/editions\""),
        "no creation form"
    );
    let refused = post_owned(&app, "/a/creteil/editions", &edition_form(2032, ("", ""))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        text(&body(refused).await).contains("Seule la coordination académique ouvre une édition")
    );

    let path = format!("/editions/{}", open.id);
    let page = body(app.get(&path).await).await;
    assert!(
        page.contains(&format!("href=\"{path}/actions/nouvelle\"")),
        "open: declare"
    );
    assert!(page.contains("Participez") || page.contains("Note de cadrage"));
    for form in [
        "/etat\"",
        "/cloner\"",
        "/delai\"",
        "/modifier\"",
        "/questions\"",
    ] {
        assert!(!page.contains(form), "{form} is for coordinators");
    }
    assert!(
        !page.contains("/revue\""),
        "the review list is for coordinations"
    );
    for (route, fields) in [
        ("etat", vec![("state", "closed")]),
        ("cloner", vec![]),
        (
            "delai",
            vec![("until_date", "2099-01-01"), ("until_time", "12:00")],
        ),
        ("questions", vec![("kind", "short_text"), ("label", "Q")]),
    ] {
        let response = app.post(&format!("{path}/{route}"), &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{route}");
    }
    assert_eq!(
        app.get(&format!("{path}/modifier")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("{path}/questions")).await.status(),
        StatusCode::FORBIDDEN
    );
    let stored = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), open.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state.code(), "open", "nothing changed");

    // The district coordinator follows the declarations.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("coordination.district@demo.test").await;
    let page = body(app.get(&path).await).await;
    assert!(page.contains(&format!("href=\"{path}/revue\"")));
    assert!(page.contains(&format!("href=\"{path}/tableau-de-bord\"")));
}

/// A calendar in `year`, with the deadline in March.
fn calendar(year: i32) -> EditionCalendar {
    EditionCalendar {
        week_start: NaiveDate::from_ymd_opt(year, 4, 7).unwrap(),
        week_end: NaiveDate::from_ymd_opt(year, 4, 11).unwrap(),
        declaration_deadline: paris_to_utc(
            NaiveDate::from_ymd_opt(year, 3, 14).unwrap(),
            NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
        ),
        bilan_deadline: NaiveDate::from_ymd_opt(year, 6, 30).unwrap(),
    }
}

fn values(year: i64, calendar: EditionCalendar) -> EditionValues {
    EditionValues {
        year,
        number: 3,
        theme: "Ailleurs".into(),
        calendar,
        circular: String::new(),
        contact_email: "draio@ac-normandie.fr".into(),
        reminder_days: "14 7 2".into(),
    }
}

async fn other_academies_are_out_of_sight(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut tx = app.db.begin().await.unwrap();
    let normandie = map_store::ensure_academy(&mut tx.conn(), "70", "normandie", "Normandie")
        .await
        .unwrap();
    let id = store::insert_edition(
        &mut tx.conn(),
        normandie,
        &values(2031, calendar(2031)),
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.sign_in_demo(COORDINATOR).await;
    let path = format!("/editions/{id}");
    for page in [
        path.clone(),
        format!("{path}/modifier"),
        format!("{path}/questions"),
        "/a/normandie/editions".to_string(),
    ] {
        let response = app.get(&page).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{page}");
        assert!(body(response).await.contains("Page introuvable"));
    }
    for route in ["etat", "cloner", "delai", "questions"] {
        let response = app
            .post(&format!("{path}/{route}"), &[("state", "open")])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{route}");
    }
    let response = post_owned(&app, "/a/normandie/editions", &edition_form(2033, ("", ""))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let stored = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state.code(), "draft");
    assert!(
        store::edition_of_year(&mut app.db.acquire().await.unwrap().conn(), normandie, 2032)
            .await
            .unwrap()
            .is_none()
    );
}

async fn states_move_one_step_at_a_time(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo(COORDINATOR).await;
    let created = post_owned(&app, "/a/creteil/editions", &edition_form(2031, ("", ""))).await;
    let path = location(&created);
    let id: EditionId = path.trim_start_matches("/editions/").parse().unwrap();
    let page = text(&body(app.get(&path).await).await);
    assert!(
        page.contains("Passer à l’état « Déclarations ouvertes »"),
        "{page}"
    );

    let opened = app
        .post(
            &format!("{path}/etat"),
            &[("state", "open"), ("from", "draft")],
        )
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let edition = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edition.stored_state(), EditionState::Open);
    let page = body(app.get(&path).await).await;
    assert!(page.contains("Déclarations ouvertes"));
    // The académie coordination declares nowhere: no link to a refusal.
    assert!(!page.contains(&format!("href=\"{path}/actions/nouvelle\"")));

    // A jump is refused with the reason, and changes nothing.
    let jump = app
        .post(&format!("{path}/etat"), &[("state", "week")])
        .await;
    assert_eq!(jump.status(), StatusCode::FORBIDDEN);
    assert!(text(&body(jump).await).contains("une à une"));
    let nonsense = app
        .post(&format!("{path}/etat"), &[("state", "fini")])
        .await;
    assert_eq!(nonsense.status(), StatusCode::FORBIDDEN);
    // A page that showed an older state: someone else moved it first.
    let stale = app
        .post(
            &format!("{path}/etat"),
            &[("state", "open"), ("from", "draft")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let edition = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edition.stored_state(), EditionState::Open);

    // Back one step is allowed (to fix a mistake).
    let back = app
        .post(
            &format!("{path}/etat"),
            &[("state", "draft"), ("from", "open")],
        )
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let edition = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(edition.stored_state(), EditionState::Draft);
}

async fn cloning_prepares_next_year(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let open = demo_edition(&app.db, "open").await;
    let editions = store::editions_of(&mut app.db.acquire().await.unwrap().conn(), open.academy_id)
        .await
        .unwrap();
    // The oldest archived edition: the year after it exists already.
    let past = editions
        .iter()
        .filter(|e| e.state.code() == "archived")
        .min_by_key(|e| e.year)
        .expect("an archived demo edition")
        .clone();
    assert!(editions.iter().any(|e| e.year == past.year + 1));
    app.sign_in_demo(COORDINATOR).await;

    let cloned = app
        .post(&format!("/editions/{}/cloner", open.id), &[])
        .await;
    assert_eq!(cloned.status(), StatusCode::SEE_OTHER);
    let path = location(&cloned);
    let id: EditionId = path.trim_start_matches("/editions/").parse().unwrap();
    let copy = store::edition_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.year, open.year + 1);
    assert_eq!(copy.number, open.number + 1);
    assert_eq!(copy.theme, open.theme);
    assert_eq!(copy.circular, open.circular);
    assert_eq!(copy.contact_email, open.contact_email);
    assert_eq!(copy.reminder_days, open.reminder_days);
    assert_eq!(copy.stored_state(), EditionState::Draft);
    assert_eq!(copy.cloned_from, Some(open.id));
    assert_eq!(copy.calendar(), open.calendar().next_year());
    assert_eq!(
        (copy.week_start - open.week_start).num_days().abs() / 365,
        1,
        "a year later"
    );
    let questions = store::questions(&mut app.db.acquire().await.unwrap().conn(), open.id)
        .await
        .unwrap();
    let copied = store::questions(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(copied.len(), questions.len());
    for (a, b) in questions.iter().zip(&copied) {
        assert_ne!(a.id, b.id);
        let labels = |q: &perseverance::domain::declaration::Question| {
            q.options
                .iter()
                .map(|o| o.label.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            (&a.label, a.kind, a.required, labels(a)),
            (&b.label, b.kind, b.required, labels(b))
        );
    }
    let page = text(&body(app.get(&path).await).await);
    assert!(page.contains(&format!(
        "{}e semaine de la persévérance scolaire ({})",
        open.number + 1,
        open.year + 1
    )));

    // That year exists now: a clear refusal, nothing created.
    for source in [open.id, past.id] {
        let again = app.post(&format!("/editions/{source}/cloner"), &[]).await;
        assert_eq!(again.status(), StatusCode::CONFLICT, "clone of {source}");
        let html = text(&body(again).await);
        assert!(html.contains("L'académie a déjà une édition en"), "{html}");
    }
    assert_eq!(
        store::editions_of(&mut app.db.acquire().await.unwrap().conn(), open.academy_id)
            .await
            .unwrap()
            .len(),
        editions.len() + 1
    );
}

async fn questions_are_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let open = demo_edition(&app.db, "open").await;
    let path = format!("/editions/{}/questions", open.id);
    app.sign_in_demo(COORDINATOR).await;
    let page = text(&body(app.get(&path).await).await);
    assert!(
        page.contains("Participez-vous au concours d'affiches ?"),
        "{page}"
    );
    assert!(page.contains("Choix unique") && page.contains("Oui / non"));
    assert!(
        page.contains("name=\"required\" value=\"oui\" checked"),
        "required by default: {page}"
    );

    let missing = app
        .post(
            &path,
            &[
                ("kind", "single_choice"),
                ("label", "Quel niveau ?"),
                ("required", "oui"),
                ("options", "Un seul\n\n"),
            ],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(missing).await);
    assert!(
        html.contains("Indiquez au moins deux réponses possibles"),
        "{html}"
    );
    assert!(html.contains("id=\"options-erreur\""));
    assert!(html.contains("value=\"Quel niveau ?\""), "kept");
    assert!(
        html.contains("<option value=\"single_choice\" selected>"),
        "{html}"
    );

    let no_label = app.post(&path, &[("kind", "number"), ("label", " ")]).await;
    assert_eq!(no_label.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(no_label).await);
    assert!(html.contains("Indiquez l'intitulé de la question."));
    assert!(
        !html.contains("name=\"required\" value=\"oui\" checked"),
        "unticked stays unticked"
    );

    let added = app
        .post(
            &path,
            &[
                ("kind", "multiple_choice"),
                ("label", "Publics associés"),
                ("options", "Parents\nPartenaires\nParents"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let questions = store::questions(&mut app.db.acquire().await.unwrap().conn(), open.id)
        .await
        .unwrap();
    assert_eq!(questions.len(), 3);
    let last = questions.last().unwrap().clone();
    assert_eq!(last.label, "Publics associés");
    assert!(!last.required, "the box was not ticked");
    let labels: Vec<&str> = last.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Parents", "Partenaires"]);

    // Move it up, edit it, delete it.
    let up = app.post(&format!("{path}/{}/monter", last.id), &[]).await;
    assert_eq!(up.status(), StatusCode::SEE_OTHER);
    let order: Vec<QuestionId> =
        store::questions(&mut app.db.acquire().await.unwrap().conn(), open.id)
            .await
            .unwrap()
            .iter()
            .map(|q| q.id)
            .collect();
    assert_eq!(order[1], last.id);
    let edit = app.get(&format!("{path}/{}/modifier", last.id)).await;
    assert_eq!(edit.status(), StatusCode::OK);
    let bad_edit = app
        .post(
            &format!("{path}/{}/modifier", last.id),
            &[
                ("kind", "multiple_choice"),
                ("label", "Publics"),
                ("options", ""),
            ],
        )
        .await;
    assert_eq!(bad_edit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let edited = app
        .post(
            &format!("{path}/{}/modifier", last.id),
            &[
                ("kind", "short_text"),
                ("label", "Publics"),
                ("required", "oui"),
            ],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let question = store::questions(&mut app.db.acquire().await.unwrap().conn(), open.id)
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.id == last.id)
        .unwrap();
    assert_eq!(question.label, "Publics");
    assert!(question.required && question.options.is_empty());
    let deleted = app
        .post(&format!("{path}/{}/supprimer", last.id), &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        store::questions(&mut app.db.acquire().await.unwrap().conn(), open.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // A question of another edition is not reachable through this one.
    let past = demo_edition(&app.db, "archived").await;
    let foreign = store::questions(&mut app.db.acquire().await.unwrap().conn(), past.id)
        .await
        .unwrap()[0]
        .id;
    let response = app.post(&format!("{path}/{foreign}/supprimer"), &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn deadline_is_extended_for_one_school(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let open = demo_edition(&app.db, "open").await;
    let path = format!("/editions/{}", open.id);
    let home = map_store::school_by_uai(
        &mut app.db.acquire().await.unwrap().conn(),
        Uai::from_number(930_200).as_str(),
    )
    .await
    .unwrap()
    .unwrap();
    let neighbour = map_store::school_by_uai(
        &mut app.db.acquire().await.unwrap().conn(),
        Uai::from_number(930_201).as_str(),
    )
    .await
    .unwrap()
    .unwrap();
    app.sign_in_demo(COORDINATOR).await;
    let deadline_day = paris_date(open.declaration_deadline);
    let later = (deadline_day + Duration::days(3)).to_string();

    let early = app
        .post(
            &format!("{path}/delai"),
            &[
                ("until_date", "2000-01-01"),
                ("until_time", "12:00"),
                ("uai", ""),
            ],
        )
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(early).await);
    assert!(
        html.contains("La nouvelle date limite doit suivre celle de l'édition"),
        "{html}"
    );
    let bad_uai = app
        .post(
            &format!("{path}/delai"),
            &[
                ("until_date", later.as_str()),
                ("until_time", "18:00"),
                ("uai", "0930200A"),
            ],
        )
        .await;
    assert_eq!(bad_uai.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(bad_uai).await;
    assert!(html.contains("UAI invalide"), "{html}");
    assert!(html.contains("value=\"0930200A\""), "kept");

    let granted = app
        .post(
            &format!("{path}/delai"),
            &[
                ("until_date", later.as_str()),
                ("until_time", "18:00"),
                ("uai", home.uai.as_str()),
            ],
        )
        .await;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    let until = paris_to_utc(
        deadline_day + Duration::days(3),
        NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
    );
    assert_eq!(
        store::deadline_for(
            &mut app.db.acquire().await.unwrap().conn(),
            &open,
            Some(home.id)
        )
        .await
        .unwrap(),
        until
    );
    assert_eq!(
        store::deadline_for(
            &mut app.db.acquire().await.unwrap().conn(),
            &open,
            Some(neighbour.id)
        )
        .await
        .unwrap(),
        open.declaration_deadline,
        "other schools keep the deadline"
    );
    let page = body(app.get(&path).await).await;
    assert!(
        page.contains(&format!("{} ({})", home.name, home.uai)),
        "listed"
    );
}

async fn reminders_go_once_to_schools_without_actions(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = common::fresh_db(engine, &dir).await;
    perseverance::demo::seed(&db).await.unwrap();
    let academy = creteil(&db).await;
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.outbox_dir = dir.path().join("outbox");
    config.public_url = "https://perseverance.example".into();

    // An edition whose deadline is 30 days away; we look at it 24 days on.
    let real_now = Utc::now();
    let deadline = real_now + Duration::days(30);
    let week_start = paris_date(deadline) + Duration::days(10);
    let calendar = EditionCalendar {
        week_start,
        week_end: week_start + Duration::days(4),
        declaration_deadline: deadline,
        bilan_deadline: week_start + Duration::days(60),
    };
    let home = map_store::school_by_uai(
        &mut db.acquire().await.unwrap().conn(),
        Uai::from_number(930_200).as_str(),
    )
    .await
    .unwrap()
    .unwrap();
    let neighbour = map_store::school_by_uai(
        &mut db.acquire().await.unwrap().conn(),
        Uai::from_number(930_201).as_str(),
    )
    .await
    .unwrap()
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = store::insert_edition(&mut tx.conn(), academy, &values(2090, calendar), None)
        .await
        .unwrap();
    store::set_edition_state(&mut tx.conn(), id, EditionState::Open)
        .await
        .unwrap();
    // The neighbour school has submitted an action; the home school only a draft.
    let referent = perseverance::auth::store::ensure_user(
        &mut tx.conn(),
        &Email::parse("referente.voisine@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    perseverance::auth::store::add_grant(
        &mut tx.conn(),
        referent,
        Grant::new(Role::SchoolReferent, Scope::School(neighbour.id)).unwrap(),
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for (school, state) in [(neighbour.id, "submitted"), (home.id, "draft")] {
        let sql = "INSERT INTO actions (edition_id, school_id, owner_user_id, state, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $5)";
        perseverance::on_conn!(db.acquire().await.unwrap().conn(), |pool| sqlx::query(sql)
            .bind(id)
            .bind(school)
            .bind(referent)
            .bind(state)
            .bind(real_now)
            .execute(pool)
            .await
            .map(|_| ()))
        .unwrap();
    }

    let send = |now| {
        let (db, config) = (db.clone(), config.clone());
        async move {
            perseverance::editions::reminders::send_due(&db, &config, now)
                .await
                .unwrap()
        }
    };
    // Nothing is due today (the demo edition's deadline is 21 days away).
    assert_eq!(send(real_now).await, 0);
    // Six days before the deadline: J-14 and J-7 are due, one mail each.
    let six_days_before = real_now + Duration::days(24);
    assert_eq!(
        send(six_days_before).await,
        3,
        "head, référent and staff of the home school"
    );
    assert_eq!(send(six_days_before).await, 0, "sent once");
    assert_eq!(send(six_days_before + Duration::hours(5)).await, 0);
    assert_eq!(
        perseverance::jobs::run_all_due(&db, &config).await.unwrap(),
        3
    );
    let mut mails: Vec<String> = std::fs::read_dir(&config.outbox_dir)
        .unwrap()
        .map(|e| common::decode_mail(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
        .collect();
    mails.sort();
    assert_eq!(mails.len(), 3);
    let all = mails.join("\n");
    for to in [
        "chef.etablissement@demo.test",
        "referent@demo.test",
        "personnel@demo.test",
    ] {
        assert!(all.contains(&format!("To: {to}")), "{to} in {all}");
    }
    assert!(!all.contains("referente.voisine"), "the neighbour declared");
    let payloads: Vec<String> =
        perseverance::on_conn!(db.acquire().await.unwrap().conn(), |pool| {
            sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail' ORDER BY id")
                .fetch_all(pool)
                .await
        })
        .unwrap();
    let deadline_text = perseverance::domain::edition::format_paris(deadline);
    for payload in &payloads {
        let mail: perseverance::jobs::mail::Mail = serde_json::from_str(payload).unwrap();
        assert_eq!(
            mail.subject,
            format!("Rappel : déclarez vos actions avant le {deadline_text}")
        );
    }
    assert!(all.contains(&deadline_text), "{all}");
    assert!(all.contains(&format!(
        "https://perseverance.example/editions/{id}/actions/nouvelle"
    )));
    assert!(all.contains("3e semaine de la persévérance scolaire (2090)"));
    assert!(all.contains("Ailleurs") && all.contains(&home.name));
    assert!(all.contains("soit encore 6 jours"), "{all}");

    // J-2: once more, then never again; and nothing after the deadline.
    let one_day_before = real_now + Duration::days(29);
    assert_eq!(send(one_day_before).await, 3);
    assert_eq!(send(one_day_before).await, 0);
    assert_eq!(send(real_now + Duration::days(31)).await, 0);
    let sent: i64 = perseverance::on_conn!(db.acquire().await.unwrap().conn(), |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM deadline_reminders WHERE edition_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(sent, 3, "J-14, J-7 and J-2 recorded");
}

/// The mails enqueued since the job `seen` (moved on to the last one).
async fn new_mails(db: &Db, seen: &mut i64) -> Vec<perseverance::jobs::mail::Mail> {
    let rows: Vec<(i64, String)> =
        perseverance::on_conn!(db.acquire().await.unwrap().conn(), |pool| {
            sqlx::query_as(
                "SELECT id, payload FROM jobs WHERE kind = 'mail' AND id > $1 ORDER BY id",
            )
            .bind(*seen)
            .fetch_all(pool)
            .await
        })
        .unwrap();
    if let Some((last, _)) = rows.last() {
        *seen = *last;
    }
    rows.iter()
        .map(|(_, payload)| serde_json::from_str(payload).unwrap())
        .collect()
}

/// Issue 7, item 4 (kind: schedules tied to a date). Reminders belong to a
/// deadline value: the deadline is set to tomorrow 23:59 (J-14, J-7 and J-2
/// are due at once: one mail), then postponed by 13 days: the schools are
/// told the new date, and the new deadline's J-7 and J-2 go, each once. An
/// extension for one school tells that school and re-arms its reminders
/// only; the others keep the edition's.
async fn schedules_tied_to_a_date_follow_it(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = common::fresh_db(engine, &dir).await;
    perseverance::demo::seed(&db).await.unwrap();
    let academy = creteil(&db).await;
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.outbox_dir = dir.path().join("outbox");
    let conn = || async { db.acquire().await.unwrap() };
    let school = |number: u32| {
        let db = db.clone();
        async move {
            map_store::school_by_uai(
                &mut db.acquire().await.unwrap().conn(),
                Uai::from_number(number).as_str(),
            )
            .await
            .unwrap()
            .unwrap()
        }
    };
    let home = school(930_200).await;
    let neighbour = school(930_201).await;
    let referent = perseverance::auth::store::ensure_user(
        &mut conn().await.conn(),
        &Email::parse("referente.voisine@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    perseverance::auth::store::add_grant(
        &mut conn().await.conn(),
        referent,
        Grant::new(Role::SchoolReferent, Scope::School(neighbour.id)).unwrap(),
        None,
    )
    .await
    .unwrap();

    // Only the edition under test reminds: the demo's open one is closed.
    let demo_open = demo_edition(&db, "open").await;
    store::set_edition_state(&mut conn().await.conn(), demo_open.id, EditionState::Closed)
        .await
        .unwrap();

    // Today at 10:00 in Paris; the deadline tomorrow at 23:59.
    let today = paris_date(Utc::now());
    let time = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let t0 = paris_to_utc(today, time(10, 0));
    let first = paris_to_utc(today + Duration::days(1), time(23, 59));
    let week_start = today + Duration::days(30);
    let calendar = |deadline| EditionCalendar {
        week_start,
        week_end: week_start + Duration::days(4),
        declaration_deadline: deadline,
        bilan_deadline: week_start + Duration::days(60),
    };
    let mut tx = db.begin().await.unwrap();
    let id = store::insert_edition(
        &mut tx.conn(),
        academy,
        &values(2090, calendar(first)),
        None,
    )
    .await
    .unwrap();
    store::set_edition_state(&mut tx.conn(), id, EditionState::Open)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let send = |now| {
        let (db, config) = (db.clone(), config.clone());
        async move {
            perseverance::editions::reminders::send_due(&db, &config, now)
                .await
                .unwrap()
        }
    };
    let mut seen = 0;
    let recipients = |mails: &[perseverance::jobs::mail::Mail]| {
        let mut to: Vec<String> = mails.iter().map(|m| m.to.clone()).collect();
        to.sort();
        to
    };
    let home_people = [
        "chef.etablissement@demo.test",
        "personnel@demo.test",
        "referent@demo.test",
    ];
    let everyone = [
        "chef.etablissement@demo.test",
        "personnel@demo.test",
        "referent@demo.test",
        "referente.voisine@ac-creteil.fr",
    ];

    // Tomorrow's deadline: its three reminders are due together, one mail each.
    assert_eq!(send(t0).await, 4);
    let mails = new_mails(&db, &mut seen).await;
    assert_eq!(recipients(&mails), everyone);
    let first_text = perseverance::domain::edition::format_paris(first);
    assert!(
        mails
            .iter()
            .all(|m| m.subject == format!("Rappel : déclarez vos actions avant le {first_text}")),
        "{mails:?}"
    );
    assert_eq!(send(t0 + Duration::hours(1)).await, 0, "sent once");

    // Postponed by 13 days: everyone is told the new date, once.
    let second = first + Duration::days(13);
    let second_text = perseverance::domain::edition::format_paris(second);
    store::update_edition(
        &mut conn().await.conn(),
        id,
        &values(2090, calendar(second)),
    )
    .await
    .unwrap();
    // Four workers at once: the notice still goes once.
    let at = t0 + Duration::hours(2);
    let (a, b, c, d) = tokio::join!(send(at), send(at), send(at), send(at));
    assert_eq!(a + b + c + d, 4);
    let mails = new_mails(&db, &mut seen).await;
    assert_eq!(recipients(&mails), everyone);
    for mail in &mails {
        assert_eq!(
            mail.subject,
            format!("Nouvelle date limite des déclarations : {second_text}")
        );
        assert!(
            mail.text.contains(&format!(
                "jusqu'au {second_text} (heure de Paris), au lieu du {first_text}"
            )),
            "{}",
            mail.text
        );
        // The school named with its article (« du collège … »).
        assert!(
            mail.text.contains("membre du personnel du collège "),
            "{}",
            mail.text
        );
    }
    assert_eq!(send(t0 + Duration::hours(3)).await, 0, "told once");
    // Its J-14 (tonight) is the notice itself.
    assert_eq!(send(t0 + Duration::hours(20)).await, 0);

    // The new deadline's J-7: everyone who declared nothing, once.
    let j7 = second - Duration::days(7) + Duration::hours(1);
    let (a, b, c) = tokio::join!(send(j7), send(j7), send(j7));
    assert_eq!(a + b + c, 4);
    let mails = new_mails(&db, &mut seen).await;
    assert!(
        mails.iter().all(|m| m.subject
            == format!("Rappel : déclarez vos actions avant le {second_text}")
            && m.text.contains("soit encore 7 jours")),
        "{mails:?}"
    );
    assert_eq!(send(j7 + Duration::hours(1)).await, 0);

    // An extension for the home school: it alone is told, and its own
    // reminders take over from the edition's.
    let until = second + Duration::days(3);
    let until_text = perseverance::domain::edition::format_paris(until);
    store::extend_deadline(&mut conn().await.conn(), id, Some(home.id), until, referent)
        .await
        .unwrap();
    assert_eq!(send(j7 + Duration::hours(2)).await, 3);
    let mails = new_mails(&db, &mut seen).await;
    assert_eq!(recipients(&mails), home_people);
    for mail in &mails {
        assert_eq!(
            mail.subject,
            format!("Délai accordé à votre établissement : déclarations jusqu'au {until_text}")
        );
        assert!(
            mail.text.contains(&format!("{} ({})", home.name, home.uai))
                && mail.text.contains(&format!("au lieu du {second_text}")),
            "{}",
            mail.text
        );
    }
    // The extension's J-7 goes to the home school only…
    assert_eq!(
        send(until - Duration::days(7) + Duration::hours(1)).await,
        3
    );
    let mails = new_mails(&db, &mut seen).await;
    assert_eq!(recipients(&mails), home_people);
    assert!(mails.iter().all(|m| m.subject.ends_with(&until_text)));
    // …the edition's J-2 to the neighbour only…
    let j2 = second - Duration::days(2) + Duration::hours(1);
    assert_eq!(send(j2).await, 1);
    let mails = new_mails(&db, &mut seen).await;
    assert_eq!(recipients(&mails), ["referente.voisine@ac-creteil.fr"]);
    assert!(mails[0].subject.ends_with(&second_text));
    assert_eq!(send(j2 + Duration::hours(1)).await, 0);
    // …and after the edition's deadline, the extension's J-2, once.
    let late = until - Duration::days(2) + Duration::hours(1);
    assert!(late > second);
    assert_eq!(send(late).await, 3);
    assert_eq!(recipients(&new_mails(&db, &mut seen).await), home_people);
    assert_eq!(send(late + Duration::hours(1)).await, 0);
    assert_eq!(send(until + Duration::hours(1)).await, 0);

    // Each deadline value has its own reminders, each recorded once.
    let sent: Vec<(Option<perseverance::domain::SchoolId>, i64)> =
        perseverance::on_conn!(db.acquire().await.unwrap().conn(), |pool| {
            sqlx::query_as(
                "SELECT school_id, days_before FROM deadline_reminders WHERE edition_id = $1
                 ORDER BY deadline, school_id, days_before DESC",
            )
            .bind(id)
            .fetch_all(pool)
            .await
        })
        .unwrap();
    let home_id = Some(home.id);
    assert_eq!(
        sent,
        [
            (None, 14),
            (None, 7),
            (None, 2),
            (None, 14),
            (None, 7),
            (None, 2),
            (home_id, 14),
            (home_id, 7),
            (home_id, 2),
        ]
    );
}
