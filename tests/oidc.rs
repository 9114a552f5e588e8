//! Signing in through an OpenID Connect provider (ProConnect), for real:
//! npm `oidc-provider` runs on 127.0.0.1 (tests/oidc/provider.mjs) and the
//! service signs people in through it (code flow, state, nonce, PKCE, ID
//! token checked against its keys). For what a certified provider never
//! sends (a wrong audience, an expired or unsigned token, a replayed
//! nonce), the provider's script rewrites the ID token in its token
//! response. Without node these tests say SKIPPED and pass.

mod common;

use common::{
    Engine, TestApp, body,
    html::Page,
    oidc::{TestProvider, free_port},
};
use perseverance::{
    db::Db,
    domain::{Email, ids::UserId},
    on_conn,
    web::security,
};
use reqwest::StatusCode;

on_both_engines!(
    a_first_sign_in_creates_an_account_with_no_role_and_the_next_ones_find_it,
    an_existing_account_with_the_same_address_is_attached,
    a_callback_with_another_state_or_replayed_is_refused,
    tokens_a_provider_must_not_send_are_refused,
    signing_out_ends_the_session_at_the_provider_too,
    the_store_takes_a_sign_in_once_and_purges_what_expired,
);

/// The service with the test provider configured, and the provider.
async fn start(engine: Engine) -> Option<(TestApp, TestProvider)> {
    let port = free_port();
    let idp = TestProvider::start(port)?;
    let config = idp.config();
    let app = TestApp::spawn_configured(engine, true, move |c| {
        c.addr = format!("127.0.0.1:{port}").parse().unwrap();
        c.oidc = Some(config);
    })
    .await;
    Some((app, idp))
}

/// Clicks « S'identifier avec ProConnect » and follows the provider's
/// redirects (its sign-in and consent steps) until it sends the browser
/// back to us; returns that callback address, not yet opened.
async fn through_provider(app: &TestApp, idp: &TestProvider, email: &str) -> String {
    idp.next_login(email, "Camille", "Martin").await;
    let page = body(app.get("/connexion").await).await;
    let button = Page::parse(&page)
        .text("button.fr-connect")
        .unwrap_or_default();
    assert!(
        button.contains("S’identifier avec") && button.contains("ProConnect"),
        "{button}"
    );
    let response = app
        .post("/connexion/oidc", &[("suite", "/mon-espace")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut url = location(&response, &app.url);
    assert!(url.starts_with(&format!("{}/auth?", idp.issuer)), "{url}");
    let query: Vec<(String, String)> = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert!(param("state").len() >= 32 && param("nonce").len() >= 32);
    assert_ne!(param("state"), param("nonce"));
    assert_eq!(param("code_challenge_method"), "S256");
    assert_eq!(
        param("scope"),
        "openid email given_name usual_name uid siret organizational_unit"
    );
    for _ in 0..10 {
        if url.starts_with(&format!("{}/connexion/oidc/retour", app.url)) {
            return url;
        }
        let response = app.client.get(&url).send().await.unwrap();
        assert!(
            response.status().is_redirection(),
            "the provider answered {} at {url}",
            response.status()
        );
        url = location(&response, &url);
    }
    panic!("the provider never sent the browser back");
}

fn location(response: &reqwest::Response, base: &str) -> String {
    let target = response.headers()["location"].to_str().unwrap();
    url::Url::parse(base)
        .unwrap()
        .join(target)
        .unwrap()
        .to_string()
}

/// Opens the callback; returns its status and where it leads.
async fn come_back(app: &TestApp, callback: &str) -> (StatusCode, String, String) {
    let response = app.client.get(callback).send().await.unwrap();
    let status = response.status();
    let to = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, to, body(response).await)
}

async fn signed_in_as(app: &TestApp) -> Option<String> {
    let response = app.get("/mon-espace").await;
    if response.status() != StatusCode::OK {
        return None;
    }
    Page::parse(&body(response).await).text("h1")
}

async fn user_id(db: &Db, email: &str) -> Option<UserId> {
    let mut pooled = db.acquire().await.unwrap();
    let email = Email::parse(email).unwrap();
    perseverance::auth::store::user_by_email(&mut pooled.conn(), &email)
        .await
        .unwrap()
        .map(|u| u.id)
}

async fn count(db: &Db, sql: &'static str, user: UserId) -> i64 {
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled.conn();
    on_conn!(conn, |c| sqlx::query_scalar::<_, i64>(sql)
        .bind(user)
        .fetch_one(c)
        .await)
    .unwrap()
}

async fn events(db: &Db, kind: &str) -> Vec<security::StoredEvent> {
    security::recent(&mut db.acquire().await.unwrap().conn(), 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == kind)
        .collect()
}

async fn sign_out(app: &TestApp) -> reqwest::Response {
    app.post("/deconnexion", &[]).await
}

async fn a_first_sign_in_creates_an_account_with_no_role_and_the_next_ones_find_it(engine: Engine) {
    let Some((app, idp)) = start(engine).await else {
        return;
    };
    let email = "camille.martin@ac-exemple.gouv.fr";
    assert_eq!(user_id(&app.db, email).await, None);

    let callback = through_provider(&app, &idp, email).await;
    let (status, to, _) = come_back(&app, &callback).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/mon-espace")
    );
    assert!(signed_in_as(&app).await.is_some(), "signed in");
    let id = user_id(&app.db, email).await.expect("account created");
    let grants = "SELECT COUNT(*) FROM role_grants WHERE user_id = $1";
    assert_eq!(count(&app.db, grants, id).await, 0, "no role");
    let name = "SELECT COUNT(*) FROM users WHERE id = $1 AND display_name = 'Camille Martin'";
    assert_eq!(count(&app.db, name, id).await, 1, "name from userinfo");
    let sign_ins = events(&app.db, "sign_in").await;
    assert!(
        sign_ins.iter().any(|e| e.user_id == Some(id)
            && e.detail == "connexion par ProConnect (compte créé, sans rôle)"),
        "{sign_ins:?}"
    );

    sign_out(&app).await;
    let callback = through_provider(&app, &idp, email).await;
    let (status, _, _) = come_back(&app, &callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(user_id(&app.db, email).await, Some(id), "the same account");
    let identities = "SELECT COUNT(*) FROM user_identities WHERE user_id = $1";
    assert_eq!(count(&app.db, identities, id).await, 1);
    assert!(
        events(&app.db, "sign_in")
            .await
            .iter()
            .any(|e| e.user_id == Some(id)
                && e.detail == "connexion par ProConnect (compte déjà rattaché)")
    );
}

async fn an_existing_account_with_the_same_address_is_attached(engine: Engine) {
    let Some((app, idp)) = start(engine).await else {
        return;
    };
    // A demo account that holds a role, given by a coordinator.
    let email = "coordination.district@demo.test";
    let id = user_id(&app.db, email).await.expect("demo account");
    let grants = "SELECT COUNT(*) FROM role_grants WHERE user_id = $1";
    let held = count(&app.db, grants, id).await;
    assert!(held > 0);

    let callback = through_provider(&app, &idp, email).await;
    let (status, _, _) = come_back(&app, &callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(user_id(&app.db, email).await, Some(id));
    assert_eq!(count(&app.db, grants, id).await, held, "roles unchanged");
    let identities = "SELECT COUNT(*) FROM user_identities WHERE user_id = $1";
    assert_eq!(count(&app.db, identities, id).await, 1);
    assert!(
        events(&app.db, "sign_in")
            .await
            .iter()
            .any(|e| e.user_id == Some(id)
                && e.detail.contains("rattachée au compte de même adresse"))
    );
    assert!(signed_in_as(&app).await.is_some());
}

async fn a_callback_with_another_state_or_replayed_is_refused(engine: Engine) {
    let Some((app, idp)) = start(engine).await else {
        return;
    };
    let email = "agent.etat@ac-exemple.gouv.fr";

    // Another state than the one this browser started with.
    let callback = through_provider(&app, &idp, email).await;
    let mut forged = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, "x".repeat(43))
            } else {
                (k, v)
            }
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let (status, _, page) = come_back(&app, forged.as_str()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        Page::parse(&page)
            .text("h1")
            .unwrap()
            .contains("n’a pas abouti")
    );
    assert!(signed_in_as(&app).await.is_none());
    assert_eq!(user_id(&app.db, email).await, None);

    // The right callback, used once, then replayed with the state cookie
    // put back: the state (and its nonce) served once.
    let callback = through_provider(&app, &idp, email).await;
    let state = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    let (status, _, _) = come_back(&app, &callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    sign_out(&app).await;
    let (status, _, _) = come_back(&app, &callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "replay without the cookie");
    app.jar.add_cookie_str(
        &format!("perseverance_oidc={state}; Path=/"),
        &app.url.parse().unwrap(),
    );
    let (status, _, _) = come_back(&app, &callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "replay with the cookie");
    assert!(signed_in_as(&app).await.is_none());
    let refusals: Vec<String> = events(&app.db, "sign_in_refused")
        .await
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(
        refusals
            .iter()
            .any(|d| d.contains("différent de celui de ce navigateur")),
        "{refusals:?}"
    );
    assert!(
        refusals.iter().any(|d| d.contains("déjà utilisé")),
        "{refusals:?}"
    );
    // An `error=` without this browser's state was not sent by the
    // provider: refused as a forged callback, not shown as a cancellation.
    let (status, _, page) = come_back(
        &app,
        &format!(
            "{}/connexion/oidc/retour?error=access_denied&state=faux",
            app.url
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("a été refusée"), "{page}");
    // The provider says no (the person cancelled), with the state it was
    // given: a French page that says the sign-in was interrupted.
    let mut cancelled = url::Url::parse(&through_provider(&app, &idp, email).await).unwrap();
    let state = cancelled
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    cancelled
        .query_pairs_mut()
        .clear()
        .append_pair("error", "access_denied")
        .append_pair("state", &state);
    let (status, _, page) = come_back(&app, cancelled.as_str()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Revenir à la page de connexion"));
    assert!(page.contains("a été interrompue"), "{page}");
    assert!(!page.contains("déjà servi"), "{page}");
    let refusals: Vec<String> = events(&app.db, "sign_in_refused")
        .await
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(
        refusals
            .iter()
            .any(|d| d.contains("a répondu « access_denied »")),
        "{refusals:?}"
    );
}

async fn tokens_a_provider_must_not_send_are_refused(engine: Engine) {
    let Some((app, idp)) = start(engine).await else {
        return;
    };
    let email = "agent.prudent@ac-exemple.gouv.fr";
    // A first sign-in, whose ID token the `replay` case sends again.
    let callback = through_provider(&app, &idp, email).await;
    assert_eq!(come_back(&app, &callback).await.0, StatusCode::SEE_OTHER);
    sign_out(&app).await;

    let cases = [
        ("replay", "nonce absent ou différent"),
        ("aud", "audience inattendue"),
        ("iss", "émetteur inattendu"),
        ("expired", "jeton expiré"),
        ("none", "algorithme \"none\" refusé"),
        ("badsig", "signature invalide"),
    ];
    for (mode, reason) in cases {
        idp.tamper(mode).await;
        let callback = through_provider(&app, &idp, email).await;
        let (status, _, page) = come_back(&app, &callback).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{mode}");
        assert!(page.contains("a été refusée"), "{mode}");
        assert!(signed_in_as(&app).await.is_none(), "{mode}: no session");
        let refusals = events(&app.db, "sign_in_refused").await;
        assert!(
            refusals.iter().any(|e| e.detail.contains(reason)),
            "{mode}: {reason} not in {:?}",
            refusals.iter().map(|e| &e.detail).collect::<Vec<_>>()
        );
    }
    idp.tamper("").await;
    let callback = through_provider(&app, &idp, email).await;
    assert_eq!(
        come_back(&app, &callback).await.0,
        StatusCode::SEE_OTHER,
        "untouched again"
    );
}

async fn signing_out_ends_the_session_at_the_provider_too(engine: Engine) {
    let Some((app, idp)) = start(engine).await else {
        return;
    };
    let csp = app.get("/connexion").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("form-action 'self' {};", idp.issuer)),
        "{csp}"
    );
    let callback = through_provider(&app, &idp, "agent.sortant@ac-exemple.gouv.fr").await;
    assert_eq!(come_back(&app, &callback).await.0, StatusCode::SEE_OTHER);
    let response = sign_out(&app).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response, &app.url);
    let end = url::Url::parse(&to).unwrap();
    assert!(
        to.starts_with(&format!("{}/session/end?", idp.issuer)),
        "{to}"
    );
    let hint = end.query_pairs().find(|(k, _)| k == "id_token_hint");
    assert!(hint.is_some_and(|(_, v)| v.split('.').count() == 3));
    assert!(
        end.query_pairs()
            .any(|(k, v)| k == "post_logout_redirect_uri" && v == format!("{}/", app.url))
    );
    // The provider accepts it: its logout page asks to confirm.
    let at_provider = app.client.get(&to).send().await.unwrap();
    assert_eq!(at_provider.status(), StatusCode::OK);
    assert!(signed_in_as(&app).await.is_none());
}

// Configuration: no provider, or one that cannot be used.

#[tokio::test]
async fn without_configuration_there_is_no_button() {
    let app = TestApp::spawn_with(Engine::Sqlite, true).await;
    let page = body(app.get("/connexion").await).await;
    assert!(Page::parse(&page).text("button.fr-connect").is_none());
    assert!(!page.contains("ProConnect"));
    let response = app.post("/connexion/oidc", &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let csp = app.get("/connexion").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("form-action 'self';"), "{csp}");
}

#[tokio::test]
async fn with_a_broken_configuration_the_service_runs_and_the_button_explains() {
    // An issuer nobody answers at (yet).
    let app_port = free_port();
    let idp_port = std::iter::repeat_with(free_port)
        .find(|p| *p != app_port)
        .unwrap();
    let unreachable = perseverance::config::OidcConfig {
        issuer: format!("http://127.0.0.1:{idp_port}"),
        client_id: common::oidc::CLIENT_ID.into(),
        client_secret: common::oidc::CLIENT_SECRET.into(),
        name: "ProConnect".into(),
        alg: perseverance::domain::id_token::SigningAlg::Rs256,
        retry_seconds: 1,
    };
    let app = TestApp::spawn_configured(Engine::Sqlite, true, move |c| {
        c.addr = format!("127.0.0.1:{app_port}").parse().unwrap();
        c.oidc = Some(unreachable);
    })
    .await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let page = body(app.get("/connexion").await).await;
    assert!(Page::parse(&page).text("button.fr-connect").is_some());
    for _ in 0..2 {
        let response = app
            .post("/connexion/oidc", &[("suite", "/mon-espace")])
            .await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let page = body(response).await;
        assert_eq!(
            Page::parse(&page).text("h1").as_deref(),
            Some("ProConnect est indisponible")
        );
        assert!(page.contains("lien reçu par courriel"));
    }

    // The provider comes up: discovery is tried again on use, and works.
    let Some(idp) = TestProvider::start_on(app_port, idp_port) else {
        return;
    };
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = app.post("/connexion/oidc", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response, &app.url).starts_with(&format!("{}/auth?", idp.issuer)));
    drop(idp);

    // A provider that answers, but does not sign with the algorithm we pin;
    // one whose discovery document is broken.
    let port = free_port();
    let Some(idp) = TestProvider::start(port) else {
        return;
    };
    let mut other_alg = idp.config();
    other_alg.alg = perseverance::domain::id_token::SigningAlg::Es256;
    let mut broken = idp.config();
    broken.issuer = format!("{}/_test/broken", idp.issuer);
    for config in [other_alg, broken] {
        let app = TestApp::spawn_configured(Engine::Sqlite, true, move |c| {
            c.addr = format!("127.0.0.1:{port}").parse().unwrap();
            c.oidc = Some(config);
        })
        .await;
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
        let response = app.post("/connexion/oidc", &[]).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}

async fn the_store_takes_a_sign_in_once_and_purges_what_expired(engine: Engine) {
    use chrono::Duration;
    use perseverance::auth::{oidc::store, store as accounts};
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = common::fresh_db(engine, &dir).await;
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled.conn();
    let login = store::PendingLogin {
        nonce: "n".repeat(43),
        pkce_verifier: "v".repeat(43),
        next_path: "/mon-espace".into(),
    };
    store::start_login(conn, "live", &login, Duration::minutes(10))
        .await
        .unwrap();
    store::start_login(conn, "stale", &login, Duration::minutes(-1))
        .await
        .unwrap();
    assert!(
        store::take_login(conn, "stale").await.unwrap().is_none(),
        "expired"
    );
    let taken = store::take_login(conn, "live").await.unwrap().unwrap();
    assert_eq!(taken.nonce, login.nonce);
    assert!(
        store::take_login(conn, "live").await.unwrap().is_none(),
        "once"
    );

    // A subject is attached once; the e-mail then no longer matters.
    let email = Email::parse("agent@ac-exemple.gouv.fr").unwrap();
    let (id, matched) = store::account_for(conn, "iss", "sub-1", &email, "A B")
        .await
        .unwrap();
    assert_eq!(matched, store::Matched::Created);
    let other = Email::parse("nouvelle.adresse@ac-exemple.gouv.fr").unwrap();
    let again = store::account_for(conn, "iss", "sub-1", &other, "")
        .await
        .unwrap();
    assert_eq!(again, (id, store::Matched::Subject));
    let elsewhere = store::account_for(conn, "autre-iss", "sub-1", &email, "")
        .await
        .unwrap();
    assert_eq!(
        elsewhere,
        (id, store::Matched::Email),
        "the same sub elsewhere is another subject"
    );

    // An expired session forgets its ID token at the hourly purge.
    accounts::create_session(conn, id, "hash-expired", Duration::minutes(-1))
        .await
        .unwrap();
    store::keep_id_token(conn, "hash-expired", "a.b.c")
        .await
        .unwrap();
    accounts::purge_expired(conn).await.unwrap();
    let left: Option<Option<String>> = on_conn!(conn, |c| sqlx::query_scalar(
        "SELECT id_token FROM sessions WHERE id_hash = $1"
    )
    .bind("hash-expired")
    .fetch_optional(c)
    .await)
    .unwrap();
    assert_eq!(left, Some(None));
    let stale: i64 = on_conn!(conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM oidc_logins"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(stale, 0);
}
