//! The security kinds of issue 7, each tested as a kind, on both engines:
//! input that survives a lost session or a stale form (item 1), return
//! addresses that stay on this site (item 2), costly requests that cannot
//! be repeated without bound (item 3), and the low findings of item 15
//! (HSTS, `no-store`, the anti-forgery token bound to the session, `__Host-`
//! cookies, an absolute session lifetime, a newline in the destination, the
//! security log, grant ids never reused).

mod common;

use chrono::{Duration, Utc};
use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page};
use perseverance::{
    auth::store as auth_store,
    db::Db,
    domain::{
        Email, Grant, Role, Scope,
        ids::{EditionId, SchoolId, UserId},
    },
    on_conn,
    web::{csrf, security, tokens},
};
use reqwest::{Response, StatusCode};

on_both_engines!(
    input_survives_every_refusal_when_the_session_ends,
    input_survives_every_refusal_with_a_stale_form_token,
    kept_input_is_never_shown_to_anyone_else,
    redirect_targets_stay_on_this_site,
    a_newline_in_the_destination_is_refused_cleanly,
    sign_in_links_cannot_flood_a_mailbox,
    costly_requests_are_limited_per_person,
    the_anti_forgery_token_is_bound_to_the_session,
    sessions_have_an_absolute_lifetime,
    pages_with_personal_data_are_not_stored,
    strict_transport_security_and_host_cookies_over_https,
    the_security_log_says_who_what_when_where,
    grant_ids_are_never_reused,
);

// ---------------------------------------------------------------- helpers

fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Posts a form with a token of the test's choosing (a stale one, a planted one).
async fn post_with_token(
    app: &TestApp,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> Response {
    let mut form: Vec<(&str, &str)> = vec![("csrf", token)];
    form.extend_from_slice(fields);
    app.client
        .post(format!("{}{path}", app.url))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// An open edition of the demo académie; returns its id.
async fn open_edition(app: &TestApp) -> EditionId {
    EditionBuilder::new(2041)
        .deadline_in(Duration::days(20))
        .insert(&app.db)
        .await
        .0
}

const TITLE: &str = "Forum des anciens élèves";
const DESCRIPTION: &str = "Table ronde au CDI,\npuis échanges en petits groupes « 3e ».";

/// What the person typed in the declaration form (a draft save).
fn typed(version: &str) -> Vec<(&'static str, String)> {
    vec![
        ("version", version.to_string()),
        ("intent", "save".into()),
        ("title", TITLE.into()),
        ("description", DESCRIPTION.into()),
        ("audiences", "eleves".into()),
        ("audiences", "parents".into()),
    ]
}

fn as_refs<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The hidden fields of the resend form for `path` on a page.
fn resend_form(html: &str, path: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse(&format!("form[action=\"{path}\"] input[type=\"hidden\"]"))
            .unwrap();
    doc.select(&selector)
        .map(|e| {
            (
                e.value().attr("name").unwrap_or_default().to_string(),
                e.value().attr("value").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn post_pairs(app: &TestApp, path: &str, pairs: &[(String, String)]) -> Response {
    app.client
        .post(format!("{}{path}", app.url))
        .form(pairs)
        .send()
        .await
        .unwrap()
}

/// The stored title of an action.
async fn stored_title(db: &Db, id: perseverance::domain::ActionId) -> String {
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled.conn();
    on_conn!(conn, |c| sqlx::query_scalar::<_, String>(
        "SELECT title FROM actions WHERE id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await)
    .unwrap()
}

async fn events(db: &Db) -> Vec<security::StoredEvent> {
    security::recent(&mut db.acquire().await.unwrap().conn(), 500)
        .await
        .unwrap()
}

/// The UAI of the school where the person holds a role.
async fn school_of(db: &Db, user: UserId) -> String {
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled.conn();
    on_conn!(conn, |c| sqlx::query_scalar::<_, String>(
        "SELECT s.uai FROM role_grants g JOIN schools s ON s.id = g.scope_id
         WHERE g.user_id = $1 AND g.scope_kind = 'school'"
    )
    .bind(user)
    .fetch_one(c)
    .await)
    .unwrap()
}

async fn user_id(db: &Db, email: &str) -> UserId {
    auth_store::user_by_email(
        &mut db.acquire().await.unwrap().conn(),
        &Email::parse(email).unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id
}

/// The resend proves the text is back: posted again with a fresh token, it
/// is saved, and the kept copy is forgotten.
async fn resend_and_check(app: &TestApp, page: &str, action: perseverance::domain::ActionId) {
    let path = format!("/actions/{action}/modifier");
    let fields = resend_form(page, &path);
    assert!(
        fields.contains(&("title".into(), TITLE.into())),
        "{fields:?}\n{page}"
    );
    assert!(fields.contains(&("description".into(), DESCRIPTION.into())));
    assert!(
        fields.contains(&("csrf".into(), app.csrf())),
        "a fresh token"
    );
    let response = post_pairs(app, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the resend saves");
    assert_eq!(stored_title(&app.db, action).await, TITLE);
    let list = body(app.get("/saisies-conservees").await).await;
    assert!(
        list.contains("Aucune saisie n’attend"),
        "forgotten once resent: {list}"
    );
}

// ------------------------------------------------ item 1: nothing typed is lost

async fn input_survives_every_refusal_when_the_session_ends(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let edition = open_edition(&app).await;
    app.sign_in_demo("personnel@demo.test").await;
    let action = app.start_draft(edition).await;
    let form_path = format!("/actions/{action}/modifier");
    let form = body(app.get(&form_path).await).await;
    let version = Page::parse(&form).field("version").unwrap();
    let token = app.csrf();
    let pairs = typed(&version);

    // Signed out in another tab, then « Enregistrer le brouillon ».
    app.post("/deconnexion", &[]).await;
    let response = post_with_token(&app, &form_path, &token, &as_refs(&pairs)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(
        to.starts_with("/connexion?suite=") && to.ends_with("&conservee=1"),
        "{to}"
    );
    let login = body(app.get(&to).await).await;
    assert!(login.contains("Votre saisie a été conservée"), "{login}");
    assert_eq!(stored_title(&app.db, action).await, "", "nothing saved yet");

    // Signing in again leads to the text, with a button to resend it.
    let response = app
        .post("/connexion/demo", &[("email", "personnel@demo.test")])
        .await;
    assert!(
        location(&response).starts_with("/saisies-conservees?suite="),
        "{}",
        location(&response)
    );
    let page = body(app.get(&location(&response)).await).await;
    assert!(page.contains("Votre saisie a été conservée"));
    assert!(page.contains(TITLE), "{page}");
    assert!(page.contains("Table ronde au CDI"), "{page}");
    assert!(!page.contains(&token), "the stale token is never kept");
    resend_and_check(&app, &page, action).await;

    // Idle past the session's length: the same.
    let token = app.csrf();
    {
        let mut pooled = app.db.acquire().await.unwrap();
        let conn = &mut pooled.conn();
        on_conn!(conn, |c| sqlx::query("UPDATE sessions SET expires_at = $1")
            .bind(Utc::now() - Duration::minutes(1))
            .execute(c)
            .await
            .map(|_| ()))
        .unwrap();
    }
    assert_eq!(
        app.get(&form_path).await.status(),
        StatusCode::SEE_OTHER,
        "the session is over"
    );
    let mut pairs = typed(&(version.parse::<i64>().unwrap() + 1).to_string());
    pairs[2].1 = "Forum, deuxième version".into();
    let response = post_with_token(&app, &form_path, &token, &as_refs(&pairs)).await;
    assert!(location(&response).ends_with("&conservee=1"));
    let response = app
        .post("/connexion/demo", &[("email", "personnel@demo.test")])
        .await;
    let page = body(app.get(&location(&response)).await).await;
    assert!(page.contains("Forum, deuxième version"), "{page}");
}

async fn input_survives_every_refusal_with_a_stale_form_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let edition = open_edition(&app).await;
    app.sign_in_demo("personnel@demo.test").await;
    let action = app.start_draft(edition).await;
    let form_path = format!("/actions/{action}/modifier");
    let form = body(app.get(&form_path).await).await;
    let version = Page::parse(&form).field("version").unwrap();
    let stale = app.csrf();

    // Signed out and in again: the tab restored later holds a stale token.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("personnel@demo.test").await;
    assert_ne!(app.csrf(), stale);
    let response = post_with_token(&app, &form_path, &stale, &as_refs(&typed(&version))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = body(response).await;
    assert!(page.contains("Formulaire expiré"), "{page}");
    assert!(page.contains("Votre saisie a été conservée"), "{page}");
    assert!(page.contains(TITLE));
    assert_eq!(stored_title(&app.db, action).await, "");
    resend_and_check(&app, &page, action).await;

    // Any form of the service: the grant form of a coordinator.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("chef.etablissement@demo.test").await;
    let stale = app.csrf();
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("chef.etablissement@demo.test").await;
    let response = post_with_token(
        &app,
        "/acces",
        &stale,
        &[
            ("email", "nouvelle.collegue@ac-creteil.fr"),
            ("role", "staff"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = body(response).await;
    assert!(page.contains("nouvelle.collegue@ac-creteil.fr"), "{page}");
    assert!(!resend_form(&page, "/acces").is_empty());

    // A token nobody was given keeps nothing.
    let forged = post_with_token(&app, &form_path, "forged-token", &as_refs(&typed("1"))).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let page = body(forged).await;
    assert!(!page.contains(TITLE));
}

async fn kept_input_is_never_shown_to_anyone_else(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let edition = open_edition(&app).await;
    app.sign_in_demo("personnel@demo.test").await;
    let action = app.start_draft(edition).await;
    let form_path = format!("/actions/{action}/modifier");
    let form = body(app.get(&form_path).await).await;
    let version = Page::parse(&form).field("version").unwrap();
    let token = app.csrf();

    // The author signs out; someone else signs in on the same browser, and
    // the author's old tab posts.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("referent@demo.test").await;
    let response = post_with_token(&app, &form_path, &token, &as_refs(&typed(&version))).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = body(response).await;
    assert!(!page.contains(TITLE), "{page}");
    assert!(!page.contains("Table ronde"));
    let list = body(app.get("/saisies-conservees").await).await;
    assert!(!list.contains(TITLE), "{list}");

    // The kept form's id is refused to anyone but its author.
    let kept_id: i64 = {
        let mut pooled = app.db.acquire().await.unwrap();
        let conn = &mut pooled.conn();
        on_conn!(conn, |c| sqlx::query_scalar("SELECT id FROM kept_forms")
            .fetch_one(c)
            .await)
        .unwrap()
    };
    let abandon = app
        .post(&format!("/saisies-conservees/{kept_id}/abandonner"), &[])
        .await;
    assert_eq!(abandon.status(), StatusCode::NOT_FOUND);

    // The author gets it back.
    app.post("/deconnexion", &[]).await;
    let response = app
        .post("/connexion/demo", &[("email", "personnel@demo.test")])
        .await;
    let page = body(app.get(&location(&response)).await).await;
    assert!(page.contains(TITLE), "{page}");
    // And may abandon it.
    let abandon = app
        .post(&format!("/saisies-conservees/{kept_id}/abandonner"), &[])
        .await;
    assert_eq!(abandon.status(), StatusCode::SEE_OTHER);
    assert!(
        !body(app.get("/saisies-conservees").await)
            .await
            .contains(TITLE)
    );
}

// ------------------------------------------------- item 2: no open redirect

/// Whether a `Location` read by a browser on this site stays on it.
fn stays_here(app: &TestApp, location: &str) -> bool {
    let base = url::Url::parse(&app.url).unwrap();
    let cleaned: String = location
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .replace('\\', "/");
    base.join(&cleaned)
        .is_ok_and(|u| u.origin() == base.origin())
        && location.starts_with('/')
        && !cleaned.starts_with("//")
}

/// A login link of `user`, for `suite`, written as the mail would.
async fn login_token(app: &TestApp, user: UserId) -> String {
    let token = tokens::random_token();
    auth_store::create_login_token(
        &mut app.db.acquire().await.unwrap().conn(),
        user,
        &tokens::hash(&token),
        Duration::minutes(30),
    )
    .await
    .unwrap();
    token
}

const EVIL: [&str; 14] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/.//evil.example",
    "https://evil.example/",
    "http:evil.example",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\u{3000}/evil.example",
];

async fn redirect_targets_stay_on_this_site(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let user = user_id(&app.db, "referent@demo.test").await;

    // The issue's own input, then the mailed link, then « Me connecter ».
    let page = body(app.get("/connexion?suite=%2F%09%2Fevil.example").await).await;
    assert_eq!(
        Page::parse(&page).field("suite").as_deref(),
        Some("/mon-espace")
    );
    app.post(
        "/connexion",
        &[
            ("email", "referent@demo.test"),
            ("suite", "/\t/evil.example"),
        ],
    )
    .await;
    let mail = app.mails(1).await.remove(0);
    assert!(!mail.contains("evil.example"), "{mail}");
    let start = mail.find("/connexion/lien?").unwrap();
    let link = mail[start..].split_whitespace().next().unwrap();
    let page = body(app.get(link).await).await;
    let suite = Page::parse(&page).field("suite").unwrap();
    let jeton = Page::parse(&page).field("jeton").unwrap();
    let response = app
        .post("/connexion/lien", &[("jeton", &jeton), ("suite", &suite)])
        .await;
    assert_eq!(location(&response), "/mon-espace");

    // Every variant, wherever a return address is read.
    for evil in EVIL {
        let encoded = perseverance::web::urlencode(evil);
        let page = body(app.get(&format!("/connexion?suite={encoded}")).await).await;
        let kept = Page::parse(&page).field("suite").unwrap();
        assert!(stays_here(&app, &kept), "{evil:?} → {kept:?}");
        let page = body(
            app.get(&format!("/connexion/lien?jeton=x&suite={encoded}"))
                .await,
        )
        .await;
        assert!(!page.contains("evil.example"), "{evil:?}");
        let token = login_token(&app, user).await;
        let response = app
            .post("/connexion/lien", &[("jeton", &token), ("suite", evil)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{evil:?}");
        let to = location(&response);
        assert!(stays_here(&app, &to), "{evil:?} → {to:?}");
        let page = body(
            app.get(&format!("/saisies-conservees?suite={encoded}"))
                .await,
        )
        .await;
        let doc = scraper::Html::parse_document(&page);
        let links = scraper::Selector::parse("main a").unwrap();
        let next = doc
            .select(&links)
            .find(|a| a.text().any(|t| t.contains("Continuer")))
            .and_then(|a| a.value().attr("href"))
            .unwrap();
        assert!(stays_here(&app, next), "{evil:?} → {next:?}");
    }

    // A good return address survives the whole way, query included.
    let token = login_token(&app, user).await;
    let response = app
        .post(
            "/connexion/lien",
            &[("jeton", &token), ("suite", "/mes-actions?page=2")],
        )
        .await;
    assert_eq!(location(&response), "/mes-actions?page=2");

    // The sign-in redirect of a protected page keeps the page, and only it.
    app.post("/deconnexion", &[]).await;
    let response = app.get("/mes-actions?page=2").await;
    assert_eq!(
        location(&response),
        "/connexion?suite=%2Fmes-actions%3Fpage%3D2"
    );
}

async fn a_newline_in_the_destination_is_refused_cleanly(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let user = user_id(&app.db, "referent@demo.test").await;
    let page = app
        .get("/connexion?suite=%2Fmon-espace%0D%0ASet-Cookie%3A%20x%3D1")
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        Page::parse(&body(page).await).field("suite").as_deref(),
        Some("/mon-espace")
    );
    for suite in ["/mon-espace\r\nSet-Cookie: x=1", "/a\nb", "/\u{0}"] {
        let token = login_token(&app, user).await;
        let response = app
            .post("/connexion/lien", &[("jeton", &token), ("suite", suite)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{suite:?}");
        assert_eq!(location(&response), "/mon-espace");
        assert!(
            response
                .headers()
                .get_all("set-cookie")
                .iter()
                .all(|c| !c.to_str().unwrap().starts_with("x=")),
        );
    }
}

// ------------------------------------------- item 3: unbounded costly requests

async fn sign_in_links_cannot_flood_a_mailbox(engine: Engine) {
    let app = TestApp::spawn(engine).await;

    // Ten requests for one address: three mails, ten identical pages.
    let mut pages = Vec::new();
    for _ in 0..10 {
        let response = app
            .post(
                "/connexion",
                &[("email", "referent@demo.test"), ("suite", "/mon-espace")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        pages.push(body(response).await);
    }
    assert!(
        pages.iter().all(|p| *p == pages[0]),
        "the page never changes"
    );
    assert_eq!(app.mails(3).await.len(), 3);

    // Many addresses from one client: 30 requests per 10 minutes at most.
    let mut tx = app.db.begin().await.unwrap();
    for n in 0..25 {
        let email = Email::parse(&format!("personne{n}@ac-creteil.fr")).unwrap();
        auth_store::ensure_user(&mut tx.conn(), &email, "")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    for n in 0..25 {
        let response = app
            .post(
                "/connexion",
                &[("email", &format!("personne{n}@ac-creteil.fr"))],
            )
            .await;
        let page = body(response).await;
        assert_eq!(page, pages[0], "the same page");
    }
    // 10 + 20 requests went through the client's limit: 3 + 20 mails.
    assert_eq!(app.mails(23).await.len(), 23);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.mails(0).await.len(), 23, "no more");

    let limited = events(&app.db)
        .await
        .into_iter()
        .filter(|e| e.kind == "rate_limited")
        .count();
    assert_eq!(limited, 7 + 5);

    // The counters are shared: another instance on the same database counts
    // the same hits (the limit lives in the database, not in a process).
    let mut config = (*app.running.state.config).clone();
    config.addr = "127.0.0.1:0".parse().unwrap();
    let other = perseverance::server::start(config, app.db.clone())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://{}", other.addr);
    let page = client.get(format!("{url}/connexion")).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("perseverance_csrf=")
        .to_string();
    client
        .post(format!("{url}/connexion"))
        .header("cookie", format!("perseverance_csrf={token}"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "chef.etablissement@demo.test"),
        ])
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.mails(0).await.len(),
        23,
        "the other instance refuses too"
    );
    other.stop();
}

async fn costly_requests_are_limited_per_person(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let edition = open_edition(&app).await;
    app.sign_in_demo("coordination.district@demo.test").await;
    let path = format!("/editions/{edition}/revue/export");
    let limit = perseverance::web::limits::route_limit("POST", "/editions/{id}/revue/export")
        .unwrap()
        .limit;
    for _ in 0..limit.max {
        assert_eq!(app.post(&path, &[]).await.status(), StatusCode::OK);
    }
    let refused = app.post(&path, &[]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    let page = body(refused).await;
    assert!(page.contains("Trop de demandes"), "{page}");

    // Another person is not held back by the first one's limit.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("coordination.academique@demo.test").await;
    assert_eq!(app.post(&path, &[]).await.status(), StatusCode::OK);
}

// ------------------------------------------------------------ item 15

async fn the_anti_forgery_token_is_bound_to_the_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.get("/connexion").await;
    let anonymous = app.csrf();
    app.sign_in_demo("admin@demo.test").await;
    let signed_in = app.csrf();
    assert_ne!(anonymous, signed_in, "renewed at sign-in");

    // The pre-sign-in token and a planted one are refused.
    for token in [
        anonymous.as_str(),
        "planted-value-planted-value-planted-value-1",
    ] {
        let response = post_with_token(&app, "/deconnexion", token, &[]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{token}");
    }
    let planted = "planted-value-planted-value-planted-value-2";
    app.jar.add_cookie_str(
        &format!("perseverance_csrf={planted}"),
        &app.url.parse().unwrap(),
    );
    let response = post_with_token(&app, "/deconnexion", planted, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/mon-espace").await.status(), StatusCode::OK);
    // The page (and the cookie) carry the session's token again.
    assert_eq!(app.csrf(), signed_in);

    // Signing in again renews it.
    app.post("/deconnexion", &[]).await;
    app.sign_in_demo("admin@demo.test").await;
    assert_ne!(app.csrf(), signed_in);
    let response = post_with_token(&app, "/deconnexion", &signed_in, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

async fn sessions_have_an_absolute_lifetime(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let user = user_id(&app.db, "admin@demo.test").await;
    let set_age = |days: i64| {
        let db = app.db.clone();
        async move {
            let mut pooled = db.acquire().await.unwrap();
            let conn = &mut pooled.conn();
            on_conn!(conn, |c| sqlx::query(
                "UPDATE sessions SET created_at = $1, expires_at = $2"
            )
            .bind(Utc::now() - Duration::days(days))
            .bind(Utc::now() + Duration::hours(1))
            .execute(c)
            .await
            .map(|_| ()))
            .unwrap();
        }
    };
    let expiry = || {
        let db = app.db.clone();
        async move {
            let mut pooled = db.acquire().await.unwrap();
            let conn = &mut pooled.conn();
            on_conn!(conn, |c| sqlx::query_scalar::<_, chrono::DateTime<Utc>>(
                "SELECT expires_at FROM sessions"
            )
            .fetch_one(c)
            .await)
            .unwrap()
        }
    };
    let token = tokens::random_token();
    auth_store::start_session(
        &mut app.db.acquire().await.unwrap().conn(),
        user,
        &token,
        Duration::hours(12),
    )
    .await
    .unwrap();
    app.jar.add_cookie_str(
        &format!("perseverance_session={token}"),
        &app.url.parse().unwrap(),
    );

    // Six days old and active: accepted, extended up to its seventh day only.
    set_age(6).await;
    assert_eq!(app.get("/mon-espace").await.status(), StatusCode::OK);
    let until = expiry().await;
    assert!(until > Utc::now() + Duration::hours(11), "{until}");
    assert!(until <= Utc::now() + Duration::days(1), "{until}");

    // Forty-one days old: refused, not extended.
    set_age(41).await;
    let response = app.get("/mon-espace").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/connexion"));
    assert!(expiry().await < Utc::now() + Duration::hours(2));

    // The limit is a setting.
    let short = TestApp::spawn_configured(engine, true, |c| c.session_max_days = 1).await;
    short.sign_in_demo("admin@demo.test").await;
    assert_eq!(short.get("/mon-espace").await.status(), StatusCode::OK);
    {
        let mut pooled = short.db.acquire().await.unwrap();
        let conn = &mut pooled.conn();
        on_conn!(conn, |c| sqlx::query("UPDATE sessions SET created_at = $1")
            .bind(Utc::now() - Duration::hours(25))
            .execute(c)
            .await
            .map(|_| ()))
        .unwrap();
    }
    assert_eq!(
        short.get("/mon-espace").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn pages_with_personal_data_are_not_stored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let edition = open_edition(&app).await;
    let public = app.get("/").await;
    assert!(
        !public.headers().contains_key("cache-control"),
        "public page"
    );
    let login = app.get("/connexion").await;
    assert_eq!(login.headers()["cache-control"], "no-store");

    app.sign_in_demo("coordination.academique@demo.test").await;
    for path in [
        "/".to_string(),
        "/mon-espace".into(),
        "/acces".into(),
        "/mes-actions".into(),
        format!("/editions/{edition}"),
        format!("/editions/{edition}/revue"),
        format!("/editions/{edition}/tableau-de-bord"),
        "/nulle-part".into(),
        "/saisies-conservees".into(),
    ] {
        let response = app.get(&path).await;
        assert_eq!(
            response
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    let export = app
        .post(&format!("/editions/{edition}/revue/export"), &[])
        .await;
    assert_eq!(export.headers()["cache-control"], "no-store");
    let css = app.get("/static/app.css").await;
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"),
        "static assets stay cacheable"
    );
}

async fn strict_transport_security_and_host_cookies_over_https(engine: Engine) {
    let plain = TestApp::spawn(engine).await;
    assert!(
        !plain
            .get("/")
            .await
            .headers()
            .contains_key("strict-transport-security")
    );

    let app = TestApp::spawn_configured(engine, true, |c| {
        c.public_url = "https://perseverance.example".into()
    })
    .await;
    let response = app.get("/connexion").await;
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=63072000"), "{hsts}");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("__Host-perseverance_csrf="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"));

    // The reqwest jar keeps `Secure` cookies away from http://: send them by hand.
    let anonymous = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-perseverance_csrf=")
        .to_string();
    let response = app
        .client
        .post(format!("{}/connexion/demo", app.url))
        .header("cookie", format!("__Host-perseverance_csrf={anonymous}"))
        .form(&[("csrf", anonymous.as_str()), ("email", "admin@demo.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-perseverance_session="))
        .expect("a __Host- session cookie");
    assert!(session.contains("; Secure") && session.contains("HttpOnly"));
    let session_token = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-perseverance_session=");
    let form_token = set
        .iter()
        .find(|c| c.starts_with("__Host-perseverance_csrf="))
        .expect("a renewed __Host- token");
    assert!(form_token.contains(&csrf::for_session(session_token)));
    let space = app
        .client
        .get(format!("{}/mon-espace", app.url))
        .header(
            "cookie",
            format!("__Host-perseverance_session={session_token}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(space.status(), StatusCode::OK);
    assert_eq!(space.headers()["cache-control"], "no-store");
    // A cookie without the prefix is not this site's session.
    let unprefixed = app
        .client
        .get(format!("{}/mon-espace", app.url))
        .header("cookie", format!("perseverance_session={session_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(unprefixed.status(), StatusCode::SEE_OTHER);
}

async fn the_security_log_says_who_what_when_where(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let started = Utc::now() - Duration::seconds(1);
    let edition = open_edition(&app).await;
    let head = user_id(&app.db, "chef.etablissement@demo.test").await;

    // A sign-in by mail link: logged, never its token.
    app.post("/connexion", &[("email", "chef.etablissement@demo.test")])
        .await;
    let mail = app.mails(1).await.remove(0);
    let start = mail.find("jeton=").unwrap() + "jeton=".len();
    let token: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    app.post("/connexion/lien", &[("jeton", &token)]).await;
    app.post("/connexion/lien", &[("jeton", &token)]).await;

    // A grant, then its revocation; a refusal (403) and an object out of sight (404).
    let uai = school_of(&app.db, head).await;
    let granted = app
        .post(
            "/acces",
            &[
                ("email", "nouveau@ac-creteil.fr"),
                ("role", "staff"),
                ("uai", &uai),
            ],
        )
        .await;
    assert_eq!(
        granted.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(granted).await
    );
    let listing = body(app.get("/acces").await).await;
    let grant: i64 = listing
        .split("/acces/")
        .filter_map(|s| s.split('/').next()?.parse().ok())
        .max()
        .unwrap();
    let revoked = app.post(&format!("/acces/{grant}/retirer"), &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/editions/{edition}/revue"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/actions/987654").await.status(),
        StatusCode::NOT_FOUND
    );
    app.get("/actions/%0A1%0D%0Afake").await;
    app.post("/deconnexion", &[]).await;

    // An export of personal data.
    app.sign_in_demo("coordination.district@demo.test").await;
    app.post(&format!("/editions/{edition}/revue/export"), &[])
        .await;
    let district = user_id(&app.db, "coordination.district@demo.test").await;

    let log = events(&app.db).await;
    let find = |kind: &str| {
        log.iter()
            .find(|e| e.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} in {log:#?}"))
    };
    let sign_in = find("sign_in");
    assert_eq!(sign_in.client, "127.0.0.1");
    assert!(sign_in.at >= started && sign_in.at <= Utc::now());
    assert!(
        log.iter()
            .any(|e| e.kind == "sign_in" && e.user_id == Some(head))
    );
    assert_eq!(find("sign_in_refused").path, "/connexion/lien");
    assert!(
        find("link_requested")
            .detail
            .contains("chef.etablissement@demo.test")
    );
    let granted = find("role_granted");
    assert_eq!(granted.user_id, Some(head));
    assert!(
        granted.detail.contains("nouveau@ac-creteil.fr"),
        "{granted:?}"
    );
    let revocation = find("role_revoked");
    assert_eq!(revocation.user_id, Some(head));
    assert!(
        revocation.detail.contains(&format!("n° {grant}"))
            && revocation.detail.contains("nouveau@ac-creteil.fr")
            && revocation.detail.contains("Personnel"),
        "the revocation names what it took away: {revocation:?}"
    );
    let forbidden = find("forbidden");
    assert_eq!(forbidden.user_id, Some(head));
    assert_eq!(forbidden.path, format!("/editions/{edition}/revue"));
    assert!(
        log.iter()
            .any(|e| e.kind == "not_found" && e.path == "/actions/987654")
    );
    assert!(
        log.iter()
            .any(|e| e.kind == "sign_out" && e.user_id == Some(head))
    );
    let export = find("export");
    assert_eq!(export.user_id, Some(district));
    assert!(export.detail.contains(".csv"), "{export:?}");

    // What anyone can cause at will, anonymously, costs no database write.
    app.post("/deconnexion", &[]).await;
    let before = events(&app.db).await.len();
    for _ in 0..5 {
        let forged = post_with_token(&app, "/connexion", "forged", &[("email", "a@b.fr")]).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(events(&app.db).await.len(), before);

    for event in &log {
        for text in [&event.path, &event.detail, &event.client] {
            assert!(!text.contains(&token), "never a token: {event:?}");
            assert!(!text.contains(['\n', '\r']), "one line: {event:?}");
        }
    }
}

async fn grant_ids_are_never_reused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let user = user_id(&app.db, "personnel@demo.test").await;
    let school = {
        let mut pooled = app.db.acquire().await.unwrap();
        let conn = &mut pooled.conn();
        on_conn!(conn, |c| sqlx::query_scalar::<_, i64>(
            "SELECT MAX(id) FROM schools"
        )
        .fetch_one(c)
        .await)
        .unwrap()
    };
    let grant = |role| Grant::new(role, Scope::School(SchoolId(school))).unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let first = auth_store::insert_grant(&mut tx.conn(), user, grant(Role::SchoolReferent), None)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    // The newest grant (the highest id) is removed, then another is made.
    auth_store::remove_grant(&mut app.db.acquire().await.unwrap().conn(), first)
        .await
        .unwrap();
    let second = auth_store::insert_grant(
        &mut app.db.acquire().await.unwrap().conn(),
        user,
        grant(Role::SchoolHead),
        None,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(second > first, "{second} after {first}");
}
