//! Bilans and dashboards over HTTP, on both engines (issue 11): the roll-ups
//! of each level against totals computed by hand, the comparison with the
//! previous edition, the owner's form (drafts, submission, bad input kept,
//! the deadline), sending back, the follow-up of missing bilans, reminders
//! sent once, the spreadsheet export.

mod common;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use common::{Engine, TestApp, body, html::Page, html::text};
use perseverance::{
    actions::store as actions_store,
    auth::store as auth_store,
    bilans::store as bilans_store,
    config::Config,
    dashboards::{Scope, store as dash},
    db::Db,
    domain::{
        Email,
        action::ActionState,
        bilan::{BilanInput, BilanQuestionKind, BilanState, CheckedBilan, TookPlace},
        declaration::{ActionInput, CheckedAction},
        edition::{EditionCalendar, EditionState, paris_date, paris_to_utc},
        ids::{ActionId, DistrictId, EditionId, SchoolId, UserId},
    },
    editions::store::{self as editions_store, EditionValues},
    map::store as map_store,
};
use reqwest::StatusCode;

on_both_engines!(
    roll_ups_match_the_totals_computed_by_hand,
    the_owner_saves_a_draft_then_submits,
    bad_input_is_refused_next_to_the_field_and_nothing_is_lost,
    a_coordinator_sends_a_bilan_back_for_completion,
    reminders_go_once_to_the_owners_who_have_not_submitted,
    the_questionnaire_is_shaped_by_the_academie,
    the_checklist_sees_a_bilan_sent_and_an_approved_photo,
    the_owner_attaches_photos_that_the_coordinations_see,
    the_national_view_opens_on_the_latest_year_with_an_edition,
    a_refused_bilan_keeps_its_photo_and_stores_it_once,
);

const OWNER: &str = "personnel@demo.test";
const DISTRICT: &str = "coordination.district@demo.test";
const ACADEMY: &str = "coordination.academique@demo.test";
const DSDEN: &str = "dsden93@demo.test";

struct World {
    app: TestApp,
    edition: EditionId,
    previous: EditionId,
    academy: perseverance::domain::ids::AcademyId,
    /// The year of `edition` (`previous` is the year before).
    year: i64,
    district: DistrictId,
    department_93: perseverance::domain::ids::DepartmentId,
    schools: Vec<SchoolId>,
    school_93: SchoolId,
    school_77: SchoolId,
    owner: UserId,
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

async fn edition(
    db: &Db,
    academy: perseverance::domain::ids::AcademyId,
    year: i64,
    week_start: NaiveDate,
    bilan_deadline: NaiveDate,
) -> EditionId {
    let values = EditionValues {
        year,
        number: 12,
        theme: "Tous ensemble".into(),
        calendar: EditionCalendar {
            week_start,
            week_end: week_start + Duration::days(4),
            declaration_deadline: paris_to_utc(
                week_start - Duration::days(20),
                NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ),
            bilan_deadline,
        },
        circular: String::new(),
        contact_email: "ce.saio@ac-creteil.fr".into(),
        reminder_days: "14 7 2".into(),
    };
    let mut tx = db.begin().await.unwrap();
    let id = editions_store::insert_edition(&mut tx.conn(), academy, &values, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    editions_store::set_edition_state(
        &mut db.acquire().await.unwrap().conn(),
        id,
        EditionState::Open,
    )
    .await
    .unwrap();
    id
}

/// The demo map, an edition whose week ended last week (bilans due in 20
/// days), and the same edition a year before.
async fn world(engine: Engine) -> World {
    let app = TestApp::spawn(engine).await;
    let db = app.db.clone();
    let owner = user_id(&db, OWNER).await;
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled;
    let academy = map_store::academy_by_slug(&mut conn.conn(), "creteil")
        .await
        .unwrap()
        .unwrap();
    let grant = &auth_store::grants_of(&mut conn.conn(), owner)
        .await
        .unwrap()[0];
    let (district, home) = (grant.district_id.unwrap(), grant.school_id.unwrap());
    let mut schools: Vec<SchoolId> = map_store::schools_of_district(&mut conn.conn(), district)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    schools.sort_by_key(|s| *s != home);
    let districts = map_store::districts(&mut conn.conn(), academy.id)
        .await
        .unwrap();
    let other_93 = districts
        .iter()
        .find(|d| d.department_name == "Seine-Saint-Denis" && d.id != district)
        .unwrap();
    let of_77 = districts
        .iter()
        .find(|d| d.department_name == "Seine-et-Marne")
        .unwrap();
    let school_93 = map_store::schools_of_district(&mut conn.conn(), other_93.id)
        .await
        .unwrap()[0]
        .id;
    let school_77 = map_store::schools_of_district(&mut conn.conn(), of_77.id)
        .await
        .unwrap()[0]
        .id;
    let department_93 = map_store::school_by_id(&mut conn.conn(), school_93)
        .await
        .unwrap()
        .unwrap()
        .department_id;
    drop(pooled);
    let today = paris_date(Utc::now());
    let year = i64::from(chrono::Datelike::year(&today)) + 10;
    let edition = edition(
        &db,
        academy.id,
        year,
        today - Duration::days(12),
        today + Duration::days(20),
    )
    .await;
    let previous = self::edition(
        &db,
        academy.id,
        year - 1,
        today - Duration::days(377),
        today - Duration::days(300),
    )
    .await;
    World {
        app,
        edition,
        previous,
        academy: academy.id,
        year,
        district,
        department_93,
        schools,
        school_93,
        school_77,
        owner,
    }
}

impl World {
    /// A complete action of `edition` moved to `state` through the stores.
    async fn action(
        &self,
        edition: EditionId,
        school: Option<SchoolId>,
        district: Option<DistrictId>,
        audiences: &[&str],
        state: ActionState,
    ) -> ActionId {
        let db = &self.app.db;
        let input = ActionInput {
            title: format!("Action {audiences:?} {state:?}"),
            summary: "Résumé".into(),
            description: "Des élèves témoignent.".into(),
            owner_name: "Mme Martin".into(),
            owner_role: "CPE".into(),
            owner_public: false,
            people_involved: "L'équipe".into(),
            audiences: audiences.iter().map(|a| a.to_string()).collect(),
            levels: vec!["3e".into()],
            scheme: "aucun".into(),
            before_week: false,
            starts_on: String::new(),
            start_time: "14:00".into(),
            end_time: "16:00".into(),
            place: "CDI".into(),
            partners: "Mission locale".into(),
            expected_participants: "30".into(),
            showcase_kinds: vec!["exposition".into()],
            showcase_other: String::new(),
            answers: Default::default(),
        };
        let checked = CheckedAction {
            starts_on: None,
            expected_participants: Some(30),
        };
        let mut tx = db.begin().await.unwrap();
        let id = actions_store::create_draft(&mut tx.conn(), edition, school, district, self.owner)
            .await
            .unwrap();
        assert!(
            actions_store::save_content(&mut tx.conn(), id, 1, &input, &checked)
                .await
                .unwrap()
        );
        let path: &[ActionState] = match state {
            ActionState::Draft => &[],
            ActionState::Submitted => &[ActionState::Submitted],
            other => &[ActionState::Submitted, other],
        };
        let mut at = ActionState::Draft;
        for (version, &to) in (2..).zip(path) {
            assert!(
                actions_store::move_state(&mut tx.conn(), id, version, at, to, self.owner, "")
                    .await
                    .unwrap()
            );
            at = to;
        }
        tx.commit().await.unwrap();
        id
    }

    /// Writes a bilan through the store, as its owner's form would.
    async fn bilan(
        &self,
        action: ActionId,
        edition: EditionId,
        took: TookPlace,
        figures: [Option<i64>; 5],
        state: BilanState,
    ) {
        let input = BilanInput {
            took_place: took.code().into(),
            reason: if took == TookPlace::Yes {
                String::new()
            } else {
                "Grève".into()
            },
            ..Default::default()
        };
        let checked = CheckedBilan {
            took_place: Some(took),
            attendance: figures,
            answers: Vec::new(),
        };
        let mut tx = self.app.db.begin().await.unwrap();
        let content = bilans_store::Content {
            input: &input,
            checked: &checked,
            flagged: &[],
        };
        assert!(
            bilans_store::save(&mut tx.conn(), action, edition, 0, content, state)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }

    /// Submits a bilan through the owner's form; the answer's status.
    async fn submit(&self, action: ActionId, fields: &[(&str, &str)]) -> reqwest::Response {
        let page = body(self.app.get(&format!("/actions/{action}/bilan")).await).await;
        let page = Page::parse(&page);
        let version = page.field("version").expect("the bilan form");
        let once = page.field("once").unwrap();
        let mut form: Vec<(&str, &str)> = vec![("version", &version), ("once", &once)];
        form.extend_from_slice(fields);
        self.app
            .post(&format!("/actions/{action}/bilan"), &form)
            .await
    }

    fn dashboard(&self, query: &str) -> String {
        format!("/editions/{}/indicateurs{query}", self.edition)
    }
}

/// The figures of a row of the comparison table (one per edition, oldest first).
fn row(page: &Page, label: &str) -> Vec<String> {
    let rows = page.texts("table tr");
    let line = rows
        .iter()
        .find(|r| r.starts_with(label) && r[label.len()..].starts_with(' '))
        .unwrap_or_else(|| panic!("a row « {label} » in {rows:#?}"));
    let figures: Vec<String> = line[label.len()..]
        .split_whitespace()
        .map(String::from)
        .collect();
    // The demo's own editions come first (without actions): keep the last two.
    figures[figures.len().saturating_sub(2)..].to_vec()
}

async fn roll_ups_match_the_totals_computed_by_hand(engine: Engine) {
    let w = world(engine).await;
    use ActionState::*;
    use TookPlace::*;
    let (s0, s1) = (Some(w.schools[0]), Some(w.schools[1]));
    // District A (the coordinator's): the owner's school s0, another school s1, a district action.
    let a1 = w
        .action(w.edition, s0, None, &["eleves", "parents"], Validated)
        .await;
    let a2 = w.action(w.edition, s0, None, &["eleves"], Validated).await;
    let a3 = w.action(w.edition, s1, None, &["eleves"], Validated).await;
    let a4 = w
        .action(
            w.edition,
            None,
            Some(w.district),
            &["personnels"],
            Validated,
        )
        .await;
    w.action(w.edition, s1, None, &["parents"], Submitted).await;
    w.action(w.edition, s0, None, &["eleves"], Draft).await;
    // Another district of 93, and Seine-et-Marne.
    let a5 = w
        .action(w.edition, Some(w.school_93), None, &["eleves"], Validated)
        .await;
    let a6 = w
        .action(w.edition, Some(w.school_77), None, &["eleves"], Validated)
        .await;
    // The previous edition: one action held with 7 pupils.
    let p1 = w.action(w.previous, s0, None, &["eleves"], Validated).await;
    w.bilan(
        p1,
        w.previous,
        Yes,
        [Some(7), None, None, None, None],
        BilanState::Submitted,
    )
    .await;

    // The owner submits two bilans over HTTP; a third stays a draft.
    w.app.sign_in_demo(OWNER).await;
    let response = w
        .submit(
            a1,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "120"),
                ("parents", "15"),
                ("staff", "4"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = w
        .submit(
            a2,
            &[
                ("intent", "submit"),
                ("took_place", "postponed"),
                ("reason", "Sortie annulée"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    w.bilan(
        a3,
        w.edition,
        Yes,
        [Some(999), None, None, None, None],
        BilanState::Draft,
    )
    .await;
    w.bilan(
        a4,
        w.edition,
        Yes,
        [Some(30), None, Some(10), None, None],
        BilanState::Submitted,
    )
    .await;
    w.bilan(
        a5,
        w.edition,
        Yes,
        [Some(50), None, None, None, None],
        BilanState::Submitted,
    )
    .await;
    w.bilan(a6, w.edition, No, [None; 5], BilanState::Submitted)
        .await;

    // By hand. District A: transmitted a1 a2 a3 a4 + the submitted one = 5;
    // validated 4; bilans a1 a2 a4 = 3; held a1 a4 = 2; postponed 1; pupils
    // 120 + 30 = 150, parents 15, staff 4 + 10 = 14; missing a3 = 1.
    let db = &w.app.db;
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled;
    let totals = |t: &dash::Totals| {
        (
            t.declared,
            t.validated,
            t.bilans,
            t.held,
            t.not_held,
            t.postponed,
            t.attendance,
            t.missing(),
        )
    };
    let district = dash::totals(
        &mut conn.conn(),
        &[w.edition],
        &Scope::District(w.district),
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        totals(&district[0]),
        (5, 4, 3, 2, 0, 1, [150, 15, 14, 0, 0], 1)
    );
    // Seine-Saint-Denis adds a5 (held, 50 pupils).
    let department = dash::totals(
        &mut conn.conn(),
        &[w.edition],
        &Scope::Department(w.department_93),
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        totals(&department[0]),
        (6, 5, 4, 3, 0, 1, [200, 15, 14, 0, 0], 1)
    );
    // The académie adds a6 (not held); the previous edition is counted apart.
    let academy = dash::totals(
        &mut conn.conn(),
        &[w.previous, w.edition],
        &Scope::Academy(w.academy),
        false,
    )
    .await
    .unwrap();
    let now = academy.iter().find(|t| t.edition_id == w.edition).unwrap();
    let before = academy.iter().find(|t| t.edition_id == w.previous).unwrap();
    assert_eq!(totals(now), (7, 6, 5, 3, 1, 1, [200, 15, 14, 0, 0], 1));
    assert_eq!(totals(before), (1, 1, 1, 1, 0, 0, [7, 0, 0, 0, 0], 0));
    // The national view of each year: the same figures, one line per académie.
    for (edition, expected) in [(w.edition, now), (w.previous, before)] {
        let year = w.year - i64::from(edition == w.previous);
        let lines = dash::national(&mut conn.conn(), year).await.unwrap();
        assert_eq!(lines.len(), 1, "one académie has an edition that year");
        assert_eq!(lines[0].0.edition_id, edition);
        assert_eq!(totals(&lines[0].0), totals(expected));
        assert_eq!(lines[0].0.audiences, expected.audiences);
        assert_eq!(lines[0].1, "Créteil");
    }
    // Audiences among the transmitted: pupils a1 a2 a3 a5 a6, parents a1 + the submitted one.
    assert_eq!(now.audiences, vec![5, 2, 1, 0]);
    // By district, the district action counts in its district.
    let by_district = dash::totals(
        &mut conn.conn(),
        &[w.edition],
        &Scope::Department(w.department_93),
        true,
    )
    .await
    .unwrap();
    let mine = by_district
        .iter()
        .find(|t| t.district_id == Some(w.district))
        .unwrap();
    assert_eq!(totals(mine), (5, 4, 3, 2, 0, 1, [150, 15, 14, 0, 0], 1));
    drop(pooled);

    // The district coordinator's dashboard shows the same figures, the
    // previous edition beside them, each linked to its actions.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let response = w.app.get(&w.dashboard("")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = Page::parse(&body(response).await);
    assert_eq!(row(&page, "Actions validées"), vec!["1", "4"]);
    assert_eq!(row(&page, "Actions qui ont eu lieu"), vec!["1", "2"]);
    assert_eq!(row(&page, "Bilans manquants"), vec!["0", "1"]);
    assert_eq!(row(&page, "Fréquentation : Élèves"), vec!["7", "150"]);
    assert_eq!(row(&page, "Fréquentation totale"), vec!["7", "179"]);
    // Every figure links to the actions behind it: the key figures, and each
    // cell of the comparison but the coverage rate (a ratio, not a count).
    let key = page.texts("#chiffres-cles .fr-callout__title");
    let key_links = page.texts("#chiffres-cles .fr-callout__title a");
    assert_eq!(key.len(), key_links.len(), "{key:?}");
    let cells = page.texts("table tr td").len();
    let linked = page.texts("table tr td a").len();
    let rates = page
        .texts("table tr td")
        .iter()
        .filter(|t| t.ends_with('%') || t.as_str() == "—")
        .count();
    assert_eq!(
        linked + rates,
        cells,
        "{linked} linked + {rates} rates of {cells} cells"
    );
    assert_eq!(page.texts("svg title").len(), 4);
    assert!(
        page.texts("svg desc")
            .iter()
            .any(|d| d.contains("Élèves : 150"))
    );
    // The link behind « held » lists exactly a1 and a4.
    let href = page
        .attrs("table a", "href")
        .into_iter()
        .find(|h| {
            h.contains("indicateur=tenues") && h.contains(&format!("/editions/{}/", w.edition))
        })
        .expect("a link behind the held actions");
    let listed =
        Page::parse(&body(w.app.get(&href).await).await).attrs("tbody td:first-child a", "href");
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.contains(&format!("/actions/{a1}")) && listed.contains(&format!("/actions/{a4}"))
    );
    // Who is missing: a3, first.
    let follow =
        Page::parse(&body(w.app.get(&format!("/editions/{}/bilans", w.edition)).await).await);
    assert!(
        follow
            .text("#bilans-manquants")
            .unwrap()
            .contains("1 bilan manquant sur 4")
    );
    assert_eq!(
        follow.attr("tbody tr td a", "href").unwrap(),
        format!("/actions/{a3}/bilan")
    );

    // The DSDEN and the académie see their own level; the export has one sheet per indicator.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DSDEN).await;
    let page = Page::parse(&body(w.app.get(&w.dashboard("")).await).await);
    assert_eq!(row(&page, "Actions validées"), vec!["1", "5"]);
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(ACADEMY).await;
    let page = Page::parse(&body(w.app.get(&w.dashboard("")).await).await);
    assert_eq!(row(&page, "Actions validées"), vec!["1", "6"]);
    assert_eq!(row(&page, "Actions qui n'ont pas eu lieu"), vec!["0", "1"]);
    let response = w
        .app
        .get(&format!("/editions/{}/indicateurs/export", w.edition))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    // Searching the free texts.
    let page = body(w.app.get(&w.dashboard("?q=zzzz")).await).await;
    assert!(text(&page).contains("Aucune réponse libre ne contient « zzzz »"));
    // Accents and case never matter (migration 0019): « ELEVES » finds « Élèves ».
    perseverance::on_conn!(w.app.db.acquire().await.unwrap().conn(), |c| sqlx::query(
        "UPDATE bilans SET feedback = 'Élèves très impliqués, l''après-midi' WHERE action_id = $1"
    )
    .bind(a1)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    // Spaces, hyphens and apostrophes alike (issue 8's trial): « l apres midi »
    // finds « l'après-midi ».
    for typed in [
        "ELEVES",
        "%C3%A9l%C3%A8ves+tres",
        "l+apres+midi",
        "L%E2%80%99APR%C3%88S-MIDI",
    ] {
        let page = body(w.app.get(&w.dashboard(&format!("?q={typed}"))).await).await;
        assert!(text(&page).contains("Élèves très impliqués"), "{typed}");
    }
}

async fn the_owner_saves_a_draft_then_submits(engine: Engine) {
    let w = world(engine).await;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    w.app.sign_in_demo(OWNER).await;
    // The action page leads to its bilan.
    let show = Page::parse(&body(w.app.get(&format!("/actions/{a}")).await).await);
    assert_eq!(
        show.attr("#lien-bilan", "href").unwrap(),
        format!("/actions/{a}/bilan")
    );
    let response = w
        .submit(
            a,
            &[
                ("intent", "save"),
                ("took_place", "yes"),
                ("pupils", "40"),
                ("feedback", "Belle rencontre"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("avis=bilan-enregistre")
    );
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(page.text("#etat-bilan").unwrap(), "Brouillon");
    assert_eq!(page.field("pupils").unwrap(), "40");
    assert_eq!(page.field("feedback").unwrap(), "Belle rencontre");
    let response = w
        .submit(
            a,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "40"),
                ("feedback", "Belle rencontre"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(page.text("#etat-bilan").unwrap(), "Transmis");
    assert_eq!(page.text("#bilan-pupils").unwrap(), "40");
    assert!(
        page.field("version").is_none(),
        "a submitted bilan is no longer a form"
    );
    // The district coordinator reads it.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(page.text("#bilan-tenue").unwrap(), "Oui, elle a eu lieu");
}

async fn bad_input_is_refused_next_to_the_field_and_nothing_is_lost(engine: Engine) {
    let w = world(engine).await;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let submitted = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Submitted,
        )
        .await;
    w.app.sign_in_demo(OWNER).await;
    // Negative and absurd figures: 422, the message next to the field, everything typed kept.
    let response = w
        .submit(
            a,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "-4"),
                ("parents", "200000"),
                ("perspectives", "Recommencer"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#pupils-erreur")
            .unwrap()
            .contains("positif ou nul")
    );
    assert!(
        page.text("#parents-erreur")
            .unwrap()
            .contains("vérifiez le nombre")
    );
    assert_eq!(page.field("pupils").unwrap(), "-4");
    assert_eq!(page.field("parents").unwrap(), "200000");
    assert_eq!(page.field("perspectives").unwrap(), "Recommencer");
    // The well-formed fields were saved as a draft.
    let stored = bilans_store::bilan(&mut w.app.db.acquire().await.unwrap().conn(), a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.state, stored.perspectives.as_str(), stored.pupils),
        (BilanState::Draft, "Recommencer", None)
    );
    // More pupils than the school holds: a warning, not a refusal.
    let response = w
        .submit(
            a,
            &[
                ("intent", "save"),
                ("took_place", "yes"),
                ("pupils", "5000"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = body(w.app.get(&format!("/actions/{a}/bilan")).await).await;
    let page = Page::parse(&html);
    assert!(
        page.text("#pupils-avertissement")
            .expect(&html)
            .contains("5000 élèves")
    );
    // A bilan for an action that is not validated: refused, said why.
    let response = w.app.get(&format!("/actions/{submitted}/bilan")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(text(&body(response).await).contains("Seule une action validée a un bilan"));
    // After the deadline (without an extension): the form comes back, kept, with the reason.
    let sql_edition = w.edition;
    let mut conn = w.app.db.acquire().await.unwrap();
    let edition = editions_store::edition_by_id(&mut conn.conn(), sql_edition)
        .await
        .unwrap()
        .unwrap();
    let mut values = EditionValues {
        year: edition.year,
        number: edition.number,
        theme: edition.theme.clone(),
        calendar: edition.calendar(),
        circular: String::new(),
        contact_email: edition.contact_email.clone(),
        reminder_days: edition.reminder_days.clone(),
    };
    values.calendar.bilan_deadline = paris_date(Utc::now()) - Duration::days(1);
    editions_store::update_edition(&mut conn.conn(), sql_edition, &values)
        .await
        .unwrap();
    drop(conn);
    let page = body(w.app.get(&format!("/actions/{a}/bilan")).await).await;
    assert!(text(&page).contains("La date limite des bilans de cette édition est passée"));
    let response = w
        .app
        .post(
            &format!("/actions/{a}/bilan"),
            &[
                ("version", "3"),
                ("intent", "submit"),
                ("took_place", "yes"),
                ("feedback", "Trop tard"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert_eq!(page.field("feedback").unwrap(), "Trop tard");

    // The owner may not extend; the district coordination gives two weeks, by mail.
    let refused = w.app.post(&format!("/actions/{a}/bilan/delai"), &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    assert!(page.text("#delai").is_some());
    let response = w.app.post(&format!("/actions/{a}/bilan/delai"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let until =
        perseverance::domain::formats::format_date(paris_date(Utc::now()) + Duration::days(14));
    let mails = w.app.mails(1).await;
    let mail = mails
        .iter()
        .find(|m| m.contains("prolonge le délai du bilan"))
        .expect("the owner is told");
    assert!(mail.contains(&until), "{mail}");
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(OWNER).await;
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    let version = page.field("version").expect("the form is open again");
    let response = w
        .app
        .post(
            &format!("/actions/{a}/bilan"),
            &[
                ("version", &version),
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "25"),
                ("feedback", "Enfin transmis"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    // Submitted: no extension any more.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let response = w.app.post(&format!("/actions/{a}/bilan/delai"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

async fn a_coordinator_sends_a_bilan_back_for_completion(engine: Engine) {
    let w = world(engine).await;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    w.app.sign_in_demo(OWNER).await;
    let response = w
        .submit(
            a,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The owner may not send back; the coordinator must say what to complete.
    let refused = w
        .app
        .post(
            &format!("/actions/{a}/bilan/renvoi"),
            &[("version", "1"), ("comment", "x")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let page = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await);
    let version = page.field("version").unwrap();
    let response = w
        .app
        .post(
            &format!("/actions/{a}/bilan/renvoi"),
            &[("version", &version), ("comment", " ")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        Page::parse(&body(response).await)
            .text("#comment-erreur")
            .unwrap()
            .contains("Expliquez")
    );
    let response = w
        .app
        .post(
            &format!("/actions/{a}/bilan/renvoi"),
            &[
                ("version", &version),
                ("comment", "Ajoutez la fréquentation des parents."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mails = w.app.mails(1).await;
    assert!(mails.iter().any(|m| m.contains("To: personnel@demo.test")
        && m.contains("Ajoutez la fréquentation des parents.")));
    // The owner sees the request, completes and submits again; it counts again.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(OWNER).await;
    let page = body(w.app.get(&format!("/actions/{a}/bilan")).await).await;
    assert!(text(&page).contains("La coordination vous demande de compléter ce bilan"));
    assert_eq!(
        Page::parse(&page).text("#etat-bilan").unwrap(),
        "À compléter"
    );
    let response = w
        .submit(
            a,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "12"),
                ("parents", "6"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let totals = dash::totals(
        &mut w.app.db.acquire().await.unwrap().conn(),
        &[w.edition],
        &Scope::District(w.district),
        false,
    )
    .await
    .unwrap();
    assert_eq!((totals[0].bilans, totals[0].attendance[1]), (1, 6));
}

async fn reminders_go_once_to_the_owners_who_have_not_submitted(engine: Engine) {
    let w = world(engine).await;
    let db = &w.app.db;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let b = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let done = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    w.bilan(
        done,
        w.edition,
        TookPlace::Yes,
        [Some(3), None, None, None, None],
        BilanState::Submitted,
    )
    .await;
    w.bilan(
        b,
        w.edition,
        TookPlace::Yes,
        [Some(3), None, None, None, None],
        BilanState::Draft,
    )
    .await;
    let config = Config::from_lookup(|_| None).unwrap();
    // 20 days before the deadline: nothing due (« 14 3 » by default).
    let now = Utc::now();
    assert_eq!(
        perseverance::bilans::reminders::send_due(db, &config, now)
            .await
            .unwrap(),
        0
    );
    // 14 days before: one mail to the owner, listing a and b; twice at once, sent once.
    let later = now + Duration::days(7);
    let (x, y) = tokio::join!(
        perseverance::bilans::reminders::send_due(db, &config, later),
        perseverance::bilans::reminders::send_due(db, &config, later)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(
        perseverance::bilans::reminders::send_due(db, &config, later)
            .await
            .unwrap(),
        0
    );
    let mails = w.app.mails(1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        mail.contains(&format!("/actions/{a}/bilan"))
            && mail.contains(&format!("/actions/{b}/bilan"))
    );
    assert!(!mail.contains(&format!("/actions/{done}/bilan")));
    // 3 days before: the second reminder, once.
    let last = now + Duration::days(18);
    assert_eq!(
        perseverance::bilans::reminders::send_due(db, &config, last)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        perseverance::bilans::reminders::send_due(db, &config, last)
            .await
            .unwrap(),
        0
    );
    // After the deadline: nothing.
    assert_eq!(
        perseverance::bilans::reminders::send_due(db, &config, now + Duration::days(25))
            .await
            .unwrap(),
        0
    );
}

async fn the_questionnaire_is_shaped_by_the_academie(engine: Engine) {
    let w = world(engine).await;
    let path = format!("/editions/{}/questionnaire-bilan", w.edition);
    w.app.sign_in_demo(DISTRICT).await;
    assert_eq!(w.app.get(&path).await.status(), StatusCode::FORBIDDEN);
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(ACADEMY).await;
    let response = w
        .app
        .post(&path, &[("kind", "scale"), ("label", "  ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        Page::parse(&body(response).await)
            .text("#label-erreur")
            .is_some()
    );
    let response = w
        .app
        .post(
            &path,
            &[
                ("kind", "scale"),
                ("label", "Les élèves ont-ils aimé ?"),
                ("required", "oui"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let questions =
        bilans_store::questions(&mut w.app.db.acquire().await.unwrap().conn(), w.edition)
            .await
            .unwrap();
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0].kind, BilanQuestionKind::Scale);
    // Reminder days are checked.
    let response = w
        .app
        .post(&format!("{path}/relances"), &[("days", "demain")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = w
        .app
        .post(&format!("{path}/relances"), &[("days", "J-10 2")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        bilans_store::reminder_days(&mut w.app.db.acquire().await.unwrap().conn(), w.edition)
            .await
            .unwrap(),
        "10 2"
    );
    // The owner answers the scale; the dashboard counts it and links to it.
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(OWNER).await;
    let field = format!("q{}", questions[0].id);
    let response = w
        .submit(
            a,
            &[("intent", "submit"), ("took_place", "yes"), ("pupils", "8")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the required scale is missing"
    );
    let response = w
        .submit(
            a,
            &[
                ("intent", "submit"),
                ("took_place", "yes"),
                ("pupils", "8"),
                (&field, "4"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let counts = dash::distributions(
        &mut w.app.db.acquire().await.unwrap().conn(),
        w.edition,
        &Scope::Academy(w.academy),
    )
    .await
    .unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].value.as_str(), counts[0].count), ("4", 1));
}

/// The checklist's « bilan envoyé » step ticks itself when a bilan of the
/// school is submitted, and unticks when it is sent back; « photos
/// validées » ticks itself once a photo of the school is approved.
async fn the_checklist_sees_a_bilan_sent_and_an_approved_photo(engine: Engine) {
    use perseverance::{
        checklist::store as checklist,
        domain::checklist::{AutoCheck, Phase},
    };
    let w = world(engine).await;
    for (label, check) in [
        ("Envoyer le bilan au district", AutoCheck::BilanSent),
        ("Prendre des photos", AutoCheck::PhotosApproved),
    ] {
        checklist::add_step(
            &mut w.app.db.acquire().await.unwrap().conn(),
            w.edition,
            Phase::After,
            label,
            Some(check),
        )
        .await
        .unwrap();
    }
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    w.app.sign_in_demo(OWNER).await;
    let path = format!("/editions/{}/etapes", w.edition);
    let page = body(w.app.get(&path).await).await;
    assert!(page.contains("<strong>0 étape"), "{page}");
    // A draft is not sent.
    let fields = [("took_place", "yes"), ("pupils", "30")];
    let with = |intent: &'static str| {
        let mut all = vec![("intent", intent)];
        all.extend(fields);
        all
    };
    w.submit(a, &with("save")).await;
    assert!(
        body(w.app.get(&path).await)
            .await
            .contains("<strong>0 étape")
    );
    let response = w.submit(a, &with("submit")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(w.app.get(&path).await).await;
    assert!(
        page.contains("<strong>1 étape faite sur 2</strong>"),
        "{page}"
    );
    assert!(page.contains("vu par le service"));
    // Sent back for completion: no longer sent.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DISTRICT).await;
    let version = Page::parse(&body(w.app.get(&format!("/actions/{a}/bilan")).await).await)
        .field("version")
        .unwrap();
    let response = w
        .app
        .post(
            &format!("/actions/{a}/bilan/renvoi"),
            &[("version", &version), ("comment", "Ajoutez les parents.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The district's progress table shows the school at 0 of 2 again.
    let table = body(w.app.get(&format!("{path}/suivi")).await).await;
    assert!(table.contains("<strong>0 / 2</strong>"), "{table}");
    assert!(!table.contains("<strong>1 / 2</strong>"), "{table}");
    // A photo of the school approved by the académie ticks « photos
    // validées »; a photo still waiting does not.
    {
        use perseverance::{
            auth::store::user_by_email,
            domain::{
                Email,
                media::{Consent, MediaKind, MediaState},
            },
            media::store::{self as media, NewMedia},
        };
        let mut db = w.app.db.acquire().await.unwrap();
        let conn = &mut db.conn();
        let owner = user_by_email(conn, &Email::parse(OWNER).unwrap())
            .await
            .unwrap()
            .unwrap();
        let mut ids = Vec::new();
        for _ in 0..2 {
            let new = NewMedia {
                edition_id: w.edition,
                school_id: Some(w.schools[0]),
                uploader_id: owner.id,
                owner_kind: "totem",
                owner_id: 1,
                kind: MediaKind::Image,
                file_name: "totem.png",
                byte_size: 10,
                master_key: "cle-de-test",
                description: "Le totem",
                consent: Some(Consent::NoneIdentifiable),
            };
            ids.push(media::insert(conn, &new).await.unwrap());
        }
        drop(db);
        let table = body(w.app.get(&format!("{path}/suivi")).await).await;
        assert!(table.contains("<strong>0 / 2</strong>"), "pending: {table}");
        media::set_state(
            &mut w.app.db.acquire().await.unwrap().conn(),
            ids[1],
            MediaState::Pending,
            MediaState::Approved,
            owner.id,
        )
        .await
        .unwrap();
    }
    let table = body(w.app.get(&format!("{path}/suivi")).await).await;
    assert!(
        table.contains("<strong>1 / 2</strong>"),
        "approved: {table}"
    );
}

/// A small PNG photo.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn bilan_photos(w: &World, action: ActionId) -> Vec<perseverance::media::store::Media> {
    perseverance::media::store::media_of(
        &mut w.app.db.acquire().await.unwrap().conn(),
        "bilan",
        action.0,
    )
    .await
    .unwrap()
}

/// Posts the bilan form as the page sends it (multipart, with its version
/// and one-time token), with an optional photo.
async fn post_bilan(
    visitor: &common::people::Visitor,
    action: ActionId,
    fields: &[(&str, &str)],
    photo: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let page = Page::parse(&body(visitor.get(&format!("/actions/{action}/bilan")).await).await);
    let version = page.field("version").expect("the bilan form");
    let once = page.field("once").unwrap();
    let mut all: Vec<(&str, &str)> = vec![("version", &version), ("once", &once)];
    all.extend_from_slice(fields);
    visitor
        .post_multipart(
            &format!("/actions/{action}/bilan"),
            &all,
            photo.map(|(name, bytes)| ("photo", name, bytes)),
        )
        .await
}

async fn the_owner_attaches_photos_that_the_coordinations_see(engine: Engine) {
    use common::people::Visitor;
    let w = world(engine).await;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let owner = Visitor::new(&w.app);
    owner.sign_in(&w.app, OWNER).await;
    let page = Page::parse(&body(owner.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(
        page.attr("form[action$='/bilan']", "enctype").as_deref(),
        Some("multipart/form-data")
    );
    assert!(page.attr("input#photo", "accept").is_some());
    let draft = [
        ("intent", "save"),
        ("took_place", "yes"),
        ("pupils", "40"),
        ("feedback", "Belle rencontre"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all = draft.to_vec();
        all.extend_from_slice(extra);
        all
    };

    // A file that is not an image: refused next to the field, the draft
    // saved and everything typed kept.
    let response = post_bilan(
        &owner,
        a,
        &with(&[
            ("photo_description", "Les élèves devant l'exposition"),
            ("photo_consent", "none_identifiable"),
        ]),
        Some(("photo.png", b"<html><script>alert(1)</script></html>")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#photo-erreur").is_some(),
        "a message for the photo"
    );
    assert_eq!(page.field("pupils").unwrap(), "40");
    assert_eq!(page.field("feedback").unwrap(), "Belle rencontre");
    assert_eq!(
        page.field("photo_description").unwrap(),
        "Les élèves devant l'exposition"
    );
    assert!(bilan_photos(&w, a).await.is_empty());
    let page = Page::parse(&body(owner.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(page.text("#etat-bilan").unwrap(), "Brouillon");
    assert_eq!(page.field("pupils").unwrap(), "40");

    // The consent tick without a description (it could be published): refused.
    let photo = png(48, 32);
    let response = post_bilan(
        &owner,
        a,
        &with(&[("photo_consent", "authorisations")]),
        Some(("photo.png", &photo)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(
        page.text("#photo_description-erreur")
            .unwrap()
            .contains("Décrivez la photo")
    );
    assert_eq!(
        page.attr("#photo_consent-authorisations", "checked")
            .as_deref(),
        Some("")
    );
    assert!(bilan_photos(&w, a).await.is_empty());

    // Too large: a French 413 before the body is read; the draft as it was.
    let heavy = vec![0u8; 13 * 1024 * 1024];
    let response = post_bilan(&owner, a, &with(&[]), Some(("photo.jpg", &heavy))).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body(response).await.contains("Mo"));
    assert!(bilan_photos(&w, a).await.is_empty());

    // A good photo: saved with the draft, private, processed by the job.
    let response = post_bilan(
        &owner,
        a,
        &with(&[
            ("photo_description", "Les élèves devant l'exposition"),
            ("photo_consent", "none_identifiable"),
        ]),
        Some(("photo.png", &photo)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let photos = bilan_photos(&w, a).await;
    assert_eq!(photos.len(), 1);
    let media = &photos[0];
    assert_eq!(media.school_id, Some(w.schools[0]));
    assert_eq!(media.edition_id, w.edition);
    assert_eq!(
        media.state,
        perseverance::domain::media::MediaState::Pending
    );
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&w.app.db, &w.app.running.state.config)
            .await
            .unwrap();
        if bilan_photos(&w, a).await[0].processed_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let id = media.id;
    let thumb = format!("/medias/{id}/vignette");
    let page = Page::parse(&body(owner.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(
        page.attr("#photos ~ ul img", "src").as_deref(),
        Some(thumb.as_str())
    );
    assert_eq!(page.field("pupils").unwrap(), "40");
    assert_eq!(owner.get(&thumb).await.status(), StatusCode::OK);

    // Nothing public before approval.
    let anonymous = Visitor::new(&w.app);
    assert_eq!(anonymous.get(&thumb).await.status(), StatusCode::NOT_FOUND);

    // The district coordination sees it with the bilan, and cannot decide.
    let district = Visitor::new(&w.app);
    district.sign_in(&w.app, DISTRICT).await;
    let page = Page::parse(&body(district.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(
        page.attr("#photos ~ ul img", "alt").as_deref(),
        Some("Les élèves devant l'exposition")
    );
    let served = district.get(&thumb).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["cache-control"], "private, no-store");
    let refused = district
        .post(
            &format!("/medias/{id}/decision"),
            &[("decision", "approve"), ("suite", "/")],
        )
        .await;
    assert!(refused.status().is_client_error());

    // The académie finds it on the review page, linked to the bilan, and
    // approves it: public, cached, with an ETag.
    let academy = Visitor::new(&w.app);
    academy.sign_in(&w.app, ACADEMY).await;
    let review = body(
        academy
            .get(&format!("/editions/{}/medias", w.edition))
            .await,
    )
    .await;
    let page = Page::parse(&review);
    assert_eq!(
        page.attr(&format!("#media-{id} .pv-media__origin a"), "href"),
        Some(format!("/actions/{a}/bilan"))
    );
    let page = Page::parse(&body(academy.get(&format!("/actions/{a}/bilan")).await).await);
    assert!(page.text(&format!("#media-{id}")).is_some());
    let approved = academy
        .post(
            &format!("/medias/{id}/decision"),
            &[("decision", "approve"), ("suite", "/")],
        )
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let served = anonymous.get(&thumb).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert!(served.headers().contains_key("etag"));

    // The owner withdraws it (consent withdrawn): private again at once.
    let withdrawn = owner
        .post(
            &format!("/medias/{id}/decision"),
            &[("decision", "withdraw"), ("suite", "/")],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.get(&thumb).await.status(), StatusCode::NOT_FOUND);

    // Without the consent tick a photo is kept, private, and the page says so;
    // the bilan is then submitted with its photos.
    let response = post_bilan(
        &owner,
        a,
        &[
            ("intent", "submit"),
            ("took_place", "yes"),
            ("pupils", "40"),
            ("feedback", "Belle rencontre"),
        ],
        Some(("photo2.png", &png(30, 30))),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let photos = bilan_photos(&w, a).await;
    assert_eq!(photos.len(), 2);
    assert!(photos[1].consent.is_none());
    let page = body(owner.get(&format!("/actions/{a}/bilan")).await).await;
    assert!(page.contains("non cochée"), "{page}");
    let page = Page::parse(&page);
    assert_eq!(page.text("#etat-bilan").unwrap(), "Transmis");
}

/// Without `?annee=`, the national view shows the latest year that has an
/// edition (the trial found it opening on this calendar year, with nothing).
async fn the_national_view_opens_on_the_latest_year_with_an_edition(engine: Engine) {
    let w = world(engine).await;
    w.action(
        w.edition,
        Some(w.schools[0]),
        None,
        &["eleves"],
        ActionState::Validated,
    )
    .await;
    w.app.sign_in_demo("admin@demo.test").await;
    // « Mon espace » leads there.
    let space = Page::parse(&body(w.app.get("/mon-espace").await).await);
    assert!(
        space
            .attrs("a", "href")
            .contains(&"/indicateurs/national".to_string())
    );
    for query in ["", "?annee=", "?annee=demain"] {
        let response = w.app.get(&format!("/indicateurs/national{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let page = Page::parse(&body(response).await);
        assert_eq!(
            page.text("h1").unwrap(),
            format!("Vue nationale {}", w.year),
            "{query}"
        );
        assert_eq!(page.field("annee").unwrap(), w.year.to_string());
        let line = page
            .texts("table tr")
            .into_iter()
            .find(|r| r.starts_with("Créteil"))
            .unwrap_or_else(|| panic!("a line for Créteil ({query})"));
        assert_eq!(line.split_whitespace().nth(1), Some("1"), "{line}");
    }
    // A year asked for is shown, even an empty one.
    let page = Page::parse(&body(w.app.get("/indicateurs/national?annee=2001").await).await);
    assert_eq!(page.text("h1").unwrap(), "Vue nationale 2001");
    assert!(
        page.texts("table tr")
            .iter()
            .all(|r| !r.starts_with("Créteil"))
    );
}

/// How many files the service's store holds (every folder under it).
pub fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { count(&path) } else { 1 }
                })
                .sum()
        })
    }
    count(&app.dir.path().join("files"))
}

/// The trial's case: a bilan sent with a photo and refused for another field
/// (a negative attendance) came back without the photo's description and
/// consent, and the corrected submission stored the photo a second time.
/// Now the photo is held (stored once, named by a hidden field), the form
/// keeps everything typed about it, and the corrected submission attaches
/// that same file without asking for it again.
async fn a_refused_bilan_keeps_its_photo_and_stores_it_once(engine: Engine) {
    use common::people::Visitor;
    let w = world(engine).await;
    let a = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let owner = Visitor::new(&w.app);
    owner.sign_in(&w.app, OWNER).await;
    let before = stored_files(&w.app);
    let photo = png(48, 32);
    let typed = [
        ("intent", "submit"),
        ("took_place", "yes"),
        ("feedback", "Belle rencontre"),
        ("photo_description", "Les élèves devant l'exposition"),
        ("photo_consent", "none_identifiable"),
    ];
    let response = post_bilan(
        &owner,
        a,
        &[typed.as_slice(), &[("pupils", "-3")]].concat(),
        Some(("expo.png", &photo)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#pupils-erreur").is_some());
    assert_eq!(page.field("pupils").unwrap(), "-3");
    assert_eq!(
        page.field("photo_description").unwrap(),
        "Les élèves devant l'exposition"
    );
    assert_eq!(
        page.attr("#photo_consent-none_identifiable", "checked")
            .as_deref(),
        Some("")
    );
    assert!(page.text("#photo-recue").unwrap().contains("« expo.png »"));
    let held = page.field("photo_held").expect("the photo held");
    assert!(bilan_photos(&w, a).await.is_empty(), "not attached yet");
    assert_eq!(stored_files(&w.app), before + 1, "stored once");

    // Refused again (a description too long for the photo): still held, the
    // same file, not stored again.
    let long = "é".repeat(600);
    let mut again: Vec<(&str, &str)> =
        [typed.as_slice(), &[("pupils", "30"), ("photo_held", &held)]]
            .concat()
            .into_iter()
            .filter(|(k, _)| *k != "photo_description")
            .collect();
    again.push(("photo_description", &long));
    let response = post_bilan(&owner, a, &again, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#photo_description-erreur").is_some());
    assert!(page.text("#photo-recue").unwrap().contains("« expo.png »"));
    let held = page.field("photo_held").expect("still held");
    assert!(bilan_photos(&w, a).await.is_empty());
    assert_eq!(stored_files(&w.app), before + 1);

    // Someone else's page cannot use the hidden field.
    let other = Visitor::new(&w.app);
    other.sign_in(&w.app, OWNER).await;
    let b = w
        .action(
            w.edition,
            Some(w.schools[0]),
            None,
            &["eleves"],
            ActionState::Validated,
        )
        .await;
    let response = post_bilan(
        &other,
        b,
        &[("intent", "save"), ("photo_held", &held)],
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        bilan_photos(&w, b).await.is_empty(),
        "another session's token"
    );

    // Corrected: sent, the photo attached once, with what was typed about it,
    // without being chosen again.
    let response = post_bilan(
        &owner,
        a,
        &[typed.as_slice(), &[("pupils", "30"), ("photo_held", &held)]].concat(),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let photos = bilan_photos(&w, a).await;
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].description, "Les élèves devant l'exposition");
    assert_eq!(photos[0].consent.as_deref(), Some("none_identifiable"));
    assert_eq!(photos[0].file_name, "expo.png");
    // Once processed: the master and its two variants, nothing else.
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&w.app.db, &w.app.running.state.config)
            .await
            .unwrap();
        if bilan_photos(&w, a).await[0].processed_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stored_files(&w.app), before + 3, "not stored a second time");
    let page = Page::parse(&body(owner.get(&format!("/actions/{a}/bilan")).await).await);
    assert_eq!(page.text("#etat-bilan").unwrap(), "Transmis");
    assert_eq!(page.text("#bilan-pupils").unwrap(), "30");
}
