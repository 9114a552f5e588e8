//! The dashboard's figures: districts, school coverage, silent schools and
//! action counts within a person's reach.

use crate::domain::ids::{AcademyId, DepartmentId, DistrictId, EditionId, SchoolId};
use sqlx::{FromRow, QueryBuilder};

use super::{Reach, push_beyond_draft, push_reach_terms};
use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        action::ActionState,
        declaration::{AUDIENCES, SHOWCASE_KINDS},
    },
    on_conn,
};

/// A district, for the filter and the dashboard.
#[derive(Clone, Debug, FromRow)]
pub struct DistrictName {
    pub id: DistrictId,
    pub department_id: DepartmentId,
    pub name: String,
    pub department_code: String,
}

/// The districts of an académie within the reach, by department then name.
pub async fn districts_in_reach(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    reach: &Reach,
) -> DbResult<Vec<DistrictName>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT di.id, di.department_id, di.name, dp.code AS department_code \
             FROM districts di JOIN departments dp ON dp.id = di.department_id \
             WHERE dp.academy_id = ",
        );
        q.bind_i64(academy_id).push_sql(" AND (");
        let mut places = 0;
        if reach.whole {
            q.push_sql("TRUE");
            places += 1;
        }
        if !reach.districts.is_empty() {
            q.push_sql(if places > 0 { " OR " } else { "" })
                .push_sql("di.id IN (")
                .bind_list(&reach.districts)
                .push_sql(")");
            places += 1;
        }
        if !reach.departments.is_empty() {
            q.push_sql(if places > 0 { " OR " } else { "" })
                .push_sql("di.department_id IN (")
                .bind_list(&reach.departments)
                .push_sql(")");
            places += 1;
        }
        if places == 0 {
            q.push_sql("1 = 0");
        }
        q.push_sql(") ORDER BY dp.code, di.name, di.id");
        q.build_query_as().fetch_all(c).await
    })
}

/// Pushes the conditions on the open schools `s` within the reach: the
/// académie's (by `schools_academy_district`, migration 0003), or those of
/// the districts and departments (by their own indexes).
pub(crate) fn push_school_conditions(
    q: &mut impl SqlBuilder,
    academy_id: AcademyId,
    reach: &Reach,
) {
    q.push_sql("(");
    let mut places = 0;
    if reach.whole {
        q.push_sql("s.academy_id = ").bind_i64(academy_id);
        places += 1;
    }
    if !reach.districts.is_empty() {
        q.push_sql(if places > 0 { " OR " } else { "" })
            .push_sql("s.district_id IN (")
            .bind_list(&reach.districts)
            .push_sql(")");
        places += 1;
    }
    if !reach.departments.is_empty() {
        q.push_sql(if places > 0 { " OR " } else { "" })
            .push_sql("s.department_id IN (")
            .bind_list(&reach.departments)
            .push_sql(")");
        places += 1;
    }
    if places == 0 {
        q.push_sql("1 = 0");
    }
    q.push_sql(") AND s.is_open = TRUE");
}

/// Schools, and schools with at least one action beyond the draft, by district.
#[derive(Clone, Debug, FromRow)]
pub struct SchoolCoverage {
    pub district_id: Option<DistrictId>,
    pub schools: i64,
    pub covered: i64,
}

/// Two aggregates: the open schools of the reach by district, and, from the
/// actions beyond the draft, how many distinct schools have one.
pub async fn school_coverage(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    academy_id: AcademyId,
    reach: &Reach,
) -> DbResult<Vec<SchoolCoverage>> {
    let mut lines: Vec<SchoolCoverage> = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT s.district_id, COUNT(*) AS schools, CAST(0 AS BIGINT) AS covered \
             FROM schools s WHERE ",
        );
        push_school_conditions(&mut q, academy_id, reach);
        q.push_sql(" GROUP BY s.district_id");
        q.build_query_as().fetch_all(c).await
    })?;
    let covered: Vec<SchoolCoverage> = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT s.district_id, CAST(0 AS BIGINT) AS schools, COUNT(DISTINCT s.id) AS covered \
             FROM actions a JOIN schools s ON s.id = a.school_id WHERE ",
        );
        push_reach_terms(&mut q, edition_id, reach);
        q.push_sql(" AND ");
        push_beyond_draft(&mut q, "a");
        q.push_sql(" AND s.is_open = TRUE GROUP BY s.district_id");
        q.build_query_as().fetch_all(c).await
    })?;
    for c in covered {
        match lines.iter_mut().find(|l| l.district_id == c.district_id) {
            Some(line) => line.covered = c.covered,
            None => lines.push(c),
        }
    }
    Ok(lines)
}

/// A school that has declared nothing yet, with one of its référents.
#[derive(Clone, Debug, FromRow)]
pub struct SilentSchool {
    pub district_id: Option<DistrictId>,
    pub id: SchoolId,
    pub name: String,
    pub uai: String,
    pub referent: Option<String>,
}

/// The open schools of the reach without any action beyond the draft, one
/// line per référent (or one line without), by district, name and UAI.
pub async fn silent_schools(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    academy_id: AcademyId,
    reach: &Reach,
) -> DbResult<Vec<SilentSchool>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT s.district_id, s.id, s.name, s.uai, u.email AS referent \
             FROM schools s \
             LEFT JOIN role_grants g ON g.scope_kind = 'school' AND g.scope_id = s.id \
                  AND g.role = 'school_referent' \
             LEFT JOIN users u ON u.id = g.user_id WHERE ",
        );
        push_school_conditions(&mut q, academy_id, reach);
        q.push_sql(" AND NOT EXISTS (SELECT 1 FROM actions x WHERE x.edition_id = ")
            .bind_i64(edition_id)
            .push_sql(" AND x.school_id = s.id AND ");
        push_beyond_draft(&mut q, "x");
        q.push_sql(") ORDER BY s.district_id, s.name, s.uai, u.email");
        q.build_query_as().fetch_all(c).await
    })
}

/// The actions of one district (or of none): by state (`ActionState::ALL`,
/// drafts included), and beyond the draft by audience (`AUDIENCES`) and by
/// showcase kind (`SHOWCASE_KINDS`); an action counts under each code it
/// carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionCounts {
    pub district_id: Option<DistrictId>,
    pub states: Vec<i64>,
    pub audiences: Vec<i64>,
    pub showcases: Vec<i64>,
}

/// Pushes one `COUNT` column per state, then, beyond the draft, one per
/// audience and showcase kind. A stored code list is comma-separated and no
/// code holds another (`declaration::tests::no_code_holds_another`), so the
/// code's position in the list says whether the action carries it.
fn push_count_columns(q: &mut impl SqlBuilder, position: &str) {
    for state in ActionState::ALL {
        q.push_sql(", COUNT(CASE WHEN a.state = ")
            .bind_text(state.code().into())
            .push_sql(" THEN 1 END)");
    }
    for (column, choices) in [
        ("a.audiences", AUDIENCES),
        ("a.showcase_kinds", SHOWCASE_KINDS),
    ] {
        for (code, _) in choices {
            q.push_sql(", COUNT(CASE WHEN ");
            push_beyond_draft(q, "a");
            q.push_sql(" AND ")
                .push_sql(position)
                .push_sql("(")
                .push_sql(column)
                .push_sql(", ")
                .bind_text((*code).into())
                .push_sql(") > 0 THEN 1 END)");
        }
    }
}

/// Every count of the dashboard in one pass over the actions of the reach:
/// one line per district (by id, actions without a district last), one
/// column per state, audience and showcase kind.
///
/// The pass reads only the covering index `actions_dashboard_counts`
/// (migration 0015: edition, district, state and both code lists), in
/// district order, and answers one row per district: the actions' own rows
/// (long descriptions) are never read, and no row per action crosses from
/// SQLite's thread to ours (issue 6, « Speed »: 20,000 actions, 600
/// districts).
pub async fn action_counts(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    reach: &Reach,
) -> DbResult<Vec<ActionCounts>> {
    let (states, audiences) = (ActionState::ALL.len(), AUDIENCES.len());
    let columns = states + audiences + SHOWCASE_KINDS.len();
    let position = conn.dialect().position_fn();
    let mut lines = on_conn!(conn, |c| {
        use sqlx::Row;
        let mut q = QueryBuilder::new("SELECT a.place_district_id AS district_id");
        push_count_columns(&mut q, position);
        q.push_sql(" FROM actions a WHERE ");
        push_reach_terms(&mut q, edition_id, reach);
        q.push_sql(" GROUP BY a.place_district_id");
        let rows = q.build().fetch_all(c).await?;
        rows.iter()
            .map(|row| {
                let mut counts = (1..=columns)
                    .map(|i| row.try_get::<i64, _>(i))
                    .collect::<sqlx::Result<Vec<i64>>>()?;
                let showcases = counts.split_off(states + audiences);
                let audiences = counts.split_off(states);
                Ok(ActionCounts {
                    district_id: row.try_get(0)?,
                    states: counts,
                    audiences,
                    showcases,
                })
            })
            .collect::<sqlx::Result<Vec<ActionCounts>>>()
    })?;
    lines.sort_by_key(|l| (l.district_id.is_none(), l.district_id));
    Ok(lines)
}
