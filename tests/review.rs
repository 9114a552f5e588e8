//! The review of an edition's actions over HTTP, on both engines: the
//! district review list and its filters, bulk validation, the CSV export,
//! the coverage dashboard, and who may see them.

mod common;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use common::{Engine, TestApp, body, html::text};
use perseverance::domain::ids::{ActionId, DistrictId, EditionId, QuestionId, SchoolId, UserId};
use perseverance::{
    actions::store as actions_store,
    auth::store as auth_store,
    db::Db,
    domain::{
        Email, Grant, Role, Scope,
        action::ActionState,
        declaration::{ActionInput, CheckedAction, Question, QuestionKind},
        edition::{EditionCalendar, EditionState, paris_to_utc},
    },
    editions::store::{self as editions_store, EditionValues},
    map::store as map_store,
};
use reqwest::StatusCode;

on_both_engines!(
    district_coordinator_sees_their_district_only,
    filters_narrow_the_list,
    wider_scopes_see_more_and_pick_a_district,
    overlapping_grants_list_each_action_once,
    the_list_pages_by_fifty,
    bulk_validation_validates_the_selection_and_says_why_not,
    export_is_a_csv_for_excel,
    export_streams_every_batch,
    dashboard_counts_the_coverage,
    staff_and_strangers_are_kept_out,
    actions_follow_their_school_to_another_district,
);

const DISTRICT: &str = "coordination.district@demo.test";
const ACADEMY: &str = "coordination.academique@demo.test";
const DSDEN: &str = "dsden93@demo.test";
const STAFF: &str = "personnel@demo.test";

/// The demo map as the tests use it, and a fresh open edition.
struct World {
    app: TestApp,
    edition: EditionId,
    week_start: NaiveDate,
    /// The district of the district coordinator (first of Seine-Saint-Denis).
    district: DistrictId,
    /// Its schools, the staff member's school first.
    schools: Vec<map_store::School>,
    /// Another district of Seine-Saint-Denis.
    district_93: DistrictId,
    school_93: map_store::School,
    /// A district of Seine-et-Marne.
    school_77: map_store::School,
    /// The staff member, owner of the actions.
    owner: UserId,
}

async fn user_id(db: &Db, email: &str) -> UserId {
    auth_store::user_by_email(
        &mut db.acquire().await.unwrap().conn(),
        &Email::parse(email).unwrap(),
    )
    .await
    .unwrap()
    .expect("a demo account")
    .id
}

async fn world(engine: Engine) -> World {
    let app = TestApp::spawn(engine).await;
    let db = app.db.clone();
    let academy = map_store::academy_by_slug(&mut db.acquire().await.unwrap().conn(), "creteil")
        .await
        .unwrap()
        .expect("the demo académie");
    let owner = user_id(&db, STAFF).await;
    let grant = &auth_store::grants_of(&mut db.acquire().await.unwrap().conn(), owner)
        .await
        .unwrap()[0];
    let (district, staff_school) = (grant.district_id.unwrap(), grant.school_id.unwrap());
    let mut schools =
        map_store::schools_of_district(&mut db.acquire().await.unwrap().conn(), district)
            .await
            .unwrap();
    schools.sort_by_key(|s| s.id != staff_school);
    let districts = map_store::districts(&mut db.acquire().await.unwrap().conn(), academy.id)
        .await
        .unwrap();
    let district_93 = districts
        .iter()
        .find(|d| d.department_name == "Seine-Saint-Denis" && d.id != district)
        .unwrap()
        .id;
    let district_77 = districts
        .iter()
        .find(|d| d.department_name == "Seine-et-Marne")
        .unwrap()
        .id;
    let school_93 =
        map_store::schools_of_district(&mut db.acquire().await.unwrap().conn(), district_93)
            .await
            .unwrap()[0]
            .clone();
    let school_77 =
        map_store::schools_of_district(&mut db.acquire().await.unwrap().conn(), district_77)
            .await
            .unwrap()[0]
            .clone();

    // An open edition three years ahead (the demo has this year's and last year's).
    let year = Utc::now().year() + 3;
    let day = |month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap();
    let values = EditionValues {
        year: i64::from(year),
        number: 12,
        theme: "Tous ensemble".into(),
        calendar: EditionCalendar {
            week_start: day(4, 5),
            week_end: day(4, 9),
            declaration_deadline: paris_to_utc(
                day(3, 12),
                NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ),
            bilan_deadline: day(6, 30),
        },
        circular: String::new(),
        contact_email: "ce.saio@ac-creteil.fr".into(),
        reminder_days: "14 7 2".into(),
    };
    let mut tx = db.begin().await.unwrap();
    let edition = editions_store::insert_edition(&mut tx.conn(), academy.id, &values, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    editions_store::set_edition_state(
        &mut db.acquire().await.unwrap().conn(),
        edition,
        EditionState::Open,
    )
    .await
    .unwrap();
    World {
        app,
        edition,
        week_start: day(4, 5),
        district,
        schools,
        district_93,
        school_93,
        school_77,
        owner,
    }
}

/// What an action is about, for the tests.
struct Spec<'a> {
    title: &'a str,
    audiences: &'a [&'a str],
    /// Days after the first day of the week.
    day: i64,
    state: ActionState,
}

impl World {
    /// Declares a complete action through the stores and moves it to `state`.
    async fn action(
        &self,
        school: Option<SchoolId>,
        district: Option<DistrictId>,
        spec: Spec<'_>,
    ) -> ActionId {
        self.action_with(school, district, spec, Vec::new()).await
    }

    async fn action_with(
        &self,
        school: Option<SchoolId>,
        district: Option<DistrictId>,
        spec: Spec<'_>,
        answers: Vec<(QuestionId, &str)>,
    ) -> ActionId {
        let db = &self.app.db;
        let starts_on = self.week_start + Duration::days(spec.day);
        let input = ActionInput {
            title: spec.title.into(),
            summary: format!("Résumé de {}", spec.title),
            description: "Des élèves et des anciens élèves témoignent.".into(),
            owner_name: "Mme Martin".into(),
            owner_role: "CPE".into(),
            owner_public: false,
            people_involved: "L'équipe de vie scolaire".into(),
            audiences: spec.audiences.iter().map(|a| a.to_string()).collect(),
            levels: vec!["3e".into()],
            scheme: "aucun".into(),
            before_week: false,
            starts_on: starts_on.format("%Y-%m-%d").to_string(),
            start_time: "14:00".into(),
            end_time: "16:00".into(),
            place: "CDI".into(),
            partners: "Mission locale".into(),
            expected_participants: "30".into(),
            showcase_kinds: vec!["exposition".into(), "temps-festif".into()],
            showcase_other: String::new(),
            answers: answers
                .into_iter()
                .map(|(q, v)| (q, vec![v.to_string()]))
                .collect(),
        };
        let checked = CheckedAction {
            starts_on: Some(starts_on),
            expected_participants: Some(30),
        };
        let mut tx = db.begin().await.unwrap();
        let id =
            actions_store::create_draft(&mut tx.conn(), self.edition, school, district, self.owner)
                .await
                .unwrap();
        assert!(
            actions_store::save_content(&mut tx.conn(), id, 1, &input, &checked)
                .await
                .unwrap()
        );
        let mut at = ActionState::Draft;
        let path: &[ActionState] = match spec.state {
            ActionState::Draft => &[],
            ActionState::Submitted => &[ActionState::Submitted],
            other => &[ActionState::Submitted, other],
        };
        // Saved once (version 2), then one version per move.
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

    fn school(&self, i: usize) -> Option<SchoolId> {
        Some(self.schools[i].id)
    }

    fn list(&self, query: &str) -> String {
        format!("/editions/{}/revue{query}", self.edition)
    }

    async fn page(&self, query: &str) -> String {
        let response = self.app.get(&self.list(query)).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        text(&body(response).await)
    }
}

fn spec<'a>(
    title: &'a str,
    audiences: &'static [&'static str],
    day: i64,
    state: ActionState,
) -> Spec<'a> {
    Spec {
        title,
        audiences,
        day,
        state,
    }
}

/// The titles of the table's lines, in order.
fn titles(html: &str) -> Vec<String> {
    common::html::Page::parse(html).texts("a[href^=\"/actions/\"]")
}

/// The usual material: four actions in the district (one draft), one
/// district action, one action in another district of 93, one in 77.
async fn material(w: &World) {
    use ActionState::*;
    w.action(
        w.school(0),
        None,
        spec("Forum des métiers", &["eleves", "parents"], 1, Submitted),
    )
    .await;
    w.action(
        w.school(1),
        None,
        spec("Exposition des élèves", &["eleves"], 3, Validated),
    )
    .await;
    w.action(
        w.school(2),
        None,
        spec("Café des parents", &["parents"], 0, ChangesRequested),
    )
    .await;
    w.action(
        w.school(0),
        None,
        spec("Brouillon secret", &["eleves"], 2, Draft),
    )
    .await;
    w.action(
        None,
        Some(w.district),
        spec("Rencontre du district", &["personnels"], 4, Submitted),
    )
    .await;
    w.action(
        Some(w.school_93.id),
        None,
        spec("Action de Bobigny", &["eleves"], 1, Submitted),
    )
    .await;
    w.action(
        Some(w.school_77.id),
        None,
        spec("Action de Meaux", &["eleves"], 1, Declined),
    )
    .await;
}

async fn district_coordinator_sees_their_district_only(engine: Engine) {
    let w = world(engine).await;
    material(&w).await;
    w.app.sign_in_demo(DISTRICT).await;
    let html = w.page("").await;
    assert_eq!(
        titles(&html),
        [
            "Café des parents",
            "Forum des métiers",
            "Exposition des élèves",
            "Rencontre du district"
        ],
        "by date, drafts and other districts left out"
    );
    assert!(html.contains("4 actions transmises"), "{html}");
    assert!(html.contains(&w.schools[0].uai));
    assert!(html.contains("fr-badge--success\">Validée</p>"));
    assert!(html.contains("Modifications demandées"));
    assert!(html.contains("Élèves, Parents"));
    assert!(html.contains("Action de district — District de Saint-Denis"));
    assert!(html.contains("Valider la sélection") && html.contains("Exporter la sélection (CSV)"));
    assert!(!html.contains("Brouillon secret") && !html.contains("Action de Bobigny"));
    // A coordinator of one district has no district to choose.
    assert!(!html.contains("id=\"district\" name=\"district\""));
    // Their district's filter cannot be widened by hand.
    let widened = w.page(&format!("?district={}", w.district_93)).await;
    assert!(!widened.contains("Action de Bobigny"));
    assert_eq!(titles(&widened).len(), 4);
}

async fn filters_narrow_the_list(engine: Engine) {
    let w = world(engine).await;
    material(&w).await;
    w.app.sign_in_demo(DISTRICT).await;
    assert_eq!(
        titles(&w.page("?etat=validated").await),
        ["Exposition des élèves"]
    );
    assert_eq!(
        titles(&w.page("?etat=draft").await).len(),
        4,
        "drafts are no filter: the whole list"
    );
    assert_eq!(
        titles(&w.page("?public=parents").await),
        ["Café des parents", "Forum des métiers"]
    );
    assert_eq!(titles(&w.page("?q=FORUM").await), ["Forum des métiers"]);
    // Accents and case alike on both engines.
    assert_eq!(titles(&w.page("?q=caf%C3%89").await), ["Café des parents"]);
    assert_eq!(
        titles(&w.page("?q=%C3%A9l%C3%A8ves").await).len(),
        4,
        "in every description"
    );
    assert_eq!(
        titles(&w.page("?q=100%25").await).len(),
        0,
        "% is no wildcard"
    );
    // Accents and case never matter: the typed text and the stored one are
    // folded alike (migration 0019), « ELEVES » finds « élèves ».
    assert_eq!(titles(&w.page("?q=ELEVES").await).len(), 4);
    assert_eq!(
        titles(&w.page("?q=exposition+des+eleves").await),
        ["Exposition des élèves"]
    );
    assert_eq!(titles(&w.page("?q=CAFE").await), ["Café des parents"]);
    let school = w.schools[1].id;
    perseverance::on_conn!(w.app.db.acquire().await.unwrap().conn(), |c| sqlx::query(
        "UPDATE schools SET name = 'Lycée Évariste Galois' WHERE id = $1"
    )
    .bind(school)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    for typed in ["evariste", "LYCEE+EVARISTE", "%C3%A9variste"] {
        assert_eq!(
            titles(&w.page(&format!("?etablissement={typed}")).await),
            ["Exposition des élèves"],
            "{typed}"
        );
    }
    let uai = &w.schools[1].uai;
    assert_eq!(
        titles(
            &w.page(&format!("?etablissement={}", uai.to_lowercase()))
                .await
        ),
        ["Exposition des élèves"]
    );
    // Spaces, hyphens and apostrophes alike (issue 8's trial): « jean moulin »
    // finds « Jean-Moulin », « de l isle » finds « de l’Isle ».
    perseverance::on_conn!(w.app.db.acquire().await.unwrap().conn(), |c| sqlx::query(
        "UPDATE schools SET name = 'Lycée Jean-Moulin de l’Isle' WHERE id = $1"
    )
    .bind(school)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    for typed in [
        "jean+moulin",
        "JEAN-MOULIN",
        "jean+-+moulin",
        "de+l+isle",
        "de+l%27isle",
        "de+l%E2%80%99%C3%AEsle",
    ] {
        assert_eq!(
            titles(&w.page(&format!("?etablissement={typed}")).await),
            ["Exposition des élèves"],
            "{typed}"
        );
    }
    assert!(
        titles(&w.page("?etablissement=jeanmoulin").await).is_empty(),
        "a separator is still one character"
    );
    // The free text too: « cafe des-parents » finds « Café des parents ».
    assert_eq!(
        titles(&w.page("?q=cafe+des-parents").await),
        ["Café des parents"]
    );
    assert_eq!(
        titles(&w.page("?tri=desc").await),
        [
            "Rencontre du district",
            "Exposition des élèves",
            "Forum des métiers",
            "Café des parents"
        ]
    );
    // Filters together, and kept in the form.
    let html = w.page("?public=eleves&q=des&tri=desc").await;
    assert_eq!(
        titles(&html),
        ["Exposition des élèves", "Forum des métiers"]
    );
    assert!(
        html.contains("<option value=\"eleves\" selected>"),
        "{html}"
    );
    assert!(html.contains("name=\"q\" value=\"des\""));
    assert!(html.contains("<option value=\"desc\" selected>"));
    // Nonsense in the query is ignored, not an error.
    assert_eq!(
        titles(&w.page("?etat=nimporte&public=martiens&page=abc").await).len(),
        4
    );
}

async fn wider_scopes_see_more_and_pick_a_district(engine: Engine) {
    let w = world(engine).await;
    material(&w).await;
    w.app.sign_in_demo(ACADEMY).await;
    let html = w.page("").await;
    assert_eq!(titles(&html).len(), 6, "the whole académie, drafts aside");
    assert!(html.contains("Action de Meaux") && html.contains("Action de Bobigny"));
    assert!(html.contains("id=\"district\" name=\"district\""));
    let one = w.page(&format!("?district={}", w.district_93)).await;
    assert_eq!(titles(&one), ["Action de Bobigny"]);
    assert!(one.contains(&format!("<option value=\"{}\" selected>", w.district_93)));

    // The DSDEN of 93 reads its department, without validating.
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DSDEN).await;
    let html = w.page("").await;
    assert_eq!(titles(&html).len(), 5, "Seine-Saint-Denis only");
    assert!(html.contains("Action de Bobigny") && !html.contains("Action de Meaux"));
    assert!(!html.contains("Valider la sélection"));
    assert!(html.contains("Exporter la sélection (CSV)"));
}

async fn overlapping_grants_list_each_action_once(engine: Engine) {
    let w = world(engine).await;
    material(&w).await;
    // The DSDEN of 93 also coordinates a district of 93.
    let dsden = user_id(&w.app.db, DSDEN).await;
    let mut tx = w.app.db.begin().await.unwrap();
    auth_store::add_grant(
        &mut tx.conn(),
        dsden,
        Grant::new(Role::DistrictCoordinator, Scope::District(w.district)).unwrap(),
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    w.app.sign_in_demo(DSDEN).await;
    let html = w.page("").await;
    let mut seen = titles(&html);
    assert_eq!(seen.len(), 5, "{seen:?}");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "no action twice");
    assert!(html.contains("5 actions transmises"));
    assert!(html.contains("Valider la sélection"), "now a reviewer");
    let dashboard = text(
        &body(
            w.app
                .get(&format!("/editions/{}/tableau-de-bord", w.edition))
                .await,
        )
        .await,
    );
    // By state over the department: 1 draft, 3 submitted, 1 changes requested, 1 validated.
    assert!(
        dashboard.contains("<tr><th scope=\"row\">Total</th><td>1</td><td>3</td><td>1</td><td>1</td><td>0</td><td>5</td></tr>"),
        "{dashboard}"
    );
}

async fn the_list_pages_by_fifty(engine: Engine) {
    let w = world(engine).await;
    for i in 0..55 {
        let title = format!("Action {i:02}");
        w.action(
            w.school(i % 25),
            None,
            spec(&title, &["eleves"], (i % 5) as i64, ActionState::Submitted),
        )
        .await;
    }
    w.app.sign_in_demo(DISTRICT).await;
    let first = w.page("?q=action").await;
    assert_eq!(titles(&first).len(), 50);
    assert!(
        first.contains("55 actions transmises — page 1 sur 2"),
        "{first}"
    );
    assert_eq!(titles(&first)[0], "Action 00");
    assert!(first.contains("page=2\">Page suivante"), "{first}");
    assert!(first.contains("q=action"));
    let second = w.page("?q=action&page=2").await;
    assert_eq!(
        titles(&second),
        [
            "Action 34",
            "Action 39",
            "Action 44",
            "Action 49",
            "Action 54"
        ]
    );
    assert!(second.contains("Page précédente"));
    let beyond = w.page("?page=9").await;
    assert_eq!(titles(&beyond).len(), 0);
    assert!(beyond.contains("55 actions transmises"));
    let notice = common::html::text(&beyond);
    assert!(
        notice.contains("La page 9 n’existe pas : cette liste compte 2 pages."),
        "{notice}"
    );
    assert!(
        beyond.contains("page=2\">Aller à la dernière page"),
        "{beyond}"
    );
}

async fn bulk_validation_validates_the_selection_and_says_why_not(engine: Engine) {
    let w = world(engine).await;
    use ActionState::*;
    let forum = w
        .action(
            w.school(0),
            None,
            spec("Forum des métiers", &["eleves"], 1, Submitted),
        )
        .await;
    let cafe = w
        .action(
            w.school(2),
            None,
            spec("Café des parents", &["parents"], 0, Submitted),
        )
        .await;
    let done = w
        .action(
            w.school(1),
            None,
            spec("Exposition des élèves", &["eleves"], 3, Validated),
        )
        .await;
    let draft = w
        .action(
            w.school(0),
            None,
            spec("Brouillon secret", &["eleves"], 2, Draft),
        )
        .await;
    let elsewhere = w
        .action(
            Some(w.school_93.id),
            None,
            spec("Action de Bobigny", &["eleves"], 1, Submitted),
        )
        .await;
    let url = format!("/editions/{}/revue/valider", w.edition);

    // The DSDEN reads but does not validate.
    w.app.sign_in_demo(DSDEN).await;
    w.page("").await;
    let response = w.app.post(&url, &[("ids", &forum.to_string())]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(text(&body(response).await).contains("seules les coordinations"));
    w.app.post("/deconnexion", &[]).await;

    w.app.sign_in_demo(DISTRICT).await;
    w.page("").await;
    // Nothing ticked: the list again, with the reason.
    let response = w.app.post(&url, &[("q", "forum")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(&body(response).await);
    assert!(html.contains("Cochez au moins une action à valider."));
    assert_eq!(titles(&html), ["Forum des métiers"], "the filters are kept");

    let ids: Vec<String> = [forum, cafe, done, draft, elsewhere, ActionId(999_999)]
        .iter()
        .map(|i| i.to_string())
        .collect();
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|i| ("ids", i.as_str())).collect();
    fields.push(("etat", "submitted"));
    let response = w.app.post(&url, &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(&body(response).await);
    assert!(html.contains("2 actions validées"), "{html}");
    assert!(
        html.contains("4 actions n’ont pas pu être validées"),
        "{html}"
    );
    assert!(html.contains(
        "Exposition des élèves</a> : Cette action est « Validée » : on ne peut pas la valider."
    ));
    for id in [draft, elsewhere, ActionId(999_999)] {
        assert!(
            html.contains(&format!(
                "Action n° {id} : Cette action est introuvable parmi les actions transmises de votre périmètre."
            )),
            "{id}: {html}"
        );
    }
    assert!(
        !html.contains("Bobigny") && !html.contains("Brouillon secret"),
        "nothing leaks"
    );
    assert!(html.contains(&format!("/editions/{}/revue?etat=submitted", w.edition)));

    let db = &w.app.db;
    for (id, state) in [
        (forum, "validated"),
        (cafe, "validated"),
        (done, "validated"),
        (draft, "draft"),
        (elsewhere, "submitted"),
    ] {
        let action = actions_store::action_by_id(&mut db.acquire().await.unwrap().conn(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(action.state.code(), state, "action {id}");
    }
    let events = actions_store::events(&mut db.acquire().await.unwrap().conn(), forum)
        .await
        .unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.from_state.code(), last.to_state.code()),
        ("submitted", "validated")
    );
    assert_eq!(last.email.as_deref(), Some(DISTRICT));
    assert_eq!(
        actions_store::events(&mut db.acquire().await.unwrap().conn(), elsewhere)
            .await
            .unwrap()
            .len(),
        1
    );
    let mails = w.app.mails(2).await;
    assert_eq!(mails.len(), 2, "one decision mail per validated action");
    for mail in &mails {
        assert!(mail.contains(&format!("To: {STAFF}")), "{mail}");
        assert!(mail.contains("est validée par la coordination"), "{mail}");
    }
    assert!(
        mails
            .iter()
            .any(|m| m.contains(&format!("/actions/{forum}")))
    );
    assert!(
        mails
            .iter()
            .any(|m| m.contains(&format!("/actions/{cafe}")))
    );

    // The same request again validates nothing more.
    let response = w.app.post(&url, &fields[..1]).await;
    let html = text(&body(response).await);
    assert!(html.contains("Aucune action validée"));
    assert!(html.contains("Forum des métiers</a> : Cette action est « Validée »"));

    // Without the form's token, nothing happens.
    let response = w
        .app
        .client
        .post(format!("{}{url}", w.app.url))
        .form(&[("ids", elsewhere.to_string()), ("csrf", "forged".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

fn csv_lines(bytes: &[u8]) -> Vec<String> {
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().collect::<Vec<_>>().join("|"))
        .collect()
}

async fn export_is_a_csv_for_excel(engine: Engine) {
    let w = world(engine).await;
    use ActionState::*;
    let db = &w.app.db;
    let mut tx = db.begin().await.unwrap();
    let question = editions_store::add_question(
        &mut tx.conn(),
        w.edition,
        &Question {
            id: QuestionId(0),
            kind: QuestionKind::ShortText,
            label: "Partenaire principal".into(),
            help: String::new(),
            required: true,
            options: Vec::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let forum = w
        .action_with(
            w.school(0),
            None,
            spec("Forum des métiers", &["eleves", "parents"], 1, Submitted),
            vec![(question, "Mission locale de Saint-Denis")],
        )
        .await;
    let formula = w
        .action(
            w.school(1),
            None,
            spec("=HYPERLINK(\"http://x\")", &["parents"], 2, Validated),
        )
        .await;
    w.action(
        w.school(2),
        None,
        spec("Exposition", &["eleves"], 3, Submitted),
    )
    .await;
    w.action(
        w.school(0),
        None,
        spec("Brouillon secret", &["parents"], 2, Draft),
    )
    .await;
    let elsewhere = w
        .action(
            Some(w.school_93.id),
            None,
            spec("Action de Bobigny", &["parents"], 1, Submitted),
        )
        .await;
    w.app.sign_in_demo(DISTRICT).await;
    w.page("").await;
    let url = format!("/editions/{}/revue/export", w.edition);

    // The selection (what lies outside the district is left out).
    let ids = [
        forum.to_string(),
        formula.to_string(),
        elsewhere.to_string(),
    ];
    let response = w
        .app
        .post(
            &url,
            &[("ids", &ids[0]), ("ids", &ids[1]), ("ids", &ids[2])],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"actions-edition-{}.csv\"", w.edition).as_str()
    );
    let bytes = response.bytes().await.unwrap();
    let raw = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(raw.starts_with("id;état;titre;résumé;établissement;UAI;district;porteur;fonction;publics;niveaux;dispositif;date;horaires;lieu;partenaires;participants attendus;valorisation;Partenaire principal\r\n"), "{raw}");
    let lines = csv_lines(&bytes);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let date = (w.week_start + Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    assert_eq!(
        lines[1],
        format!(
            "{forum}|Soumise|Forum des métiers|Résumé de Forum des métiers|{}|{}|District de Saint-Denis|Mme Martin|CPE|Élèves, Parents|3e|Aucun dispositif particulier|{date}|14:00 – 16:00|CDI|Mission locale|30|Exposition, Temps festif|Mission locale de Saint-Denis",
            w.schools[0].name, w.schools[0].uai
        )
    );
    assert!(
        lines[2].starts_with(&format!("{formula}|Validée|'=HYPERLINK(\"http://x\")|")),
        "formulas are defused: {}",
        lines[2]
    );

    // Nothing ticked: the whole filtered list.
    let response = w.app.post(&url, &[("public", "parents")]).await;
    let lines = csv_lines(&response.bytes().await.unwrap());
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[1].starts_with(&format!("{forum}|")) && lines[2].starts_with(&format!("{formula}|"))
    );
    let response = w.app.post(&url, &[]).await;
    assert_eq!(
        csv_lines(&response.bytes().await.unwrap()).len(),
        4,
        "drafts never"
    );

    // The same list as a workbook: a zip with its sheet.
    let response = w.app.post(&url, &[("format", "xlsx")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let xlsx = response.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));

    // A browser asks for compressed answers: both files arrive whole
    // (the compression layer polled the stream after its end, and the
    // download was cut).
    let csv = w.app.post(&url, &[]).await.bytes().await.unwrap();
    for (format, plain) in [("csv", csv), ("xlsx", xlsx.clone())] {
        let csrf = w.app.csrf();
        let response = w
            .app
            .client
            .post(format!("{}{url}", w.app.url))
            .header("accept-encoding", "gzip")
            .form(&[("csrf", csrf.as_str()), ("format", format)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-encoding"], "gzip");
        let zipped = response.bytes().await.expect("the whole download");
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&zipped[..]),
            &mut unzipped,
        )
        .unwrap();
        if format == "csv" {
            assert_eq!(unzipped, plain.to_vec(), "the same file, compressed");
        } else {
            assert!(unzipped.starts_with(b"PK") && unzipped.len() > 1000);
        }
    }
}

async fn export_streams_every_batch(engine: Engine) {
    // More actions than three batches of 500: none lost or repeated at the seams.
    let w = world(engine).await;
    for i in 0..1_201 {
        w.action(
            w.school(1),
            None,
            spec(
                &format!("Action {i}"),
                &["eleves"],
                1 + (i % 3) as i64,
                ActionState::Submitted,
            ),
        )
        .await;
    }
    w.app.sign_in_demo(DISTRICT).await;
    w.page("").await;
    let url = format!("/editions/{}/revue/export", w.edition);
    let bytes = w.app.post(&url, &[]).await.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let lines = csv_lines(&bytes);
    assert_eq!(lines.len(), 1 + 1_201);
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split('|').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_201, "each action once");
    let xlsx = w
        .app
        .post(&url, &[("format", "xlsx")])
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
}

async fn dashboard_counts_the_coverage(engine: Engine) {
    let w = world(engine).await;
    use ActionState::*;
    // School 0 (with the demo référent) declares only a draft; school 1 submits.
    w.action(w.school(0), None, spec("Brouillon", &["eleves"], 1, Draft))
        .await;
    w.action(
        w.school(1),
        None,
        spec("Forum", &["eleves", "parents"], 1, Submitted),
    )
    .await;
    w.action(
        None,
        Some(w.district),
        spec("Rencontre", &["personnels"], 2, Validated),
    )
    .await;
    w.action(
        Some(w.school_93.id),
        None,
        spec("Bobigny", &["eleves"], 1, Declined),
    )
    .await;
    w.action(
        Some(w.school_77.id),
        None,
        spec("Meaux", &["parents"], 1, Submitted),
    )
    .await;
    let url = format!("/editions/{}/tableau-de-bord", w.edition);

    w.app.sign_in_demo(DISTRICT).await;
    let response = w.app.get(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(&body(response).await);
    assert!(
        html.contains("Exporter la couverture par établissement (CSV)"),
        "the coverage export is offered: {html}"
    );
    for caption in [
        "<caption>Établissements ayant transmis au moins une action, par district</caption>",
        "<caption>Actions par état et par district",
        "<caption>Actions transmises par public visé et par district",
        "<caption>Actions transmises par forme de valorisation et par district",
        "<caption>Établissements sans action transmise — District de Saint-Denis (93)</caption>",
    ] {
        assert!(html.contains(caption), "{caption}\n{html}");
    }
    // 25 schools, 1 with an action, 4 %, 24 without.
    assert!(
        html.contains("<td>25</td><td>1</td><td>4\u{a0}%</td><td>24</td>"),
        "{html}"
    );
    // By state (drafts first), then the total transmitted.
    assert!(
        html.contains("<th scope=\"row\">District de Saint-Denis (93)</th><td>1</td><td>1</td><td>0</td><td>1</td><td>0</td><td>2</td>"),
        "{html}"
    );
    // By audience: pupils, parents, staff, partners.
    assert!(html.contains("<th scope=\"row\">District de Saint-Denis (93)</th><td>1</td><td>1</td><td>1</td><td>0</td></tr>"));
    // By showcase kind: every action offers an exhibition and a festive moment.
    assert!(
        html.contains(
            "<td>0</td><td>0</td><td>2</td><td>2</td><td>0</td><td>0</td><td>0</td></tr>"
        )
    );
    // The schools without action, with the référent where one is known.
    assert!(html.contains(&w.schools[0].uai) && html.contains("mailto:referent@demo.test"));
    assert!(
        !html.contains(&format!("<td>{}</td>", w.schools[1].uai)),
        "school 1 has declared"
    );
    assert!(html.contains("Aucun référent connu"));
    assert!(!html.contains("Seine-et-Marne") && !html.contains("(77)"));

    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(DSDEN).await;
    let html = text(&body(w.app.get(&url).await).await);
    // 4 districts of 93, 100 schools, 2 with an action.
    assert!(
        html.contains(
            "<th scope=\"row\">Total</th><td>100</td><td>2</td><td>2\u{a0}%</td><td>98</td></tr>"
        ),
        "{html}"
    );
    assert!(!html.contains("(77)"));

    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(ACADEMY).await;
    let html = text(&body(w.app.get(&url).await).await);
    assert!(
        html.contains("<td>300</td><td>3</td><td>1\u{a0}%</td><td>297</td></tr>"),
        "{html}"
    );
    assert!(html.contains("(77)") && html.contains("(94)"));
    // Totals by state over the académie: 1 draft, 2 submitted, 1 validated, 1 declined.
    assert!(html.contains("<tr><th scope=\"row\">Total</th><td>1</td><td>2</td><td>0</td><td>1</td><td>1</td><td>4</td></tr>"), "{html}");
    // Focus on one district.
    let html = text(
        &body(
            w.app
                .get(&format!("{url}?district={}", w.district_93))
                .await,
        )
        .await,
    );
    assert!(html.contains("<td>25</td><td>1</td><td>4\u{a0}%</td><td>24</td>"));
    assert!(html.contains("Voir tous les districts"));
}

async fn staff_and_strangers_are_kept_out(engine: Engine) {
    let w = world(engine).await;
    let forum = w
        .action(
            w.school(0),
            None,
            spec("Forum des métiers", &["eleves"], 1, ActionState::Submitted),
        )
        .await;
    let list = w.list("");
    let dashboard = format!("/editions/{}/tableau-de-bord", w.edition);
    let validate = format!("/editions/{}/revue/valider", w.edition);
    let export = format!("/editions/{}/revue/export", w.edition);

    // Anonymous visitors are sent to the login page.
    let response = w.app.get(&list).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/connexion?suite=")
    );

    w.app.sign_in_demo(STAFF).await;
    for path in [&list, &dashboard] {
        let response = w.app.get(path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(text(&body(response).await).contains("réservés aux coordinations"));
    }
    for path in [&validate, &export] {
        let response = w.app.post(path, &[("ids", &forum.to_string())]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let action = actions_store::action_by_id(&mut w.app.db.acquire().await.unwrap().conn(), forum)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(action.state.code(), "submitted");
    assert_eq!(
        w.app.get("/editions/999999/revue").await.status(),
        StatusCode::NOT_FOUND
    );

    // An edition of another académie does not exist for Créteil's coordinators.
    let db = &w.app.db;
    let mut tx = db.begin().await.unwrap();
    let normandie = map_store::ensure_academy(&mut tx.conn(), "70", "normandie", "Normandie")
        .await
        .unwrap();
    let other = editions_store::edition_by_id(&mut tx.conn(), w.edition)
        .await
        .unwrap()
        .unwrap();
    let values = EditionValues {
        year: other.year,
        number: other.number,
        theme: other.theme.clone(),
        calendar: other.calendar(),
        circular: String::new(),
        contact_email: other.contact_email.clone(),
        reminder_days: other.reminder_days.clone(),
    };
    let foreign = editions_store::insert_edition(&mut tx.conn(), normandie, &values, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    w.app.post("/deconnexion", &[]).await;
    w.app.sign_in_demo(ACADEMY).await;
    assert_eq!(w.app.get(&list).await.status(), StatusCode::OK);
    for path in [
        format!("/editions/{foreign}/revue"),
        format!("/editions/{foreign}/tableau-de-bord"),
    ] {
        assert_eq!(
            w.app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let response = w
        .app
        .post(&format!("/editions/{foreign}/revue/export"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The place stored on each action (migration 0007) follows its school when
/// the school moves to another district, and a district action's department
/// follows its district: the review list and the dashboard of the new
/// district show them at once, the old district's no longer do.
async fn actions_follow_their_school_to_another_district(engine: Engine) {
    use ActionState::*;
    let w = world(engine).await;
    let moved = w
        .action(
            Some(w.school_93.id),
            None,
            spec("Action qui déménage", &["eleves"], 1, Submitted),
        )
        .await;
    let of_93 = w
        .action(
            None,
            Some(w.district_93),
            spec("Action du district voisin", &["eleves"], 2, Submitted),
        )
        .await;
    w.app.sign_in_demo(DISTRICT).await;
    assert!(!titles(&w.page("").await).contains(&"Action qui déménage".to_string()));
    let db = &w.app.db;
    let mut tx = db.begin().await.unwrap();
    map_store::set_school_district(&mut tx.conn(), w.school_93.id, Some(w.district))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let listed = titles(&w.page("").await);
    assert!(
        listed.contains(&"Action qui déménage".to_string()),
        "{listed:?}"
    );
    assert!(!listed.contains(&"Action du district voisin".to_string()));
    let place = |id: ActionId| async move {
        let sql = "SELECT place_district_id, place_department_id FROM actions WHERE id = $1";
        let mut conn = db.acquire().await.unwrap();
        perseverance::on_conn!(&mut conn.conn(), |c| sqlx::query_as::<
            _,
            (Option<i64>, Option<i64>),
        >(sql)
        .bind(id)
        .fetch_one(c)
        .await)
        .unwrap()
    };
    let district_department = |d: DistrictId| async move {
        map_store::district_by_id(&mut db.acquire().await.unwrap().conn(), d)
            .await
            .unwrap()
            .unwrap()
            .department_id
    };
    assert_eq!(
        place(moved).await,
        (Some(w.district.0), Some(w.school_93.department_id.0)),
        "the school keeps its department, takes the new district"
    );
    // A school without a district: its action has no district place.
    let mut tx = db.begin().await.unwrap();
    map_store::set_school_district(&mut tx.conn(), w.school_93.id, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(place(moved).await.0, None);
    // A district moved to another department carries its district actions.
    let before = district_department(w.district_93).await;
    assert_eq!(place(of_93).await, (Some(w.district_93.0), Some(before.0)));
    let other = w.school_77.department_id;
    let mut conn = db.acquire().await.unwrap();
    perseverance::on_conn!(&mut conn.conn(), |c| sqlx::query(
        "UPDATE districts SET department_id = $1 WHERE id = $2"
    )
    .bind(other)
    .bind(w.district_93)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    drop(conn);
    assert_eq!(place(of_93).await, (Some(w.district_93.0), Some(other.0)));
}
