//! Editions, their questions, deadline extensions and reminders in the database.

use crate::domain::ids::{AcademyId, EditionId, OptionId, QuestionId, SchoolId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        declaration::{Question, QuestionKind, QuestionOption},
        edition::{EditionCalendar, EditionState},
    },
    on_conn,
};

/// An edition as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Edition {
    pub id: EditionId,
    pub academy_id: AcademyId,
    pub year: i64,
    pub number: i64,
    pub theme: String,
    pub week_start: NaiveDate,
    pub week_end: NaiveDate,
    pub declaration_deadline: DateTime<Utc>,
    pub bilan_deadline: NaiveDate,
    pub circular: String,
    pub contact_email: String,
    pub state: EditionState,
    pub reminder_days: String,
    pub cloned_from: Option<EditionId>,
}

impl Edition {
    pub fn calendar(&self) -> EditionCalendar {
        EditionCalendar {
            week_start: self.week_start,
            week_end: self.week_end,
            declaration_deadline: self.declaration_deadline,
            bilan_deadline: self.bilan_deadline,
        }
    }

    pub fn stored_state(&self) -> EditionState {
        self.state
    }

    /// The state at `now`, with the calendar applied.
    pub fn state_at(&self, now: DateTime<Utc>) -> EditionState {
        self.calendar().effective_state(self.stored_state(), now)
    }

    /// « 9e semaine de la persévérance scolaire — 2027 »
    pub fn title(&self) -> String {
        let suffix = if self.number == 1 { "re" } else { "e" };
        format!(
            "{}{suffix} semaine de la persévérance scolaire ({})",
            self.number, self.year
        )
    }
}

/// The values of an edition, as written.
#[derive(Clone, Debug)]
pub struct EditionValues {
    pub year: i64,
    pub number: i64,
    pub theme: String,
    pub calendar: EditionCalendar,
    pub circular: String,
    pub contact_email: String,
    pub reminder_days: String,
}

/// The SQL text of edition columns, for `concat!` (SQL is never assembled with `format!`).
macro_rules! edition_columns {
    () => {
        "id, academy_id, year, number, theme, week_start, week_end, declaration_deadline, \
     bilan_deadline, circular, contact_email, state, reminder_days, cloned_from"
    };
}

pub async fn edition_by_id(conn: &mut Conn<'_>, id: EditionId) -> DbResult<Option<Edition>> {
    let sql = concat!(
        "SELECT ",
        edition_columns!(),
        " FROM editions WHERE id = $1"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// The editions of an académie, newest first.
pub async fn editions_of(conn: &mut Conn<'_>, academy_id: AcademyId) -> DbResult<Vec<Edition>> {
    let sql = concat!(
        "SELECT ",
        edition_columns!(),
        " FROM editions WHERE academy_id = $1 ORDER BY year DESC"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy_id)
        .fetch_all(c)
        .await)
}

/// Every edition not archived (for the reminder job).
pub async fn live_editions(conn: &mut Conn<'_>) -> DbResult<Vec<Edition>> {
    let sql = concat!(
        "SELECT ",
        edition_columns!(),
        " FROM editions WHERE state NOT IN ('draft', 'archived')"
    );
    on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)
}

pub async fn edition_of_year(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    year: i64,
) -> DbResult<Option<Edition>> {
    let sql = concat!(
        "SELECT ",
        edition_columns!(),
        " FROM editions WHERE academy_id = $1 AND year = $2"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy_id)
        .bind(year)
        .fetch_optional(c)
        .await)
}

pub async fn insert_edition(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    v: &EditionValues,
    cloned_from: Option<EditionId>,
) -> DbResult<EditionId> {
    let now = Utc::now();
    let sql = "INSERT INTO editions (academy_id, year, number, theme, week_start, week_end, declaration_deadline,
               bilan_deadline, circular, contact_email, reminder_days, cloned_from, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(academy_id)
        .bind(v.year)
        .bind(v.number)
        .bind(&v.theme)
        .bind(v.calendar.week_start)
        .bind(v.calendar.week_end)
        .bind(v.calendar.declaration_deadline)
        .bind(v.calendar.bilan_deadline)
        .bind(&v.circular)
        .bind(&v.contact_email)
        .bind(&v.reminder_days)
        .bind(cloned_from)
        .bind(now)
        .fetch_one(c)
        .await)
}

pub async fn update_edition(conn: &mut Conn<'_>, id: EditionId, v: &EditionValues) -> DbResult<()> {
    let sql =
        "UPDATE editions SET year = $2, number = $3, theme = $4, week_start = $5, week_end = $6,
               declaration_deadline = $7, bilan_deadline = $8, circular = $9, contact_email = $10,
               reminder_days = $11, updated_at = $12 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(v.year)
        .bind(v.number)
        .bind(&v.theme)
        .bind(v.calendar.week_start)
        .bind(v.calendar.week_end)
        .bind(v.calendar.declaration_deadline)
        .bind(v.calendar.bilan_deadline)
        .bind(&v.circular)
        .bind(&v.contact_email)
        .bind(&v.reminder_days)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))?;
    // The theme and dates show on the public pages.
    crate::public::store::bump_generation(conn).await
}

pub async fn set_edition_state(
    conn: &mut Conn<'_>,
    id: EditionId,
    state: EditionState,
) -> DbResult<()> {
    let sql = "UPDATE editions SET state = $2, updated_at = $3 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(state.code())
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))?;
    // Publishing or unpublishing an edition changes the public pages.
    crate::public::store::bump_generation(conn).await
}

#[derive(FromRow)]
struct QuestionRow {
    id: QuestionId,
    kind: QuestionKind,
    label: String,
    help: String,
    required: bool,
}

/// The edition's own questions, in order, with their options.
pub async fn questions(conn: &mut Conn<'_>, edition_id: EditionId) -> DbResult<Vec<Question>> {
    let sql = "SELECT id, kind, label, help, required FROM edition_questions WHERE edition_id = $1 ORDER BY position, id";
    let rows: Vec<QuestionRow> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_all(c)
        .await)?;
    let sql = "SELECT o.question_id, o.id, o.label FROM question_options o
               JOIN edition_questions q ON q.id = o.question_id
               WHERE q.edition_id = $1 ORDER BY o.position, o.id";
    let options: Vec<(QuestionId, OptionId, String)> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Question {
            options: options
                .iter()
                .filter(|(question, _, _)| *question == r.id)
                .map(|(_, id, label)| QuestionOption {
                    id: *id,
                    label: label.clone(),
                })
                .collect(),
            id: r.id,
            kind: r.kind,
            label: r.label,
            help: r.help,
            required: r.required,
        })
        .collect())
}

/// Adds a question at the end of the form, with its options.
pub async fn add_question(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    q: &Question,
) -> DbResult<QuestionId> {
    let sql = "INSERT INTO edition_questions (edition_id, position, kind, label, help, required)
               VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM edition_questions WHERE edition_id = $1), $2, $3, $4, $5)
               RETURNING id";
    let id = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(q.kind.code())
        .bind(&q.label)
        .bind(&q.help)
        .bind(q.required)
        .fetch_one(c)
        .await)?;
    let options: Vec<QuestionOption> = q
        .options
        .iter()
        .map(|o| QuestionOption {
            id: OptionId(0),
            label: o.label.clone(),
        })
        .collect();
    write_options(conn, id, &options).await?;
    Ok(id)
}

/// Changes a question. Its options keep their ids (and the answers that
/// chose them) when renamed; options left out are deleted with their
/// choices; a change of kind that gives answers another meaning deletes
/// them. Ask before (see [`answer_count`], [`option_answer_counts`]).
pub async fn update_question(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    q: &Question,
) -> DbResult<()> {
    let sql = "SELECT kind FROM edition_questions WHERE id = $1 AND edition_id = $2";
    let previous: Option<QuestionKind> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(q.id)
        .bind(edition_id)
        .fetch_optional(c)
        .await)?;
    let Some(previous) = previous else {
        return Ok(());
    };
    let sql = "UPDATE edition_questions SET kind = $3, label = $4, help = $5, required = $6 WHERE id = $1 AND edition_id = $2";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(q.id)
        .bind(edition_id)
        .bind(q.kind.code())
        .bind(&q.label)
        .bind(&q.help)
        .bind(q.required)
        .execute(c)
        .await
        .map(|_| ()))?;
    if !previous.keeps_answers_as(q.kind) {
        let sql = "DELETE FROM action_answers WHERE question_id = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(q.id)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    write_options(conn, q.id, &q.options).await
}

/// Makes the question's options exactly `options`, in that order: those
/// with an id are renamed in place, those without are added, the others
/// deleted (with the choices that named them).
async fn write_options(
    conn: &mut Conn<'_>,
    question_id: QuestionId,
    options: &[QuestionOption],
) -> DbResult<()> {
    let sql = "SELECT id FROM question_options WHERE question_id = $1";
    let existing: Vec<OptionId> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(question_id)
        .fetch_all(c)
        .await)?;
    for id in existing
        .iter()
        .filter(|id| !options.iter().any(|o| o.id == **id))
    {
        let sql = "DELETE FROM question_options WHERE id = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    for (position, option) in (1_i64..).zip(options) {
        if existing.contains(&option.id) {
            let sql = "UPDATE question_options SET label = $2, position = $3 WHERE id = $1";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(option.id)
                .bind(&option.label)
                .bind(position)
                .execute(c)
                .await
                .map(|_| ()))?;
        } else {
            let sql =
                "INSERT INTO question_options (question_id, position, label) VALUES ($1, $2, $3)";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(question_id)
                .bind(position)
                .bind(&option.label)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

/// How many actions answered the question.
pub async fn answer_count(conn: &mut Conn<'_>, question_id: QuestionId) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM (
                 SELECT action_id FROM action_answers WHERE question_id = $1
                 UNION
                 SELECT c.action_id FROM action_choices c JOIN question_options o ON o.id = c.option_id
                  WHERE o.question_id = $1) answered";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(question_id)
        .fetch_one(c)
        .await)
}

/// How many actions chose each option of the question (options nobody
/// chose are left out).
pub async fn option_answer_counts(
    conn: &mut Conn<'_>,
    question_id: QuestionId,
) -> DbResult<Vec<(OptionId, i64)>> {
    let sql =
        "SELECT o.id, COUNT(*) FROM question_options o JOIN action_choices c ON c.option_id = o.id
               WHERE o.question_id = $1 GROUP BY o.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(question_id)
        .fetch_all(c)
        .await)
}

pub async fn delete_question(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    question_id: QuestionId,
) -> DbResult<()> {
    let sql = "DELETE FROM edition_questions WHERE id = $1 AND edition_id = $2";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(question_id)
        .bind(edition_id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Moves a question one place up (`-1`) or down (`+1`). Reads the order
/// (after locking the edition's row on PostgreSQL) and writes it back: run it in a write
/// transaction ([`crate::db::Db::begin`]) so that two concurrent moves are
/// applied one after the other and none is lost.
pub async fn move_question(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    question_id: QuestionId,
    delta: i64,
) -> DbResult<()> {
    // Lock the edition's row first, then read the order: on PostgreSQL a
    // `SELECT … ORDER BY … FOR UPDATE` that waited for a lock may return its
    // rows in their old order; a fresh read after the lock cannot.
    let lock = conn.dialect().for_update();
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT id FROM editions WHERE id = ");
        q.bind_i64(edition_id).push_sql(lock);
        q.build_query_scalar::<i64>().fetch_optional(c).await
    })?;
    let ids: Vec<QuestionId> = questions(conn, edition_id)
        .await?
        .iter()
        .map(|q| q.id)
        .collect();
    let Some(i) = ids.iter().position(|&id| id == question_id) else {
        return Ok(());
    };
    let j = i as i64 + delta;
    if j < 0 || j >= ids.len() as i64 {
        return Ok(());
    }
    let mut order = ids.clone();
    order.swap(i, j as usize);
    for (position, id) in order.iter().enumerate() {
        let sql = "UPDATE edition_questions SET position = $2 WHERE id = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .bind(position as i64 + 1)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// The deadline that applies to a school: the edition's, or a later extension
/// granted to that school or to all.
pub async fn deadline_for(
    conn: &mut Conn<'_>,
    edition: &Edition,
    school_id: Option<SchoolId>,
) -> DbResult<DateTime<Utc>> {
    let sql = "SELECT MAX(until) FROM deadline_extensions WHERE edition_id = $1 AND (school_id IS NULL OR school_id = $2)";
    let extension: Option<DateTime<Utc>> = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition.id)
        .bind(school_id)
        .fetch_one(c)
        .await)?;
    Ok(extension.map_or(edition.declaration_deadline, |e| {
        e.max(edition.declaration_deadline)
    }))
}

/// Grants a later deadline to one school (`Some`) or to every school (`None`).
pub async fn extend_deadline(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    school_id: Option<SchoolId>,
    until: DateTime<Utc>,
    by: UserId,
) -> DbResult<()> {
    let sql = "INSERT INTO deadline_extensions (edition_id, school_id, until, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition_id)
        .bind(school_id)
        .bind(until)
        .bind(by)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// An extension, listed with its school.
#[derive(Clone, Debug, FromRow)]
pub struct Extension {
    pub until: DateTime<Utc>,
    pub school_name: Option<String>,
    pub uai: Option<String>,
}

pub async fn extensions(conn: &mut Conn<'_>, edition_id: EditionId) -> DbResult<Vec<Extension>> {
    let sql = "SELECT e.until, s.name AS school_name, s.uai FROM deadline_extensions e
               LEFT JOIN schools s ON s.id = e.school_id WHERE e.edition_id = $1 ORDER BY e.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .fetch_all(c)
        .await)
}

/// Moves the edition from `from` to `to`; false if its state was no longer
/// `from` (someone else moved it first).
pub async fn move_edition_state(
    conn: &mut Conn<'_>,
    id: EditionId,
    from: EditionState,
    to: EditionState,
) -> DbResult<bool> {
    let sql = "UPDATE editions SET state = $3, updated_at = $4 WHERE id = $1 AND state = $2";
    let done = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(from.code())
        .bind(to.code())
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done > 0 {
        crate::public::store::bump_generation(conn).await?;
    }
    Ok(done > 0)
}

/// How many actions of the edition went further than a draft.
pub async fn declared_action_count(conn: &mut Conn<'_>, edition_id: EditionId) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM actions WHERE edition_id = $1 AND state <> 'draft'";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(c)
        .await)
}

/// Whom a deadline applies to: every school of the edition's académie
/// (the edition's deadline, with any extension granted to all), or one
/// school with an extension of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineScope {
    Edition,
    School(SchoolId),
}

impl DeadlineScope {
    /// The key of the scope in `deadline_reminders` and `announced_deadlines`
    /// (their unique indexes read a NULL school as 0).
    fn key(self) -> i64 {
        match self {
            DeadlineScope::Edition => 0,
            DeadlineScope::School(id) => id.0,
        }
    }

    fn school(self) -> Option<SchoolId> {
        match self {
            DeadlineScope::Edition => None,
            DeadlineScope::School(id) => Some(id),
        }
    }
}

/// The schools whose own extension ends after `after` (the edition's
/// deadline for all), with that extension's end.
pub async fn own_deadlines(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    after: DateTime<Utc>,
) -> DbResult<Vec<(SchoolId, DateTime<Utc>)>> {
    let sql = "SELECT school_id, MAX(until) FROM deadline_extensions
               WHERE edition_id = $1 AND school_id IS NOT NULL
               GROUP BY school_id HAVING MAX(until) > $2 ORDER BY school_id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .bind(after)
        .fetch_all(c)
        .await)
}

/// The deadline last announced to the scope, if any was.
pub async fn announced_deadline(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    scope: DeadlineScope,
) -> DbResult<Option<DateTime<Utc>>> {
    let sql = "SELECT deadline FROM announced_deadlines WHERE edition_id = $1 AND COALESCE(school_id, 0) = $2";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(scope.key())
        .fetch_optional(c)
        .await)
}

/// Records that `deadline` is announced to the scope, if the one announced
/// before is still `previous` (none: nothing was). False if another worker
/// announced it first: only one of them tells the schools.
pub async fn announce_deadline(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    scope: DeadlineScope,
    previous: Option<DateTime<Utc>>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let done = match previous {
        None => {
            let sql =
                "INSERT INTO announced_deadlines (edition_id, school_id, deadline, announced_at)
                       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(edition_id)
                .bind(scope.school())
                .bind(deadline)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?
        }
        Some(previous) => {
            let sql = "UPDATE announced_deadlines SET deadline = $3, announced_at = $4
                       WHERE edition_id = $1 AND COALESCE(school_id, 0) = $2 AND deadline = $5";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(edition_id)
                .bind(scope.key())
                .bind(deadline)
                .bind(now)
                .bind(previous)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?
        }
    };
    Ok(done > 0)
}

/// Forgets the deadlines announced to schools that have no later deadline
/// of their own any more (`keep` have): they were just told the edition's.
pub async fn forget_own_announcements(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    keep: &[SchoolId],
) -> DbResult<()> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "DELETE FROM announced_deadlines WHERE school_id IS NOT NULL AND edition_id = ",
        );
        q.bind_i64(edition_id);
        if !keep.is_empty() {
            q.push_sql(" AND school_id NOT IN (")
                .bind_list(keep)
                .push_sql(")");
        }
        q.build().execute(c).await.map(|_| ())
    })
}

/// The reminder days already sent for this deadline of the scope.
pub async fn reminders_sent(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    scope: DeadlineScope,
    deadline: DateTime<Utc>,
) -> DbResult<Vec<i64>> {
    let sql = "SELECT days_before FROM deadline_reminders
               WHERE edition_id = $1 AND COALESCE(school_id, 0) = $2 AND deadline = $3";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(scope.key())
        .bind(deadline)
        .fetch_all(c)
        .await)
}

/// Records that the reminder `days_before` of this deadline of the scope
/// went out; false if it already had.
pub async fn mark_reminder_sent(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    scope: DeadlineScope,
    deadline: DateTime<Utc>,
    days_before: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql =
        "INSERT INTO deadline_reminders (edition_id, school_id, deadline, days_before, sent_at)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
    let done = on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition_id)
        .bind(scope.school())
        .bind(deadline)
        .bind(days_before)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Someone to write to about a deadline: a school, and one holder of a
/// school role there.
#[derive(Clone, Debug, FromRow)]
pub struct ReminderRecipient {
    pub school_id: SchoolId,
    pub school_name: String,
    pub uai: String,
    pub email: String,
}

/// The heads, référents and staff of the open schools a deadline applies
/// to (one row per school and person): the académie's schools but `except`
/// (those with a later deadline of their own), or the one school. With
/// `silent_only`, only the schools with no action beyond a draft in the
/// edition (those a reminder is for).
pub async fn deadline_recipients(
    conn: &mut Conn<'_>,
    edition: &Edition,
    scope: DeadlineScope,
    except: &[SchoolId],
    silent_only: bool,
) -> DbResult<Vec<ReminderRecipient>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT DISTINCT s.id AS school_id, s.name AS school_name, s.uai, u.email
             FROM schools s
             JOIN role_grants g ON g.scope_kind = 'school' AND g.scope_id = s.id
                  AND g.role IN ('school_head', 'school_referent', 'staff')
             JOIN users u ON u.id = g.user_id
             WHERE s.is_open = TRUE AND s.academy_id = ",
        );
        q.bind_i64(edition.academy_id);
        match scope {
            DeadlineScope::School(id) => {
                q.push_sql(" AND s.id = ").bind_i64(id);
            }
            DeadlineScope::Edition if !except.is_empty() => {
                q.push_sql(" AND s.id NOT IN (")
                    .bind_list(except)
                    .push_sql(")");
            }
            DeadlineScope::Edition => {}
        }
        if silent_only {
            q.push_sql(
                " AND NOT EXISTS (SELECT 1 FROM actions a
                                  WHERE a.edition_id = ",
            )
            .bind_i64(edition.id)
            .push_sql(" AND a.school_id = s.id AND a.state <> 'draft')");
        }
        q.push_sql(" ORDER BY s.id, u.email");
        q.build_query_as().fetch_all(c).await
    })
}
