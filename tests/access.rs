//! Access failures of issue 7, each tested as a kind, on both engines:
//! item 10 (navigation offered only where it leads), 11 (attaching checks
//! the object's current scope too), 12 (rights come from current grants
//! only), 13 (nobody decides on what they declared) and 16 (hidden from a
//! list means hidden by URL too). The world is built over HTTP
//! (tests/common/people.rs); `tests/permissions.rs` holds the whole matrix.

mod common;

use std::collections::{HashMap, HashSet, VecDeque};

use common::{
    Engine, body,
    people::{
        self, ACADEMY, ADMIN, DISTRICT_A, DISTRICT_B, DSDEN, HEAD_A, PEOPLE, STAFF_A, STAFF_B,
        Visitor, World, decide, number_after, start_draft, submit, version_in,
    },
};
use reqwest::StatusCode;

on_both_engines!(
    navigation_is_offered_only_where_the_person_may_follow_it,
    school_staff_see_their_district_coordination_and_programme,
    a_write_that_attaches_an_object_checks_its_current_scope_too,
    rights_come_from_current_grants_only,
    nobody_decides_on_what_they_declared,
    hidden_from_a_list_is_hidden_by_url_too,
);

/// The page's text with askama's HTML escapes of quotes undone.
fn text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

/// The site links of a page (`href="/…"`), without fragments or static files.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .filter(|href| !href.starts_with("/static/"))
        .collect()
}

/// The shape of a path: ids and UAIs blurred, so that the crawl visits a
/// few links of each kind instead of all 300 schools.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in path.split('?').next().unwrap_or_default().chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// Follows every link offered to the person (breadth first, from « Mon
/// espace » and the home page, a few of each shape) and returns those that
/// do not answer 200: (the page offering it, the link, the answer).
async fn dead_ends(visitor: &Visitor) -> (usize, Vec<(String, String, u16)>) {
    let mut queue: VecDeque<(String, String)> = ["/mon-espace", "/"]
        .into_iter()
        .map(|p| (p.to_string(), "(départ)".to_string()))
        .collect();
    let mut queued: HashSet<String> = queue.iter().map(|(p, _)| p.clone()).collect();
    let mut per_shape: HashMap<String, usize> = HashMap::new();
    let mut dead = Vec::new();
    let mut visited = 0;
    while let Some((path, from)) = queue.pop_front() {
        visited += 1;
        assert!(visited < 400, "the crawl does not end");
        let response = visitor.get(&path).await;
        let status = response.status();
        if status != StatusCode::OK {
            dead.push((from, path, status.as_u16()));
            continue;
        }
        let is_html = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap_or_default().starts_with("text/html"));
        if !is_html {
            continue;
        }
        let html = body(response).await;
        for link in links(&html) {
            if queued.contains(&link) {
                continue;
            }
            let count = per_shape.entry(shape(&link)).or_default();
            if *count >= 2 {
                continue;
            }
            *count += 1;
            queued.insert(link.clone());
            queue.push_back((link, path.clone()));
        }
    }
    (visited, dead)
}

/// Item 10, kind « navigation offered to people who may not follow it »:
/// every link any signed-in person is shown leads to a page they may open.
async fn navigation_is_offered_only_where_the_person_may_follow_it(engine: Engine) {
    let world = people::world(engine).await;
    let mut report = Vec::new();
    for (person, (name, _)) in PEOPLE.iter().enumerate().skip(1) {
        let (visited, dead) = dead_ends(world.who(person)).await;
        assert!(visited > 5, "{name}: the crawl saw {visited} pages");
        for (from, link, status) in dead {
            report.push(format!(
                "{name}: {from} links to {link}, which answers {status}"
            ));
        }
    }
    assert!(report.is_empty(), "dead ends:\n{}", report.join("\n"));

    // The référent's case of the issue: the académie page links only their
    // district, and no directory; their school page links their district.
    let referent = world.who(people::REFERENT_A);
    let map = referent.page("/a/creteil").await;
    assert_eq!(
        links(&map)
            .iter()
            .filter(|l| l.starts_with("/districts/"))
            .collect::<Vec<_>>(),
        [&format!("/districts/{}", world.district_a)]
    );
    assert!(!map.contains("/a/creteil/etablissements"));
    let school = referent
        .page(&format!("/etablissements/{}", world.uai_a))
        .await;
    assert!(school.contains(&format!("href=\"/districts/{}\"", world.district_a)));
}

/// Item 10, what school staff see of their own district: its coordinators'
/// contact and its programme; other schools are named, not linked.
async fn school_staff_see_their_district_coordination_and_programme(engine: Engine) {
    let world = people::world(engine).await;
    // The district coordination puts the validated action on the programme.
    let coordinator = world.who(DISTRICT_A);
    let page = coordinator
        .page(&format!("/actions/{}", world.validated_action))
        .await;
    let flagged = coordinator
        .post(
            &format!("/actions/{}/signalements", world.validated_action),
            &[("featured", "on"), ("version", &version_in(&page))],
        )
        .await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);

    for person in [STAFF_A, HEAD_A, people::REFERENT_A] {
        let page = text(
            &world
                .who(person)
                .page(&format!("/districts/{}", world.district_a))
                .await,
        );
        assert!(page.contains("Coordination du district"));
        assert!(page.contains("mailto:coordination.district@demo.test"));
        assert!(page.contains("Programme du district"));
        assert!(
            page.contains("Exposition des affiches"),
            "the programme lists the featured action"
        );
        assert!(
            !page.contains("Forum des anciens élèves"),
            "only what the coordination put on the programme"
        );
        assert!(
            page.contains(&world.uai_a2),
            "the district's schools are named"
        );
        assert!(
            !page.contains(&format!("href=\"/etablissements/{}\"", world.uai_a2)),
            "but another school's page is not linked"
        );
        assert!(page.contains(&format!("href=\"/etablissements/{}\"", world.uai_a)));
        assert!(!page.contains("Rattacher"), "no management form");
    }
    // Staff of school B read their own district, not district A.
    let staff_b = world.who(STAFF_B);
    assert_eq!(
        staff_b
            .get(&format!("/districts/{}", world.district_a))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let page = text(
        &staff_b
            .page(&format!("/districts/{}", world.district_b))
            .await,
    );
    assert!(page.contains("mailto:coordination.district-b@ac-creteil.fr"));
    assert!(!page.contains("Exposition des affiches"));
}

/// The district page as the académie coordination sees it.
async fn district_lists(world: &World, district: i64, uai: &str) -> bool {
    let page = world
        .who(ACADEMY)
        .page(&format!("/districts/{district}"))
        .await;
    page.contains(&format!("/etablissements/{uai}\""))
}

/// Item 11, kind « a write that attaches an object to a scope checks the
/// object's current scope as well as the target's ».
async fn a_write_that_attaches_an_object_checks_its_current_scope_too(engine: Engine) {
    let world = people::world(engine).await;
    let (a, b) = (world.district_a, world.district_b);
    let uai_b = world.uai_b.clone();

    // District A's coordinator cannot take a school of district B.
    let taken = world
        .who(DISTRICT_A)
        .post(
            &format!("/districts/{a}/etablissements"),
            &[("uai", &uai_b)],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&body(taken).await).contains("rattaché à un autre district"));
    assert!(
        district_lists(&world, b, &uai_b).await,
        "B keeps its school"
    );
    assert!(!district_lists(&world, a, &uai_b).await);
    // Nor can they then read its actions, which stay B's.
    assert_eq!(
        world
            .who(DISTRICT_A)
            .get(&format!("/actions/{}", world.action_b))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A school of no district may be claimed by a district of its department.
    let spare = world.spare_schools[0].clone();
    world
        .who(ACADEMY)
        .post_ok(&format!("/districts/{a}/detacher"), &[("uai", &spare)])
        .await;
    world
        .who(DISTRICT_A)
        .post_ok(
            &format!("/districts/{a}/etablissements"),
            &[("uai", &spare)],
        )
        .await;
    assert!(district_lists(&world, a, &spare).await);

    // The académie coordination covers both districts: it moves a school.
    world
        .who(ACADEMY)
        .post_ok(
            &format!("/districts/{a}/etablissements"),
            &[("uai", &uai_b)],
        )
        .await;
    assert!(district_lists(&world, a, &uai_b).await);
    assert!(!district_lists(&world, b, &uai_b).await);
    // Now B's coordinator cannot take it back.
    let back = world
        .who(DISTRICT_B)
        .post(
            &format!("/districts/{b}/etablissements"),
            &[("uai", &uai_b)],
        )
        .await;
    assert_eq!(back.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(district_lists(&world, a, &uai_b).await);

    // A coordinator of both districts moves it too.
    world
        .who(ACADEMY)
        .post_ok(
            "/acces",
            &[
                ("email", "coordination.district@demo.test"),
                ("role", "district_coordinator"),
                ("scope", &format!("district:{b}")),
            ],
        )
        .await;
    world
        .who(DISTRICT_A)
        .post_ok(
            &format!("/districts/{b}/etablissements"),
            &[("uai", &uai_b)],
        )
        .await;
    assert!(district_lists(&world, b, &uai_b).await);
}

/// Item 12, kind « rights come from current grants only »: once their role
/// is revoked, an author no longer opens, edits or submits their actions,
/// and « Mes actions » no longer lists them.
async fn rights_come_from_current_grants_only(engine: Engine) {
    let world = people::world(engine).await;
    let staff = world.who(STAFF_A);
    let draft = world.draft_action;
    // Before: the author works on their draft.
    let form = staff.page(&format!("/actions/{draft}/modifier")).await;
    let version = version_in(&form);
    let mine = staff.page("/mes-actions").await;
    assert!(mine.contains(&format!("/actions/{draft}\"")));
    assert!(mine.contains("Forum des anciens élèves"));

    // The head revokes their staff role.
    let head = world.who(HEAD_A);
    let listing = head.page("/acces").await;
    let row = listing
        .find("<td>personnel@demo.test</td>")
        .expect("the staff member's role is listed");
    let grant = number_after(&listing[row..], "/acces/").unwrap();
    head.post_ok(&format!("/acces/{grant}/retirer"), &[]).await;

    // The same session, now without the role.
    for path in [
        format!("/actions/{draft}"),
        format!("/actions/{draft}/modifier"),
        format!("/actions/{}", world.submitted_action),
        format!("/actions/{}", world.validated_action),
    ] {
        assert_eq!(
            staff.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let edit = staff
        .post(
            &format!("/actions/{draft}/modifier"),
            &[
                ("version", &version),
                ("intent", "save"),
                ("title", "Repris"),
            ],
        )
        .await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND);
    let submitted = staff
        .post(
            &format!("/actions/{draft}/transition"),
            &[("transition", "submit"), ("version", &version)],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::NOT_FOUND);
    let duplicated = staff
        .post(
            &format!("/actions/{}/dupliquer", world.submitted_action),
            &[],
        )
        .await;
    assert_eq!(duplicated.status(), StatusCode::NOT_FOUND);
    let mine = staff.page("/mes-actions").await;
    assert!(!mine.contains(&format!("/actions/{draft}\"")));
    assert!(!mine.contains("Forum des anciens élèves"));
    assert!(mine.contains("aucune action"));

    // The school keeps them: the head still opens and edits the draft.
    assert_eq!(
        head.get(&format!("/actions/{draft}/modifier"))
            .await
            .status(),
        StatusCode::OK
    );

    // A role at another school gives nothing back at the first one.
    world
        .who(ACADEMY)
        .post_ok(
            "/acces",
            &[
                ("email", "personnel@demo.test"),
                ("role", "staff"),
                ("uai", &world.uai_b),
            ],
        )
        .await;
    assert_eq!(
        staff.get(&format!("/actions/{draft}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !staff
            .page("/mes-actions")
            .await
            .contains(&format!("/actions/{draft}\""))
    );
}

/// Item 13, kind « nobody decides on what they declared »: the decision on
/// one's own action goes to another coordinator of the same scope or to the
/// level above.
async fn nobody_decides_on_what_they_declared(engine: Engine) {
    let world = people::world(engine).await;
    let coordinator = world.who(DISTRICT_A);
    let own = start_draft(coordinator, world.edition).await;
    submit(coordinator, own, "Rencontre des partenaires du district").await;
    let second = start_draft(coordinator, world.edition).await;
    submit(coordinator, second, "Forum des métiers du district").await;

    // Neither by the action page…
    let page = text(&coordinator.page(&format!("/actions/{own}")).await);
    assert!(page.contains("Vous avez déclaré cette action"));
    assert!(
        !page.contains("value=\"validate\""),
        "no decision form on one's own action"
    );
    // The author's page offers no form: the version is read as the académie sees it.
    let version = version_in(&world.who(ACADEMY).page(&format!("/actions/{own}")).await);
    for (transition, comment) in [
        ("validate", ""),
        ("request_changes", "À revoir"),
        ("decline", "Non"),
    ] {
        let refused = coordinator
            .post(
                &format!("/actions/{own}/transition"),
                &[
                    ("transition", transition),
                    ("version", &version),
                    ("comment", comment),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{transition}");
        assert!(text(&body(refused).await).contains("Vous avez déclaré cette action"));
    }
    // …nor by the bulk validation of the review list.
    let bulk = coordinator
        .post(
            &format!("/editions/{}/revue/valider", world.edition),
            &[("ids", &own.to_string())],
        )
        .await;
    assert_eq!(bulk.status(), StatusCode::OK);
    let result = text(&body(bulk).await);
    assert!(
        result.contains("Vous avez déclaré cette action"),
        "{result}"
    );
    assert!(
        text(&coordinator.page(&format!("/actions/{own}")).await).contains("Soumise"),
        "still waiting for a decision"
    );

    // Another coordinator of the same district decides.
    let colleague_email = "coordination.district2@ac-creteil.fr";
    world
        .who(ACADEMY)
        .post_ok(
            "/acces",
            &[
                ("email", colleague_email),
                ("role", "district_coordinator"),
                ("scope", &format!("district:{}", world.district_a)),
            ],
        )
        .await;
    let colleague = Visitor::new(&world.app);
    colleague.sign_in(&world.app, colleague_email).await;
    let validated = decide(&colleague, own, "validate", "").await;
    assert_eq!(validated.status(), StatusCode::SEE_OTHER);
    // The author cannot put it on the programme either.
    let page = colleague.page(&format!("/actions/{own}")).await;
    let flag = coordinator
        .post(
            &format!("/actions/{own}/signalements"),
            &[("featured", "on"), ("version", &version_in(&page))],
        )
        .await;
    assert_eq!(flag.status(), StatusCode::FORBIDDEN);

    // The level above decides too.
    let validated = decide(world.who(ACADEMY), second, "validate", "").await;
    assert_eq!(validated.status(), StatusCode::SEE_OTHER);
    assert!(text(&coordinator.page(&format!("/actions/{second}")).await).contains("Validée"));
}

/// Item 16, kind « hidden from a list means hidden by URL too »: drafts and
/// editions in preparation, absent from the lists, are not reachable by
/// their address either.
async fn hidden_from_a_list_is_hidden_by_url_too(engine: Engine) {
    let world = people::world(engine).await;
    let staff = world.who(STAFF_A);
    let draft = world.draft_action;
    let form = staff.page(&format!("/actions/{draft}/modifier")).await;
    let saved = staff
        .post(
            &format!("/actions/{draft}/modifier"),
            &[
                ("version", &version_in(&form)),
                ("intent", "save"),
                ("title", "Brouillon confidentiel"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    for person in [DISTRICT_A, DSDEN, ACADEMY, ADMIN, people::REFERENT_A] {
        let visitor = world.who(person);
        let name = PEOPLE[person].0;
        assert_eq!(
            visitor.get(&format!("/actions/{draft}")).await.status(),
            StatusCode::NOT_FOUND,
            "{name} reads the draft"
        );
        if person != people::REFERENT_A {
            let list = visitor
                .page(&format!("/editions/{}/revue", world.edition))
                .await;
            assert!(
                list.contains("Forum des anciens élèves"),
                "{name}: the list works"
            );
            assert!(
                !list.contains("Brouillon confidentiel"),
                "{name}: no draft listed"
            );
        }
    }
    // Once submitted, the draft is no longer private.
    submit(staff, draft, "Brouillon confidentiel").await;
    for person in [DISTRICT_A, DSDEN, ACADEMY, ADMIN] {
        assert_eq!(
            world
                .who(person)
                .get(&format!("/actions/{draft}"))
                .await
                .status(),
            StatusCode::OK
        );
    }

    // An edition in preparation: neither listed nor opened, except by its coordination.
    let preparing = world.draft_edition;
    for person in [STAFF_A, HEAD_A, STAFF_B, DISTRICT_A, DISTRICT_B, DSDEN] {
        let visitor = world.who(person);
        let name = PEOPLE[person].0;
        let list = visitor.page("/a/creteil/editions").await;
        assert!(list.contains(&format!("/editions/{}\"", world.edition)));
        assert!(
            !list.contains(&format!("/editions/{preparing}\"")),
            "{name} sees it listed"
        );
        for path in [
            format!("/editions/{preparing}"),
            format!("/editions/{preparing}/actions/nouvelle"),
            format!("/editions/{preparing}/revue"),
            format!("/editions/{preparing}/tableau-de-bord"),
        ] {
            assert_eq!(
                visitor.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{name}: {path}"
            );
        }
    }
    let coordination = world.who(ACADEMY);
    assert!(
        coordination
            .page("/a/creteil/editions")
            .await
            .contains(&format!("/editions/{preparing}\""))
    );
    assert_eq!(
        coordination
            .get(&format!("/editions/{preparing}"))
            .await
            .status(),
        StatusCode::OK
    );
}
