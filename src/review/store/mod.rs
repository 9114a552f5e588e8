//! The review list, its export and the coverage figures in the database.
//!
//! Every query is written once for both engines, through `QueryBuilder`
//! ([`crate::db::builder`]): `list.rs` holds the review list and its export,
//! `figures.rs` the dashboard's counts; this file, the person's reach. The person's reach (the
//! whole académie, some departments, some districts) becomes a list of
//! action ids computed from indexed lookups (schools by district or
//! department, then actions by edition and school), so a district's list
//! never scans the whole edition.

mod figures;
mod list;

use crate::domain::ids::{DepartmentId, DistrictId, EditionId};
use sqlx::FromRow;

pub use figures::{
    ActionCounts, DistrictName, SchoolCoverage, SilentSchool, action_counts, districts_in_reach,
    school_coverage, silent_schools,
};
pub use list::{ReviewRow, export_actions, export_answers, review_page};

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

/// Pushes the edition's actions placed within the reach (not the whole
/// académie), as a query of `id, state, starts_on`. The place of an action is
/// its school's district and department or, for a district action, its
/// district's.
///
/// Each part starts from the places (the schools of the districts or
/// departments, by `schools_district` / `schools_department`) and reaches
/// their actions by `actions_edition_school_state` (migration 0003), which
/// holds the state and the date too: a district's 100 schools, never the
/// edition's 20,000 actions. `CROSS JOIN` keeps that order on SQLite, whose
/// planner (without statistics) would otherwise start from the edition;
/// PostgreSQL reads it as an inner join and plans freely.
fn push_reach_actions(q: &mut impl SqlBuilder, edition_id: EditionId, reach: &Reach) {
    const COLUMNS: &str = "SELECT x.id, x.state, x.starts_on ";
    // The parts of one kind of place are disjoint (an action's school has a
    // district or not; a department's schools or its district actions), so
    // they are simply appended; a person with districts and departments may
    // reach an action twice (a district within their department): UNION
    // removes the repeats, at the cost of a temporary index.
    let union = if reach.districts.is_empty() || reach.departments.is_empty() {
        " UNION ALL "
    } else {
        " UNION "
    };
    let mut first = true;
    let mut part = |q: &mut _| {
        if !std::mem::take(&mut first) {
            SqlBuilder::push_sql(q, union);
        }
    };
    if !reach.districts.is_empty() {
        part(q);
        q.push_sql(COLUMNS)
            .push_sql("FROM schools xs CROSS JOIN actions x WHERE xs.district_id IN (")
            .bind_list(&reach.districts)
            .push_sql(") AND x.edition_id = ")
            .bind_i64(edition_id)
            .push_sql(" AND x.school_id = xs.id");
        part(q);
        q.push_sql(COLUMNS)
            .push_sql(
                "FROM actions x LEFT JOIN schools xs ON xs.id = x.school_id WHERE x.edition_id = ",
            )
            .bind_i64(edition_id)
            .push_sql(" AND x.district_id IN (")
            .bind_list(&reach.districts)
            .push_sql(") AND xs.district_id IS NULL");
    }
    if !reach.departments.is_empty() {
        part(q);
        q.push_sql(COLUMNS)
            .push_sql("FROM schools xs CROSS JOIN actions x WHERE xs.department_id IN (")
            .bind_list(&reach.departments)
            .push_sql(") AND x.edition_id = ")
            .bind_i64(edition_id)
            .push_sql(" AND x.school_id = xs.id");
        part(q);
        q.push_sql(COLUMNS)
            .push_sql("FROM districts xd CROSS JOIN actions x WHERE xd.department_id IN (")
            .bind_list(&reach.departments)
            .push_sql(") AND x.edition_id = ")
            .bind_i64(edition_id)
            .push_sql(" AND x.district_id = xd.id AND x.school_id IS NULL");
    }
    if first {
        // No place at all: nothing matches.
        q.push_sql(COLUMNS).push_sql("FROM actions x WHERE 1 = 0");
    }
}

/// Pushes the `FROM` of the edition's actions `a` within the reach, drafts
/// included; [`push_reach_terms`] pushes the matching `WHERE` terms.
fn push_reach_from(q: &mut impl SqlBuilder, edition_id: EditionId, reach: &Reach) {
    if reach.whole {
        q.push_sql("actions a");
    } else {
        q.push_sql("(");
        push_reach_actions(q, edition_id, reach);
        q.push_sql(") r CROSS JOIN actions a");
    }
}

/// The `WHERE` terms that go with [`push_reach_from`].
fn push_reach_terms(q: &mut impl SqlBuilder, edition_id: EditionId, reach: &Reach) {
    q.push_sql("a.edition_id = ").bind_i64(edition_id);
    if !reach.whole {
        q.push_sql(" AND a.id = r.id");
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
        assert_eq!(contains_pattern("École"), "%_cole%");
        assert_eq!(contains_pattern("100%_\0"), "%100\\%\\_%");
    }

    #[test]
    fn a_district_reach_starts_from_its_schools() {
        let mut q = SqlText::default();
        push_reach_from(
            &mut q,
            EditionId(7),
            &Reach::districts(vec![DistrictId(3), DistrictId(4)]),
        );
        let from = q.text;
        assert!(
            from.starts_with(
                "(SELECT x.id, x.state, x.starts_on FROM schools xs CROSS JOIN actions x"
            ),
            "{from}"
        );
        assert!(from.contains("xs.district_id IN (?, ?)"), "{from}");
        assert!(from.ends_with(") r CROSS JOIN actions a"), "{from}");
        assert!(from.contains(" UNION ALL ") && !from.contains(" UNION SELECT"));
        let whole = Reach {
            whole: true,
            ..Default::default()
        };
        let mut q = SqlText::default();
        push_reach_from(&mut q, EditionId(7), &whole);
        assert_eq!(q.text, "actions a");
        let both = Reach {
            whole: false,
            departments: vec![DepartmentId(1)],
            districts: vec![DistrictId(3)],
        };
        let mut q = SqlText::default();
        push_reach_from(&mut q, EditionId(7), &both);
        assert!(q.text.contains(" UNION SELECT"), "{}", q.text);
    }
}
