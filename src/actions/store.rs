//! Actions, their answers and their audit trail in the database.

use crate::domain::ids::{
    AcademyId, ActionId, DepartmentId, DistrictId, EditionId, QuestionId, SchoolId, UserId,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult},
    domain::{
        Placement,
        action::ActionState,
        declaration::{ActionInput, CheckedAction},
    },
    on_conn,
};

/// An action as stored, with where it lives.
#[derive(Clone, Debug, FromRow)]
pub struct Action {
    pub id: ActionId,
    pub edition_id: EditionId,
    pub school_id: Option<SchoolId>,
    pub district_id: Option<DistrictId>,
    pub owner_user_id: UserId,
    pub state: ActionState,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub owner_name: String,
    pub owner_role: String,
    /// The owner agreed to show their name on the public side.
    pub owner_public: bool,
    pub people_involved: String,
    pub audiences: String,
    pub levels: String,
    pub scheme: String,
    pub before_week: bool,
    pub starts_on: Option<NaiveDate>,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub partners: String,
    pub expected_participants: Option<i64>,
    pub showcase_kinds: String,
    pub showcase_other: String,
    pub featured_in_programme: bool,
    pub proposed_for_showcase: bool,
    /// Taken off the public side by a coordinator (issue 8), and why.
    pub unpublished: bool,
    pub unpublished_reason: String,
    /// The reuse catalogue: 1 featured, 0 as is, -1 hidden.
    pub catalogue_rank: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    // Where it lives (from the school, or the district for a district action).
    pub academy_id: AcademyId,
    pub department_id: Option<DepartmentId>,
    pub place_district_id: Option<DistrictId>,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    pub district_name: Option<String>,
    pub owner_email: String,
}

impl Action {
    pub fn state(&self) -> ActionState {
        self.state
    }

    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: self.department_id,
            district: self.place_district_id,
            school: self.school_id,
        }
    }

    fn list(text: &str) -> Vec<String> {
        text.split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    pub fn audience_list(&self) -> Vec<String> {
        Self::list(&self.audiences)
    }

    pub fn level_list(&self) -> Vec<String> {
        Self::list(&self.levels)
    }

    pub fn showcase_list(&self) -> Vec<String> {
        Self::list(&self.showcase_kinds)
    }

    /// The stored values as the form shows them.
    pub fn input(&self, answers: Vec<(QuestionId, String)>) -> ActionInput {
        let mut input = ActionInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            owner_name: self.owner_name.clone(),
            owner_role: self.owner_role.clone(),
            owner_public: self.owner_public,
            people_involved: self.people_involved.clone(),
            audiences: self.audience_list(),
            levels: self.level_list(),
            scheme: self.scheme.clone(),
            before_week: self.before_week,
            starts_on: self
                .starts_on
                .map(crate::domain::formats::format_date)
                .unwrap_or_default(),
            start_time: self.start_time.clone(),
            end_time: self.end_time.clone(),
            place: self.place.clone(),
            partners: self.partners.clone(),
            expected_participants: self
                .expected_participants
                .map(|n| n.to_string())
                .unwrap_or_default(),
            showcase_kinds: self.showcase_list(),
            showcase_other: self.showcase_other.clone(),
            answers: Default::default(),
        };
        for (question, value) in answers {
            input.answers.entry(question).or_default().push(value);
        }
        input
    }
}

/// The columns of [`Action`], from `actions a` joined to its places.
/// The SQL text of `ACTION_SELECT`, for `concat!` (SQL is never assembled with `format!`).
macro_rules! action_select {
    () => {
        "SELECT a.id, a.edition_id, a.school_id, a.district_id, a.owner_user_id, a.state, a.version,
    a.title, a.summary, a.description, a.owner_name, a.owner_role, a.owner_public, a.people_involved, a.audiences, a.levels,
    a.scheme, a.before_week, a.starts_on, a.start_time, a.end_time, a.place, a.partners, a.expected_participants,
    a.showcase_kinds, a.showcase_other, a.featured_in_programme, a.proposed_for_showcase, a.unpublished, a.unpublished_reason, a.catalogue_rank, a.submitted_at, a.updated_at,
    COALESCE(s.academy_id, dp.academy_id) AS academy_id,
    COALESCE(s.department_id, dd.department_id) AS department_id,
    COALESCE(s.district_id, a.district_id) AS place_district_id,
    s.name AS school_name, s.uai, di.name AS district_name, u.email AS owner_email
  FROM actions a
  LEFT JOIN schools s ON s.id = a.school_id
  LEFT JOIN districts dd ON dd.id = a.district_id
  LEFT JOIN departments dp ON dp.id = dd.department_id
  LEFT JOIN districts di ON di.id = COALESCE(s.district_id, a.district_id)
  JOIN users u ON u.id = a.owner_user_id"
    };
}
pub const ACTION_SELECT: &str = action_select!();

pub async fn action_by_id(conn: &mut Conn<'_>, id: ActionId) -> DbResult<Option<Action>> {
    let sql = concat!(action_select!(), " WHERE a.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Creates an empty draft for a school (or a district) and returns its id.
pub async fn create_draft(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    school_id: Option<SchoolId>,
    district_id: Option<DistrictId>,
    owner: UserId,
) -> DbResult<ActionId> {
    let now = Utc::now();
    let sql = "INSERT INTO actions (edition_id, school_id, district_id, owner_user_id, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition_id)
        .bind(school_id)
        .bind(district_id)
        .bind(owner)
        .bind(now)
        .fetch_one(c)
        .await)
}

/// Writes the form's content if nobody changed the action since `version`
/// was read. Returns false on a conflict (nothing written).
pub async fn save_content(
    conn: &mut Conn<'_>,
    id: ActionId,
    version: i64,
    input: &ActionInput,
    checked: &CheckedAction,
) -> DbResult<bool> {
    let sql = "UPDATE actions SET title = $3, summary = $4, description = $5, owner_name = $6, owner_role = $7,
               people_involved = $8, audiences = $9, levels = $10, scheme = $11, before_week = $12, starts_on = $13,
               start_time = $14, end_time = $15, place = $16, partners = $17, expected_participants = $18,
               showcase_kinds = $19, showcase_other = $20, version = version + 1, updated_at = $21, owner_public = $22
               WHERE id = $1 AND version = $2";
    let done = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(version)
        .bind(input.title.trim())
        .bind(input.summary.trim())
        .bind(input.description.trim())
        .bind(input.owner_name.trim())
        .bind(input.owner_role.trim())
        .bind(input.people_involved.trim())
        .bind(input.audiences.join(","))
        .bind(input.levels.join(","))
        .bind(&input.scheme)
        .bind(input.before_week)
        .bind(checked.starts_on)
        .bind(input.start_time.trim())
        .bind(input.end_time.trim())
        .bind(input.place.trim())
        .bind(input.partners.trim())
        .bind(checked.expected_participants)
        .bind(input.showcase_kinds.join(","))
        .bind(input.showcase_other.trim())
        .bind(Utc::now())
        .bind(input.owner_public)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    write_answers(conn, id, &input.answers).await?;
    crate::public::store::action_changed(conn, id).await?;
    Ok(true)
}

/// Replaces the action's answers: the text of text, number, date and yes/no
/// questions; the chosen options (by id, or by label) of choice questions.
/// Answers to questions of another edition are ignored.
async fn write_answers(
    conn: &mut Conn<'_>,
    id: ActionId,
    answers: &std::collections::BTreeMap<QuestionId, Vec<String>>,
) -> DbResult<()> {
    let sql = "DELETE FROM action_answers WHERE action_id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))?;
    let sql = "DELETE FROM action_choices WHERE action_id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))?;
    for (question, values) in answers {
        let values: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            continue;
        }
        let sql = "INSERT INTO action_answers (action_id, question_id, value)
                   SELECT $1, q.id, $3 FROM edition_questions q JOIN actions a ON a.edition_id = q.edition_id
                   WHERE a.id = $1 AND q.id = $2 AND q.kind NOT IN ('single_choice', 'multiple_choice')";
        let text = values.join("\n");
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .bind(question)
            .bind(&text)
            .execute(c)
            .await
            .map(|_| ()))?;
        for value in values {
            let sql = "INSERT INTO action_choices (action_id, option_id)
                       SELECT $1, o.id FROM question_options o
                       JOIN edition_questions q ON q.id = o.question_id
                       JOIN actions a ON a.edition_id = q.edition_id
                       WHERE a.id = $1 AND q.id = $2 AND q.kind IN ('single_choice', 'multiple_choice')
                         AND (CAST(o.id AS TEXT) = $3 OR o.label = $3)
                       ON CONFLICT DO NOTHING";
            on_conn!(conn, |c| sqlx::query(sql)
                .bind(id)
                .bind(question)
                .bind(value)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

/// The action's answers as (question, value) pairs: one pair with the text
/// for a text answer, one pair per chosen option (its id) for a choice.
pub async fn answers(
    conn: &mut Conn<'_>,
    action_id: ActionId,
) -> DbResult<Vec<(QuestionId, String)>> {
    let sql = "SELECT question_id, value FROM (
                 SELECT question_id, value, 0 AS position FROM action_answers WHERE action_id = $1
                 UNION ALL
                 SELECT o.question_id, CAST(o.id AS TEXT), o.position FROM action_choices c
                   JOIN question_options o ON o.id = c.option_id WHERE c.action_id = $1
               ) answers ORDER BY question_id, position";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action_id)
        .fetch_all(c)
        .await)
}

/// Moves the action to `to` if it is still at `version`, and records the
/// move in the audit trail. Returns false on a conflict.
pub async fn move_state(
    conn: &mut Conn<'_>,
    id: ActionId,
    version: i64,
    from: ActionState,
    to: ActionState,
    by: UserId,
    comment: &str,
) -> DbResult<bool> {
    let now = Utc::now();
    let submitted = (to == ActionState::Submitted).then_some(now);
    let sql = "UPDATE actions SET state = $3, version = version + 1, updated_at = $4,
               submitted_at = COALESCE($5, submitted_at) WHERE id = $1 AND version = $2";
    let done = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(version)
        .bind(to.code())
        .bind(now)
        .bind(submitted)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    let sql = "INSERT INTO action_events (action_id, user_id, from_state, to_state, comment, at) VALUES ($1, $2, $3, $4, $5, $6)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(by)
        .bind(from.code())
        .bind(to.code())
        .bind(comment.trim())
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    crate::public::store::action_changed(conn, id).await?;
    Ok(true)
}

/// Sets the two review flags of a validated action (optimistic too).
pub async fn set_flags(
    conn: &mut Conn<'_>,
    id: ActionId,
    version: i64,
    featured: bool,
    proposed: bool,
) -> DbResult<bool> {
    let sql = "UPDATE actions SET featured_in_programme = $3, proposed_for_showcase = $4, version = version + 1, updated_at = $5
               WHERE id = $1 AND version = $2";
    let done = on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(version)
        .bind(featured)
        .bind(proposed)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// One line of the audit trail.
#[derive(Clone, Debug, FromRow)]
pub struct Event {
    pub email: Option<String>,
    pub from_state: ActionState,
    pub to_state: ActionState,
    pub comment: String,
    pub at: DateTime<Utc>,
}

impl Event {
    pub fn from_label(&self) -> &'static str {
        self.from_state.label()
    }

    pub fn to_label(&self) -> &'static str {
        self.to_state.label()
    }

    pub fn when(&self) -> String {
        crate::domain::edition::format_paris(self.at)
    }
}

pub async fn events(conn: &mut Conn<'_>, action_id: ActionId) -> DbResult<Vec<Event>> {
    let sql = "SELECT u.email, e.from_state, e.to_state, e.comment, e.at FROM action_events e
               LEFT JOIN users u ON u.id = e.user_id WHERE e.action_id = $1 ORDER BY e.id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action_id)
        .fetch_all(c)
        .await)
}

/// The last move of an action, with who made it.
#[derive(Clone, Debug, FromRow)]
pub struct LastEvent {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub from_state: ActionState,
    pub to_state: ActionState,
    pub comment: String,
    pub at: DateTime<Utc>,
}

pub async fn last_event(conn: &mut Conn<'_>, action_id: ActionId) -> DbResult<Option<LastEvent>> {
    let sql = "SELECT e.user_id, u.email, e.from_state, e.to_state, e.comment, e.at FROM action_events e
               LEFT JOIN users u ON u.id = e.user_id WHERE e.action_id = $1 ORDER BY e.id DESC LIMIT 1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action_id)
        .fetch_optional(c)
        .await)
}

/// The actions a person owns, newest first, with their edition.
pub async fn actions_of_owner(conn: &mut Conn<'_>, user_id: UserId) -> DbResult<Vec<Action>> {
    let sql = concat!(
        action_select!(),
        " WHERE a.owner_user_id = $1 ORDER BY a.edition_id DESC, a.id DESC"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(c)
        .await)
}

/// The actions of a school in an edition.
pub async fn actions_of_school(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    school_id: SchoolId,
) -> DbResult<Vec<Action>> {
    let sql = concat!(
        action_select!(),
        " WHERE a.edition_id = $1 AND a.school_id = $2 ORDER BY a.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition_id)
        .bind(school_id)
        .fetch_all(c)
        .await)
}

/// Copies an action's content into a new draft of another edition.
pub async fn duplicate(
    conn: &mut Conn<'_>,
    source: ActionId,
    edition_id: EditionId,
    owner: UserId,
) -> DbResult<ActionId> {
    let now = Utc::now();
    let sql = "INSERT INTO actions (edition_id, school_id, district_id, owner_user_id, title, summary, description, owner_name,
               owner_role, people_involved, audiences, levels, scheme, before_week, start_time, end_time, place, partners,
               expected_participants, showcase_kinds, showcase_other, duplicated_from, created_at, updated_at)
               SELECT $2, school_id, district_id, $3, title, summary, description, owner_name, owner_role, people_involved,
               audiences, levels, scheme, before_week, start_time, end_time, place, partners, expected_participants,
               showcase_kinds, showcase_other, id, $4, $4 FROM actions WHERE id = $1 RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(source)
        .bind(edition_id)
        .bind(owner)
        .bind(now)
        .fetch_one(c)
        .await)
}
