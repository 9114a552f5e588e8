//! Demo data.
//!
//! [`seed`] writes the demo académie the tests build on: Créteil (3
//! departments, 12 districts, 300 schools with valid UAIs), one sign-in
//! account per role, and its editions (2022, 2023, 2024, and the current one
//! open for declarations), without actions.
//!
//! [`seed_story`] (what `perseverance serve --demo` runs) writes the same,
//! then the story the seeds tell: the académie de Normandie (departments 14,
//! 27, 50, 61, 76) with its 2023 edition and its own sign-in accounts, and a
//! few hundred actions in each past edition, spread over districts and
//! schools, in every state, declared by a staff roster of the schools and
//! reviewed by each district's coordination; the current edition has its
//! first declarations. The story is deterministic: the same every time,
//! but for the current edition, whose dates follow today.

mod bilans;
mod map;
mod people;
mod rng;
mod store;
mod story;
mod texts;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime, Utc};

use crate::{
    auth::{
        DemoAccount,
        store::{self as auth_store, GrantQuery},
    },
    db::{Conn, Db},
    domain::{
        Email, Grant, Role, Scope, ScopeKind,
        edition::paris_to_utc,
        ids::{DistrictId, SchoolId},
    },
    editions::demo::{self as editions_demo, DemoEdition},
    map::store as map_store,
};
use map::DemoAcademy;
use story::{Cast, EditionStory, Moment};
use texts::Theme;

/// The demo accounts of Créteil, one per role (the domain `.test` cannot
/// exist). Tests and browser journeys sign in with them.
pub const ACCOUNTS: [(&str, Role); 7] = [
    ("admin@demo.test", Role::Admin),
    (
        "coordination.academique@demo.test",
        Role::AcademyCoordinator,
    ),
    ("dsden93@demo.test", Role::DepartmentViewer),
    ("coordination.district@demo.test", Role::DistrictCoordinator),
    ("chef.etablissement@demo.test", Role::SchoolHead),
    ("referent@demo.test", Role::SchoolReferent),
    ("personnel@demo.test", Role::Staff),
];

/// The demo accounts of Normandie (written by [`seed_story`]): the académie,
/// the DSDEN of Seine-Maritime, the district of Rouen and one of its schools.
pub const NORMANDIE_ACCOUNTS: [(&str, Role); 6] = [
    ("coordination.normandie@demo.test", Role::AcademyCoordinator),
    ("dsden76@demo.test", Role::DepartmentViewer),
    ("coordination.rouen@demo.test", Role::DistrictCoordinator),
    ("chef.etablissement.normandie@demo.test", Role::SchoolHead),
    ("referent.normandie@demo.test", Role::SchoolReferent),
    ("personnel.normandie@demo.test", Role::Staff),
];

/// What a seeding wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    pub academies: usize,
    pub schools: usize,
    pub accounts: usize,
    pub editions: usize,
    pub actions: usize,
    pub events: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for Seeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} académies, {} établissements, {} comptes, {} éditions, {} actions et {} étapes de leur historique, en {:.1} s",
            self.academies,
            self.schools,
            self.accounts,
            self.editions,
            self.actions,
            self.events,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The demo académie as the base seeding left it.
struct Base {
    creteil: DemoAcademy,
    home_district: DistrictId,
    home_school: SchoolId,
    editions: editions_demo::CreteilEditions,
}

fn today() -> NaiveDate {
    crate::domain::edition::paris_date(Utc::now())
}

/// Fills an empty database with the demo académie, without actions (the
/// tests' starting point). Does nothing if any académie exists already.
pub async fn seed(db: &Db) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    if !map_store::academies(conn).await?.is_empty() {
        return Ok(false);
    }
    base(conn, today()).await?;
    tx.commit().await?;
    Ok(true)
}

/// Fills an empty database with the whole demo story (see the module's
/// documentation). Does nothing and returns `None` if any académie exists.
pub async fn seed_story(db: &Db) -> anyhow::Result<Option<Seeded>> {
    seed_story_on(db, today()).await
}

/// [`seed_story`] as if today were `today` (in Paris).
pub async fn seed_story_on(db: &Db, today: NaiveDate) -> anyhow::Result<Option<Seeded>> {
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    if !map_store::academies(conn).await?.is_empty() {
        return Ok(None);
    }
    let base = base(conn, today).await?;
    let mut seeded = story(conn, &base, today).await?;
    crate::search::rebuild(conn).await?;
    tx.commit().await?;
    seeded.elapsed = started.elapsed();
    Ok(Some(seeded))
}

async fn base(conn: &mut Conn<'_>, today: NaiveDate) -> anyhow::Result<Base> {
    let creteil = map::creteil(conn).await?;
    // The demo accounts live in the first district of Seine-Saint-Denis.
    let (department_93, district) = creteil
        .districts()
        .find(|(dp, _)| dp.code == "93")
        .expect("the demo map has a district in 93");
    let school = district.schools[0].id;
    let (department_93, district) = (department_93.id, district.id);
    for (email, role) in ACCOUNTS {
        let scope = match role.scope_kind() {
            ScopeKind::Platform => Scope::Platform,
            ScopeKind::Academy => Scope::Academy(creteil.id),
            ScopeKind::Department => Scope::Department(department_93),
            ScopeKind::District => Scope::District(district),
            ScopeKind::School => Scope::School(school),
        };
        let user = auth_store::ensure_user(conn, &Email::parse(email)?, "").await?;
        auth_store::add_grant(conn, user, Grant::new(role, scope)?, None).await?;
    }
    let editions = editions_demo::seed(conn, creteil.id, today).await?;
    map_store::set_email_domains(conn, creteil.id, "ac-creteil.fr").await?;
    Ok(Base {
        creteil,
        home_district: district,
        home_school: school,
        editions,
    })
}

/// The story on top of the base: Normandie, the people, the actions.
async fn story(conn: &mut Conn<'_>, base: &Base, today: NaiveDate) -> anyhow::Result<Seeded> {
    let normandie = map::normandie(conn).await?;
    map_store::set_email_domains(conn, normandie.id, "ac-normandie.fr").await?;
    let (seine_maritime, rouen) = normandie
        .districts()
        .find(|(_, di)| di.town == "Rouen")
        .expect("Rouen is on the map");
    let rouen_school = rouen.schools[0].id;
    let (seine_maritime, rouen) = (seine_maritime.id, rouen.id);
    let normandie_edition = editions_demo::seed_normandie(conn, normandie.id).await?;
    let e = &base.editions;
    crate::meetings::demo::seed(
        conn,
        e.y2024.id,
        e.current.id,
        e.current.calendar.week_start,
        today,
    )
    .await?;
    crate::resources::demo::seed(
        conn,
        e.y2024.id,
        NaiveDate::from_ymd_opt(2024, 1, 15).expect("a date"),
    )
    .await?;
    crate::resources::demo::seed(conn, e.current.id, today).await?;
    crate::checklist::demo::seed(conn, e.y2024.id).await?;
    crate::checklist::demo::seed(conn, e.current.id).await?;

    let mut creteil_cast = Cast::new(
        &base.creteil,
        10,
        Some((
            base.home_school,
            [("personnel@demo.test", 0), ("referent@demo.test", 1)],
        )),
        &[(base.home_district, "coordination.district@demo.test")],
    );
    let mut normandie_cast = Cast::new(
        &normandie,
        1_000,
        Some((
            rouen_school,
            [
                ("personnel.normandie@demo.test", 3),
                ("referent.normandie@demo.test", 4),
            ],
        )),
        &[(rouen, "coordination.rouen@demo.test")],
    );
    let creteil_coordination = ACCOUNTS[1].0;
    let normandie_coordination = NORMANDIE_ACCOUNTS[0].0;
    let open_until = paris_to_utc(today, NaiveTime::MIN);
    let mut planned = Vec::new();
    for (edition, theme, moment, seed) in [
        (&e.y2022, Theme::Mobilites, Moment::Past, 2022),
        (&e.y2023, Theme::Projet, Moment::Past, 2023),
        (&e.y2024, Theme::Totem, Moment::Past, 2024),
        (
            &e.current,
            Theme::Collectif,
            Moment::Open { until: open_until },
            2025,
        ),
    ] {
        planned.extend(story::plan(
            &edition_story(
                edition,
                theme,
                &base.creteil,
                creteil_coordination,
                moment,
                seed,
            ),
            &mut creteil_cast,
        )?);
    }
    let mut normandie_story = edition_story(
        &normandie_edition,
        Theme::Engagement,
        &normandie,
        normandie_coordination,
        Moment::Past,
        7_002_023,
    );
    normandie_story.participation = (50, 90);
    planned.extend(story::plan(&normandie_story, &mut normandie_cast)?);

    // The Normandie sign-in accounts, then everyone the story needs.
    for (email, role) in NORMANDIE_ACCOUNTS {
        let scope = match role.scope_kind() {
            ScopeKind::Academy => Scope::Academy(normandie.id),
            ScopeKind::Department => Scope::Department(seine_maritime),
            ScopeKind::District => Scope::District(rouen),
            _ => Scope::School(rouen_school),
        };
        let user = auth_store::ensure_user(conn, &Email::parse(email)?, "").await?;
        auth_store::add_grant(conn, user, Grant::new(role, scope)?, None).await?;
    }
    let mut people = creteil_cast.used;
    people.append(&mut normandie_cast.used);
    let opened = e.y2022.calendar.declaration_deadline - chrono::Duration::days(60);
    let mut users = store::write_accounts(conn, &people, opened).await?;
    users.extend(store::account_ids(conn, &[creteil_coordination, normandie_coordination]).await?);
    let (actions, events) = store::write_actions(conn, &planned, &users).await?;
    for edition in [&e.y2022, &e.y2023, &e.y2024, &normandie_edition] {
        bilans::write(conn, edition.id, edition.calendar.week_end).await?;
    }
    // The home district's programmes (issue 8), once its actions exist.
    let home = map_store::district_by_id(conn, base.home_district)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the home district"))?;
    let y2024 = crate::editions::store::edition_by_id(conn, e.y2024.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the 2024 edition"))?;
    let coordinator = store::account_ids(conn, &["coordination.district@demo.test"])
        .await?
        .into_values()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the district coordinator"))?;
    let departments: Vec<_> = base
        .creteil
        .departments
        .iter()
        .map(|d| (d.id, d.code))
        .collect();
    crate::programmes::demo::seed(
        conn,
        home.id,
        &home.name,
        (y2024.id, y2024.title(), e.y2024.calendar.week_start),
        e.current.id,
        coordinator,
        &departments,
    )
    .await?;
    Ok(Seeded {
        academies: 2,
        schools: base.creteil.schools().count() + normandie.schools().count(),
        accounts: ACCOUNTS
            .iter()
            .chain(NORMANDIE_ACCOUNTS.iter())
            .filter(|(email, _)| !people.contains_key(*email))
            .count()
            + people.len(),
        editions: 5,
        actions,
        events,
        elapsed: Duration::ZERO,
    })
}

fn edition_story<'a>(
    edition: &'a DemoEdition,
    theme: Theme,
    academy: &'a DemoAcademy,
    academy_coordinator: &'a str,
    moment: Moment,
    seed: u64,
) -> EditionStory<'a> {
    EditionStory {
        edition_id: edition.id,
        theme,
        calendar: edition.calendar,
        questions: &edition.questions,
        academy,
        academy_coordinator,
        seed,
        moment,
        participation: (35, 85),
    }
}

/// The demo accounts that exist in this database, labelled by role and place.
pub async fn accounts(conn: &mut Conn<'_>) -> crate::db::DbResult<Vec<DemoAccount>> {
    let mut accounts = Vec::new();
    let jurors = crate::media::demo::JURORS.map(|email| (email, Role::Staff));
    for (email, _) in ACCOUNTS
        .iter()
        .chain(NORMANDIE_ACCOUNTS.iter())
        .chain(jurors.iter())
    {
        let Ok(parsed) = Email::parse(email) else {
            continue;
        };
        let Some(user) = auth_store::user_by_email(conn, &parsed).await? else {
            continue;
        };
        for grant in auth_store::list_grants(conn, GrantQuery::OfUser(user.id), 1).await? {
            let jury = if crate::media::demo::JURORS.contains(email) {
                " · jury du concours d’affiches 2023"
            } else {
                ""
            };
            accounts.push(DemoAccount {
                email: email.to_string(),
                label: format!("{} — {}{jury}", grant.role_label(), grant.scope_name),
            });
        }
    }
    Ok(accounts)
}
