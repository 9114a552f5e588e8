//! The people of the access tests, each with their own browser (cookie jar),
//! and a world of objects for them to reach for: built over HTTP on the demo
//! académie, as its coordinations would build it (`tests/permissions.rs`,
//! `tests/access.rs`).
//!
//! School A is the demo staff member's school; district A is its district;
//! district B is another district of the same department, school B one of
//! its schools. The other académie (Normandie) is added by the admin.

use std::sync::Arc;

use chrono::Duration;
use perseverance::{
    auth::{store as auth_store, tokens},
    domain::Email,
};
use reqwest::{Response, StatusCode};

use super::{TestApp, body};

/// The people of the permission matrix, in its column order: a short
/// column name and who they are.
pub const PEOPLE: [(&str, &str); 11] = [
    ("anon", "visiteur anonyme"),
    ("staff A", "personnel de l'établissement A"),
    ("head A", "chef de l'établissement A"),
    ("ref A", "référent décrochage de l'établissement A"),
    (
        "staff B",
        "personnel de l'établissement B (autre district, même département)",
    ),
    ("dist A", "coordination du district de A"),
    ("dist B", "coordination du district de B"),
    ("DSDEN", "DSDEN du département"),
    ("acad", "coordination de l'académie"),
    ("acad 2", "coordination d'une autre académie"),
    ("admin", "administration de la plateforme"),
];

pub const ANON: usize = 0;
pub const STAFF_A: usize = 1;
pub const HEAD_A: usize = 2;
pub const REFERENT_A: usize = 3;
pub const STAFF_B: usize = 4;
pub const DISTRICT_A: usize = 5;
pub const DISTRICT_B: usize = 6;
pub const DSDEN: usize = 7;
pub const ACADEMY: usize = 8;
pub const OTHER_ACADEMY: usize = 9;
pub const ADMIN: usize = 10;

/// The accounts outside the demo that the world creates.
pub const STAFF_B_EMAIL: &str = "personnel.b@ac-creteil.fr";
pub const DISTRICT_B_EMAIL: &str = "coordination.district-b@ac-creteil.fr";
pub const OTHER_ACADEMY_EMAIL: &str = "coordination@ac-normandie.fr";

/// The sign-in address of each person (none for the anonymous visitor).
pub const EMAILS: [Option<&str>; 11] = [
    None,
    Some("personnel@demo.test"),
    Some("chef.etablissement@demo.test"),
    Some("referent@demo.test"),
    Some(STAFF_B_EMAIL),
    Some("coordination.district@demo.test"),
    Some(DISTRICT_B_EMAIL),
    Some("dsden93@demo.test"),
    Some("coordination.academique@demo.test"),
    Some(OTHER_ACADEMY_EMAIL),
    Some("admin@demo.test"),
];

/// One browser: its own cookies (session, anti-forgery token).
pub struct Visitor {
    pub url: String,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Visitor {
        let (client, jar) = super::cookie_client();
        Visitor {
            url: app.url.clone(),
            client,
            jar,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
    }

    /// The anti-forgery token the site gave this browser.
    pub fn csrf(&self) -> String {
        super::csrf_cookie(&self.jar, &self.url)
    }

    /// Posts a form with this browser's anti-forgery token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.csrf().is_empty() {
            self.get("/healthz").await;
        }
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.url))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Posts a `multipart/form-data` form (anti-forgery token first), with
    /// an optional file `(field, file name, bytes)`.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Response {
        if self.csrf().is_empty() {
            self.get("/healthz").await;
        }
        let (content_type, body) = super::multipart_body(&self.csrf(), fields, file);
        self.client
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts a `multipart/form-data` form without a file and expects a
    /// redirect; returns where it leads.
    pub async fn post_multipart_ok(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let response = self.post_multipart(path, fields, None).await;
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "POST {path}: {}",
            body(response).await
        );
        location.unwrap()
    }

    /// Posts owned pairs (see [`Visitor::post`]).
    pub async fn post_pairs(&self, path: &str, pairs: &[(String, String)]) -> Response {
        let fields: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(path, &fields).await
    }

    /// Posts and expects a redirect; returns where it leads.
    pub async fn post_ok(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let response = self.post(path, fields).await;
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "POST {path}: {}",
            body(response).await
        );
        location.unwrap()
    }

    /// The page's HTML, expecting a 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        body(response).await
    }

    /// Signs in: the demo button for demo accounts, else a session written
    /// as the one-time link would write it.
    pub async fn sign_in(&self, app: &TestApp, email: &str) {
        if email.ends_with("@demo.test") {
            self.post_ok("/connexion/demo", &[("email", email)]).await;
            return;
        }
        let mut db = app.db.acquire().await.unwrap();
        let conn = &mut db.conn();
        let user = auth_store::user_by_email(conn, &Email::parse(email).unwrap())
            .await
            .unwrap()
            .expect("the account exists");
        let token = tokens::random_token();
        auth_store::create_session(conn, user.id, &tokens::hash(&token), Duration::hours(2))
            .await
            .unwrap();
        self.jar.add_cookie_str(
            &format!("perseverance_session={token}"),
            &self.url.parse().unwrap(),
        );
        // The anti-forgery token is bound to the session: the next response
        // gives this browser the new one.
        self.get("/healthz").await;
    }
}

/// The number written right after the first `prefix`.
pub fn number_after(html: &str, prefix: &str) -> Option<i64> {
    let start = html.find(prefix)? + prefix.len();
    let digits: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Every number written right after `prefix`, in page order.
pub fn numbers_after(html: &str, prefix: &str) -> Vec<i64> {
    html.match_indices(prefix)
        .filter_map(|(i, _)| number_after(&html[i..], prefix))
        .collect()
}

/// The number after the last `prefix` written before `marker`.
pub fn number_before(html: &str, marker: &str, prefix: &str) -> Option<i64> {
    let end = html.find(marker)?;
    let start = html[..end].rfind(prefix)?;
    number_after(&html[start..], prefix)
}

/// Every UAI linked in the page (`/etablissements/UAI`), in page order.
pub fn uais(html: &str) -> Vec<String> {
    html.match_indices("/etablissements/")
        .map(|(i, m)| html[i + m.len()..].chars().take(8).collect::<String>())
        .filter(|u| u.len() == 8 && u.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect()
}

/// The world of the access tests.
pub struct World {
    pub app: TestApp,
    /// One browser per person of [`PEOPLE`], signed in (but the first).
    pub people: Vec<Visitor>,
    pub school_a: i64,
    pub uai_a: String,
    /// Another school of district A.
    pub uai_a2: String,
    pub school_b: i64,
    pub uai_b: String,
    pub district_a: i64,
    pub district_b: i64,
    pub other_academy: i64,
    /// An edition open for declarations (2090), with one question.
    pub edition: i64,
    /// The next year's edition, still in preparation.
    pub draft_edition: i64,
    /// A rendez-vous of `edition`, 200 places.
    pub meeting: i64,
    /// Another rendez-vous of `edition`, for the académie to cancel.
    pub spare_meeting: i64,
    /// Checklist steps of `edition`: one to tick, one to delete.
    pub step: i64,
    pub spare_step: i64,
    /// Resources of `edition`'s kit: a public method sheet, a staff-only
    /// one, and a public kit file (version 1 each).
    pub public_sheet: i64,
    pub staff_sheet: i64,
    pub kit_file: i64,
    /// A public kit file for the académie to remove.
    pub spare_resource: i64,
    /// Totem photos of school A in `edition`: one waiting, one published.
    pub photo: i64,
    pub public_photo: i64,
    /// School A's totem entry in `edition` (for its video links).
    pub totem_entry: i64,
    pub question: i64,
    /// Staff A's actions at school A: a draft, a submitted one, a validated one.
    pub draft_action: i64,
    pub submitted_action: i64,
    pub validated_action: i64,
    /// Staff B's submitted action at school B.
    pub action_b: i64,
    /// Per person: a question, a school of district A and a staff grant at
    /// school A, each for them alone to delete, detach or revoke.
    pub spare_questions: Vec<i64>,
    pub spare_schools: Vec<String>,
    pub spare_grants: Vec<i64>,
}

impl World {
    pub fn who(&self, person: usize) -> &Visitor {
        &self.people[person]
    }
}

/// The form of an edition of `year`, its week in April.
pub fn edition_form(year: i64) -> Vec<(String, String)> {
    [
        ("number", "70".to_string()),
        ("year", year.to_string()),
        ("theme", "La persévérance, ensemble".to_string()),
        ("week_start", format!("{year}-04-02")),
        ("week_end", format!("{year}-04-06")),
        ("deadline_date", format!("{year}-03-10")),
        ("deadline_time", "23:59".to_string()),
        ("bilan_deadline", format!("{year}-06-30")),
        ("circular", "Une semaine pour tous.".to_string()),
        ("contact_email", "ce.saio@ac-creteil.fr".to_string()),
        ("reminder_days", "14 7 2".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The year of the world's open edition (its week: 2–6 April).
pub const YEAR: i64 = 2090;

/// A complete fiche-action for the world's open edition, at `version`.
pub fn complete_action(title: &str, version: &str) -> Vec<(String, String)> {
    [
        ("version", version),
        ("title", title),
        ("summary", "Des anciens racontent leur parcours"),
        (
            "description",
            "Table ronde au CDI, puis échanges en petits groupes.",
        ),
        ("owner_name", "Camille Martin"),
        ("owner_role", "CPE"),
        ("people_involved", "Équipe de vie scolaire"),
        ("audiences", "eleves"),
        ("levels", "3e"),
        ("scheme", "aucun"),
        ("starts_on", "2090-04-03"),
        ("start_time", "14:00"),
        ("end_time", "16:00"),
        ("place", "CDI"),
        ("partners", "Mission locale"),
        ("expected_participants", "60"),
        ("showcase_kinds", "exposition"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The version shown in a form or on an action's page.
pub fn version_in(html: &str) -> String {
    html.split("name=\"version\" value=\"")
        .nth(1)
        .expect("a version field")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// Starts a draft in `edition` at the visitor's first place; returns its id.
pub async fn start_draft(visitor: &Visitor, edition: i64) -> i64 {
    let page = visitor
        .page(&format!("/editions/{edition}/actions/nouvelle"))
        .await;
    let place = page
        .split("name=\"place\" value=\"")
        .nth(1)
        .expect("a place to choose")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let location = visitor
        .post_ok(
            &format!("/editions/{edition}/actions"),
            &[("place", &place)],
        )
        .await;
    number_after(&location, "/actions/").expect("the new draft")
}

/// Fills in the draft completely and submits it.
pub async fn submit(visitor: &Visitor, action: i64, title: &str) {
    let form = visitor.page(&format!("/actions/{action}/modifier")).await;
    let mut pairs = complete_action(title, &version_in(&form));
    pairs.push(("intent".into(), "submit".into()));
    let response = visitor
        .post_pairs(&format!("/actions/{action}/modifier"), &pairs)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
}

/// Makes a transition on the action at its current version.
pub async fn decide(visitor: &Visitor, action: i64, transition: &str, comment: &str) -> Response {
    let page = visitor.page(&format!("/actions/{action}")).await;
    let version = version_in(&page);
    visitor
        .post(
            &format!("/actions/{action}/transition"),
            &[
                ("transition", transition),
                ("version", &version),
                ("comment", comment),
            ],
        )
        .await
}

/// Builds the world over HTTP (sessions of non-demo accounts excepted).
pub async fn world(engine: super::Engine) -> World {
    world_configured(engine, |_| {}).await
}

/// The same world on a service with settings of the test's own (an SMTP
/// server that refuses every mail…).
pub async fn world_configured(
    engine: super::Engine,
    configure: impl FnOnce(&mut perseverance::config::Config),
) -> World {
    let app = TestApp::spawn_configured(engine, true, configure).await;
    let people: Vec<Visitor> = (0..PEOPLE.len()).map(|_| Visitor::new(&app)).collect();
    for (person, email) in EMAILS.iter().enumerate() {
        if let Some(email) = email.filter(|e| e.ends_with("@demo.test")) {
            people[person].sign_in(&app, email).await;
        }
    }
    let admin = &people[ADMIN];
    let academy = &people[ACADEMY];

    // Another académie and its coordinator, added by the admin.
    admin
        .post_ok(
            "/admin/academies",
            &[
                ("code", "70"),
                ("name", "Normandie"),
                ("domains", "ac-normandie.fr"),
            ],
        )
        .await;
    let access = admin.page("/acces").await;
    let other_academy = number_before(&access, "\">Académie de Normandie<", "value=\"academy:")
        .expect("Normandie in the scope list");
    admin
        .post_ok(
            "/acces",
            &[
                ("email", OTHER_ACADEMY_EMAIL),
                ("role", "academy_coordinator"),
                ("scope", &format!("academy:{other_academy}")),
            ],
        )
        .await;

    // School A and its district, as the staff member sees them.
    let staff = &people[STAFF_A];
    let space = staff.page("/mon-espace").await;
    let uai_a = uais(&space).first().expect("the staff's school").clone();
    let school_page = academy.page(&format!("/etablissements/{uai_a}")).await;
    let district_a = number_after(&school_page, "href=\"/districts/").expect("school A's district");
    // District B: another district of the same department.
    let map = academy.page("/a/creteil").await;
    let at = map
        .find(&format!("/districts/{district_a}\""))
        .expect("district A on the map");
    let list_start = map[..at].rfind("<ul>").unwrap();
    let list_end = at + map[at..].find("</ul>").unwrap();
    let district_b = numbers_after(&map[list_start..list_end], "/districts/")
        .into_iter()
        .find(|d| *d != district_a)
        .expect("another district in the department");
    let district_b_page = academy.page(&format!("/districts/{district_b}")).await;
    let uai_b = uais(&district_b_page)[0].clone();
    let district_a_page = academy.page(&format!("/districts/{district_a}")).await;
    let others_in_a: Vec<String> = uais(&district_a_page)
        .into_iter()
        .filter(|u| *u != uai_a)
        .collect();
    let uai_a2 = others_in_a[0].clone();
    let spare_schools = others_in_a[1..=PEOPLE.len()].to_vec();

    // District B's coordinator and a staff member of school B.
    academy
        .post_ok(
            "/acces",
            &[
                ("email", DISTRICT_B_EMAIL),
                ("role", "district_coordinator"),
                ("scope", &format!("district:{district_b}")),
            ],
        )
        .await;
    academy
        .post_ok(
            "/acces",
            &[("email", STAFF_B_EMAIL), ("role", "staff"), ("uai", &uai_b)],
        )
        .await;
    for person in [STAFF_B, DISTRICT_B, OTHER_ACADEMY] {
        people[person].sign_in(&app, EMAILS[person].unwrap()).await;
    }

    // An edition open for declarations, and next year's in preparation.
    let form = edition_form(YEAR);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let location = academy.post_ok("/a/creteil/editions", &fields).await;
    let edition = number_after(&location, "/editions/").unwrap();
    academy
        .post_ok(
            &format!("/editions/{edition}/etat"),
            &[("state", "open"), ("from", "draft")],
        )
        .await;
    let form = edition_form(YEAR + 1);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let location = academy.post_ok("/a/creteil/editions", &fields).await;
    let draft_edition = number_after(&location, "/editions/").unwrap();
    // A rendez-vous of the open edition, with room for everyone.
    let location = academy
        .post_ok(
            &format!("/editions/{edition}/rendez-vous"),
            &[
                ("date", &format!("01/03/{YEAR}")),
                ("time", "14h"),
                ("duration", "90"),
                ("topic", "Mobiliser les équipes"),
                ("link_opens", "30"),
                ("capacity", "200"),
            ],
        )
        .await;
    let meeting = location.rsplit("#rdv-").next().unwrap().parse().unwrap();
    let location = academy
        .post_ok(
            &format!("/editions/{edition}/rendez-vous"),
            &[
                ("date", &format!("08/03/{YEAR}")),
                ("time", "14h"),
                ("duration", "60"),
                ("topic", "Séance de réserve"),
                ("link_opens", "30"),
                ("capacity", "20"),
            ],
        )
        .await;
    let spare_meeting = location.rsplit("#rdv-").next().unwrap().parse().unwrap();
    // Two checklist steps: one to tick, one to delete.
    for label in ["Informer les parents", "Étape de réserve"] {
        academy
            .post_ok(
                &format!("/editions/{edition}/etapes"),
                &[("phase", "before"), ("label", label)],
            )
            .await;
    }
    let steps_page = academy.page(&format!("/editions/{edition}/etapes")).await;
    let steps = numbers_after(&steps_page, "action=\"/etapes/");
    let (step, spare_step) = (steps[0], steps[1]);
    // The kit: two sheets and a file, uploaded by the académie's coordination.
    let mut kit = Vec::new();
    for (kind, title, audience, body, file) in [
        (
            "method",
            "Fiche publique",
            "public",
            "## Avant la semaine",
            None,
        ),
        (
            "method",
            "Fiche interne",
            "staff",
            "## Pour les équipes",
            None,
        ),
        (
            "kit",
            "Affiche",
            "public",
            "",
            Some(("file", "affiche.pdf", &b"%PDF-1.4 affiche"[..])),
        ),
        (
            "kit",
            "Invitation de réserve",
            "public",
            "",
            Some(("file", "invitation.pdf", &b"%PDF-1.4 invitation"[..])),
        ),
    ] {
        let response = academy
            .post_multipart(
                &format!("/editions/{edition}/mallette"),
                &[
                    ("kind", kind),
                    ("title", title),
                    ("audience", audience),
                    ("dated_on", "01/02/2090"),
                    ("body", body),
                ],
                file,
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{title}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        kit.push(number_after(&location, "/ressources/").unwrap());
    }

    // Staff A's actions: a draft, a submitted one, a validated one; staff B's.
    let new_page = staff
        .page(&format!("/editions/{edition}/actions/nouvelle"))
        .await;
    let school_a = number_after(&new_page, "value=\"school:").expect("school A's id");
    let draft_action = start_draft(staff, edition).await;
    let submitted_action = start_draft(staff, edition).await;
    submit(staff, submitted_action, "Forum des anciens élèves").await;
    let validated_action = start_draft(staff, edition).await;
    submit(staff, validated_action, "Exposition des affiches").await;
    let validated = decide(&people[DISTRICT_A], validated_action, "validate", "").await;
    assert_eq!(validated.status(), StatusCode::SEE_OTHER);
    let staff_b = &people[STAFF_B];
    let new_page = staff_b
        .page(&format!("/editions/{edition}/actions/nouvelle"))
        .await;
    let school_b = number_after(&new_page, "value=\"school:").expect("school B's id");
    let action_b = start_draft(staff_b, edition).await;
    submit(staff_b, action_b, "Café des parents").await;

    // Questions of the edition (added after the declarations: optional).
    for n in 0..=PEOPLE.len() {
        academy
            .post_ok(
                &format!("/editions/{edition}/questions"),
                &[
                    ("kind", "short_text"),
                    ("label", &format!("Question {n}")),
                    ("help", ""),
                    ("options", ""),
                ],
            )
            .await;
    }
    let questions_page = academy
        .page(&format!("/editions/{edition}/questions"))
        .await;
    let mut questions = numbers_after(&questions_page, &format!("/editions/{edition}/questions/"));
    questions.dedup();
    assert_eq!(questions.len(), PEOPLE.len() + 1, "{questions:?}");
    let question = questions[0];
    let spare_questions = questions[1..].to_vec();

    // One staff grant at school A per person, for them to try and revoke.
    let mut spare_grants = Vec::new();
    for n in 0..PEOPLE.len() {
        academy
            .post_ok(
                "/acces",
                &[
                    ("email", &format!("jetable{n}@ac-creteil.fr")),
                    ("role", "staff"),
                    ("uai", &uai_a),
                ],
            )
            .await;
    }
    let listing = academy.page("/acces").await;
    for n in 0..PEOPLE.len() {
        let row = listing
            .find(&format!("<td>jetable{n}@ac-creteil.fr</td>"))
            .expect("the spare grant is listed");
        spare_grants.push(number_after(&listing[row..], "/acces/").unwrap());
    }

    // The totem (issue 9): staff A sends two photos; the coordination
    // publishes the second; the first stays waiting.
    academy
        .post_ok(
            &format!("/editions/{edition}/totem/appel"),
            &[("prompt", "La photo de votre totem.")],
        )
        .await;
    let png = {
        let image = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 80, 40]));
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    for _ in 0..2 {
        let response = people[STAFF_A]
            .post_multipart(
                &format!("/editions/{edition}/totem"),
                &[
                    ("text", "Notre totem."),
                    ("description", "Un totem de bois"),
                    ("consent", "none_identifiable"),
                ],
                Some(("photo", "totem.png", &png)),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let totem_page = people[STAFF_A]
        .page(&format!("/editions/{edition}/totem"))
        .await;
    let mut photos = numbers_after(&totem_page, "/medias/");
    photos.sort();
    photos.dedup();
    assert_eq!(photos.len(), 2, "{photos:?}");
    let (photo, public_photo) = (photos[0], photos[1]);
    let totem_entry =
        number_after(&totem_page, "objet=totem&amp;id=").expect("the entry's video link");
    academy
        .post_ok(
            &format!("/medias/{public_photo}/decision"),
            &[("decision", "approve")],
        )
        .await;
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&app.db, &app.running.state.config)
            .await
            .unwrap();
        let ready = academy
            .get(&format!("/medias/{photo}/vignette"))
            .await
            .status()
            == StatusCode::OK
            && academy
                .get(&format!("/medias/{public_photo}/vignette"))
                .await
                .status()
                == StatusCode::OK;
        if ready {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    World {
        photo,
        public_photo,
        totem_entry,
        meeting,
        spare_meeting,
        spare_resource: kit[3],
        step,
        spare_step,
        public_sheet: kit[0],
        staff_sheet: kit[1],
        kit_file: kit[2],
        app,
        people,
        school_a,
        uai_a,
        uai_a2,
        school_b,
        uai_b,
        district_a,
        district_b,
        other_academy,
        edition,
        draft_edition,
        question,
        draft_action,
        submitted_action,
        validated_action,
        action_b,
        spare_questions,
        spare_schools,
        spare_grants,
    }
}
