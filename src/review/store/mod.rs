//! The review list, its export and the coverage figures in the database.
//!
//! Every query is written once for both engines, through `QueryBuilder`
//! ([`crate::db::builder`]): `list.rs` holds the review list and its export,
//! `figures.rs` the dashboard's counts; this file, the person's reach. The person's reach (the
//! whole académie, some departments, some districts) becomes terms on the
//! place stored on each action (migration 0007), so a district's list is
//! one index range and never scans the whole edition.

mod figures;
mod list;

use crate::domain::ids::{DepartmentId, DistrictId, EditionId};
use sqlx::FromRow;

pub(crate) use figures::push_school_conditions;
pub use figures::{
    ActionCounts, DistrictName, SchoolCoverage, SilentSchool, action_counts, districts_in_reach,
    school_coverage, silent_schools,
};
pub use list::{
    ReviewRow, export_actions, export_batch, export_batch_answers, export_ids, review_page,
};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{Placement, action::ActionState},
    editions::store::Edition,
    on_conn,
};

/// The states a reviewer ever sees: drafts stay with their school.
pub const REVIEWED_STATES: [ActionState; 4] = [
    ActionState::Submitted,
    ActionState::ChangesRequested,
    ActionState::Validated,
    ActionState::Declined,
];

/// Where a person may look in one edition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// The whole académie of the edition.
    pub whole: bool,
    pub departments: Vec<DepartmentId>,
    pub districts: Vec<DistrictId>,
}

impl Reach {
    /// Whether an object placed there lies within the reach.
    pub fn covers(&self, place: &Placement) -> bool {
        self.whole
            || place.district.is_some_and(|d| self.districts.contains(&d))
            || place
                .department
                .is_some_and(|d| self.departments.contains(&d))
    }

    /// Only these districts.
    pub fn districts(ids: Vec<DistrictId>) -> Reach {
        Reach {
            whole: false,
            departments: Vec::new(),
            districts: ids,
        }
    }
}

/// The filters of the review list, checked.
#[derive(Clone, Debug, Default)]
pub struct ReviewFilter {
    pub state: Option<ActionState>,
    /// Part of the school's name or UAI.
    pub school: Option<String>,
    /// An audience code of `AUDIENCES`.
    pub audience: Option<&'static str>,
    /// Part of the title, summary or description.
    pub text: Option<String>,
    /// Latest dates first.
    pub descending: bool,
}

pub use crate::db::dialect::like_pattern as contains_pattern;

/// Reviewers see every state but the draft (`REVIEWED_STATES`); written
/// `<> 'draft'` so that SQLite reads one index range per school, not one
/// per state. `alias` is one of our table aliases.
fn push_beyond_draft(q: &mut impl SqlBuilder, alias: &str) {
    q.push_sql(alias).push_sql(".state <> 'draft'");
}

/// Pushes the `WHERE` terms that keep the edition's actions `a` placed
/// within the reach, drafts included: `a.edition_id = …` and, unless the
/// reach is the whole académie, `a.place_district_id IN (…)` and/or
/// `a.place_department_id IN (…)`.
///
/// The place of an action (its school's district and department or, for a
/// district action, its district's) is stored on the action and kept by the
/// triggers of migration 0007, so a district's list is one range of the
/// index `actions_reviewed_by_district`, in the list's order, and a
/// department's one range of `actions_by_department`.
fn push_reach_terms(q: &mut impl SqlBuilder, edition_id: EditionId, reach: &Reach) {
    q.push_sql("a.edition_id = ").bind_i64(edition_id);
    if reach.whole {
        return;
    }
    match (reach.districts.is_empty(), reach.departments.is_empty()) {
        (true, true) => {
            // No place at all: nothing matches.
            q.push_sql(" AND 1 = 0");
        }
        (false, true) => {
            q.push_sql(" AND a.place_district_id IN (")
                .bind_list(&reach.districts)
                .push_sql(")");
        }
        (true, false) => {
            q.push_sql(" AND a.place_department_id IN (")
                .bind_list(&reach.departments)
                .push_sql(")");
        }
        (false, false) => {
            q.push_sql(" AND (a.place_district_id IN (")
                .bind_list(&reach.districts)
                .push_sql(") OR a.place_department_id IN (")
                .bind_list(&reach.departments)
                .push_sql("))");
        }
    }
}

/// An edition with the name and slug of its académie.
#[derive(Clone, Debug, FromRow)]
pub struct EditionInAcademy {
    #[sqlx(flatten)]
    pub edition: Edition,
    pub academy_name: String,
    pub academy_slug: String,
}

/// The edition and its académie, in one query (every review page needs both).
pub async fn edition_in_academy(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
) -> DbResult<Option<EditionInAcademy>> {
    let sql = "SELECT e.*, ac.name AS academy_name, ac.slug AS academy_slug
               FROM editions e JOIN academies ac ON ac.id = e.academy_id WHERE e.id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_optional(c)
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::builder::SqlText;
    #[allow(unused_imports)]
    use crate::domain::ids::*;

    #[test]
    fn patterns_escape_wildcards_and_blur_non_ascii_letters() {
        assert_eq!(contains_pattern(" Forum "), "%forum%");
        assert_eq!(contains_pattern("École"), "%ecole%");
        assert_eq!(contains_pattern("100%_\0"), "%100\\%\\_%");
    }

    #[test]
    fn a_reach_is_a_range_of_places() {
        let terms = |reach: &Reach| {
            let mut q = SqlText::default();
            push_reach_terms(&mut q, EditionId(7), reach);
            q.text
        };
        assert_eq!(
            terms(&Reach::districts(vec![DistrictId(3), DistrictId(4)])),
            "a.edition_id = ? AND a.place_district_id IN (?, ?)"
        );
        let whole = Reach {
            whole: true,
            ..Default::default()
        };
        assert_eq!(terms(&whole), "a.edition_id = ?");
        let both = Reach {
            whole: false,
            departments: vec![DepartmentId(1)],
            districts: vec![DistrictId(3)],
        };
        assert_eq!(
            terms(&both),
            "a.edition_id = ? AND (a.place_district_id IN (?) OR a.place_department_id IN (?))"
        );
        assert_eq!(terms(&Reach::default()), "a.edition_id = ? AND 1 = 0");
    }
}
