//! The coverage dashboard of an edition: for each district of the person's
//! reach, how many schools have declared, which have not (with their
//! référent), and the actions by state, audience and showcase kind.
//! Every figure is aggregated by the database (GROUP BY district).

use crate::domain::ids::{DistrictId, EditionId};
use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use serde::Deserialize;

use super::{
    access, parse_id,
    store::{self, Reach},
};
use crate::{
    domain::{
        action::ActionState,
        declaration::{AUDIENCES, SHOWCASE_KINDS},
    },
    web::{AppResult, AppState, CurrentUser, PageCtx, render},
};

/// Above this many schools in view, the schools without action are listed
/// only once a district is picked.
const SILENT_LIST_MAX: i64 = 2_000;

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardParams {
    #[serde(default)]
    district: String,
}

/// A school without action, with its référents' addresses.
struct Silent {
    name: String,
    uai: String,
    referents: Vec<String>,
}

/// One line of the tables: a district, « sans district », or the total.
#[derive(Default)]
struct Line {
    district_id: Option<DistrictId>,
    name: String,
    schools: i64,
    covered: i64,
    /// By `ActionState::ALL`, drafts first.
    states: Vec<i64>,
    audiences: Vec<i64>,
    showcases: Vec<i64>,
    silent: Vec<Silent>,
}

impl Line {
    fn new(district_id: Option<DistrictId>, name: String) -> Line {
        Line {
            district_id,
            name,
            states: vec![0; ActionState::ALL.len()],
            audiences: vec![0; AUDIENCES.len()],
            showcases: vec![0; SHOWCASE_KINDS.len()],
            ..Default::default()
        }
    }

    fn uncovered(&self) -> i64 {
        self.schools - self.covered
    }

    /// « 48 % », or a dash without schools.
    fn rate(&self) -> String {
        if self.schools == 0 {
            "—".into()
        } else {
            format!(
                "{}\u{a0}%",
                (self.covered * 100 + self.schools / 2) / self.schools
            )
        }
    }

    /// Actions beyond the draft.
    fn transmitted(&self) -> i64 {
        self.states.iter().skip(1).sum()
    }

    fn add(&mut self, other: &Line) {
        self.schools += other.schools;
        self.covered += other.covered;
        for (mine, theirs) in [
            (&mut self.states, &other.states),
            (&mut self.audiences, &other.audiences),
            (&mut self.showcases, &other.showcases),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }
}

#[derive(Template)]
#[template(path = "review/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    edition_id: EditionId,
    edition_title: String,
    lines: Vec<Line>,
    total: Line,
    state_labels: Vec<&'static str>,
    audience_labels: Vec<&'static str>,
    showcase_labels: Vec<&'static str>,
    /// The district in focus, when the person picked one among several.
    focus: Option<DistrictId>,
    /// Whether the person has several districts to choose from.
    several: bool,
    /// Whether the schools without action are listed.
    show_silent: bool,
}

/// `GET /editions/{id}/tableau-de-bord`
pub(super) async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(params): Query<DashboardParams>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    let mut db = state.db.acquire().await?;
    let db = &mut db.conn();
    let academy_id = access.edition.academy_id;
    let districts = store::districts_in_reach(db, academy_id, &access.reach).await?;
    let focus = parse_id(&params.district).filter(|d| districts.iter().any(|x| x.id == *d));
    let reach = match focus {
        Some(id) => Reach::districts(vec![id]),
        None => access.reach.clone(),
    };
    let edition_id = access.edition.id;
    let coverage = store::school_coverage(db, edition_id, academy_id, &reach).await?;
    let counts = store::action_counts(db, edition_id, &reach).await?;

    let mut lines: Vec<Line> = districts
        .iter()
        .filter(|d| focus.is_none_or(|f| f == d.id))
        .map(|d| Line::new(Some(d.id), format!("{} ({})", d.name, d.department_code)))
        .collect();
    let mut index: HashMap<Option<DistrictId>, usize> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.district_id, i))
        .collect();
    // Schools and actions outside any district get a line of their own.
    let mut line_of = |district: Option<DistrictId>, lines: &mut Vec<Line>| -> Option<usize> {
        match (index.get(&district), district) {
            (Some(i), _) => Some(*i),
            (None, None) => {
                lines.push(Line::new(None, "Établissements hors district".into()));
                index.insert(None, lines.len() - 1);
                Some(lines.len() - 1)
            }
            // A district outside the list (cannot happen within the reach).
            (None, Some(_)) => None,
        }
    };
    for c in &coverage {
        if let Some(i) = line_of(c.district_id, &mut lines) {
            lines[i].schools += c.schools;
            lines[i].covered += c.covered;
        }
    }
    for c in counts {
        if let Some(i) = line_of(c.district_id, &mut lines) {
            let line = &mut lines[i];
            (line.states, line.audiences, line.showcases) = (c.states, c.audiences, c.showcases);
        }
    }

    let mut total = Line::new(None, "Total".into());
    for line in &lines {
        total.add(line);
    }
    let show_silent = total.schools <= SILENT_LIST_MAX;
    if show_silent {
        let silent =
            store::silent_schools(db, edition_id, access.edition.academy_id, &reach).await?;
        let positions: HashMap<Option<DistrictId>, usize> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.district_id, i))
            .collect();
        for s in silent {
            let Some(&i) = positions.get(&s.district_id) else {
                continue;
            };
            let list = &mut lines[i].silent;
            match list.last_mut() {
                Some(last) if last.uai == s.uai => last.referents.extend(s.referent),
                _ => list.push(Silent {
                    name: s.name,
                    uai: s.uai,
                    referents: s.referent.into_iter().collect(),
                }),
            }
        }
    }
    let several = districts.len() > 1;
    let edition_title = access.edition.title();
    let ctx = access.page(ctx, "Tableau de bord de la couverture");
    render(DashboardPage {
        ctx,
        edition_id,
        edition_title,
        lines,
        total,
        state_labels: ActionState::ALL.iter().map(|s| s.label()).collect(),
        audience_labels: AUDIENCES.iter().map(|(_, l)| *l).collect(),
        showcase_labels: SHOWCASE_KINDS.iter().map(|(_, l)| *l).collect(),
        focus,
        several,
        show_silent,
    })
}
