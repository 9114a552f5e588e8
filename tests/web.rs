//! The foundation over HTTP: pages, security headers, sign-in, scopes, forms.

mod common;

use common::{Engine, TestApp, body};
use reqwest::StatusCode;

on_both_engines!(
    health_answers_when_the_database_does,
    every_response_carries_security_headers,
    unknown_pages_get_a_french_404,
    login_link_signs_in_once,
    asking_for_a_link_reveals_nothing,
    self_registration_follows_the_academy_domains,
    forms_without_the_token_change_nothing,
    staff_see_their_school_and_nothing_else,
    coordinators_grant_roles_within_their_scope,
    bad_input_is_answered_next_to_the_field,
    coordinators_define_districts,
    logout_ends_the_session,
    the_directory_finds_names_whatever_their_separators,
);

async fn health_answers_when_the_database_does(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    app.db.close().await;
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

async fn every_response_carries_security_headers(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for path in ["/", "/connexion", "/nulle-part"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers.contains_key("referrer-policy"));
    }
}

async fn unknown_pages_get_a_french_404(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app.get("/cette-page-n-existe-pas").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = body(response).await;
    assert!(html.contains("Page introuvable"), "{html}");
    assert!(html.contains("lang=\"fr\""));
}

fn link_in(mail: &str) -> String {
    let start = mail.find("http://").expect("a link in the mail");
    mail[start..].split_whitespace().next().unwrap().to_string()
}

async fn login_link_signs_in_once(engine: Engine) {
    let app = TestApp::spawn_with(engine, true).await;
    app.get("/connexion").await;
    let response = app
        .post(
            "/connexion",
            &[("email", "Referent@Demo.test"), ("suite", "/mon-espace")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mails = app.mails(1).await;
    assert!(mails[0].contains("To: referent@demo.test"), "{}", mails[0]);
    assert!(mails[0].contains("Subject: Votre lien de connexion"));
    let link = link_in(&mails[0]);
    let path = link.trim_start_matches(&app.url).to_string();

    // Opening the link changes nothing: it shows a button.
    let page = body(app.get(&path).await).await;
    assert!(page.contains("Me connecter"), "{path}\n{page}");
    let token = path
        .split("jeton=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let response = app
        .post(
            "/connexion/lien",
            &[("jeton", &token), ("suite", "/mon-espace")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/mon-espace");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let space = body(app.get("/mon-espace").await).await;
    assert!(space.contains("Référent décrochage scolaire"), "{space}");

    // The same link does not work twice.
    let again = app.post("/connexion/lien", &[("jeton", &token)]).await;
    assert_eq!(again.status(), StatusCode::GONE);
}

async fn asking_for_a_link_reveals_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let known = body(
        app.post("/connexion", &[("email", "referent@demo.test")])
            .await,
    )
    .await;
    let unknown = body(
        app.post("/connexion", &[("email", "inconnu@exemple.fr")])
            .await,
    )
    .await;
    let strip = |html: &str| {
        html.split("<main")
            .nth(1)
            .unwrap()
            .split("</main>")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(strip(&known), strip(&unknown));
    let mails = app.mails(1).await;
    assert_eq!(mails.len(), 1, "only the known address gets a mail");
}

async fn self_registration_follows_the_academy_domains(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // The demo académie allows ac-creteil.fr addresses to register.
    app.post("/connexion", &[("email", "prenom.nom@ac-creteil.fr")])
        .await;
    let mails = app.mails(1).await;
    assert!(mails[0].contains("To: prenom.nom@ac-creteil.fr"));
    app.post("/connexion", &[("email", "quelqu.un@ac-versailles.fr")])
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.mails(1).await.len(), 1, "no account for other domains");
}

async fn forms_without_the_token_change_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.get("/connexion").await;
    let response = app
        .client
        .post(format!("{}/connexion/demo", app.url))
        .form(&[("email", "admin@demo.test"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(body(response).await.contains("Formulaire expiré"));
    assert_eq!(
        app.get("/mon-espace").await.status(),
        StatusCode::SEE_OTHER,
        "still signed out"
    );
}

async fn staff_see_their_school_and_nothing_else(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo("personnel@demo.test").await;
    let space = body(app.get("/mon-espace").await).await;
    let start = space
        .find("/etablissements/")
        .expect("a link to the school");
    let uai = &space[start + 16..start + 24];
    let school = app.get(&format!("/etablissements/{uai}")).await;
    assert_eq!(school.status(), StatusCode::OK);
    assert!(body(school).await.contains(uai));
    // Another school of the académie, the directory, another district: 404 or 403.
    let other = if uai == "0930201N" {
        "0930202P"
    } else {
        "0930201N"
    };
    assert_eq!(
        app.get(&format!("/etablissements/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/a/creteil/etablissements").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/acces").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/admin/academies").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn coordinators_grant_roles_within_their_scope(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo("coordination.district@demo.test").await;
    let page = body(app.get("/districts/5").await).await;
    assert!(
        page.contains("District de Saint-Denis"),
        "the district coordinator sees their district"
    );
    // A school of the district: granted. A school of another district: refused.
    let inside = page.split("/etablissements/").nth(1).unwrap()[..8].to_string();
    let ok = app
        .post(
            "/acces",
            &[
                ("email", "nouvelle@ac-creteil.fr"),
                ("role", "staff"),
                ("uai", &inside),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let listing = body(app.get("/acces").await).await;
    assert!(listing.contains("nouvelle@ac-creteil.fr"));
    let outside = perseverance::domain::Uai::from_number(770_100).to_string();
    let refused = app
        .post(
            "/acces",
            &[
                ("email", "autre@ac-creteil.fr"),
                ("role", "staff"),
                ("uai", &outside),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(refused)
            .await
            .contains("Vous ne pouvez pas attribuer ce rôle")
    );
    let promote = app
        .post(
            "/acces",
            &[
                ("email", "x@ac-creteil.fr"),
                ("role", "academy_coordinator"),
                ("scope", "academy:1"),
            ],
        )
        .await;
    assert_eq!(promote.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn bad_input_is_answered_next_to_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let response = app
        .post("/connexion", &[("email", "pas-une-adresse")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("fr-input-group--error"));
    assert!(html.contains("saisissez une adresse électronique valide"));
    assert!(
        html.contains("value=\"pas-une-adresse\""),
        "what was typed is kept"
    );

    app.sign_in_demo("coordination.academique@demo.test").await;
    let response = app
        .post(
            "/acces",
            &[
                ("email", "x@ac-creteil.fr"),
                ("role", "staff"),
                ("uai", "0930200A"),
            ],
        )
        .await;
    let html = body(response).await;
    assert!(html.contains("lettre de contrôle"), "{html}");
    assert!(html.contains("value=\"x@ac-creteil.fr\""));
}

async fn coordinators_define_districts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo("coordination.academique@demo.test").await;
    let empty = app
        .post(
            "/a/creteil/districts",
            &[("name", ""), ("department", "93")],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(empty).await.contains("Indiquez le nom du district"));
    let created = app
        .post(
            "/a/creteil/districts",
            &[("name", "District de Pantin"), ("department", "93")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let (path, notice) = location.split_once('?').unwrap();
    assert_eq!(notice, "avis=cree");
    let location = path.to_string();
    let uai = perseverance::domain::Uai::from_number(930_230).to_string();
    let attached = app
        .post(&format!("{location}/etablissements"), &[("uai", &uai)])
        .await;
    assert_eq!(attached.status(), StatusCode::SEE_OTHER);
    assert!(body(app.get(&location).await).await.contains(&uai));
    let wrong_department = perseverance::domain::Uai::from_number(770_100).to_string();
    let refused = app
        .post(
            &format!("{location}/etablissements"),
            &[("uai", &wrong_department)],
        )
        .await;
    assert!(body(refused).await.contains("pas dans le département"));
    // The DSDEN viewer reads but does not edit.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("dsden93@demo.test").await;
    let page = body(app.get(&location).await).await;
    assert!(!page.contains("Rattacher"));
    let forbidden = app
        .post(&format!("{location}/etablissements"), &[("uai", &uai)])
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}

async fn logout_ends_the_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo("admin@demo.test").await;
    assert_eq!(app.get("/mon-espace").await.status(), StatusCode::OK);
    assert_eq!(
        app.post("/deconnexion", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = app.get("/mon-espace").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/connexion")
    );
}

#[tokio::test]
async fn demo_sign_in_does_not_exist_outside_demo_mode() {
    let app = TestApp::spawn_with(Engine::Sqlite, false).await;
    let page = body(app.get("/connexion").await).await;
    assert!(!page.contains("Comptes de démonstration"));
    assert_eq!(
        app.post("/connexion/demo", &[("email", "admin@demo.test")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// The DSFR stylesheet is gzipped once and answered from memory: gzip when
/// asked, plain otherwise, the same ETag, and `304` when the client has it.
#[tokio::test]
async fn dsfr_files_are_served_precompressed_with_an_etag() {
    let app = TestApp::spawn_with(Engine::Sqlite, false).await;
    let path = "/static/dsfr/dsfr.min.css";
    let on_disk = std::fs::read("node_modules/@gouvfr/dsfr/dist/dsfr.min.css")
        .expect("scripts/frontend installs the DSFR");
    let url = format!("{}{path}", app.url);
    let gzipped = app
        .client
        .get(&url)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "text/css; charset=utf-8");
    let etag = gzipped.headers()["etag"].to_str().unwrap().to_string();
    let compressed = gzipped.bytes().await.unwrap();
    assert!(compressed.len() < on_disk.len() / 4, "{}", compressed.len());
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, on_disk);

    let plain = app.get(path).await;
    assert!(!plain.headers().contains_key("content-encoding"));
    assert_eq!(plain.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(plain.bytes().await.unwrap().as_ref(), &on_disk[..]);

    let again = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
}

/// `/deconnexion` typed in the address bar opens a page with the button
/// (signing out takes the form), not an error page.
#[tokio::test]
async fn the_sign_out_address_offers_the_button() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let html = body(app.get("/deconnexion").await).await;
    let page = common::html::Page::parse(&html);
    assert_eq!(page.text("h1").as_deref(), Some("Se déconnecter"));
    assert!(html.contains("pas connecté"), "{html}");
    app.sign_in_demo("referent@demo.test").await;
    let response = app.get("/deconnexion").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = common::html::Page::parse(&body(response).await);
    assert_eq!(
        page.attrs("main form[action='/deconnexion'] button", "type"),
        vec!["submit".to_string()]
    );
}

/// The school directory's search: spaces, hyphens and apostrophes alike
/// (issue 8's trial): « Saint Denis » finds the commune « Saint-Denis »,
/// « saint-denis » finds « Saint Denis », « l ecole » finds « l'École ».
async fn the_directory_finds_names_whatever_their_separators(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.sign_in_demo("coordination.academique@demo.test").await;
    let total = |html: &str| -> i64 {
        let page = common::html::Page::parse(html);
        let line = page
            .texts("p")
            .into_iter()
            .find(|p| p.contains(" établissement"))
            .unwrap_or_else(|| panic!("a count in {html}"));
        line.split_whitespace().next().unwrap().parse().unwrap()
    };
    let search = async |typed: &str| {
        let response = app
            .get(&format!("/a/creteil/etablissements?q={typed}"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{typed}");
        total(&body(response).await)
    };
    let hyphenated = search("saint-denis").await;
    assert!(hyphenated > 0, "the demo has schools in Saint-Denis");
    assert_eq!(search("Saint+Denis").await, hyphenated);
    assert_eq!(search("SAINT+++DENIS").await, hyphenated);
    // A commune stored with a space, a name with an apostrophe.
    perseverance::on_conn!(app.db.acquire().await.unwrap().conn(), |c| sqlx::query(
        "UPDATE schools SET commune = 'Saint Ouen', name = 'École l''Hirondelle' \
         WHERE id = (SELECT MIN(id) FROM schools WHERE academy_id = \
         (SELECT id FROM academies WHERE slug = 'creteil'))"
    )
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    for typed in ["saint-ouen", "Saint+Ouen", "saint%E2%80%99ouen"] {
        assert!(search(typed).await >= 1, "{typed}");
    }
    for typed in [
        "l+hirondelle",
        "l%27hirondelle",
        "L%E2%80%99Hirondelle",
        "ecole+l-hirondelle",
    ] {
        assert_eq!(search(typed).await, 1, "{typed}");
    }
}
