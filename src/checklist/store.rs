//! Checklist steps, ticks, and what the service sees done, in the database.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        AcademyId, EditionId, SchoolId, StepId, UserId,
        checklist::{AutoCheck, Phase},
        policy::Reach,
    },
    on_conn,
};

/// A step as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Step {
    pub id: StepId,
    pub edition_id: EditionId,
    pub phase: Phase,
    pub position: i64,
    pub label: String,
    /// `''`, or an [`AutoCheck`] code.
    pub auto_check: String,
}

impl Step {
    pub fn auto(&self) -> Option<AutoCheck> {
        AutoCheck::parse(&self.auto_check)
    }
}

/// The steps of an edition, by phase then order.
pub async fn steps_of(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Step>> {
    let sql = "SELECT id, edition_id, phase, position, label, auto_check FROM checklist_steps \
               WHERE edition_id = $1 ORDER BY CASE phase WHEN 'before' THEN 0 \
               WHEN 'during' THEN 1 ELSE 2 END, position, id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn step_by_id(conn: &mut Conn<'_>, id: StepId) -> DbResult<Option<Step>> {
    let sql = "SELECT id, edition_id, phase, position, label, auto_check FROM checklist_steps \
               WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Adds a step, last of its phase.
pub async fn add_step(
    conn: &mut Conn<'_>,
    edition: EditionId,
    phase: Phase,
    label: &str,
    auto: Option<AutoCheck>,
) -> DbResult<StepId> {
    let sql = "INSERT INTO checklist_steps (edition_id, phase, position, label, auto_check) \
               VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_steps \
               WHERE edition_id = $1 AND phase = $2), $3, $4) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .bind(phase)
        .bind(label)
        .bind(auto.map_or("", AutoCheck::code))
        .fetch_one(c)
        .await)
}

/// Removes a step (and its ticks).
pub async fn delete_step(conn: &mut Conn<'_>, id: StepId) -> DbResult<()> {
    let sql = "DELETE FROM checklist_steps WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Copies an edition's steps to its clone (no ticks).
pub async fn clone_steps(conn: &mut Conn<'_>, from: EditionId, to: EditionId) -> DbResult<()> {
    let sql = "INSERT INTO checklist_steps (edition_id, phase, position, label, auto_check) \
               SELECT $2, phase, position, label, auto_check FROM checklist_steps \
               WHERE edition_id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(from)
        .bind(to)
        .execute(c)
        .await
        .map(|_| ()))
}

/// A tick: which step, when and by whom.
#[derive(Clone, Debug, FromRow)]
pub struct Tick {
    pub step_id: StepId,
    pub school_id: SchoolId,
    pub ticked_at: DateTime<Utc>,
    pub email: String,
}

/// The ticks of the edition's steps for these schools.
pub async fn ticks(
    conn: &mut Conn<'_>,
    edition: EditionId,
    schools: &[SchoolId],
) -> DbResult<Vec<Tick>> {
    if schools.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT t.step_id, t.school_id, t.ticked_at, u.email FROM checklist_ticks t \
             JOIN checklist_steps st ON st.id = t.step_id JOIN users u ON u.id = t.ticked_by \
             WHERE st.edition_id = ",
        );
        q.bind_i64(edition)
            .push_sql(" AND t.school_id IN (")
            .bind_list(schools)
            .push_sql(")");
        q.build_query_as().fetch_all(c).await
    })
}

/// Ticks (or unticks) a step for a school.
pub async fn set_tick(
    conn: &mut Conn<'_>,
    step: StepId,
    school: SchoolId,
    by: UserId,
    done: bool,
) -> DbResult<()> {
    if done {
        let sql = "INSERT INTO checklist_ticks (step_id, school_id, ticked_at, ticked_by) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (step_id, school_id) DO NOTHING";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(step)
            .bind(school)
            .bind(Utc::now())
            .bind(by)
            .execute(c)
            .await
            .map(|_| ()))
    } else {
        let sql = "DELETE FROM checklist_ticks WHERE step_id = $1 AND school_id = $2";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(step)
            .bind(school)
            .execute(c)
            .await
            .map(|_| ()))
    }
}

/// Among `schools`, those with an action of the edition beyond the draft.
pub async fn schools_with_actions(
    conn: &mut Conn<'_>,
    edition: EditionId,
    schools: &[SchoolId],
) -> DbResult<Vec<SchoolId>> {
    if schools.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT DISTINCT a.school_id FROM actions a WHERE a.state <> 'draft' AND a.edition_id = ",
        );
        q.bind_i64(edition)
            .push_sql(" AND a.school_id IN (")
            .bind_list(schools)
            .push_sql(")");
        q.build_query_scalar().fetch_all(c).await
    })
}

/// A school of the progress table.
#[derive(Clone, Debug, FromRow)]
pub struct SchoolLine {
    pub id: SchoolId,
    pub uai: String,
    pub name: String,
    pub district: String,
}

/// The open schools within the reach, by district and name.
pub async fn schools_in_reach(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    reach: &Reach,
) -> DbResult<Vec<SchoolLine>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT s.id, s.uai, s.name, COALESCE(di.name, '') AS district FROM schools s \
             LEFT JOIN districts di ON di.id = s.district_id WHERE s.is_open = TRUE AND s.academy_id = ",
        );
        q.bind_i64(academy).push_sql(" AND (");
        let mut any = false;
        if reach.whole {
            q.push_sql("1 = 1");
            any = true;
        }
        for (column, ids) in [
            (
                "s.district_id",
                reach.districts.iter().map(|d| d.0).collect::<Vec<i64>>(),
            ),
            (
                "s.department_id",
                reach.departments.iter().map(|d| d.0).collect(),
            ),
            ("s.id", reach.schools.iter().map(|s| s.0).collect()),
        ] {
            if ids.is_empty() {
                continue;
            }
            q.push_sql(if any { " OR " } else { "" })
                .push_sql(column)
                .push_sql(" IN (")
                .bind_list(&ids)
                .push_sql(")");
            any = true;
        }
        if !any {
            q.push_sql("1 = 0");
        }
        q.push_sql(") ORDER BY di.name, s.name, s.id");
        q.build_query_as().fetch_all(c).await
    })
}

/// Among `schools`, those with a bilan of the edition sent (submitted; a
/// bilan sent back for completion is not sent until submitted again).
pub async fn schools_with_bilans(
    conn: &mut Conn<'_>,
    edition: EditionId,
    schools: &[SchoolId],
) -> DbResult<Vec<SchoolId>> {
    schools_among(
        conn,
        "SELECT DISTINCT a.school_id FROM bilans b JOIN actions a ON a.id = b.action_id \
         WHERE b.state = 'submitted' AND b.edition_id = ",
        "a.school_id",
        edition,
        schools,
    )
    .await
}

/// Among `schools`, those with a photo or poster of the edition approved by
/// the académie (the media table, issue 9: totem photos, poster entries).
pub async fn schools_with_approved_photos(
    conn: &mut Conn<'_>,
    edition: EditionId,
    schools: &[SchoolId],
) -> DbResult<Vec<SchoolId>> {
    schools_among(
        conn,
        "SELECT DISTINCT m.school_id FROM media m \
         WHERE m.state = 'approved' AND m.edition_id = ",
        "m.school_id",
        edition,
        schools,
    )
    .await
}

/// Runs `head` (a trusted query ending in `edition_id = `) for `edition`,
/// kept to the `schools` by `column`: the schools the service sees a step
/// done for.
async fn schools_among(
    conn: &mut Conn<'_>,
    head: &'static str,
    column: &'static str,
    edition: EditionId,
    schools: &[SchoolId],
) -> DbResult<Vec<SchoolId>> {
    if schools.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(head);
        q.bind_i64(edition)
            .push_sql(" AND ")
            .push_sql(column)
            .push_sql(" IN (")
            .bind_list(schools)
            .push_sql(")");
        q.build_query_scalar().fetch_all(c).await
    })
}
