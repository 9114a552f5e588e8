//! The edition's kit (mallette) over HTTP, on both engines: method sheets in
//! Markdown (raw HTML refused with its line), files through the storage seam
//! (type from the content, fixed content type, size limit), versions that
//! keep their address, public and staff-only resources, downloads counted,
//! order, reuse sheets from a validated action, and the kit carried over
//! when the edition is cloned.

mod common;

use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page, people::Visitor};
use perseverance::{domain::EditionId, resources::store as resources_store};
use reqwest::StatusCode;

on_both_engines!(
    sheets_are_versioned_and_old_links_keep_working,
    files_are_checked_stored_and_served_with_their_type,
    public_and_staff_resources,
    reuse_sheet_from_a_validated_action_and_cloning,
    the_same_file_twice_is_stored_once_and_a_removed_resource_answers_410,
    the_demo_draws_its_communication_kit,
    a_refused_kit_form_keeps_its_file_once,
);

const COORDINATOR: &str = "coordination.academique@demo.test";
const STAFF: &str = "personnel@demo.test";

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

/// Adds a resource through the kit's form; returns its id.
async fn add(
    coordinator: &Visitor,
    edition: EditionId,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> i64 {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    for default in [("dated_on", "01/02/2040"), ("audience", "public")] {
        if !all.iter().any(|(k, _)| *k == default.0) {
            all.push(default);
        }
    }
    let response = coordinator
        .post_multipart(&format!("/editions/{edition}/mallette"), &all, file)
        .await;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", body(response).await);
    common::people::number_after(&location.unwrap(), "/ressources/").unwrap()
}

async fn downloads(app: &TestApp, id: i64) -> i64 {
    resources_store::resource_by_id(
        &mut app.db.acquire().await.unwrap().conn(),
        perseverance::domain::ResourceId(id),
    )
    .await
    .unwrap()
    .unwrap()
    .downloads
}

async fn sheets_are_versioned_and_old_links_keep_working(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let id = add(
        &coordinator,
        edition,
        &[
            ("kind", "method"),
            ("title", "Communiquer, valoriser une action"),
            ("body", "## Avant la semaine\n\n- Faire le point"),
        ],
        None,
    )
    .await;
    // Raw HTML is refused, naming the line; what was typed is kept.
    let response = coordinator
        .post_multipart(
            &format!("/ressources/{id}/version"),
            &[("body", "## Avant\n\nTexte\n<script>alert(1)</script>")],
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    let page = Page::parse(&html);
    assert!(
        page.text("#body-erreur")
            .unwrap()
            .starts_with("Ligne 4 : le code HTML")
    );
    assert!(
        page.text("#body")
            .unwrap()
            .contains("<script>alert(1)</script>")
    );
    // A new version; version 1 keeps its address and content.
    let to = coordinator
        .post_multipart_ok(
            &format!("/ressources/{id}/version"),
            &[(
                "body",
                "## Avant la semaine\n\n- Faire le point\n- Informer les parents",
            )],
        )
        .await;
    assert!(to.starts_with(&format!("/ressources/{id}/versions/2")));
    let staff = signed_in(&app, STAFF).await;
    let latest = staff.page(&format!("/ressources/{id}")).await;
    assert!(latest.contains("Informer les parents") && latest.contains("version 2"));
    let old = staff.page(&format!("/ressources/{id}/versions/1")).await;
    assert!(!old.contains("Informer les parents") && old.contains("Faire le point"));
    assert!(old.contains("une version plus récente existe"));
    assert_eq!(
        staff
            .get(&format!("/ressources/{id}/versions/3"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Each reading of a sheet is counted (two by staff; none by the refused form).
    assert_eq!(downloads(&app, id).await, 2);
}

async fn files_are_checked_stored_and_served_with_their_type(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let path = format!("/editions/{edition}/mallette");
    // A file whose content is not what its name says is refused.
    let response = coordinator
        .post_multipart(
            &path,
            &[
                ("kind", "kit"),
                ("title", "Affiche"),
                ("dated_on", "01/02/2040"),
                ("audience", "public"),
            ],
            Some(("file", "affiche.pdf", b"<html><script>alert(1)</script>")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(
        Page::parse(&html)
            .text("#file-erreur")
            .unwrap()
            .contains("ne correspond pas à son extension")
    );
    assert_eq!(
        Page::parse(&html).attr("#title", "value").as_deref(),
        Some("Affiche")
    );
    // A kit entry needs a file; a method sheet is Markdown or a PDF, not both.
    let response = coordinator
        .post_multipart(
            &path,
            &[
                ("kind", "kit"),
                ("title", "Sans fichier"),
                ("dated_on", "01/02/2040"),
                ("audience", "public"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Too large: refused before the body is read.
    let big = vec![b'x'; 21 * 1024 * 1024];
    let response = coordinator
        .post_multipart(
            &path,
            &[("kind", "kit"), ("title", "Trop gros")],
            Some(("file", "big.pdf", &big)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body(response).await.contains("dépasse"));
    // A real PDF: stored under a random name, served with its fixed type.
    let pdf = b"%PDF-1.4\n% affiche de la semaine\n";
    let id = add(
        &coordinator,
        edition,
        &[("kind", "kit"), ("title", "Affiche 2040")],
        Some(("file", "Affiche semaine é.pdf", pdf)),
    )
    .await;
    let anonymous = Visitor::new(&app);
    let response = anonymous
        .get(&format!("/ressources/{id}/versions/1/fichier"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("filename*=UTF-8''Affiche%20semaine%20%C3%A9.pdf"),
        "{disposition}"
    );
    assert_eq!(&response.bytes().await.unwrap()[..], pdf);
    assert_eq!(downloads(&app, id).await, 1);
    // The stored file has a random name, outside any served folder.
    let stored: Vec<String> = walk(&app.dir.path().join("files"));
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains("Affiche") && !stored[0].ends_with(".pdf"));
    // A new version of the file; the old one is still served.
    let response = coordinator
        .post_multipart(
            &format!("/ressources/{id}/version"),
            &[],
            Some(("file", "affiche-v2.pdf", b"%PDF-1.7 v2")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let old = anonymous
        .get(&format!("/ressources/{id}/versions/1/fichier"))
        .await;
    assert_eq!(&old.bytes().await.unwrap()[..], pdf);
    let new = anonymous
        .get(&format!("/ressources/{id}/versions/2/fichier"))
        .await;
    assert_eq!(&new.bytes().await.unwrap()[..], b"%PDF-1.7 v2");
    assert_eq!(downloads(&app, id).await, 3);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path().display().to_string());
        }
    }
    out
}

async fn public_and_staff_resources(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let public = add(
        &coordinator,
        edition,
        &[
            ("kind", "method"),
            ("title", "Fiche pour tous"),
            ("body", "Texte public"),
        ],
        None,
    )
    .await;
    let staff_only = add(
        &coordinator,
        edition,
        &[
            ("kind", "method"),
            ("title", "Fiche interne"),
            ("body", "Texte interne"),
            ("audience", "staff"),
        ],
        None,
    )
    .await;
    let third = add(
        &coordinator,
        edition,
        &[
            ("kind", "method"),
            ("title", "Troisième fiche"),
            ("body", "Texte"),
        ],
        None,
    )
    .await;
    let anonymous = Visitor::new(&app);
    assert_eq!(
        anonymous
            .get(&format!("/ressources/{public}"))
            .await
            .status(),
        StatusCode::OK
    );
    let response = anonymous.get(&format!("/ressources/{staff_only}")).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "staff-only: sign in first"
    );
    // The public page shows the public kit only.
    let page = anonymous.page("/a/creteil/editions/2040").await;
    assert!(page.contains("Fiche pour tous") && !page.contains("Fiche interne"));
    // The coordination orders the kit.
    let kit = coordinator
        .page(&format!("/editions/{edition}/mallette"))
        .await;
    assert!(kit.find("Fiche pour tous").unwrap() < kit.find("Troisième fiche").unwrap());
    coordinator
        .post_ok(&format!("/ressources/{third}/deplacer"), &[("delta", "-1")])
        .await;
    coordinator
        .post_ok(&format!("/ressources/{third}/deplacer"), &[("delta", "-1")])
        .await;
    let kit = signed_in(&app, STAFF)
        .await
        .page(&format!("/editions/{edition}/mallette"))
        .await;
    assert!(kit.find("Troisième fiche").unwrap() < kit.find("Fiche pour tous").unwrap());
    assert!(kit.contains("Fiche interne"));
    // The coordination opens the staff-only sheet to everyone.
    let response = coordinator
        .post(
            &format!("/ressources/{staff_only}/modifier"),
            &[
                ("title", "Fiche interne"),
                ("audience", "public"),
                ("dated_on", "32/01/2040"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        Page::parse(&body(response).await)
            .text("#dated_on-erreur")
            .is_some()
    );
    coordinator
        .post_ok(
            &format!("/ressources/{staff_only}/modifier"),
            &[
                ("title", "Fiche désormais publique"),
                ("audience", "public"),
                ("dated_on", "02/02/2040"),
                ("group_name", "Préparer"),
            ],
        )
        .await;
    assert_eq!(
        anonymous
            .get(&format!("/ressources/{staff_only}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert!(
        anonymous
            .page("/a/creteil/editions/2040")
            .await
            .contains("Fiche désormais publique")
    );
}

async fn reuse_sheet_from_a_validated_action_and_cloning(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (past, _) = EditionBuilder::new(2039).insert(&app.db).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    // A validated action of 2039.
    let staff = signed_in(&app, STAFF).await;
    let action = common::people::start_draft(&staff, past.0).await;
    let form = staff.page(&format!("/actions/{action}/modifier")).await;
    let week =
        perseverance::domain::edition::paris_date(chrono::Utc::now()) + chrono::Duration::days(41);
    let mut pairs = common::people::complete_action(
        "Forum des anciens élèves",
        &common::people::version_in(&form),
    );
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
    let district = signed_in(&app, "coordination.district@demo.test").await;
    let response = common::people::decide(&district, action, "validate", "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Refused: not a number, an action of this very edition.
    let path = format!("/editions/{edition}/mallette/mutualisation");
    let response = coordinator.post(&path, &[("action", "abc")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        Page::parse(&body(response).await)
            .text("#action-erreur")
            .unwrap()
            .contains("numéro d’une action")
    );
    let to = coordinator
        .post_ok(&path, &[("action", &action.to_string())])
        .await;
    let id = common::people::number_after(&to, "/ressources/").unwrap();
    let sheet = coordinator.page(&format!("/ressources/{id}")).await;
    assert!(
        sheet.contains("Forum des anciens élèves") && sheet.contains("Action de l’édition 2039")
    );
    // Cloning 2040 carries the kit over.
    let to = coordinator
        .post_ok(&format!("/editions/{edition}/cloner"), &[])
        .await;
    let clone = common::people::number_after(&to, "/editions/").unwrap();
    let kit = coordinator
        .page(&format!("/editions/{clone}/mallette"))
        .await;
    assert!(kit.contains("Forum des anciens élèves"));
}

/// Re-sending the same file adds no version and stores nothing; sending back
/// an older version's file makes a new version naming the stored file. A
/// removed resource's addresses answer 410 with its title and date, its
/// files leave the store unless a cloned edition's resource still names
/// them, and staff may not remove.
async fn the_same_file_twice_is_stored_once_and_a_removed_resource_answers_410(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let v1: &[u8] = b"%PDF-1.4\n% invitation v1\n";
    let v2: &[u8] = b"%PDF-1.4\n% invitation v2\n";
    let id = add(
        &coordinator,
        edition,
        &[("kind", "kit"), ("title", "Invitation aux familles")],
        Some(("file", "invitation.pdf", v1)),
    )
    .await;
    let files = app.dir.path().join("files");
    assert_eq!(walk(&files).len(), 1);
    // The same file again: no new version, nothing stored, the page says so.
    let response = coordinator
        .post_multipart(
            &format!("/ressources/{id}/version"),
            &[],
            Some(("file", "invitation (1).pdf", v1)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!(
            "/ressources/{id}/versions/1?avis=fichier-identique"
        )),
        "{location}"
    );
    assert!(
        coordinator
            .page(&location)
            .await
            .contains("Ce fichier est déjà la dernière version.")
    );
    assert_eq!(walk(&files).len(), 1);
    let versions = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            resources_store::versions(
                &mut db.acquire().await.unwrap().conn(),
                perseverance::domain::ResourceId(id),
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(versions(&app).await.len(), 1);
    // A new file, then the first one back: three versions, two stored files.
    for file in [v2, v1] {
        let response = coordinator
            .post_multipart(
                &format!("/ressources/{id}/version"),
                &[],
                Some(("file", "invitation.pdf", file)),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let all = versions(&app).await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[0].file_key, all[2].file_key,
        "v3 names v1's stored file"
    );
    assert_eq!(walk(&files).len(), 2);
    let anonymous = Visitor::new(&app);
    let response = anonymous
        .get(&format!("/ressources/{id}/versions/3/fichier"))
        .await;
    assert_eq!(&response.bytes().await.unwrap()[..], v1);

    // A cloned edition shares the latest file: removing the original keeps it.
    let to = coordinator
        .post_ok(&format!("/editions/{edition}/cloner"), &[])
        .await;
    let clone = common::people::number_after(&to, "/editions/").unwrap();
    let kit = coordinator
        .page(&format!("/editions/{clone}/mallette"))
        .await;
    let copy = common::people::numbers_after(&kit, "/ressources/")
        .into_iter()
        .find(|n| *n != id)
        .expect("the clone's copy of the invitation");

    // Staff may not remove; the coordination may.
    let staff = signed_in(&app, STAFF).await;
    let response = staff
        .post(&format!("/ressources/{id}/supprimer"), &[])
        .await;
    assert!(
        matches!(
            response.status(),
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{}",
        response.status()
    );
    let response = coordinator
        .post(&format!("/ressources/{id}/supprimer"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("/editions/{edition}/mallette?avis=supprime")
    );
    for path in [
        format!("/ressources/{id}"),
        format!("/ressources/{id}/versions/2"),
        format!("/ressources/{id}/versions/1/fichier"),
    ] {
        let response = anonymous.get(&path).await;
        assert_eq!(response.status(), StatusCode::GONE, "{path}");
        let html = body(response).await;
        assert!(
            html.contains("Invitation aux familles") && html.contains("retirée"),
            "{html}"
        );
    }
    // v2's file went; v1's stays for the clone, whose copy still serves it.
    assert_eq!(walk(&files).len(), 1);
    let response = coordinator
        .get(&format!("/ressources/{copy}/versions/1/fichier"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(&response.bytes().await.unwrap()[..], v1);
    // The kit no longer lists it; an id never used is still a plain 404.
    let kit = coordinator
        .page(&format!("/editions/{edition}/mallette"))
        .await;
    assert!(!kit.contains(&format!("/ressources/{id}\"")));
    assert_eq!(
        anonymous.get("/ressources/999999").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// `serve --demo` draws the communication kit (poster, invitation, logo) of
/// each demo edition with a kit, stores it through the file store, and
/// serves it as PNG; a second run adds nothing.
async fn the_demo_draws_its_communication_kit(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    {
        let mut tx = app.db.begin().await.unwrap();
        perseverance::resources::demo::seed(
            &mut tx.conn(),
            edition,
            chrono::NaiveDate::from_ymd_opt(2040, 1, 15).unwrap(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let files = perseverance::files::FileStore::local(&app.dir.path().join("files")).unwrap();
    let written = perseverance::resources::demo::communication_kit(&app.db, &files)
        .await
        .unwrap();
    assert_eq!(written, 3);
    assert_eq!(
        perseverance::resources::demo::communication_kit(&app.db, &files)
            .await
            .unwrap(),
        0
    );
    let coordinator = signed_in(&app, COORDINATOR).await;
    let kit = coordinator
        .page(&format!("/editions/{edition}/mallette"))
        .await;
    for title in [
        "Affiche de la semaine",
        "Carton d’invitation",
        "Logo de la semaine",
    ] {
        assert!(kit.contains(title), "{title}");
    }
    assert!(kit.contains("image PNG"), "{kit}");
    let poster =
        resources_store::resources_of(&mut app.db.acquire().await.unwrap().conn(), edition)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.title == "Affiche de la semaine")
            .unwrap();
    let response = coordinator
        .get(&format!("/ressources/{}/versions/1/fichier", poster.id))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
}

/// A kit form refused for another field (an empty title; a new version
/// refused for its text) keeps its file: held, stored once, what was typed
/// kept; the corrected form uses that same file without asking for it again.
async fn a_refused_kit_form_keeps_its_file_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let files = app.dir.path().join("files");
    let path = format!("/editions/{edition}/mallette");
    let pdf: &[u8] = b"%PDF-1.4\n% fiche\n";
    let typed = [
        ("kind", "method"),
        ("summary", "La fiche méthode en PDF"),
        ("dated_on", "01/02/2040"),
        ("audience", "public"),
    ];
    let response = coordinator
        .post_multipart(
            &path,
            &[typed.as_slice(), &[("title", " ")]].concat(),
            Some(("file", "fiche.pdf", pdf)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#title-erreur").is_some());
    assert!(page.text("#file-erreur").is_none());
    assert!(
        page.text("#fichier-recu")
            .unwrap()
            .contains("« fiche.pdf »")
    );
    let held = page.field("file_held").expect("the file held");
    assert_eq!(walk(&files).len(), 1, "stored once");

    let location = coordinator
        .post_multipart_ok(
            &path,
            &[
                typed.as_slice(),
                &[("title", "Fiche méthode"), ("file_held", &held)],
            ]
            .concat(),
        )
        .await;
    let id = common::people::number_after(&location, "/ressources/").unwrap();
    assert_eq!(walk(&files).len(), 1, "not stored a second time");
    let download = coordinator
        .get(&format!("/ressources/{id}/versions/1/fichier"))
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf);

    // A new version refused for its text (a PDF and a text at once): the
    // file is held; sent again without the text, it becomes version 2.
    let v2: &[u8] = b"%PDF-1.4\n% fiche v2\n";
    let written = add(
        &coordinator,
        edition,
        &[
            ("kind", "method"),
            ("title", "Fiche écrite"),
            ("body", "## Les étapes"),
        ],
        None,
    )
    .await;
    let version = format!("/ressources/{written}/version");
    let response = coordinator
        .post_multipart(
            &version,
            &[("body", "Un texte en trop")],
            Some(("file", "fiche-v2.pdf", v2)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#body-erreur").is_some());
    assert!(
        page.text("#fichier-recu")
            .unwrap()
            .contains("« fiche-v2.pdf »")
    );
    let held = page.field("file_held").expect("the new file held");
    assert_eq!(walk(&files).len(), 2);
    let location = coordinator
        .post_multipart_ok(&version, &[("file_held", &held)])
        .await;
    assert!(location.contains("/versions/2"), "{location}");
    assert_eq!(walk(&files).len(), 2, "not stored a second time");
    // The page sent again: its file is a version already, nothing more.
    let response = coordinator
        .post_multipart(&version, &[("file_held", &held)], None)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(walk(&files).len(), 2);
}
