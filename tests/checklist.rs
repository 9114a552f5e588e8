//! The school's checklist over HTTP, on both engines: the académie edits the
//! steps (bad input refused), a school head ticks two steps (date and who),
//! a step ticks itself once the school has an action, the district
//! coordination sees the school's progress, and cloning carries the steps.

mod common;

use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page, people::Visitor};
use reqwest::StatusCode;

on_both_engines!(steps_ticked_by_a_school_show_in_the_district_table);

const COORDINATOR: &str = "coordination.academique@demo.test";
const HEAD: &str = "chef.etablissement@demo.test";
const STAFF: &str = "personnel@demo.test";
const DISTRICT: &str = "coordination.district@demo.test";

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

async fn steps_ticked_by_a_school_show_in_the_district_table(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let path = format!("/editions/{edition}/etapes");
    // Bad input: no phase, no label.
    let response = coordinator.post(&path, &[("label", "  ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(
        html.contains("Choisissez le moment de l’étape")
            || html.contains("Choisissez le moment de l&#39;étape")
            || html.contains("Choisissez le moment de l&#x27;étape")
    );
    assert!(html.contains("Indiquez l’étape"));
    for (phase, label) in [
        ("before", "Informer les parents"),
        ("before", "Préparer la semaine en GPDS"),
        ("during", "Prendre des photos"),
        ("after", "Envoyer le bilan au rectorat"),
    ] {
        coordinator
            .post_ok(&path, &[("phase", phase), ("label", label)])
            .await;
    }
    // A step the service ticks: added as the demo adds it.
    {
        let mut db = app.db.acquire().await.unwrap();
        perseverance::checklist::store::add_step(
            &mut db.conn(),
            edition,
            perseverance::domain::checklist::Phase::Before,
            "Déclarer chaque action envisagée",
            Some(perseverance::domain::checklist::AutoCheck::ActionDeclared),
        )
        .await
        .unwrap();
    }

    // The school head ticks two steps.
    let head = signed_in(&app, HEAD).await;
    let page = head.page(&path).await;
    assert!(
        page.contains("0 étape faite sur 5")
            || page.contains("0 étape faites sur 5")
            || page.contains("<strong>0 étape"),
        "{page}"
    );
    let forms = Page::parse(&page).attrs("form[action$=\"/cocher\"]", "action");
    let school = Page::parse(&page)
        .attr("input[name=\"school\"]", "value")
        .unwrap();
    assert_eq!(forms.len(), 5);
    for action in &forms[..2] {
        let response = head
            .post(action, &[("school", &school), ("done", "1")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let page = head.page(&path).await;
    assert!(
        page.contains("<strong>2 étapes faites sur 5</strong>"),
        "{page}"
    );
    assert!(page.contains(&format!("par {HEAD}")));
    // Another school's staff may not tick for this one.
    let other_school = (school.parse::<i64>().unwrap() + 1).to_string();
    let response = head
        .post(&forms[2], &[("school", &other_school), ("done", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The district coordination sees the school's progress.
    let district = signed_in(&app, DISTRICT).await;
    let table = district.page(&format!("{path}/suivi")).await;
    let row = table
        .split("<tr>")
        .find(|r| r.contains("<strong>2 / 5</strong>"))
        .expect("the head's school with two steps done");
    assert!(
        row.contains("2 / 3"),
        "two of the three steps before the week: {row}"
    );
    // Staff may not read the table.
    let staff = signed_in(&app, STAFF).await;
    assert_eq!(
        staff.get(&format!("{path}/suivi")).await.status(),
        StatusCode::FORBIDDEN
    );

    // Submitting an action ticks « Déclarer chaque action envisagée ».
    let action = common::people::start_draft(&staff, edition.0).await;
    let form = staff.page(&format!("/actions/{action}/modifier")).await;
    let week =
        perseverance::domain::edition::paris_date(chrono::Utc::now()) + chrono::Duration::days(41);
    let mut pairs =
        common::people::complete_action("Forum des métiers", &common::people::version_in(&form));
    for (k, v) in pairs.iter_mut() {
        if k == "starts_on" {
            *v = week.format("%Y-%m-%d").to_string();
        }
    }
    pairs.push(("intent".into(), "submit".into()));
    let response = staff
        .post_pairs(&format!("/actions/{action}/modifier"), &pairs)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let page = head.page(&path).await;
    assert!(
        page.contains("<strong>3 étapes faites sur 5</strong>"),
        "{page}"
    );
    assert!(page.contains("vu par le service"));
    // Unticking by hand.
    head.post(&forms[0], &[("school", &school), ("done", "0")])
        .await;
    assert!(
        head.page(&path)
            .await
            .contains("<strong>2 étapes faites sur 5</strong>")
    );

    // Cloning carries the steps over.
    let to = coordinator
        .post_ok(&format!("/editions/{edition}/cloner"), &[])
        .await;
    let clone = common::people::number_after(&to, "/editions/").unwrap();
    let page = coordinator.page(&format!("/editions/{clone}/etapes")).await;
    assert!(
        page.contains("Envoyer le bilan au rectorat")
            && page.contains("Déclarer chaque action envisagée")
    );
}
