//! Bilans, their questionnaire and their reminders in the database.
//!
//! One row per action in `bilans` (migration 0010), created by the first
//! save; its answers in `bilan_answers`. Writes check the version the person
//! saw (optimistic locking, like actions): a second tab's save gets a 409.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        bilan::{BilanInput, BilanQuestion, BilanQuestionKind, BilanState, CheckedBilan},
        ids::{ActionId, BilanQuestionId, EditionId, SchoolId, UserId},
    },
    on_conn,
};

/// A question as stored.
#[derive(Clone, Debug, FromRow)]
struct QuestionRow {
    id: BilanQuestionId,
    kind: BilanQuestionKind,
    label: String,
    required: bool,
}

/// The edition's questionnaire, in order.
pub async fn questions(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<BilanQuestion>> {
    let sql = "SELECT id, kind, label, required FROM bilan_questions \
               WHERE edition_id = $1 ORDER BY position, id";
    let rows: Vec<QuestionRow> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| BilanQuestion {
            id: r.id,
            kind: r.kind,
            label: r.label,
            required: r.required,
        })
        .collect())
}

/// Adds a question at the end of the questionnaire.
pub async fn add_question(
    conn: &mut Conn<'_>,
    edition: EditionId,
    kind: BilanQuestionKind,
    label: &str,
    required: bool,
) -> DbResult<BilanQuestionId> {
    let sql = "INSERT INTO bilan_questions (edition_id, position, kind, label, required) \
               VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM bilan_questions \
               WHERE edition_id = $1), $2, $3, $4) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .bind(kind)
        .bind(label)
        .bind(required)
        .fetch_one(c)
        .await)
}

/// Removes a question and its answers; false if it was not the edition's.
pub async fn delete_question(
    conn: &mut Conn<'_>,
    edition: EditionId,
    id: BilanQuestionId,
) -> DbResult<bool> {
    let sql = "DELETE FROM bilan_questions WHERE id = $1 AND edition_id = $2";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(edition)
        .execute(c)
        .await
        .map(|r| r.rows_affected() > 0))
}

/// How many submitted answers a question holds (said before deleting it).
pub async fn answers_to(conn: &mut Conn<'_>, id: BilanQuestionId) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM bilan_answers WHERE question_id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(c)
        .await)
}

/// Sets the days before the bilan deadline when owners are reminded.
pub async fn set_reminder_days(
    conn: &mut Conn<'_>,
    edition: EditionId,
    days: &str,
) -> DbResult<()> {
    let sql = "UPDATE editions SET bilan_reminder_days = $2, updated_at = $3 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(days)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// The edition's bilan reminder days, as stored (« 14 3 »).
pub async fn reminder_days(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<String> {
    let sql = "SELECT bilan_reminder_days FROM editions WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .fetch_one(c)
        .await)
}

/// A bilan as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Bilan {
    pub action_id: ActionId,
    pub edition_id: EditionId,
    pub state: BilanState,
    pub version: i64,
    pub took_place: String,
    pub reason: String,
    pub pupils: Option<i64>,
    pub parents: Option<i64>,
    pub staff: Option<i64>,
    pub partners: Option<i64>,
    pub others: Option<i64>,
    pub feedback: String,
    pub vigilance: String,
    pub perspectives: String,
    pub return_comment: String,
    pub extended_until: Option<NaiveDate>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl Bilan {
    /// The figures in [`crate::domain::bilan::ATTENDANCE`] order.
    pub fn attendance(&self) -> [Option<i64>; 5] {
        [
            self.pupils,
            self.parents,
            self.staff,
            self.partners,
            self.others,
        ]
    }

    /// The stored values as the form shows them.
    pub fn input(&self, answers: Vec<(BilanQuestionId, String)>) -> BilanInput {
        let figure = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        BilanInput {
            took_place: self.took_place.clone(),
            reason: self.reason.clone(),
            attendance: self.attendance().map(figure),
            feedback: self.feedback.clone(),
            vigilance: self.vigilance.clone(),
            perspectives: self.perspectives.clone(),
            answers,
        }
    }
}

/// The bilan of an action, if one was saved.
pub async fn bilan(conn: &mut Conn<'_>, action: ActionId) -> DbResult<Option<Bilan>> {
    let sql = "SELECT action_id, edition_id, state, version, took_place, reason, pupils, parents, \
               staff, partners, others, feedback, vigilance, perspectives, return_comment, \
               extended_until, submitted_at, updated_at FROM bilans WHERE action_id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action)
        .fetch_optional(c)
        .await)
}

/// The answers of a bilan to its questionnaire.
pub async fn answers(
    conn: &mut Conn<'_>,
    action: ActionId,
) -> DbResult<Vec<(BilanQuestionId, String)>> {
    let sql = "SELECT question_id, value FROM bilan_answers WHERE action_id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action)
        .fetch_all(c)
        .await)
}

/// What a save writes: the texts as typed (trimmed), the checked values.
pub struct Content<'a> {
    pub input: &'a BilanInput,
    pub checked: &'a CheckedBilan,
    /// Fields refused by the check: their stored value is kept.
    pub flagged: &'a [String],
}

/// Writes a bilan's content (creating the row on the first save) if its
/// version is still `version` (0 when none was stored yet), and moves it to
/// `state`; false if someone else saved in between.
pub async fn save(
    conn: &mut Conn<'_>,
    action: ActionId,
    edition: EditionId,
    version: i64,
    content: Content<'_>,
    state: BilanState,
) -> DbResult<bool> {
    let now = Utc::now();
    if version == 0 {
        let sql = "INSERT INTO bilans (action_id, edition_id, version, created_at, updated_at) \
                   VALUES ($1, $2, 0, $3, $3) ON CONFLICT (action_id) DO NOTHING";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(action)
            .bind(edition)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    let keep = |field: &str| content.flagged.iter().any(|f| f == field);
    let (input, checked) = (content.input, content.checked);
    let moved = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("UPDATE bilans SET version = version + 1, updated_at = ");
        q.push_bind(now);
        q.push(", state = ").push_bind(state);
        if state == BilanState::Submitted {
            q.push(", submitted_at = ").push_bind(now);
        }
        if !keep("took_place") {
            q.push(", took_place = ")
                .push_bind(checked.took_place.map(|t| t.code()).unwrap_or(""));
        }
        for (field, value) in [
            ("reason", &input.reason),
            ("feedback", &input.feedback),
            ("vigilance", &input.vigilance),
            ("perspectives", &input.perspectives),
        ] {
            if !keep(field) {
                q.push(", ")
                    .push(field)
                    .push(" = ")
                    .push_bind(value.trim().to_string());
            }
        }
        for ((field, _), value) in crate::domain::bilan::ATTENDANCE
            .iter()
            .zip(checked.attendance)
        {
            if !keep(field) {
                q.push(", ").push(*field).push(" = ").push_bind(value);
            }
        }
        q.push(" WHERE action_id = ").push_bind(action);
        q.push(" AND version = ").push_bind(version);
        q.build().execute(c).await.map(|r| r.rows_affected() == 1)
    })?;
    if !moved {
        return Ok(false);
    }
    for (question, value) in &input.answers {
        if keep(&format!("q{question}")) {
            continue;
        }
        let well_formed = checked.answers.iter().find(|(q, _)| q == question);
        match well_formed {
            Some((_, value)) => {
                let sql = "INSERT INTO bilan_answers (action_id, question_id, value) \
                           SELECT $1, q.id, $3 FROM bilan_questions q WHERE q.id = $2 \
                           AND q.edition_id = $4 \
                           ON CONFLICT (action_id, question_id) DO UPDATE SET value = excluded.value";
                on_conn!(conn, |c| sqlx::query(sql)
                    .bind(action)
                    .bind(question)
                    .bind(value)
                    .bind(edition)
                    .execute(c)
                    .await
                    .map(|_| ()))?;
            }
            None if value.trim().is_empty() => {
                let sql = "DELETE FROM bilan_answers WHERE action_id = $1 AND question_id = $2";
                on_conn!(conn, |c| sqlx::query(sql)
                    .bind(action)
                    .bind(question)
                    .execute(c)
                    .await
                    .map(|_| ()))?;
            }
            None => {}
        }
    }
    Ok(true)
}

/// Sends a submitted bilan back to its owner with a comment, and lets them
/// complete it until `until`; false if it moved in between.
pub async fn send_back(
    conn: &mut Conn<'_>,
    action: ActionId,
    version: i64,
    comment: &str,
    until: NaiveDate,
) -> DbResult<bool> {
    let sql = "UPDATE bilans SET state = 'returned', version = version + 1, return_comment = $3, \
               extended_until = $4, updated_at = $5 \
               WHERE action_id = $1 AND version = $2 AND state = 'submitted'";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(action)
        .bind(version)
        .bind(comment)
        .bind(until)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Gives an unsent bilan more time: until `until` (Paris, the day
/// included). A bilan not yet begun gets its (empty) draft row to carry the
/// date. Returns false if it was submitted meanwhile (nothing changed).
pub async fn extend(
    conn: &mut Conn<'_>,
    action: ActionId,
    edition: EditionId,
    until: NaiveDate,
) -> DbResult<bool> {
    let sql = "INSERT INTO bilans (action_id, edition_id, extended_until, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $4) ON CONFLICT (action_id) DO UPDATE \
               SET extended_until = excluded.extended_until, version = bilans.version + 1, \
               updated_at = excluded.updated_at WHERE bilans.state <> 'submitted'";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(action)
        .bind(edition)
        .bind(until)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// A validated action of the edition and where its bilan stands.
#[derive(Clone, Debug, FromRow)]
pub struct FollowRow {
    pub action_id: ActionId,
    pub title: String,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    pub district_name: Option<String>,
    pub owner_email: String,
    pub state: Option<BilanState>,
    pub took_place: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The validated actions of the edition within the places (the whole
/// édition when `places` is `None`), missing bilans first, then by district,
/// school and title.
pub async fn follow_up(
    conn: &mut Conn<'_>,
    edition: EditionId,
    places: Option<&crate::dashboards::Scope>,
) -> DbResult<Vec<FollowRow>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT a.id AS action_id, a.title, s.name AS school_name, s.uai, \
             d.name AS district_name, u.email AS owner_email, b.state, b.took_place, \
             b.submitted_at \
             FROM actions a LEFT JOIN schools s ON s.id = a.school_id \
             LEFT JOIN districts d ON d.id = a.place_district_id \
             JOIN users u ON u.id = a.owner_user_id \
             LEFT JOIN bilans b ON b.action_id = a.id \
             WHERE a.state = 'validated' AND a.edition_id = ",
        );
        q.bind_i64(edition);
        if let Some(scope) = places {
            q.push_sql(" AND ");
            crate::dashboards::store::push_scope(&mut q, scope);
        }
        q.push_sql(
            " ORDER BY CASE WHEN b.state = 'submitted' THEN 1 ELSE 0 END, d.name, s.name, a.title, a.id",
        );
        q.build_query_as().fetch_all(c).await
    })
}

/// An owner who has not submitted the bilan of one of their validated
/// actions, with the action.
#[derive(Clone, Debug, FromRow)]
pub struct Missing {
    pub email: String,
    pub action_id: ActionId,
    pub title: String,
    pub school_id: Option<SchoolId>,
    pub owner_user_id: UserId,
}

/// The validated actions of the edition without a submitted bilan, by owner.
pub async fn missing(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Missing>> {
    let sql = "SELECT u.email, a.id AS action_id, a.title, a.school_id, a.owner_user_id \
               FROM actions a JOIN users u ON u.id = a.owner_user_id \
               LEFT JOIN bilans b ON b.action_id = a.id \
               WHERE a.edition_id = $1 AND a.state = 'validated' \
               AND (b.state IS NULL OR b.state <> 'submitted') \
               ORDER BY u.email, a.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// The reminder days already sent for the edition's bilans.
pub async fn reminders_sent(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<i64>> {
    let sql = "SELECT days_before FROM bilan_reminders WHERE edition_id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

/// Records a reminder day as sent; false if another worker did first.
pub async fn mark_reminder_sent(
    conn: &mut Conn<'_>,
    edition: EditionId,
    days_before: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO bilan_reminders (edition_id, days_before, sent_at) VALUES ($1, $2, $3) \
               ON CONFLICT (edition_id, days_before) DO NOTHING";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(days_before)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}
