//! District programmes (issue 8): composing, publishing and re-publishing
//! with a diff, the public page and its files, diffusion (recipients, log,
//! the PDF attached), a bounced address shown failed then retried, and who
//! may do what. Every story runs on both engines.

mod common;

use common::{
    Engine, TestApp, body,
    html::Page,
    people::{self, ACADEMY, ANON, DISTRICT_A, DISTRICT_B, DSDEN, STAFF_A, Visitor, World},
};
use perseverance::programmes::pdf;
use reqwest::StatusCode;

on_both_engines!(
    a_coordinator_composes_publishes_and_diffuses_a_programme,
    a_bounced_address_is_shown_failed_then_retried,
    only_the_district_and_academy_coordinations_compose,
    the_demo_shows_a_published_programme,
    a_published_version_leaves_out_an_action_unpublished_since,
    the_programme_forms_keep_what_was_typed,
);

fn base(w: &World) -> String {
    format!(
        "/editions/{}/districts/{}/programme",
        w.edition, w.district_a
    )
}

/// Chooses `actions` (in this order) with `grouping`.
async fn compose(v: &Visitor, w: &World, actions: &[i64], intro: &str) {
    let mut pairs: Vec<(String, String)> = vec![
        ("introduction".into(), intro.into()),
        ("groupement".into(), "day".into()),
    ];
    for (rank, id) in actions.iter().enumerate() {
        pairs.push(("candidat".into(), id.to_string()));
        pairs.push(("rang".into(), (rank + 1).to_string()));
        pairs.push(("choisies".into(), id.to_string()));
    }
    let response = v.post_pairs(&base(w), &pairs).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
}

async fn publish(v: &Visitor, w: &World) {
    let response = v.post(&format!("{}/publier", base(w)), &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
}

async fn add_event(v: &Visitor, w: &World, title: &str, date: &str) {
    let response = v
        .post(
            &format!("{}/evenements", base(w)),
            &[
                ("titre", title),
                ("date", date),
                ("heure", "9h30"),
                ("lieu", "Salle des fêtes"),
                ("description", "Ouverture de la semaine"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
}

/// The public page's address, read from the compose page.
async fn public_url(v: &Visitor, w: &World) -> String {
    let page = Page::parse(&v.page(&base(w)).await);
    page.attrs("a", "href")
        .into_iter()
        .find(|h| h.contains("/programmes/"))
        .expect("a link to the public page")
}

async fn a_coordinator_composes_publishes_and_diffuses_a_programme(engine: Engine) {
    // Arrange: the world's validated action of school A, in district A.
    let w = people::world(engine).await;
    let coordinator = w.who(DISTRICT_A);
    let compose_page = coordinator.page(&base(&w)).await;
    assert!(
        compose_page.contains("Exposition des affiches"),
        "{compose_page}"
    );

    // Act: compose, add an event, preview, publish.
    compose(
        coordinator,
        &w,
        &[w.validated_action],
        "Bienvenue à la semaine",
    )
    .await;
    add_event(coordinator, &w, "=Lancement du district", "01/04/2090").await;
    let preview = coordinator.page(&format!("{}/apercu", base(&w))).await;
    assert!(preview.contains("Aperçu du programme"));
    assert!(preview.contains("Exposition des affiches"));
    publish(coordinator, &w).await;

    // Assert: the public page, without an account, and its files.
    let url = public_url(coordinator, &w).await;
    let anon = w.who(ANON);
    let public = anon.page(&url).await;
    assert!(public.contains("Exposition des affiches"));
    assert!(public.contains("Lancement du district"));
    assert!(public.contains("Version 1"));
    assert!(public.contains("Bienvenue à la semaine"));
    let page = Page::parse(&public);
    assert!(
        page.text("h2").is_some_and(|h| h.contains("avril 2090")),
        "grouped by day"
    );
    let csv = anon.get(&format!("{url}/programme.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.bytes().await.unwrap();
    assert!(csv.starts_with("\u{feff}".as_bytes()), "BOM");
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert_eq!(csv.lines().count(), 3, "header, event, action: {csv}");
    assert!(
        csv.contains(";'=Lancement du district;"),
        "formula-safe: {csv}"
    );
    let xlsx = anon
        .get(&format!("{url}/programme.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));
    let ics = body(anon.get(&format!("{url}/programme.ics")).await).await;
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
    let pdf_bytes = anon
        .get(&format!("{url}/programme.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(pdf_bytes.starts_with(b"%PDF-"));
    assert!(pdf::text_of(&pdf_bytes).contains("Exposition des affiches"));

    // Diffusion: a partner, the proposed list, untick one, add one.
    coordinator
        .post_ok(
            &format!("/districts/{}/partenaires", w.district_a),
            &[
                ("nom", "Association Réussir"),
                ("courriel", "contact@reussir.example"),
                ("type_partenaire", "association"),
            ],
        )
        .await;
    let before = std::fs::read_dir(&w.app.outbox).map_or(0, |d| d.count());
    let diffuse = coordinator.page(&format!("{}/diffuser", base(&w))).await;
    for address in [
        "chef.etablissement@demo.test",
        "referent@demo.test",
        "contact@reussir.example",
        "coordination.academique@demo.test",
    ] {
        assert!(diffuse.contains(address), "{address} proposed");
    }
    assert!(diffuse.contains("Première diffusion"));
    let response = coordinator
        .post_pairs(
            &format!("{}/diffuser", base(&w)),
            &[
                ("adresses".into(), "referent@demo.test".into()),
                ("adresses".into(), "contact@reussir.example".into()),
                ("autres".into(), "mairie@ville.example\n".into()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mails = w.app.mails(before + 3).await;
    let ours: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains("Subject: Programme du district"))
        .collect();
    assert_eq!(ours.len(), 3, "one mail per address ticked or added");
    for mail in &ours {
        assert!(mail.contains("application/pdf"));
        assert!(mail.contains("programme.pdf"));
        let start = mail.find("%PDF-").expect("the PDF, decoded");
        let text = pdf::text_of(mail[start..].as_bytes());
        assert!(text.contains("Exposition des affiches"), "{text}");
        assert!(!mail.contains("To: chef.etablissement@demo.test"));
    }
    // The log: who, which version, each address sent.
    let mut log = String::new();
    for _ in 0..50 {
        log = coordinator.page(&format!("{}/diffuser", base(&w))).await;
        if log.matches("data-status=\"Envoyé\"").count() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(log.matches("data-status=\"Envoyé\"").count(), 3, "{log}");
    assert!(log.contains("Version 1, diffusée"));
    assert!(log.contains("par coordination.district@demo.test"));

    // Re-publish with a change: the event removed, another added.
    let event_form = Page::parse(&coordinator.page(&base(&w)).await)
        .attrs("form", "action")
        .into_iter()
        .find(|a| a.starts_with("/programmes/evenements/"))
        .expect("the event's delete form");
    coordinator.post_ok(&event_form, &[]).await;
    add_event(coordinator, &w, "Forum des partenaires", "02/04/2090").await;
    publish(coordinator, &w).await;
    let diffuse = coordinator.page(&format!("{}/diffuser", base(&w))).await;
    assert!(diffuse.contains("Depuis la dernière diffusion (version 1)"));
    assert!(diffuse.contains("Événements du district modifiés"));
    assert!(diffuse.contains("Forum des partenaires"));
    assert!(anon.page(&url).await.contains("Version 2"));
}

async fn a_bounced_address_is_shown_failed_then_retried(engine: Engine) {
    // Arrange: a mail server that refuses everything (nothing listens).
    let w = people::world_configured(engine, |c| {
        c.smtp_url = Some("smtp://127.0.0.1:9".into());
    })
    .await;
    let coordinator = w.who(DISTRICT_A);
    compose(coordinator, &w, &[w.validated_action], "").await;
    publish(coordinator, &w).await;

    // Act: diffuse to one address.
    let response = coordinator
        .post_pairs(
            &format!("{}/diffuser", base(&w)),
            &[("autres".into(), "rebond@ville.example".into())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Assert: shown as failed, with the error, and a button to send again.
    let mut log = String::new();
    for _ in 0..100 {
        log = coordinator.page(&format!("{}/diffuser", base(&w))).await;
        if log.contains("data-status=\"Échec\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(log.contains("data-status=\"Échec\""), "{log}");
    let retry = Page::parse(&log)
        .attrs("form", "action")
        .into_iter()
        .find(|a| a.ends_with("/renvoyer"))
        .expect("a retry button");
    // Retried by hand: pending again, then failed again (one more attempt).
    coordinator.post_ok(&retry, &[]).await;
    let mut attempts_seen = false;
    for _ in 0..100 {
        let page = coordinator.page(&format!("{}/diffuser", base(&w))).await;
        let cells = Page::parse(&page).texts("tr.pv-recipient td");
        if page.contains("data-status=\"Échec\"") && cells.get(3).is_some_and(|n| n != "1") {
            attempts_seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(attempts_seen, "the retry ran and was counted");
}

async fn only_the_district_and_academy_coordinations_compose(engine: Engine) {
    let w = people::world(engine).await;
    let page = base(&w);
    // Another district's coordination does not see district A's programme.
    assert_eq!(
        w.who(DISTRICT_B).get(&page).await.status(),
        StatusCode::NOT_FOUND
    );
    let forged = w
        .who(DISTRICT_B)
        .post(&format!("{page}/publier"), &[])
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    // School A's staff see their district, not its programme in preparation.
    assert_eq!(
        w.who(STAFF_A).get(&page).await.status(),
        StatusCode::FORBIDDEN
    );
    // The DSDEN reads, does not compose.
    assert_eq!(w.who(DSDEN).get(&page).await.status(), StatusCode::OK);
    assert_eq!(
        w.who(DSDEN)
            .post(&format!("{page}/publier"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The académie composes too; until published, nothing is public.
    compose(w.who(ACADEMY), &w, &[w.validated_action], "").await;
    let public = format!("/a/creteil/editions/2090/programmes/{}", w.district_a);
    assert_eq!(
        w.who(ANON).get(&public).await.status(),
        StatusCode::NOT_FOUND
    );
    publish(w.who(ACADEMY), &w).await;
    assert_eq!(w.who(ANON).get(&public).await.status(), StatusCode::OK);
    // Bad input: a rank that is no number comes back with the choice kept.
    let response = w
        .who(DISTRICT_A)
        .post_pairs(
            &page,
            &[
                ("groupement".into(), "school".into()),
                ("introduction".into(), "Texte gardé".into()),
                ("candidat".into(), w.validated_action.to_string()),
                ("rang".into(), "premier".into()),
                ("choisies".into(), w.validated_action.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("Indiquez le rang par un nombre entier"));
    assert!(html.contains("Texte gardé"));
    assert!(html.contains("value=\"premier\""));
}

async fn the_demo_shows_a_published_programme(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = common::fresh_db(engine, &dir).await;
    perseverance::demo::seed_story(&db)
        .await
        .unwrap()
        .expect("the story");
    let app = TestApp::serve(db, url, dir, true, |_| {}).await;
    let edition = body(app.get("/a/creteil/editions/2024").await).await;
    let link = Page::parse(&edition)
        .attrs("a", "href")
        .into_iter()
        .find(|h| h.contains("/programmes/"))
        .expect("the edition page links the district programme");
    let page = body(app.get(&link).await).await;
    assert!(page.contains("Version 2"), "{page}");
    assert!(page.contains("Forum de clôture"));
    assert!(page.contains("Lancement de la semaine du district"));
    // The district is named once (« Programme du district de … »).
    let title = Page::parse(&page).text("h1").expect("a title");
    assert!(title.starts_with("Programme du district "), "{title}");
    assert!(
        !title.to_lowercase().contains("district district"),
        "{title}"
    );
    assert!(!edition.contains("district District"));
}

async fn a_published_version_leaves_out_an_action_unpublished_since(engine: Engine) {
    // Arrange: a version published with the action, then the action unpublished.
    let w = people::world(engine).await;
    let coordinator = w.who(DISTRICT_A);
    compose(coordinator, &w, &[w.validated_action], "").await;
    add_event(coordinator, &w, "Lancement du district", "01/04/2090").await;
    publish(coordinator, &w).await;
    let url = public_url(coordinator, &w).await;
    let anon = w.who(ANON);
    assert!(anon.page(&url).await.contains("Exposition des affiches"));
    coordinator
        .post_ok(
            &format!("/actions/{}/publication", w.validated_action),
            &[
                ("publication", "retirer"),
                ("reason", "Photos sans autorisation"),
            ],
        )
        .await;

    // Act
    let page = anon.page(&url).await;
    let csv = body(anon.get(&format!("{url}/programme.csv")).await).await;
    let ics = body(anon.get(&format!("{url}/programme.ics")).await).await;
    let pdf_bytes = anon
        .get(&format!("{url}/programme.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let xlsx = anon.get(&format!("{url}/programme.xlsx")).await;

    // Assert: the version is still there, without the action.
    assert!(page.contains("Version 1"));
    assert!(page.contains("Lancement du district"));
    assert!(!page.contains("Exposition des affiches"), "{page}");
    assert!(!csv.contains("Exposition des affiches"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "header and the event: {csv}");
    assert!(!ics.contains("Exposition des affiches"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    let text = pdf::text_of(&pdf_bytes);
    assert!(text.contains("Lancement du district"));
    assert!(!text.contains("Exposition des affiches"));
    assert_eq!(xlsx.status(), StatusCode::OK);
    let xlsx = xlsx.bytes().await.unwrap();
    assert!(
        !xlsx.windows(9).any(|w| w == b"Exposition"),
        "not in the XLSX's shared strings"
    );
}

async fn the_programme_forms_keep_what_was_typed(engine: Engine) {
    let w = people::world(engine).await;
    let coordinator = w.who(DISTRICT_A);

    // Compose: a rank that is not a number keeps the introduction and the rank.
    let id = w.validated_action.to_string();
    let pairs: Vec<(String, String)> = vec![
        ("introduction".into(), "Mon introduction tapée".into()),
        ("groupement".into(), "day".into()),
        ("candidat".into(), id.clone()),
        ("rang".into(), "premier".into()),
        ("choisies".into(), id.clone()),
    ];
    let response = coordinator.post_pairs(&base(&w), &pairs).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert_eq!(
        page.text("#introduction").as_deref(),
        Some("Mon introduction tapée")
    );
    assert_eq!(
        page.attr(&format!("#rang-{id}"), "value").as_deref(),
        Some("premier")
    );

    // Diffusion: a wrong address keeps the list typed.
    compose(coordinator, &w, &[w.validated_action], "").await;
    publish(coordinator, &w).await;
    let typed = "mairie@ville.example\npas-une-adresse";
    let response = coordinator
        .post_pairs(
            &format!("{}/diffuser", base(&w)),
            &[("autres".into(), typed.into())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert_eq!(
        page.text("#autres").as_deref(),
        Some("mairie@ville.example pas-une-adresse"),
        "the list as typed (its line break shown as a space by the reader)"
    );
    assert!(
        page.text("#autres-erreur")
            .unwrap()
            .contains("pas-une-adresse")
    );

    // Partners: adding with a wrong address keeps the three fields.
    let partners = format!("/districts/{}/partenaires", w.district_a);
    let response = coordinator
        .post(
            &partners,
            &[
                ("nom", "Mairie"),
                ("courriel", "mairie@"),
                ("type_partenaire", "collectivité"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert_eq!(page.attr("#nom", "value").as_deref(), Some("Mairie"));
    assert_eq!(page.attr("#courriel", "value").as_deref(), Some("mairie@"));
    assert!(page.text("#courriel-erreur").is_some());

    // Partners: editing a row with a wrong address shows it in that row, as
    // typed, and leaves the « Ajouter » form empty.
    coordinator
        .post_ok(
            &partners,
            &[
                ("nom", "Association Réussir"),
                ("courriel", "contact@reussir.example"),
                ("type_partenaire", "association"),
            ],
        )
        .await;
    let edit = Page::parse(&coordinator.page(&partners).await)
        .attrs("form", "action")
        .into_iter()
        .find(|a| a.starts_with("/partenaires/") && !a.ends_with("/supprimer"))
        .expect("the partner's form");
    let partner = edit.trim_start_matches("/partenaires/").to_string();
    let response = coordinator
        .post(
            &edit,
            &[
                ("nom", "Association Réussir 2"),
                ("courriel", "faux"),
                ("type_partenaire", "association"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert_eq!(
        page.attr(&format!("#nom-{partner}"), "value").as_deref(),
        Some("Association Réussir 2")
    );
    assert_eq!(
        page.attr(&format!("#courriel-{partner}"), "value")
            .as_deref(),
        Some("faux")
    );
    assert!(
        page.text(&format!("#erreur-{partner}"))
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(page.attr("#courriel", "value").as_deref(), Some(""));
}
