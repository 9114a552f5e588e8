//! The poster contest over HTTP, on both engines (issue 9): the académie
//! opens it and names a jury; a school registers entries with their poster
//! (an image, a PDF) through the media pipeline; posters are public only
//! once approved; jurors score their categories within the grid, without
//! seeing each other's scores until the jury closes; scores outside the
//! grid or after closing are refused; the ranking (weighted mean, count,
//! spread, ties) and the published laureates.

mod common;

use common::{
    Engine, TestApp, body,
    fixtures::EditionBuilder,
    people::{self, Visitor},
};
use perseverance::domain::EditionId;
use reqwest::StatusCode;

on_both_engines!(
    a_poster_is_registered_approved_scored_and_awarded,
    the_declaration_form_enters_the_contest_when_the_edition_says_so,
    an_entry_from_the_declaration_form_gets_its_poster_later,
    an_entry_refused_for_its_title_keeps_its_poster_once,
    a_publishable_poster_needs_its_description,
);

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        60,
        80,
        image::Rgb([250, 200, 0]),
    ))
    .write_to(&mut out, image::ImageFormat::Png)
    .unwrap();
    out.into_inner()
}

async fn register(
    staff: &Visitor,
    edition: EditionId,
    title: &str,
    file: (&str, &[u8]),
) -> reqwest::Response {
    staff
        .post_multipart(
            &format!("/editions/{edition}/concours/participations"),
            &[
                ("category", "2"),
                ("group_name", "4e B"),
                ("title", title),
                ("statement", "Persévérer, c'est se relever."),
                ("description", "Une affiche jaune : un coureur se relève"),
                ("consent", "none_identifiable"),
            ],
            Some(("poster", file.0, file.1)),
        )
        .await
}

async fn a_poster_is_registered_approved_scored_and_awarded(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, "coordination.academique@demo.test").await;
    let contest = format!("/editions/{edition}/concours");
    // A grid with a bad line is refused, naming it; what was typed is kept.
    let response = coordinator
        .post(
            &contest,
            &[
                ("categories", "École\nCollège\nLycée"),
                ("grid", "Thème ; 3"),
                ("deadline", "01/01/2099"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("Ligne 1"), "{html}");
    coordinator
        .post_ok(
            &contest,
            &[
                ("rules", "Une affiche par classe, sur le thème de l'année."),
                ("categories", "École\nCollège\nLycée"),
                ("grid", "Lien avec le thème ; 3 ; 5\nMessage ; 1 ; 5"),
                ("deadline", "01/01/2099"),
                ("entry_mode", "page"),
            ],
        )
        .await;
    // The jury: two accounts for « Collège »; an unknown address is refused.
    let response = coordinator
        .post(
            &format!("{contest}/jury"),
            &[("email", "inconnu@ac-creteil.fr"), ("categories", "2")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for email in ["dsden93@demo.test", "coordination.district@demo.test"] {
        coordinator
            .post_ok(
                &format!("{contest}/jury"),
                &[("email", email), ("categories", "2")],
            )
            .await;
    }
    // The jury as the coordination lists it: categories named in a sentence.
    let page = coordinator.page(&contest).await;
    assert!(
        page.contains("dsden93@demo.test — note les affiches du collège</li>"),
        "{page}"
    );
    // A school registers two posters: an image and a PDF.
    let staff = signed_in(&app, "personnel@demo.test").await;
    let response = register(&staff, edition, "Se relever", ("affiche.png", &png())).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    let response = register(&staff, edition, "Tenir bon", ("tenir.pdf", pdf)).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    // A page named .png holding HTML is refused, nothing registered.
    let response = register(
        &staff,
        edition,
        "Piège",
        ("page.png", b"<html><script>1</script>"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let entries =
        perseverance::contest::store::entries(&mut app.db.acquire().await.unwrap().conn(), edition)
            .await
            .unwrap();
    assert_eq!(entries.len(), 2);
    let (first, second) = (entries[0].id, entries[1].id);
    // Not public before approval.
    let public = "/a/creteil/editions/2040/concours";
    assert!(!body(app.get(public).await).await.contains("Se relever"));
    let media = perseverance::media::store::media_of_edition(
        &mut app.db.acquire().await.unwrap().conn(),
        edition,
    )
    .await
    .unwrap();
    for m in &media {
        coordinator
            .post_ok(
                &format!("/medias/{}/decision", m.id),
                &[("decision", "approve")],
            )
            .await;
    }
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&app.db, &app.running.state.config)
            .await
            .unwrap();
        if body(app.get(public).await).await.contains("/vignette") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let html = body(app.get(public).await).await;
    assert!(html.contains("Se relever") && html.contains("Tenir bon"));
    assert!(html.contains("/fichier"), "the PDF poster is a link");
    assert!(!html.contains("Les lauréats"));
    // Scoring: within the grid, by the jurors of the category only.
    let dsden = signed_in(&app, "dsden93@demo.test").await;
    let district = signed_in(&app, "coordination.district@demo.test").await;
    let note = |entry: i64| format!("/concours/participations/{entry}/note");
    let response = dsden
        .post(&note(first), &[("score", "6"), ("score", "0")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("hors de la grille"));
    assert_eq!(
        staff
            .post(&note(first), &[("score", "5"), ("score", "5")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // « Mon espace » leads the juror to the entries left to score.
    let space = dsden.page("/mon-espace").await;
    assert!(space.contains(&format!("href=\"{contest}#noter\">Noter les affiches")));
    assert!(
        space.contains("Vous notez les affiches du collège."),
        "{space}"
    );
    assert!(
        space.contains("2 affiches sur 2 restent à noter."),
        "{space}"
    );
    dsden
        .post_ok(&note(first), &[("score", "5"), ("score", "5")])
        .await;
    let space = dsden.page("/mon-espace").await;
    assert!(space.contains("1 affiche sur 2 reste à noter."), "{space}");
    let page = dsden.page(&contest).await;
    assert!(
        page.contains("Noter les affiches du collège</h2>"),
        "{page}"
    );
    assert!(page.contains("1 affiche sur 2 reste à noter."));
    dsden
        .post_ok(&note(second), &[("score", "3"), ("score", "2")])
        .await;
    assert!(
        dsden
            .page("/mon-espace")
            .await
            .contains("Vous avez noté les 2 affiches.")
    );
    // Before closing, the other juror does not see those scores.
    let page = district.page(&contest).await;
    assert!(!page.contains("Autre membre du jury"));
    district
        .post_ok(&note(first), &[("score", "4"), ("score", "5")])
        .await;
    district
        .post_ok(&note(second), &[("score", "3"), ("score", "2")])
        .await;
    // The ranking: weighted mean, number of scores, spread.
    let page = coordinator.page(&contest).await;
    assert!(page.contains("18,50"), "mean of 20 and 17: {page}");
    assert!(page.contains("3,00") || page.contains("0,00"));
    // Laureates only once the jury is closed; no score after.
    let response = coordinator.post(&format!("{contest}/palmares"), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    coordinator
        .post_ok(&format!("{contest}/cloture"), &[])
        .await;
    let response = district
        .post(&note(first), &[("score", "0"), ("score", "0")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(body(response).await.contains("jury est clos"));
    let page = district.page(&contest).await;
    assert!(page.contains("Autre membre du jury"));
    // Each score named with its criterion, the juror's own and the others'.
    assert!(
        page.contains("Vos notes : Lien avec le thème : 4 / 5 ; Message : 5 / 5."),
        "{page}"
    );
    assert!(page.contains("Autre membre du jury : Lien avec le thème : 5 / 5 ; Message : 5 / 5."));
    assert!(!page.contains("Vos notes : 4 / 5"));
    coordinator
        .post_ok(&format!("{contest}/palmares"), &[])
        .await;
    let html = body(app.get(public).await).await;
    assert!(html.contains("Les lauréats"));
    assert!(
        html.contains("1er prix du collège</strong> : « Se relever »"),
        "{html}"
    );
    assert!(
        html.contains("2e prix du collège</strong> : « Tenir bon »"),
        "{html}"
    );
}

/// Normandie's way: the contest is entered from the declaration form; an
/// action submitted with « oui » creates its school's entry (once), to
/// complete with the poster; « non » creates none; Créteil's way (a page of
/// its own) does not ask.
async fn the_declaration_form_enters_the_contest_when_the_edition_says_so(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, "coordination.academique@demo.test").await;
    let staff = signed_in(&app, "personnel@demo.test").await;
    let week = EditionBuilder::new(2040)
        .week_start
        .format("%d/%m/%Y")
        .to_string();
    let dated = |mut pairs: Vec<(String, String)>| {
        for (k, v) in pairs.iter_mut() {
            if k == "starts_on" {
                *v = week.clone();
            }
        }
        pairs
    };
    let settings = |mode: &'static str| {
        vec![
            ("categories", "École\nCollège\nLycée"),
            ("grid", "Lien avec le thème ; 3 ; 5"),
            ("deadline", "01/01/2099"),
            ("entry_mode", mode),
        ]
    };
    let contest = format!("/editions/{edition}/concours");
    coordinator.post_ok(&contest, &settings("page")).await;
    let draft = people::start_draft(&staff, edition.0).await;
    let form = staff.page(&format!("/actions/{draft}/modifier")).await;
    assert!(
        !form.contains("Participez-vous au concours"),
        "Créteil's way: not asked"
    );

    coordinator.post_ok(&contest, &settings("form")).await;
    let form = staff.page(&format!("/actions/{draft}/modifier")).await;
    assert!(form.contains("Participez-vous au concours d’affiches ?"));
    assert!(form.contains("Oui, catégorie « Collège »"));
    // A draft keeps the answer; nothing is created before submission.
    let mut pairs = dated(people::complete_action(
        "Affiches de la persévérance",
        &people::version_in(&form),
    ));
    pairs.push(("poster_contest".into(), "2".into()));
    pairs.push(("intent".into(), "save".into()));
    let response = staff
        .post_pairs(&format!("/actions/{draft}/modifier"), &pairs)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let form = staff.page(&format!("/actions/{draft}/modifier")).await;
    assert!(form.contains("value=\"2\" checked"), "the answer is kept");
    let entries = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            perseverance::contest::store::entries(&mut db.acquire().await.unwrap().conn(), edition)
                .await
                .unwrap()
        }
    };
    assert!(entries(&app).await.is_empty());
    // Submitted with « oui » (category 2): the entry to complete.
    let mut pairs = dated(people::complete_action(
        "Affiches de la persévérance",
        &people::version_in(&form),
    ));
    pairs.push(("poster_contest".into(), "2".into()));
    pairs.push(("intent".into(), "submit".into()));
    let response = staff
        .post_pairs(&format!("/actions/{draft}/modifier"), &pairs)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let created = entries(&app).await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].category, 2);
    assert_eq!(created[0].title, "Affiches de la persévérance");
    let page = staff.page(&contest).await;
    assert!(
        page.contains("Affiches de la persévérance"),
        "listed among the school's entries"
    );
    // The school named with its article (« du collège », not « de Collège »).
    assert!(
        page.contains("id=\"participations\">Les affiches du collège "),
        "{page}"
    );
    assert!(!page.contains("de Collège"));

    // Another action answered « non »: no entry.
    let other = people::start_draft(&staff, edition.0).await;
    let form = staff.page(&format!("/actions/{other}/modifier")).await;
    let mut pairs = dated(people::complete_action(
        "Sans affiche",
        &people::version_in(&form),
    ));
    pairs.push(("poster_contest".into(), "non".into()));
    pairs.push(("intent".into(), "submit".into()));
    let response = staff
        .post_pairs(&format!("/actions/{other}/modifier"), &pairs)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    assert_eq!(entries(&app).await.len(), 1);
}

/// Normandie's way, up to the entry: the contest entered from the form
/// (categories École, Collège, Lycée), school A's action submitted with
/// « oui, Collège ». Returns the edition, the action, the entry, the
/// coordinator and the school's staff member.
async fn entry_from_the_form(app: &TestApp) -> (EditionId, i64, i64, Visitor, Visitor) {
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(app, "coordination.academique@demo.test").await;
    let staff = signed_in(app, "personnel@demo.test").await;
    coordinator
        .post_ok(
            &format!("/editions/{edition}/concours"),
            &[
                ("categories", "École\nCollège\nLycée"),
                ("grid", "Lien avec le thème ; 3 ; 5"),
                ("deadline", "01/01/2099"),
                ("entry_mode", "form"),
            ],
        )
        .await;
    let week = EditionBuilder::new(2040)
        .week_start
        .format("%d/%m/%Y")
        .to_string();
    let action = people::start_draft(&staff, edition.0).await;
    let form = staff.page(&format!("/actions/{action}/modifier")).await;
    let mut pairs =
        people::complete_action("Affiches de la persévérance", &people::version_in(&form));
    for (k, v) in pairs.iter_mut() {
        if k == "starts_on" {
            *v = week.clone();
        }
    }
    pairs.push(("poster_contest".into(), "2".into()));
    pairs.push(("intent".into(), "save".into()));
    let response = staff
        .post_pairs(&format!("/actions/{action}/modifier"), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // A draft answered « oui »: the page says the entry comes at submission.
    let page = staff.page(&format!("/actions/{action}")).await;
    assert!(
        page.contains("Participation demandée, catégorie « Collège »"),
        "{page}"
    );
    let form = staff.page(&format!("/actions/{action}/modifier")).await;
    let version = people::version_in(&form);
    for (k, v) in pairs.iter_mut() {
        if k == "version" {
            *v = version.clone();
        }
        if k == "intent" {
            *v = "submit".into();
        }
    }
    let response = staff
        .post_pairs(&format!("/actions/{action}/modifier"), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let entries =
        perseverance::contest::store::entries(&mut app.db.acquire().await.unwrap().conn(), edition)
            .await
            .unwrap();
    assert_eq!(entries.len(), 1);
    (edition, action, entries[0].id, coordinator, staff)
}

async fn an_entry_from_the_declaration_form_gets_its_poster_later(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, action, entry, coordinator, staff) = entry_from_the_form(&app).await;
    let send = format!("/concours/participations/{entry}/affiche");
    let missing = "L’affiche n’a pas encore été envoyée";
    // The action page and the contest page say it is missing, with the way
    // to send it.
    for page in [
        format!("/actions/{action}"),
        format!("/editions/{edition}/concours"),
    ] {
        let html = staff.page(&page).await;
        assert!(html.contains(missing), "{page}");
        assert!(html.contains(&format!("href=\"{send}\"")), "{page}");
    }
    assert!(
        staff
            .page(&format!("/actions/{action}"))
            .await
            .contains("inscrite au concours d’affiches, catégorie « Collège »")
    );
    // Only the school's staff send it: the coordination is told why, the
    // others do not see it; an unknown entry is a 404.
    let response = coordinator.get(&send).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let district = signed_in(&app, "coordination.district@demo.test").await;
    assert_eq!(district.get(&send).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        staff
            .get("/concours/participations/999999/affiche")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let post = |file: Option<(&'static str, Vec<u8>)>| {
        let staff = &staff;
        let send = send.clone();
        async move {
            staff
                .post_multipart(
                    &send,
                    &[
                        (
                            "description",
                            "Une affiche jaune : un escalier vers le soleil",
                        ),
                        ("consent", "none_identifiable"),
                    ],
                    file.as_ref().map(|(n, b)| ("poster", *n, b.as_slice())),
                )
                .await
        }
    };
    // No file, or an HTML page named .png: refused, what was typed kept.
    for file in [
        None,
        Some(("page.png", b"<html><script>1</script>".to_vec())),
    ] {
        let response = post(file).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body(response).await;
        assert!(html.contains("fr-error-text"), "{html}");
        assert!(html.contains("value=\"Une affiche jaune : un escalier vers le soleil\""));
        assert!(html.contains("value=\"none_identifiable\" checked"));
    }
    let media = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            perseverance::media::store::media_of(
                &mut db.acquire().await.unwrap().conn(),
                "poster",
                entry,
            )
            .await
            .unwrap()
        }
    };
    assert!(media(&app).await.is_empty(), "nothing stored");
    // The poster, through the media pipeline: private, waiting.
    let response = post(Some(("affiche.png", png()))).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let sent = media(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].state,
        perseverance::domain::media::MediaState::Pending
    );
    assert_eq!(
        sent[0].school_id,
        Some(
            perseverance::contest::store::entry_by_id(
                &mut app.db.acquire().await.unwrap().conn(),
                entry,
            )
            .await
            .unwrap()
            .unwrap()
            .school_id
        )
    );
    assert_eq!(
        app.get(&format!("/medias/{}/image", sent[0].id))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "private until approved"
    );
    let html = staff.page(&format!("/actions/{action}")).await;
    assert!(!html.contains(missing));
    assert!(html.contains("Affiche envoyée"));
    assert!(
        !staff
            .page(&format!("/editions/{edition}/concours"))
            .await
            .contains(missing)
    );
    // A second one while the first waits: refused.
    let response = post(Some(("affiche.png", png()))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(response).await.contains("déjà envoyée"));
    assert_eq!(media(&app).await.len(), 1);
    // Approved by the coordination: on the public page.
    coordinator
        .post_ok(
            &format!("/medias/{}/decision", sent[0].id),
            &[("decision", "approve")],
        )
        .await;
    let html = body(app.get("/a/creteil/editions/2040/concours").await).await;
    assert!(html.contains("Affiches de la persévérance"), "{html}");
}

/// Every file under the service's store.
fn stored_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    stored_files(&path)
                } else {
                    1
                }
            })
            .sum()
    })
}

/// An entry refused for another field (no title) keeps its poster: held,
/// stored once, everything typed kept; the corrected form registers that
/// same file without asking for it again, and sending the page again
/// registers nothing more.
async fn an_entry_refused_for_its_title_keeps_its_poster_once(engine: Engine) {
    use common::html::Page;
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    open_contest(&app, edition).await;
    let contest = format!("/editions/{edition}/concours");
    let files = app.dir.path().join("files");
    let before = stored_files(&files);
    let staff = signed_in(&app, "personnel@demo.test").await;
    let response = register(&staff, edition, " ", ("affiche.png", &png())).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#title-erreur").is_some());
    assert!(page.text("#poster-erreur").is_none());
    assert_eq!(page.field("group_name").as_deref(), Some("4e B"));
    assert_eq!(
        page.field("description").as_deref(),
        Some("Une affiche jaune : un coureur se relève")
    );
    assert!(
        page.text("#affiche-recue")
            .unwrap()
            .contains("« affiche.png »")
    );
    let held = page.field("poster_held").expect("the poster held");
    assert_eq!(stored_files(&files), before + 1, "stored once");
    let entry = [
        ("category", "2"),
        ("group_name", "4e B"),
        ("title", "Se relever"),
        ("description", "Une affiche jaune : un coureur se relève"),
        ("consent", "none_identifiable"),
        ("poster_held", held.as_str()),
    ];
    let path = format!("{contest}/participations");
    staff.post_multipart_ok(&path, &entry).await;
    // Once processed: the master and its two variants, nothing else.
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&app.db, &app.running.state.config)
            .await
            .unwrap();
        let media = perseverance::media::store::media_of_edition(
            &mut app.db.acquire().await.unwrap().conn(),
            edition,
        )
        .await
        .unwrap();
        if media.iter().all(|m| m.processed_at.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stored_files(&files), before + 3, "not stored a second time");
    // The page sent again: its poster is registered already, so it is not
    // held any more; the form asks for one and registers nothing.
    let response = staff.post_multipart(&path, &entry, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored_files(&files), before + 3);
    let media = perseverance::media::store::media_of_edition(
        &mut app.db.acquire().await.unwrap().conn(),
        edition,
    )
    .await
    .unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].owner_kind, "poster");
    assert_eq!(media[0].file_name, "affiche.png");
    let entries: i64 = perseverance::on_conn!(app.db.acquire().await.unwrap().conn(), |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM poster_entries WHERE edition_id = $1")
            .bind(edition)
            .fetch_one(c)
            .await
    })
    .unwrap();
    assert_eq!(entries, 1, "one entry");
}

/// With the consent tick a poster may be published, and no image is
/// published without a description, which cannot be added afterwards: the
/// form asks for it and keeps the rest (the trial found a poster sent
/// without one that the coordinator was offered to publish, then refused).
async fn a_publishable_poster_needs_its_description(engine: Engine) {
    use common::html::Page;
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    open_contest(&app, edition).await;
    let staff = signed_in(&app, "personnel@demo.test").await;
    let response = staff
        .post_multipart(
            &format!("/editions/{edition}/concours/participations"),
            &[
                ("category", "2"),
                ("group_name", "4e B"),
                ("title", "Se relever"),
                ("statement", "Persévérer, c'est se relever."),
                ("description", " "),
                ("consent", "none_identifiable"),
            ],
            Some(("poster", "affiche.png", &png())),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#description-erreur")
            .is_some_and(|t| t.contains("Décrivez l’affiche")),
        "the description is asked for"
    );
    assert_eq!(page.field("title").as_deref(), Some("Se relever"));
    assert!(page.field("poster_held").is_some(), "the poster is kept");
    let entries: i64 = perseverance::on_conn!(app.db.acquire().await.unwrap().conn(), |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM poster_entries WHERE edition_id = $1")
            .bind(edition)
            .fetch_one(c)
            .await
    })
    .unwrap();
    assert_eq!(entries, 0, "nothing registered");
}

/// The académie opens the edition's contest with entries on the contest's
/// own page (three categories, a one-line grid, a far deadline).
async fn open_contest(app: &TestApp, edition: EditionId) {
    signed_in(app, "coordination.academique@demo.test")
        .await
        .post_ok(
            &format!("/editions/{edition}/concours"),
            &[
                ("rules", "Une affiche par classe."),
                ("categories", "École\nCollège\nLycée"),
                ("grid", "Lien avec le thème ; 3 ; 5"),
                ("deadline", "01/01/2099"),
                ("entry_mode", "page"),
            ],
        )
        .await;
}
