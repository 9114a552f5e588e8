//! Pupils' video testimonies (« capsules vidéos », issue 9), on both
//! engines: links to PeerTube videos on the académie's allowed hosts only
//! (https, exact host, `/w/<id>` or `/videos/watch/<uuid>`), bad links
//! refused in French with what was typed kept and nothing stored; private
//! until approved (the consent tick needed), withdrawable; no iframe and no
//! third-party address on a page before the visitor asks for the player,
//! then the player with a CSP `frame-src` of the allowed hosts only; the
//! académie's list of hosts.

mod common;

use common::{
    Engine, TestApp, body,
    fixtures::EditionBuilder,
    html::Page,
    people::{self, Visitor},
};
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
    approved_videos_show_on_the_public_action_page,
    entries_with_only_videos_show_in_the_gallery_and_on_the_contest_page,
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
    assert!(
        html.contains("id=\"participation\">La participation du collège "),
        "the school named with its article"
    );
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

/// A validated action of school A in an open edition (2040), published.
async fn published_action(app: &TestApp, staff: &Visitor) -> (EditionId, i64) {
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let week = EditionBuilder::new(2040)
        .week_start
        .format("%d/%m/%Y")
        .to_string();
    let action = people::start_draft(staff, edition.0).await;
    let form = staff.page(&format!("/actions/{action}/modifier")).await;
    let mut pairs = people::complete_action("Témoignages d'anciens", &people::version_in(&form));
    for (k, v) in pairs.iter_mut() {
        if k == "starts_on" {
            *v = week.clone();
        }
    }
    pairs.push(("intent".into(), "submit".into()));
    let response = staff
        .post_pairs(&format!("/actions/{action}/modifier"), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let district = signed_in(app, "coordination.district@demo.test").await;
    let response = people::decide(&district, action, "validate", "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (edition, action)
}

async fn approved_videos_show_on_the_public_action_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let staff = signed_in(&app, STAFF).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let (edition, action) = published_action(&app, &staff).await;
    let public = format!("/a/creteil/actions/{action}");
    let page = body(app.get(&public).await).await;
    assert!(page.contains("Témoignages d'anciens") || page.contains("Témoignages d&#39;anciens"));
    assert!(!page.contains("Lire la vidéo"));
    let id = action.to_string();
    let response = staff
        .post(
            "/videos/nouvelle",
            &[
                ("objet", "action"),
                ("id", &id),
                ("url", GOOD),
                ("title", "Ce que la persévérance nous a appris"),
                ("consent", "authorisations"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let video = videos_of(&app, edition).await[0].id;
    // Waiting: not on the public page (twice: the cached answer too).
    for _ in 0..2 {
        let html = body(app.get(&public).await).await;
        assert!(!html.contains("Ce que la persévérance nous a appris"));
    }
    assert_eq!(
        decide(&coordinator, video, "approve").await.status(),
        StatusCode::SEE_OTHER
    );
    // Approved: title and « Lire la vidéo », no player nor external source,
    // `frame-src 'none'`, on the fresh and on the cached answer.
    for _ in 0..2 {
        let response = app.get(&public).await;
        assert!(csp(&response).contains("frame-src 'none'"));
        let html = body(response).await;
        assert!(
            html.contains("Ce que la persévérance nous a appris"),
            "the approved video is listed"
        );
        let page = Page::parse(&html);
        assert_eq!(
            page.attrs("a.fr-btn[href*='?video=']", "href"),
            vec![format!("{public}?video={video}#video-{video}")]
        );
        assert!(!html.contains("<iframe"), "no player before the click");
        assert!(!html.contains("src=\"https://"), "no external source");
    }
    // The click: the player server-side, with the allowed hosts as
    // `frame-src`, every time (never answered from the cache without it).
    for _ in 0..2 {
        let response = app.get(&format!("{public}?video={video}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let policy = csp(&response);
        assert!(
            policy.contains("frame-src https://tube-action-educative.apps.education.fr")
                && !policy.contains("frame-src 'none'"),
            "{policy}"
        );
        let html = body(response).await;
        assert_eq!(
            Page::parse(&html).attrs("iframe", "src"),
            vec!["https://tube-cycle-3.apps.education.fr/videos/embed/kZ7gyYr4pLsGtQ3Ux1aB9c"]
        );
    }
    // Withdrawn: gone from the public page at once (the cache too).
    assert_eq!(
        decide(&staff, video, "withdraw").await.status(),
        StatusCode::SEE_OTHER
    );
    let html = body(app.get(&public).await).await;
    assert!(!html.contains("Ce que la persévérance nous a appris"));
    let response = app.get(&format!("{public}?video={video}")).await;
    assert!(csp(&response).contains("frame-src 'none'"));
    assert!(!body(response).await.contains("<iframe"));
}

async fn entries_with_only_videos_show_in_the_gallery_and_on_the_contest_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, entry, coordinator, staff) = totem_entry(&app).await;
    let gallery = "/a/creteil/editions/2040/galerie";
    let html = body(app.get(gallery).await).await;
    assert!(!html.contains("Notre totem relie"), "nothing public yet");
    assert_eq!(
        add(
            &staff,
            entry,
            GOOD,
            "Notre totem en vidéo",
            "authorisations"
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let video = videos_of(&app, edition).await[0].id;
    decide(&coordinator, video, "approve").await;
    let html = body(app.get(gallery).await).await;
    assert!(
        html.contains("Notre totem relie") && html.contains("Notre totem en vidéo"),
        "an entry with an approved video and no photo is in the gallery"
    );
    assert!(html.contains("Lire la vidéo") && !html.contains("<iframe"));

    // A poster entry without its poster yet (as the declaration form
    // creates them), with an approved video: on the public contest page.
    coordinator
        .post_ok(
            &format!("/editions/{edition}/concours"),
            &[
                ("categories", "École\nCollège\nLycée"),
                ("grid", "Lien avec le thème ; 3 ; 5"),
                ("deadline", "01/01/2099"),
            ],
        )
        .await;
    let poster = {
        let mut db = app.db.acquire().await.unwrap();
        let conn = &mut db.conn();
        let school = totem_store::entries_of(conn, edition).await.unwrap()[0].school_id;
        let user = perseverance::auth::store::user_by_email(
            conn,
            &perseverance::domain::Email::parse(STAFF).unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
        perseverance::contest::store::insert_entry(
            conn,
            &perseverance::contest::store::NewEntry {
                edition_id: edition,
                school_id: school,
                category: 2,
                group_name: "3e A",
                title: "Une affiche encore à venir",
                statement: "",
                created_by: user,
            },
        )
        .await
        .unwrap()
    };
    let contest = "/a/creteil/editions/2040/concours";
    assert!(
        !body(app.get(contest).await)
            .await
            .contains("Une affiche encore à venir")
    );
    let id = poster.to_string();
    let response = staff
        .post(
            "/videos/nouvelle",
            &[
                ("objet", "affiche"),
                ("id", &id),
                ("url", GOOD),
                ("title", "La classe présente son affiche"),
                ("consent", "none_identifiable"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let video = videos_of(&app, edition)
        .await
        .into_iter()
        .find(|v| v.owner_kind == "poster")
        .unwrap()
        .id;
    decide(&coordinator, video, "approve").await;
    let html = body(app.get(contest).await).await;
    assert!(
        html.contains("Une affiche encore à venir")
            && html.contains("La classe présente son affiche"),
        "an entry with an approved video and no poster is on the contest page"
    );
    assert!(!html.contains("<iframe"));
}
