//! The « rendez-vous de la persévérance » over HTTP, on both engines:
//! scheduling (and its bad input), registering, the waiting list,
//! cancelling, the mails with their iCalendar invitations (parsed back),
//! the visio link's visibility, attendance, the personal feed, reminders and
//! follow-ups, the public edition page, and a burst of 500 registrations.

mod common;

use std::collections::HashMap;

use chrono::{Duration, Utc};
use chrono_tz::Europe::Paris;
use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page, people::Visitor};
use perseverance::{
    auth::store as auth_store,
    db::Db,
    domain::{Email, Grant, MeetingId, Role, SchoolId, Scope, meeting::Seat},
    meetings::store as meetings_store,
};
use reqwest::StatusCode;

on_both_engines!(
    registration_waiting_list_and_invitations,
    bad_sessions_get_french_messages,
    visio_link_only_for_the_registered_from_its_opening,
    attendance_is_marked_and_exported,
    personal_feed_carries_the_sessions,
    reminder_and_follow_up_go_once,
    a_burst_of_500_fills_200_places_in_arrival_order,
    a_cancelled_session_withdraws_its_invitations,
);

const COORDINATOR: &str = "coordination.academique@demo.test";
const REFERENT: &str = "referent@demo.test";
const STAFF: &str = "personnel@demo.test";
const HEAD: &str = "chef.etablissement@demo.test";

/// The session form, `replace`d fields changed; starts `days` from now at 14:00.
fn session_form(days: i64, topic: &str, replace: &[(&str, &str)]) -> Vec<(String, String)> {
    let date = (Utc::now().with_timezone(&Paris) + Duration::days(days))
        .format("%d/%m/%Y")
        .to_string();
    let mut fields: Vec<(String, String)> = [
        ("date", date.as_str()),
        ("time", "14h"),
        ("duration", "90"),
        ("topic", topic),
        ("description", "Une séance pour les **référents**."),
        ("speakers", "Mme Martin, IEN-IO"),
        ("visio_url", "https://webconf.example.fr/b/rdv-1"),
        ("link_opens", "30"),
        ("capacity", "2"),
        ("materials", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in replace {
        fields.iter_mut().find(|(name, _)| name == k).unwrap().1 = v.to_string();
    }
    fields
}

/// Schedules a session as the coordinator; returns its id.
async fn schedule(coordinator: &Visitor, edition: i64, form: &[(String, String)]) -> MeetingId {
    let response = coordinator
        .post_pairs(&format!("/editions/{edition}/rendez-vous"), form)
        .await;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", body(response).await);
    location
        .unwrap()
        .rsplit("#rdv-")
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

/// An iCalendar text unfolded into its properties: (name with parameters, value).
fn ics(text: &str) -> Vec<(String, String)> {
    assert!(text.contains("\r\n"), "iCalendar lines end with CRLF");
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    unfolded
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').expect("a content line has a colon");
            (name.to_string(), value.to_string())
        })
        .collect()
}

fn prop<'a>(props: &'a [(String, String)], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|(n, _)| n == name || n.starts_with(&format!("{name};")))
        .map(|(_, v)| v.as_str())
}

/// The `invitation.ics` part of a raw outbox mail, decoded.
fn invitation(mail: &str) -> Option<String> {
    let start = mail.find("BEGIN:VCALENDAR")?;
    let end = mail.find("END:VCALENDAR")? + "END:VCALENDAR".len();
    // The decoded mail joins lines with \n: give them back their CRLF.
    Some(mail[start..end].replace("\r\n", "\n").replace('\n', "\r\n") + "\r\n")
}

fn mails_to<'a>(mails: &'a [String], to: &str) -> Vec<&'a String> {
    mails
        .iter()
        .filter(|m| {
            m.lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("To: {to}")))
        })
        .collect()
}

async fn registration_waiting_list_and_invitations(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let id = schedule(
        &coordinator,
        edition.0,
        &session_form(10, "Mobiliser les équipes", &[]),
    )
    .await;

    // Two places: the référent and the staff member get them, the head waits.
    let (referent, staff, head) = (
        signed_in(&app, REFERENT).await,
        signed_in(&app, STAFF).await,
        signed_in(&app, HEAD).await,
    );
    for (who, notice) in [
        (&referent, "inscrit"),
        (&staff, "inscrit"),
        (&head, "attente"),
    ] {
        let to = who
            .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
            .await;
        assert!(to.contains(&format!("avis={notice}")), "{to}");
    }
    // Registering twice changes nothing.
    referent
        .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
        .await;
    let page = head
        .page(&format!("/editions/{}/rendez-vous", edition.0))
        .await;
    assert!(page.contains("Vous êtes en liste d&#39;attente"), "{page}");
    assert!(page.contains("Complet (2 places), 1 en attente"));

    let mails = app.mails(3).await;
    let confirmation = mails_to(&mails, REFERENT);
    assert_eq!(confirmation.len(), 1);
    assert!(confirmation[0].contains("« Mobiliser les équipes » est confirmée"));
    let props = ics(&invitation(confirmation[0]).expect("an invitation"));
    assert_eq!(prop(&props, "METHOD"), Some("REQUEST"));
    assert_eq!(
        prop(&props, "SUMMARY"),
        Some("Rendez-vous de la persévérance : Mobiliser les équipes")
    );
    let start = (Utc::now().with_timezone(&Paris) + Duration::days(10))
        .format("%Y%m%dT140000")
        .to_string();
    assert!(
        props.contains(&("DTSTART;TZID=Europe/Paris".into(), start)),
        "{props:?}"
    );
    assert!(prop(&props, "DTEND").unwrap().ends_with("T153000"));
    assert!(
        prop(&props, "UID")
            .unwrap()
            .starts_with(&format!("rendez-vous-{id}@"))
    );
    assert_eq!(
        prop(&props, "ATTENDEE"),
        Some(format!("mailto:{REFERENT}").as_str())
    );
    assert_eq!(prop(&props, "TZID"), Some("Europe/Paris"));
    // The mail and the invitation never carry the visio link.
    assert!(!confirmation[0].contains("webconf.example.fr"));
    let waiting = mails_to(&mails, HEAD);
    assert!(waiting[0].contains("liste d'attente (position 1)"));
    assert!(invitation(waiting[0]).is_none());

    // The référent cancels: the head takes the place and gets the invitation.
    let to = referent
        .post_ok(&format!("/rendez-vous/{id}/annulation"), &[])
        .await;
    assert!(to.contains("avis=desinscrit"));
    let mails = app.mails(5).await;
    let cancelled = mails_to(&mails, REFERENT);
    let props = ics(&invitation(cancelled[1]).expect("a cancellation"));
    assert_eq!(prop(&props, "METHOD"), Some("CANCEL"));
    assert_eq!(prop(&props, "STATUS"), Some("CANCELLED"));
    let promoted = mails_to(&mails, HEAD);
    assert_eq!(promoted.len(), 2);
    assert!(promoted[1].contains("Une place s'est libérée"));
    assert_eq!(
        prop(&ics(&invitation(promoted[1]).unwrap()), "METHOD"),
        Some("REQUEST")
    );
    let mut db = app.db.acquire().await.unwrap();
    let seats: Vec<(String, Seat)> = meetings_store::attendees(&mut db.conn(), id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.email, a.seat))
        .collect();
    assert_eq!(
        seats,
        vec![
            (STAFF.into(), Seat::Registered),
            (HEAD.into(), Seat::Registered)
        ]
    );
}

async fn bad_sessions_get_french_messages(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let path = format!("/editions/{}/rendez-vous", edition.0);
    let id = schedule(
        &coordinator,
        edition.0,
        &session_form(10, "Mobiliser les équipes", &[]),
    )
    .await;

    let cases: [(&[(&str, &str)], &str, &str); 5] = [
        (&[("date", "01/01/2020")], "date", "Cette date est passée"),
        (
            &[("time", "14h30")],
            "time",
            "chevauche le rendez-vous « Mobiliser les équipes »",
        ),
        (
            &[("visio_url", "javascript:alert(1)")],
            "visio_url",
            "commençant par https://",
        ),
        (
            &[("capacity", "zéro")],
            "capacity",
            "nombre entier entre 1 et 10 000",
        ),
        (&[("time", "25h")], "time", "14h30"),
    ];
    for (replace, field, message) in cases {
        let mut form = session_form(10, "Les partenaires du référent", replace);
        form.retain(|(k, _)| k != "once");
        let response = coordinator.post_pairs(&path, &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let html = body(response).await;
        let page = Page::parse(&html);
        let error = page
            .text(&format!("#{field}-erreur"))
            .unwrap_or_else(|| panic!("an error next to {field}: {html}"));
        assert!(error.contains(message), "{field}: {error}");
        // What was typed is kept.
        assert_eq!(
            page.attr("#topic", "value").as_deref(),
            Some("Les partenaires du référent")
        );
    }
    // Capacity below the people registered.
    for email in [REFERENT, STAFF] {
        signed_in(&app, email)
            .await
            .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
            .await;
    }
    let form = session_form(10, "Mobiliser les équipes", &[("capacity", "1")]);
    let response = coordinator
        .post_pairs(&format!("/rendez-vous/{id}/modifier"), &form)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(
        Page::parse(&html)
            .text("#capacity-erreur")
            .unwrap()
            .contains("2 personnes sont déjà inscrites")
    );
    // Staff may not schedule.
    let staff = signed_in(&app, STAFF).await;
    let response = staff
        .post_pairs(&path, &session_form(12, "Autre", &[]))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // A Markdown presentation with raw HTML is shown as text, never run.
    let form = session_form(
        20,
        "Séance <b>",
        &[("description", "<script>alert(1)</script> *ok*")],
    );
    let id2 = schedule(&coordinator, edition.0, &form).await;
    let page = staff.page(&path).await;
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains(&format!("id=\"rdv-{id2}\"")));
}

async fn visio_link_only_for_the_registered_from_its_opening(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let soon = signed_in(&app, REFERENT).await;
    let other = signed_in(&app, STAFF).await;
    let later = schedule(&coordinator, edition.0, &session_form(10, "Plus tard", &[])).await;
    // A session that starts in 20 minutes, its link open 30 minutes before.
    let start = Utc::now().with_timezone(&Paris) + Duration::minutes(20);
    let form = session_form(
        0,
        "Bientôt",
        &[
            ("date", &start.format("%d/%m/%Y").to_string()),
            ("time", &start.format("%H:%M").to_string()),
            ("visio_url", "https://webconf.example.fr/b/bientot"),
            ("duration", "15"),
        ],
    );
    let now_id = schedule(&coordinator, edition.0, &form).await;
    soon.post_ok(&format!("/rendez-vous/{now_id}/inscription"), &[])
        .await;
    soon.post_ok(&format!("/rendez-vous/{later}/inscription"), &[])
        .await;
    let path = format!("/editions/{}/rendez-vous", edition.0);
    let page = soon.page(&path).await;
    assert!(page.contains("https://webconf.example.fr/b/bientot"));
    assert!(
        !page.contains("https://webconf.example.fr/b/rdv-1"),
        "not open yet"
    );
    assert!(page.contains("s’affichera ici 30 minutes avant le début"));
    let page = other.page(&path).await;
    assert!(!page.contains("webconf.example.fr"));
    // The public page lists the sessions, never the link.
    let anonymous = Visitor::new(&app);
    let page = anonymous.page("/a/creteil/editions/2040").await;
    assert!(page.contains("Bientôt") && page.contains("Plus tard"));
    assert!(!page.contains("webconf.example.fr"));
    assert!(page.contains("La persévérance, un projet collectif"));
    // An edition in preparation is not public.
    let (_, _) = EditionBuilder::new(2041)
        .state(perseverance::domain::edition::EditionState::Draft)
        .insert(&app.db)
        .await;
    assert_eq!(
        anonymous.get("/a/creteil/editions/2041").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anonymous.get("/a/creteil/editions/1999").await.status(),
        StatusCode::NOT_FOUND
    );
    // Registering needs a session.
    let response = anonymous
        .post(&format!("/rendez-vous/{later}/inscription"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/connexion")
    );
}

async fn attendance_is_marked_and_exported(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let id = schedule(
        &coordinator,
        edition.0,
        &session_form(10, "La classe coopérative", &[("capacity", "1")]),
    )
    .await;
    let mut ids = HashMap::new();
    for email in [REFERENT, STAFF] {
        signed_in(&app, email)
            .await
            .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
            .await;
        let mut db = app.db.acquire().await.unwrap();
        let user = auth_store::user_by_email(&mut db.conn(), &Email::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap();
        ids.insert(email, user.id);
    }
    let page = coordinator
        .page(&format!("/rendez-vous/{id}/participants"))
        .await;
    assert!(page.contains(REFERENT) && page.contains(STAFF));
    coordinator
        .post_ok(
            &format!("/rendez-vous/{id}/presences"),
            &[("present", &ids[REFERENT].to_string())],
        )
        .await;
    let response = coordinator
        .get(&format!("/rendez-vous/{id}/participants.csv"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv = body(response).await;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("ordre d'arrivée;courriel"));
    assert!(
        lines[1].starts_with(&format!("1;{REFERENT};")) && lines[1].ends_with(";inscrit;") == false
    );
    assert!(lines[1].ends_with(";oui"), "{}", lines[1]);
    assert!(
        lines[2].starts_with(&format!("2;{STAFF};")) && lines[2].contains("en liste d'attente")
    );
    // Nobody else sees the list.
    for email in [REFERENT, "coordination.district@demo.test"] {
        let visitor = signed_in(&app, email).await;
        assert_eq!(
            visitor
                .get(&format!("/rendez-vous/{id}/participants.csv"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
}

async fn personal_feed_carries_the_sessions(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let a = schedule(
        &coordinator,
        edition.0,
        &session_form(10, "Mobiliser les équipes", &[]),
    )
    .await;
    let b = schedule(
        &coordinator,
        edition.0,
        &session_form(17, "Les partenaires du référent", &[]),
    )
    .await;
    let _c = schedule(
        &coordinator,
        edition.0,
        &session_form(24, "Non choisi", &[]),
    )
    .await;
    let referent = signed_in(&app, REFERENT).await;
    for id in [a, b] {
        referent
            .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
            .await;
    }
    let response = referent.post("/agenda/lien", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    let address = Page::parse(&page)
        .text("#adresse-agenda")
        .expect("the feed's address");
    let path = address.trim().strip_prefix(&app.url).unwrap().to_string();
    // Read without any cookie, as a calendar application does.
    let response = Visitor::new(&app).get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let props = ics(&body(response).await);
    let summaries: Vec<&str> = props
        .iter()
        .filter(|(n, _)| n == "SUMMARY")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(
        summaries,
        vec![
            "Rendez-vous de la persévérance : Mobiliser les équipes",
            "Rendez-vous de la persévérance : Les partenaires du référent"
        ]
    );
    assert_eq!(prop(&props, "METHOD"), Some("PUBLISH"));
    // A new address ends the old one.
    referent.post("/agenda/lien", &[]).await;
    assert_eq!(
        Visitor::new(&app).get(&path).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Visitor::new(&app)
            .get("/agenda/nope/rendez-vous.ics")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn reminder_and_follow_up_go_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let form = session_form(
        3,
        "L'accompagnement individuel",
        &[(
            "materials",
            "Le diaporama : https://example.fr/diaporama.pdf",
        )],
    );
    let id = schedule(&coordinator, edition.0, &form).await;
    signed_in(&app, REFERENT)
        .await
        .post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
        .await;
    let meeting = meetings_store::meeting_by_id(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap()
        .unwrap();
    let config = app.running.state.config.clone();
    let send = |at| perseverance::meetings::reminders::send_due(&app.db, &config, at);
    // Two days before: nothing. The day before: the reminder, once.
    assert_eq!(
        send(meeting.starts_at - Duration::hours(48)).await.unwrap(),
        0
    );
    assert_eq!(
        send(meeting.starts_at - Duration::hours(20)).await.unwrap(),
        1
    );
    assert_eq!(
        send(meeting.starts_at - Duration::hours(19)).await.unwrap(),
        0
    );
    // During the session: no follow-up yet; after it, once.
    assert_eq!(
        send(meeting.starts_at + Duration::minutes(30))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        send(meeting.starts_at + Duration::minutes(91))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        send(meeting.starts_at + Duration::minutes(92))
            .await
            .unwrap(),
        0
    );
    let mails = app.mails(3).await;
    let to_referent = mails_to(&mails, REFERENT);
    assert!(to_referent[1].contains("a lieu demain"));
    assert!(to_referent[2].contains("https://example.fr/diaporama.pdf"));
    assert!(to_referent[2].contains("Voici les supports de la séance"));
}

/// Issue 10 « Speed »: 500 référents register within a minute for 200
/// places: exactly 200 registered, 300 waiting in arrival order, no error,
/// no double place.
async fn a_burst_of_500_fills_200_places_in_arrival_order(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let id = schedule(
        &coordinator,
        edition.0,
        &session_form(10, "Le lancement du Vademecum", &[("capacity", "200")]),
    )
    .await;
    // 500 référents of the demo's schools.
    let sql = "SELECT g.scope_id FROM role_grants g JOIN users u ON u.id = g.user_id \
               WHERE u.email = $1 AND g.scope_kind = 'school'";
    let school: i64 = match &app.db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql)
            .bind(REFERENT)
            .fetch_one(pool)
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(sql)
            .bind(REFERENT)
            .fetch_one(pool)
            .await
            .unwrap(),
    };
    let school = SchoolId(school);
    let mut visitors = Vec::new();
    {
        let mut tx = app.db.begin().await.unwrap();
        for i in 0..500 {
            let email = Email::parse(&format!("referent{i}@ac-creteil.fr")).unwrap();
            let user = auth_store::ensure_user(&mut tx.conn(), &email, "")
                .await
                .unwrap();
            auth_store::add_grant(
                &mut tx.conn(),
                user,
                Grant {
                    role: Role::SchoolReferent,
                    scope: Scope::School(school),
                },
                None,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    for i in 0..500 {
        let visitor = Visitor::new(&app);
        visitor
            .sign_in(&app, &format!("referent{i}@ac-creteil.fr"))
            .await;
        visitors.push(visitor);
    }
    let started = std::time::Instant::now();
    let path = format!("/rendez-vous/{id}/inscription");
    // 500 arrivals spread over 10 seconds (50 a second, six times the
    // minute's average), each request sent without waiting for the others.
    let tasks: Vec<_> = visitors
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let path = path.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(20 * i as u64)).await;
                let response = v.post(&path, &[]).await;
                response.status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER, "no error");
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(60),
        "within a minute: {elapsed:?}"
    );
    let attendees = meetings_store::attendees(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap();
    assert_eq!(attendees.len(), 500, "one seat each, none twice");
    let registered = attendees
        .iter()
        .filter(|a| a.seat == Seat::Registered)
        .count();
    assert_eq!(registered, 200, "exactly the capacity");
    // Arrival order: every place went to someone who arrived before anyone waiting.
    let first_waiting = attendees
        .iter()
        .position(|a| a.seat == Seat::Waiting)
        .unwrap();
    assert_eq!(first_waiting, 200);
    assert!(attendees[200..].iter().all(|a| a.seat == Seat::Waiting));
    assert!(
        attendees
            .windows(2)
            .all(|w| w[0].registered_at <= w[1].registered_at)
    );
    // A place freed goes to the first in line.
    let first = attendees[0].email.clone();
    let next = attendees[200].email.clone();
    let leaver = Visitor::new(&app);
    leaver.sign_in(&app, &first).await;
    leaver
        .post_ok(&format!("/rendez-vous/{id}/annulation"), &[])
        .await;
    let attendees = meetings_store::attendees(&mut app.db.acquire().await.unwrap().conn(), id)
        .await
        .unwrap();
    let promoted = attendees.iter().find(|a| a.email == next).unwrap();
    assert_eq!(promoted.seat, Seat::Registered);
    assert_eq!(
        attendees
            .iter()
            .filter(|a| a.seat == Seat::Registered)
            .count(),
        200
    );
    eprintln!("{engine:?}: 500 registrations in {elapsed:?}");
}

/// The académie cancels a session: each registered person gets a mail with
/// a `CANCEL` of the same UID and a higher SEQUENCE, the person waiting a
/// mail without invitation; the session is gone from the list and its pages;
/// staff may not cancel.
async fn a_cancelled_session_withdraws_its_invitations(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(&app, COORDINATOR).await;
    let id = schedule(
        &coordinator,
        edition.0,
        &session_form(12, "La classe coopérative", &[]),
    )
    .await;
    let (referent, staff, head) = (
        signed_in(&app, REFERENT).await,
        signed_in(&app, STAFF).await,
        signed_in(&app, HEAD).await,
    );
    for who in [&referent, &staff, &head] {
        who.post_ok(&format!("/rendez-vous/{id}/inscription"), &[])
            .await;
    }
    let mails = app.mails(3).await;
    let request = ics(&invitation(mails_to(&mails, REFERENT)[0]).unwrap());
    // Staff may not cancel the session.
    assert_eq!(
        staff
            .post(&format!("/rendez-vous/{id}/supprimer"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let to = coordinator
        .post_ok(&format!("/rendez-vous/{id}/supprimer"), &[])
        .await;
    assert_eq!(
        to,
        format!("/editions/{}/rendez-vous?avis=seance-annulee", edition.0)
    );

    let mails = app.mails(6).await;
    for person in [REFERENT, STAFF] {
        let theirs = mails_to(&mails, person);
        assert_eq!(theirs.len(), 2, "{person}");
        assert!(
            theirs[1]
                .contains("a annulé le rendez-vous de la persévérance « La classe coopérative »"),
            "{}",
            theirs[1]
        );
        assert!(theirs[1].contains("la séance n'aura pas lieu"));
        let cancel = ics(&invitation(theirs[1]).expect("a CANCEL"));
        assert_eq!(prop(&cancel, "METHOD"), Some("CANCEL"));
        assert_eq!(prop(&cancel, "STATUS"), Some("CANCELLED"));
        assert_eq!(prop(&cancel, "UID"), prop(&request, "UID"));
        let sequence =
            |p: &[(String, String)]| -> i64 { prop(p, "SEQUENCE").unwrap().parse().unwrap() };
        assert!(sequence(&cancel) > sequence(&request));
        assert_eq!(
            prop(&cancel, "ATTENDEE"),
            Some(format!("mailto:{person}").as_str())
        );
    }
    let waiting = mails_to(&mails, HEAD);
    assert_eq!(waiting.len(), 2);
    assert!(waiting[1].contains("vous étiez sur la liste d'attente"));
    assert!(invitation(waiting[1]).is_none());

    // Gone from the list, its pages and the registered people's sessions.
    let list = referent
        .page(&format!("/editions/{}/rendez-vous", edition.0))
        .await;
    assert!(!list.contains("La classe coopérative"));
    assert_eq!(
        coordinator
            .get(&format!("/rendez-vous/{id}/modifier"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !referent
            .page("/agenda")
            .await
            .contains("La classe coopérative")
    );
    // The form sent again does nothing more.
    assert_eq!(app.mails(6).await.len(), 6);
}
