//! Pupils' video testimonies (« capsules vidéos », issue 9), on both
//! engines: links to PeerTube videos on the académie's allowed hosts only
//! (https, exact host, `/w/<id>` or `/videos/watch/<uuid>`), bad links
//! refused in French with what was typed kept and nothing stored; private
//! until approved (the consent tick needed), withdrawable; no iframe and no
//! third-party address on a page before the visitor asks for the player,
//! then the player with a CSP `frame-src` of the allowed hosts only; the
//! académie's list of hosts.

mod common;

use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page, people::Visitor};
use perseverance::{
    domain::{EditionId, media::MediaState},
    totem::store as totem_store,
    videos::store as videos_store,
};
use reqwest::StatusCode;

on_both_engines!(
    bad_links_are_refused_with_a_french_message_and_the_input_kept,
    a_video_is_private_approved_and_loaded_only_on_click,
    the_academy_chooses_its_hosts,
);

const COORDINATOR: &str = "coordination.academique@demo.test";
const STAFF: &str = "personnel@demo.test";
const GOOD: &str = "https://tube-cycle-3.apps.education.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c";

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

/// An open edition with a totem call, and school A's entry (text only).
async fn totem_entry(app: &TestApp) -> (EditionId, i64, Visitor, Visitor) {
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(app, COORDINATOR).await;
    coordinator
        .post_ok(
            &format!("/editions/{edition}/totem/appel"),
            &[("prompt", "Envoyez la photo de votre totem.")],
        )
        .await;
    let staff = signed_in(app, STAFF).await;
    staff
        .post_multipart_ok(
            &format!("/editions/{edition}/totem"),
            &[("text", "Notre totem relie l'effort et l'entraide.")],
        )
        .await;
    let entries = totem_store::entries_of(&mut app.db.acquire().await.unwrap().conn(), edition)
        .await
        .unwrap();
    (edition, entries[0].id.0, coordinator, staff)
}

async fn videos_of(app: &TestApp, edition: EditionId) -> Vec<videos_store::Video> {
    videos_store::videos_of_edition(&mut app.db.acquire().await.unwrap().conn(), edition)
        .await
        .unwrap()
}

async fn add(
    staff: &Visitor,
    entry: i64,
    url: &str,
    title: &str,
    consent: &str,
) -> reqwest::Response {
    let id = entry.to_string();
    staff
        .post(
            "/videos/nouvelle",
            &[
                ("objet", "totem"),
                ("id", &id),
                ("url", url),
                ("title", title),
                ("consent", consent),
            ],
        )
        .await
}

fn csp(response: &reqwest::Response) -> String {
    response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string()
}

async fn bad_links_are_refused_with_a_french_message_and_the_input_kept(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, entry, _, staff) = totem_entry(&app).await;
    let form = staff
        .page(&format!("/videos/nouvelle?objet=totem&id={entry}"))
        .await;
    assert!(
        form.contains("tube-cycle-3.apps.education.fr"),
        "the allowed hosts are listed"
    );
    let long = format!("{GOOD}{}", "a".repeat(2_000));
    for (url, message) in [
        (
            "http://tube-cycle-3.apps.education.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c",
            "https://",
        ),
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "n’est pas une plateforme vidéo autorisée",
        ),
        (
            "https://tube-cycle-3.apps.education.fr.example.com/w/kZ7gyYr4pLsGtQ3Ux1aB9c",
            "n’est pas une plateforme vidéo autorisée",
        ),
        ("javascript:alert(1)", "https://"),
        (long.as_str(), "trop longue"),
        (
            "https://tube-cycle-3.apps.education.fr/w/kZ7gy\u{1}Yr4pLsGtQ3Ux1aB9c",
            "caractères invisibles",
        ),
        (
            "https://tube-cycle-3.apps.education.fr/c/chaine/videos",
            "pas celle d’une vidéo",
        ),
        (
            "https://tube-cycle-3.apps.education.fr/w/p/kZ7gyYr4pLsGtQ3Ux1aB9c",
            "pas celle d’une vidéo",
        ),
        (
            "https://tube-cycle-3.apps.education.fr/w/abc123",
            "L’identifiant de la vidéo dans cette adresse (« abc123 ») n’est pas valide",
        ),
        (
            "https://tube-cycle-3.apps.education.fr/videos/watch/abc123",
            "L’identifiant de la vidéo dans cette adresse (« abc123 ») n’est pas valide",
        ),
    ] {
        let response = add(
            &staff,
            entry,
            url,
            "Nos élèves témoignent",
            "none_identifiable",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let html = body(response).await;
        assert!(html.contains(message), "{url}: {message}");
        let page = Page::parse(&html);
        assert_eq!(page.field("url").as_deref(), Some(url), "the link is kept");
        assert_eq!(
            page.field("title").as_deref(),
            Some("Nos élèves témoignent")
        );
        assert!(
            html.contains("value=\"none_identifiable\" checked"),
            "the tick is kept"
        );
    }
    // No title: refused too, the link kept.
    let response = add(&staff, entry, GOOD, "", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("Donnez un titre"));
    assert_eq!(Page::parse(&html).field("url").as_deref(), Some(GOOD));
    assert!(videos_of(&app, edition).await.is_empty(), "nothing stored");
    // An object that does not exist: 404; another school's: not theirs.
    let response = staff.get("/videos/nouvelle?objet=totem&id=999999").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = staff.get("/videos/nouvelle?objet=inconnu&id=1").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn a_video_is_private_approved_and_loaded_only_on_click(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, entry, coordinator, staff) = totem_entry(&app).await;
    // Without the consent tick: stored, private, cannot be approved.
    let response = add(&staff, entry, GOOD, "Sans attestation", "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = add(
        &staff,
        entry,
        "https://tube-cycle-3.apps.education.fr/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "Persévérer, c'est se relever",
        "none_identifiable",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("/editions/{edition}/totem")),
        "{location}"
    );
    let videos = videos_of(&app, edition).await;
    assert_eq!(videos.len(), 2);
    let (bare, video) = if videos[0].consent.is_none() {
        (&videos[0], &videos[1])
    } else {
        (&videos[1], &videos[0])
    };
    assert_eq!(video.host, "tube-cycle-3.apps.education.fr");
    assert_eq!(video.state, MediaState::Pending);

    // The school's page: title and button, no player, no third-party address.
    let response = staff.get(&format!("/editions/{edition}/totem")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(csp(&response).contains("frame-src 'none'"));
    let html = body(response).await;
    assert!(common::html::text(&html).contains("Persévérer, c'est se relever"));
    assert!(html.contains("Lire la vidéo"));
    assert!(!html.contains("<iframe"), "no player before the click");
    assert!(
        !html.contains("src=\"https://"),
        "no external source before the click"
    );
    let play = format!(
        "/editions/{edition}/totem?video={}#video-{}",
        video.id, video.id
    );
    assert!(html.contains(&play.replace('&', "&amp;")) || html.contains(&play));

    // The click: the player, rendered server-side, with its frame-src.
    let response = staff
        .get(&format!("/editions/{edition}/totem?video={}", video.id))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let policy = csp(&response);
    assert!(
        policy.contains("frame-src https://tube-action-educative.apps.education.fr")
            && policy.contains("https://tube-cycle-3.apps.education.fr")
            && !policy.contains("frame-src 'none'"),
        "{policy}"
    );
    let html = body(response).await;
    let page = Page::parse(&html);
    assert_eq!(
        page.attrs("iframe", "src"),
        vec![
            "https://tube-cycle-3.apps.education.fr/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"
        ]
    );

    // Approval: the coordination only, and only with the consent tick.
    assert_eq!(
        decide(&staff, video.id, "approve").await.status(),
        StatusCode::FORBIDDEN
    );
    let response = decide(&coordinator, bare.id, "approve").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(body(response).await.contains("attestation de droit"));
    // The review page lists both, waiting, without a player.
    let review = coordinator
        .page(&format!("/editions/{edition}/medias"))
        .await;
    assert!(review.contains("Sans attestation") && review.contains("non cochée"));
    assert!(!review.contains("<iframe"));
    assert_eq!(
        decide(&coordinator, video.id, "approve").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        videos_store::video_by_id(&mut app.db.acquire().await.unwrap().conn(), video.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        MediaState::Approved
    );
    // Withdrawn at once by the school.
    assert_eq!(
        decide(&staff, video.id, "withdraw").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        videos_store::video_by_id(&mut app.db.acquire().await.unwrap().conn(), video.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        MediaState::Withdrawn
    );
}

async fn decide(who: &Visitor, id: i64, decision: &str) -> reqwest::Response {
    who.post(
        &format!("/videos/{id}/decision"),
        &[("decision", decision), ("suite", "/mon-espace")],
    )
    .await
}

async fn the_academy_chooses_its_hosts(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, entry, coordinator, staff) = totem_entry(&app).await;
    let hosts = format!("/editions/{edition}/medias/plateformes");
    // A wrong line: refused, the list unchanged.
    let response = coordinator
        .post(&hosts, &[("hosts", "https://tube.ac-normandie.fr/")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("n’est pas un nom d’hôte"));
    // The staff may not choose.
    let response = staff.post(&hosts, &[("hosts", "tube.example.org")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    coordinator
        .post_ok(
            &hosts,
            &[(
                "hosts",
                "tube.ac-normandie.fr\ntube-cycle-2.apps.education.fr",
            )],
        )
        .await;
    let response = add(
        &staff,
        entry,
        GOOD,
        "Refusée maintenant",
        "none_identifiable",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = add(
        &staff,
        entry,
        "https://tube.ac-normandie.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c",
        "Sur le tube de l'académie",
        "authorisations",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let video = &videos_of(&app, edition).await[0];
    let response = staff
        .get(&format!("/editions/{edition}/totem?video={}", video.id))
        .await;
    let policy = csp(&response);
    assert!(
        policy.contains(
            "frame-src https://tube.ac-normandie.fr https://tube-cycle-2.apps.education.fr;"
        ),
        "{policy}"
    );
    // Empty: back to the tubes of apps.education.fr.
    coordinator.post_ok(&hosts, &[("hosts", "")]).await;
    let response = add(
        &staff,
        entry,
        GOOD,
        "De nouveau acceptée",
        "none_identifiable",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
