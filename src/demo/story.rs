//! The actions of the demo's editions: who declared what, where, and what
//! became of it. Planning is pure (a fixed seed, the edition's calendar,
//! the map); writing is one insert per action and bulk inserts for the
//! audit trail and the answers, in the caller's transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use super::{
    map::{DemoAcademy, DemoSchool},
    people::{Person, REFERENT_ROLE, STAFF_ROLES},
    rng::Rng,
    texts::{self, ARCHETYPES, Archetype, Theme},
};
use crate::{
    domain::{
        Role, Scope,
        action::ActionState,
        declaration::{self, ActionInput, Question, QuestionKind},
        edition::{EditionCalendar, paris_to_utc},
        ids::{DistrictId, EditionId, SchoolId},
    },
    text::slug,
};

/// An account of the story, and the one role it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Where the role is held.
    pub scope: Scope,
}

/// One move of an action's audit trail.
#[derive(Clone, Debug)]
pub struct PlannedEvent {
    pub by: String,
    pub from: ActionState,
    pub to: ActionState,
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// An action as it will be written.
#[derive(Clone, Debug)]
pub struct PlannedAction {
    pub edition_id: EditionId,
    pub school_id: Option<SchoolId>,
    pub district_id: Option<DistrictId>,
    pub owner: String,
    pub state: ActionState,
    pub version: i64,
    pub input: ActionInput,
    pub starts_on: Option<NaiveDate>,
    pub expected_participants: Option<i64>,
    pub featured: bool,
    pub proposed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub events: Vec<PlannedEvent>,
}

/// Where an edition stands in the story.
#[derive(Clone, Copy, Debug)]
pub enum Moment {
    /// Long past: declarations, reviews and the week are over.
    Past,
    /// Open now: declarations came in before `until` (today, 00:00 in Paris).
    Open { until: DateTime<Utc> },
}

/// An edition to fill.
pub struct EditionStory<'a> {
    pub edition_id: EditionId,
    pub theme: Theme,
    pub calendar: EditionCalendar,
    pub questions: &'a [Question],
    pub academy: &'a DemoAcademy,
    /// The académie's coordination (decides on district actions).
    pub academy_coordinator: &'a str,
    pub seed: u64,
    pub moment: Moment,
    /// Share of schools that declare, in percent: lowest and highest district.
    pub participation: (i64, i64),
}

/// The people of an académie's story: a roster for each school, a
/// coordinator for each district, the home school's demo accounts.
pub struct Cast {
    /// By school id: the staff member and the référent who declare there.
    rosters: BTreeMap<SchoolId, [Member; 2]>,
    /// The school whose staff and référent are the demo's sign-in accounts.
    home_school: Option<SchoolId>,
    /// By district id: the coordinator's address and name.
    coordinators: BTreeMap<DistrictId, (String, String)>,
    /// The accounts in use, by address.
    pub used: BTreeMap<String, Account>,
}

#[derive(Clone, Debug)]
struct Member {
    email: String,
    name: String,
    title: &'static str,
    role: Role,
    feminine: bool,
}

impl Cast {
    /// The cast of an académie, its people numbered from `first_person`;
    /// `home` gives the school whose staff member and référent are demo
    /// sign-in accounts (with the number of the person each one is), and
    /// `known_coordinators` the districts whose coordinator is one.
    pub fn new(
        academy: &DemoAcademy,
        first_person: usize,
        home: Option<(SchoolId, [(&str, usize); 2])>,
        known_coordinators: &[(DistrictId, &str)],
    ) -> Cast {
        let mut rosters = BTreeMap::new();
        let mut n = first_person;
        for (_, school) in academy.schools() {
            let mut member = |role: Role, title: Option<(&'static str, &'static str)>| {
                let person = Person::nth(n);
                n += 1;
                let title = title.unwrap_or(STAFF_ROLES[n % STAFF_ROLES.len()]);
                Member {
                    email: person.email(),
                    name: person.name(),
                    title: person.title(title),
                    role,
                    feminine: person.feminine,
                }
            };
            let mut pair = [
                member(Role::Staff, None),
                member(Role::SchoolReferent, Some(REFERENT_ROLE)),
            ];
            if let Some((home_school, accounts)) = home
                && home_school == school.id
            {
                for (member, (email, person)) in pair.iter_mut().zip(accounts) {
                    let person = Person::nth(person);
                    member.email = email.to_string();
                    member.name = person.name();
                    member.feminine = person.feminine;
                }
                pair[0].title = pair[0].feminine_or(STAFF_ROLES[0]);
                pair[1].title = pair[1].feminine_or(REFERENT_ROLE);
            }
            rosters.insert(school.id, pair);
        }
        let mut coordinators = BTreeMap::new();
        for (_, district) in academy.districts() {
            let person = Person::nth(n);
            n += 1;
            let email = known_coordinators
                .iter()
                .find(|(id, _)| *id == district.id)
                .map(|(_, email)| email.to_string())
                .unwrap_or_else(|| format!("coordination.{}@demo.test", slug(district.town)));
            coordinators.insert(district.id, (email, person.name()));
        }
        Cast {
            rosters,
            home_school: home.map(|(id, _)| id),
            coordinators,
            used: BTreeMap::new(),
        }
    }

    fn use_member(&mut self, school: SchoolId, k: usize) -> Member {
        let member = self.rosters[&school][k].clone();
        self.used
            .entry(member.email.clone())
            .or_insert_with(|| Account {
                email: member.email.clone(),
                display_name: member.name.clone(),
                role: member.role,
                scope: Scope::School(school),
            });
        member
    }

    fn use_coordinator(&mut self, district: DistrictId) -> (String, String) {
        let (email, name) = self.coordinators[&district].clone();
        self.used.entry(email.clone()).or_insert_with(|| Account {
            email: email.clone(),
            display_name: name.clone(),
            role: Role::DistrictCoordinator,
            scope: Scope::District(district),
        });
        (email, name)
    }
}

impl Member {
    fn feminine_or(&self, title: (&'static str, &'static str)) -> &'static str {
        if self.feminine { title.0 } else { title.1 }
    }
}

/// The weight of each state among an edition's actions (out of 100).
fn state_weights(moment: Moment) -> [(ActionState, u64); 5] {
    match moment {
        Moment::Past => [
            (ActionState::Draft, 12),
            (ActionState::Submitted, 8),
            (ActionState::ChangesRequested, 7),
            (ActionState::Validated, 66),
            (ActionState::Declined, 7),
        ],
        Moment::Open { .. } => [
            (ActionState::Draft, 34),
            (ActionState::Submitted, 40),
            (ActionState::ChangesRequested, 8),
            (ActionState::Validated, 16),
            (ActionState::Declined, 2),
        ],
    }
}

fn pick_state(rng: &mut Rng, moment: Moment) -> ActionState {
    let mut roll = rng.below(100) as u64;
    for (state, weight) in state_weights(moment) {
        if roll < weight {
            return state;
        }
        roll -= weight;
    }
    ActionState::Validated
}

/// A working moment on a weekday, some days (`low..=high`) after `start`.
fn working_time(rng: &mut Rng, start: DateTime<Utc>, (low, high): (i64, i64)) -> DateTime<Utc> {
    let days = rng.between(low, high);
    let mut date = crate::domain::edition::paris_date(start) + Duration::days(days);
    while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        date += Duration::days(1);
    }
    let time = NaiveTime::from_hms_opt(
        rng.between(8, 17) as u32,
        rng.between(0, 59) as u32,
        rng.between(0, 59) as u32,
    )
    .expect("a valid time");
    paris_to_utc(date, time)
}

/// The date of the action: a weekday of the week, or before it.
fn action_date(rng: &mut Rng, calendar: &EditionCalendar, before_week: bool) -> NaiveDate {
    if before_week {
        let mut date = calendar.week_start - Duration::days(rng.between(3, 20));
        while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            date -= Duration::days(1);
        }
        return date;
    }
    let days: Vec<NaiveDate> = calendar
        .week_start
        .iter_days()
        .take_while(|d| *d <= calendar.week_end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    if days.is_empty() {
        calendar.week_start
    } else {
        *rng.pick(&days)
    }
}

/// Plans every action of one edition. Fails if a planned action would not
/// pass the form's own checks (a bug of the story, never shown to anyone).
pub fn plan(story: &EditionStory<'_>, cast: &mut Cast) -> anyhow::Result<Vec<PlannedAction>> {
    let mut rng = Rng::derive(story.seed, "schools");
    let mut actions = Vec::new();
    // The kinds of action each edition must show once at least: every
    // dispositif and the poster contest.
    let mut wanted: Vec<usize> = ARCHETYPES
        .iter()
        .enumerate()
        .filter(|(_, a)| (a.scheme != "aucun" || a.poster) && fits_theme(a, story.theme))
        .map(|(i, _)| i)
        .collect();
    let mut schools: Vec<(DistrictId, &DemoSchool, i64)> = Vec::new();
    for (_, district) in story.academy.districts() {
        let rate = rng.between(story.participation.0, story.participation.1);
        for school in &district.schools {
            schools.push((district.id, school, rate));
        }
    }
    // Visit the schools in a fixed but scattered order, so that the rarer
    // kinds of action are not all placed in the first district.
    let mut order: Vec<usize> = (0..schools.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    for i in order {
        let (district_id, school, rate) = schools[i];
        let is_home = cast.home_school == Some(school.id);
        let count = match story.moment {
            Moment::Open { .. } if is_home => 0,
            Moment::Open { .. } => usize::from(rng.chance(rate as u64 / 4)),
            Moment::Past if is_home => 2,
            Moment::Past if !rng.chance(rate as u64) => 0,
            Moment::Past => match rng.below(100) {
                0..=54 => 1,
                55..=84 => 2,
                _ => 3,
            },
        };
        for k in 0..count {
            let archetype = choose(&mut rng, &mut wanted, school.kind, story.theme);
            let owner = if is_home {
                k % 2
            } else {
                usize::from(rng.chance(30))
            };
            let action = school_action(
                story,
                cast,
                &mut rng,
                (district_id, school),
                archetype,
                owner,
            )?;
            actions.push(action);
        }
    }
    if let Moment::Open { .. } = story.moment {
        // The home school's staff member has a draft under way.
        if let Some(home_school) = cast.home_school {
            let school = story
                .academy
                .schools()
                .find(|(_, s)| s.id == home_school)
                .expect("the home school is on the map");
            let mut action = school_action(
                story,
                cast,
                &mut rng,
                (school.0.id, school.1),
                &ARCHETYPES[0],
                0,
            )?;
            action.state = ActionState::Draft;
            action.events.clear();
            action.submitted_at = None;
            action.featured = false;
            action.proposed = false;
            action.version = 2;
            actions.push(action);
        }
    } else {
        for (n, (_, district)) in story.academy.districts().enumerate() {
            actions.push(district_action(story, cast, &mut rng, district.id, n)?);
        }
    }
    actions.sort_by_key(|a| a.created_at);
    Ok(actions)
}

fn fits_theme(archetype: &Archetype, theme: Theme) -> bool {
    archetype.themes.is_empty() || archetype.themes.contains(&theme)
}

fn fits_school(archetype: &Archetype, kind: &str) -> bool {
    archetype.kinds.is_empty() || archetype.kinds.contains(&kind)
}

/// The kind of action a school runs: a still wanted one if it fits, else
/// one that fits, the edition's own themes three times as likely, the
/// dispositifs' rarer.
fn choose(rng: &mut Rng, wanted: &mut Vec<usize>, kind: &str, theme: Theme) -> &'static Archetype {
    if let Some(at) = wanted
        .iter()
        .position(|&i| fits_school(&ARCHETYPES[i], kind))
    {
        return &ARCHETYPES[wanted.remove(at)];
    }
    let mut pool = Vec::new();
    for archetype in ARCHETYPES {
        if !fits_theme(archetype, theme) || !fits_school(archetype, kind) {
            continue;
        }
        let weight = if !archetype.themes.is_empty() {
            3
        } else if archetype.scheme != "aucun" {
            1
        } else {
            2
        };
        for _ in 0..weight {
            pool.push(archetype);
        }
    }
    rng.one_of(&pool)
}

/// A subset of `from` (one to three, in the list's order).
fn some_of(rng: &mut Rng, from: &[&'static str], most: usize) -> Vec<String> {
    let want = 1 + rng.below(most.min(from.len()));
    let mut chosen: Vec<&str> = Vec::new();
    while chosen.len() < want {
        let item = rng.one_of(from);
        if !chosen.contains(&item) {
            chosen.push(item);
        }
    }
    from.iter()
        .filter(|i| chosen.contains(i))
        .map(|i| i.to_string())
        .collect()
}

fn school_action(
    story: &EditionStory<'_>,
    cast: &mut Cast,
    rng: &mut Rng,
    (district_id, school): (DistrictId, &DemoSchool),
    archetype: &'static Archetype,
    owner: usize,
) -> anyhow::Result<PlannedAction> {
    let member = cast.use_member(school.id, owner);
    let reviewer = cast.use_coordinator(district_id).0;
    let own_levels = texts::levels_of(school.kind);
    let levels: Vec<&'static str> = if archetype.levels.is_empty() {
        own_levels.to_vec()
    } else {
        let common: Vec<&'static str> = archetype
            .levels
            .iter()
            .copied()
            .filter(|l| own_levels.contains(l))
            .collect();
        if common.is_empty() {
            own_levels.to_vec()
        } else {
            common
        }
    };
    // Who carries it: the declarant, or a colleague whose job it is.
    let (owner_name, owner_role) = match archetype.role {
        Some(role) if member.title != role.0 && member.title != role.1 => {
            let colleague = Person::nth(2_000 + (school.id.0 as usize * 7 + rng.below(3)) % 800);
            (colleague.name(), colleague.title(role).to_string())
        }
        _ => (member.name.clone(), member.title.to_string()),
    };
    let mut input = fill(story, rng, archetype, &levels, &school.name);
    input.owner_name = owner_name;
    input.owner_role = owner_role;
    // About one owner in three agrees to show their name on the public side.
    input.owner_public = school.id.0 % 3 == 0;
    let mut state = pick_state(rng, story.moment);
    // The home school's staff member (a sign-in account) saw an action
    // through in each past edition: « Mes actions » has a history to show.
    if cast.home_school == Some(school.id) && owner == 0 && matches!(story.moment, Moment::Past) {
        state = ActionState::Validated;
    }
    finish(story, rng, input, state, archetype, |a| {
        a.school_id = Some(school.id);
        a.owner = member.email.clone();
        reviewer
    })
}

fn district_action(
    story: &EditionStory<'_>,
    cast: &mut Cast,
    rng: &mut Rng,
    district_id: DistrictId,
    n: usize,
) -> anyhow::Result<PlannedAction> {
    let (email, name) = cast.use_coordinator(district_id);
    let (title, summary, description) = texts::DISTRICT_ACTIONS[n % texts::DISTRICT_ACTIONS.len()];
    let archetype = &ARCHETYPES[0];
    let mut input = fill(story, rng, archetype, &["6e", "3e", "2de"], "");
    input.title = title.into();
    input.summary = summary.into();
    input.description = format!(
        "{description} {}",
        rng.pick(texts::theme_lines(story.theme))
    );
    input.owner_name = name;
    input.owner_role = "Coordination du réseau FOQUALE".into();
    input.audiences = vec!["personnels".into(), "partenaires".into()];
    input.levels = vec!["3e".into(), "2de".into(), "cap".into()];
    input.scheme = "aucun".into();
    input.showcase_kinds = vec!["evenement-district".into()];
    input.showcase_other.clear();
    input.place = "Salle de conférence du lycée du district".into();
    input.partners = "Mission locale, CIO, associations partenaires".into();
    input.before_week = false;
    input.starts_on = action_date(rng, &story.calendar, false)
        .format("%Y-%m-%d")
        .to_string();
    input.start_time = "14:00".into();
    input.end_time = "17:00".into();
    input.expected_participants = rng.between(40, 120).to_string();
    let state = if rng.chance(85) {
        ActionState::Validated
    } else {
        ActionState::Submitted
    };
    let reviewer = story.academy_coordinator.to_string();
    finish(story, rng, input, state, archetype, |a| {
        a.district_id = Some(district_id);
        a.owner = email.clone();
        reviewer
    })
}

/// The form as the declarant filled it in.
fn fill(
    story: &EditionStory<'_>,
    rng: &mut Rng,
    archetype: &Archetype,
    levels: &[&'static str],
    school_name: &str,
) -> ActionInput {
    let title = (rng.one_of(archetype.titles)).to_string();
    let mut showcase: Vec<String> = archetype.showcase.iter().map(|s| s.to_string()).collect();
    if rng.chance(25) {
        let extra = rng.pick(declaration::SHOWCASE_KINDS).0;
        if extra != "autre" && !showcase.iter().any(|s| s == extra) {
            showcase.push(extra.to_string());
        }
    }
    let showcase_other = if showcase.iter().any(|s| s == "autre") {
        archetype.other_showcase.to_string()
    } else {
        String::new()
    };
    let mut description = format!(
        "{} {}",
        archetype.description,
        rng.pick(texts::theme_lines(story.theme))
    );
    let closing = match showcase.first().map(String::as_str) {
        Some("autre") => format!("Valorisation prévue : {}.", lower_first(&showcase_other)),
        Some(kind) => texts::showcase_line(kind).to_string(),
        None => String::new(),
    };
    if !closing.is_empty() {
        description.push(' ');
        description.push_str(&closing);
    }
    if !school_name.is_empty() && archetype.audiences.contains(&"eleves") && rng.chance(30) {
        description.push_str(&format!(
            " L'action est ouverte aux élèves de tout le {}.",
            school_word(school_name)
        ));
    }
    let before_week = rng.chance(6);
    let date = action_date(rng, &story.calendar, before_week);
    let (low, high) = archetype.participants;
    let mut input = ActionInput {
        title,
        summary: archetype.summary.into(),
        description,
        owner_name: String::new(),
        owner_role: String::new(),
        owner_public: false,
        people_involved: (rng.one_of(texts::PEOPLE_INVOLVED)).into(),
        audiences: archetype.audiences.iter().map(|s| s.to_string()).collect(),
        levels: some_of(rng, levels, 3),
        scheme: archetype.scheme.into(),
        before_week,
        starts_on: date.format("%Y-%m-%d").to_string(),
        start_time: archetype.times.0.into(),
        end_time: archetype.times.1.into(),
        place: archetype.place.into(),
        partners: archetype.partners.into(),
        expected_participants: rng.between(low, high).to_string(),
        showcase_kinds: showcase,
        showcase_other,
        answers: BTreeMap::new(),
    };
    answer(story, rng, &mut input, archetype.poster);
    input
}

/// « Collège Jean Moulin » → « collège » (for « tout le collège »).
fn school_word(name: &str) -> &'static str {
    if name.starts_with("Collège") {
        "collège"
    } else if name.starts_with("EREA") {
        "établissement"
    } else {
        "lycée"
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Answers the edition's own questions.
fn answer(story: &EditionStory<'_>, rng: &mut Rng, input: &mut ActionInput, poster: bool) {
    let mut registered = poster;
    for question in story.questions {
        let value = match question.kind {
            QuestionKind::YesNo => {
                let yes = poster || rng.chance(20);
                registered |= yes && question.label.contains("affiches");
                Some(if yes { "oui" } else { "non" }.to_string())
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                if question.required || rng.chance(70) {
                    Some(rng.pick(&question.options).id.to_string())
                } else {
                    None
                }
            }
            QuestionKind::ShortText if registered => Some(
                (rng.one_of(&["4e B", "3e A", "2de pro MRC", "1re STMG 2", "CAP 1 EPC"])).into(),
            ),
            _ => None,
        };
        if let Some(value) = value {
            input.answers.insert(question.id, vec![value]);
        }
    }
}

/// Gives the planned action its state, its history and its times; `place`
/// sets where it lives and its owner, and returns who reviews it there.
fn finish(
    story: &EditionStory<'_>,
    rng: &mut Rng,
    mut input: ActionInput,
    state: ActionState,
    archetype: &Archetype,
    place: impl FnOnce(&mut PlannedAction) -> String,
) -> anyhow::Result<PlannedAction> {
    let deadline = story.calendar.declaration_deadline;
    let (opened, last) = match story.moment {
        Moment::Past => (
            deadline - Duration::days(60),
            paris_to_utc(story.calendar.week_start, NaiveTime::MIN) - Duration::hours(12),
        ),
        Moment::Open { until } => (until - Duration::days(25), until - Duration::hours(1)),
    };
    let latest = deadline.min(last) - Duration::hours(3);
    let span = (latest - opened).num_days().max(2);
    let created = working_time(rng, opened, (1, span - 1)).min(latest);
    if state == ActionState::Draft {
        // A draft stopped half-way: its later fields are still empty.
        let kept = rng.below(4);
        if kept < 3 {
            input.place.clear();
            input.partners.clear();
            input.expected_participants.clear();
            input.start_time.clear();
            input.end_time.clear();
            input.showcase_kinds.clear();
            input.showcase_other.clear();
            input.answers.clear();
        }
        if kept < 2 {
            input.description.clear();
            input.people_involved.clear();
            input.levels.clear();
            input.starts_on.clear();
            input.before_week = false;
        }
        if kept < 1 {
            input.summary.clear();
            input.audiences.clear();
            input.scheme.clear();
        }
    }
    let questions = story.questions;
    let checked = declaration::check(
        &input,
        &story.calendar,
        questions,
        state != ActionState::Draft,
    )
    .map_err(|errors| {
        anyhow::anyhow!(
            "demo action « {} » ({:?}) does not pass the form: {errors:?}",
            input.title,
            archetype.titles
        )
    })?;
    let mut action = PlannedAction {
        edition_id: story.edition_id,
        school_id: None,
        district_id: None,
        owner: String::new(),
        state,
        version: 2,
        input,
        starts_on: checked.starts_on,
        expected_participants: checked.expected_participants,
        featured: false,
        proposed: false,
        created_at: created,
        updated_at: created + Duration::minutes(rng.between(5, 90)),
        submitted_at: None,
        events: Vec::new(),
    };
    let reviewer = place(&mut action);
    if state == ActionState::Draft {
        return Ok(action);
    }
    let cap = |t: DateTime<Utc>| t.min(last);
    let owner = action.owner.clone();
    let mut at = cap((action.updated_at + Duration::hours(rng.between(1, 72))).min(deadline));
    let move_to = |action: &mut PlannedAction,
                   by: &str,
                   from: ActionState,
                   to: ActionState,
                   comment: &str,
                   when: DateTime<Utc>| {
        action.events.push(PlannedEvent {
            by: by.to_string(),
            from,
            to,
            comment: comment.to_string(),
            at: when,
        });
        action.version += 1;
        action.updated_at = when;
        if to == ActionState::Submitted {
            action.submitted_at = Some(when);
        }
    };
    move_to(
        &mut action,
        &owner,
        ActionState::Draft,
        ActionState::Submitted,
        "",
        at,
    );
    let decided = |rng: &mut Rng, after: DateTime<Utc>| {
        cap(working_time(rng, after, (1, 9)).max(after + Duration::minutes(10)))
    };
    let asks_changes = state == ActionState::ChangesRequested
        || (state == ActionState::Validated && rng.chance(25));
    if asks_changes {
        at = decided(rng, at);
        move_to(
            &mut action,
            &reviewer,
            ActionState::Submitted,
            ActionState::ChangesRequested,
            rng.one_of(texts::CHANGE_REQUESTS),
            at,
        );
        if state == ActionState::Validated {
            at = cap(at + Duration::hours(rng.between(4, 96)));
            action.version += 1;
            move_to(
                &mut action,
                &owner,
                ActionState::ChangesRequested,
                ActionState::Submitted,
                "",
                at,
            );
        }
    }
    match state {
        ActionState::Validated => {
            at = decided(rng, at);
            let from = ActionState::Submitted;
            move_to(
                &mut action,
                &reviewer,
                from,
                ActionState::Validated,
                rng.one_of(texts::VALIDATIONS),
                at,
            );
            action.featured = rng.chance(40);
            action.proposed = rng.chance(15);
            if action.featured || action.proposed {
                action.version += 1;
            }
        }
        ActionState::Declined => {
            at = decided(rng, at);
            move_to(
                &mut action,
                &reviewer,
                ActionState::Submitted,
                ActionState::Declined,
                rng.one_of(texts::DECLINES),
                at,
            );
        }
        _ => {}
    }
    Ok(action)
}
