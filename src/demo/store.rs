//! Writing the demo story: accounts, actions with their own times, their
//! audit trails and answers. Rows of the audit trail and answers go in
//! bulk (`QueryBuilder::push_values`), a few hundred per statement.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::story::{Account, PlannedAction};
use crate::{
    db::{Conn, DbResult},
    domain::ids::{ActionId, UserId},
    on_conn,
};

/// Rows per bulk insert (well under both engines' limit on bound values).
const CHUNK: usize = 400;

/// Creates the accounts (or finds them) with their one role each; returns
/// their ids by address.
pub async fn write_accounts(
    conn: &mut Conn<'_>,
    accounts: &BTreeMap<String, Account>,
    at: DateTime<Utc>,
) -> DbResult<BTreeMap<String, UserId>> {
    let mut ids = BTreeMap::new();
    for account in accounts.values() {
        let sql = "INSERT INTO users (email, display_name, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id";
        let id: UserId = on_conn!(conn, |c| sqlx::query_scalar(sql)
            .bind(&account.email)
            .bind(&account.display_name)
            .bind(at)
            .fetch_one(c)
            .await)?;
        let sql = "INSERT INTO role_grants (user_id, role, scope_kind, scope_id, created_at)
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .bind(account.role.code())
            .bind(account.scope.kind().code())
            .bind(account.scope.id())
            .bind(at)
            .execute(c)
            .await
            .map(|_| ()))?;
        ids.insert(account.email.clone(), id);
    }
    Ok(ids)
}

/// Looks up accounts that exist already (the demo's sign-in accounts).
pub async fn account_ids(
    conn: &mut Conn<'_>,
    emails: &[&str],
) -> DbResult<BTreeMap<String, UserId>> {
    let mut ids = BTreeMap::new();
    for email in emails {
        let sql = "SELECT id FROM users WHERE email = $1";
        let id: Option<UserId> = on_conn!(conn, |c| sqlx::query_scalar(sql)
            .bind(email)
            .fetch_optional(c)
            .await)?;
        if let Some(id) = id {
            ids.insert(email.to_string(), id);
        }
    }
    Ok(ids)
}

/// Writes the actions, their audit trails and answers; `users` gives the
/// id of every owner and reviewer. Returns (actions, events) written.
pub async fn write_actions(
    conn: &mut Conn<'_>,
    actions: &[PlannedAction],
    users: &BTreeMap<String, UserId>,
) -> anyhow::Result<(usize, usize)> {
    let user = |email: &str| {
        users
            .get(email)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("demo account {email} was not written"))
    };
    let mut events = Vec::new();
    let mut answers = Vec::new();
    for action in actions {
        let id = insert_action(conn, action, user(&action.owner)?).await?;
        for event in &action.events {
            events.push((id, user(&event.by)?, event));
        }
        for (question, values) in &action.input.answers {
            answers.push((id, *question, values.join("\n")));
        }
    }
    for chunk in events.chunks(CHUNK) {
        on_conn!(conn, |c| {
            let mut q = QueryBuilder::new(
                "INSERT INTO action_events (action_id, user_id, from_state, to_state, comment, at) ",
            );
            q.push_values(chunk, |mut row, (action, user, event)| {
                row.push_bind(*action)
                    .push_bind(*user)
                    .push_bind(event.from.code())
                    .push_bind(event.to.code())
                    .push_bind(event.comment.as_str())
                    .push_bind(event.at);
            });
            q.build().execute(c).await.map(|_| ())
        })?;
    }
    for chunk in answers.chunks(CHUNK) {
        on_conn!(conn, |c| {
            let mut q =
                QueryBuilder::new("INSERT INTO action_answers (action_id, question_id, value) ");
            q.push_values(chunk, |mut row, (action, question, value)| {
                row.push_bind(*action)
                    .push_bind(*question)
                    .push_bind(value.as_str());
            });
            q.build().execute(c).await.map(|_| ())
        })?;
    }
    // Choices are rows of their own (`action_choices`, by option id), as the
    // declaration form writes them: move the choice answers written above
    // there, so that renaming, counting and deleting options see them.
    let to_choices = "INSERT INTO action_choices (action_id, option_id)
        SELECT a.action_id, o.id FROM action_answers a
          JOIN edition_questions q ON q.id = a.question_id
          JOIN question_options o ON o.question_id = q.id
               AND (CAST(o.id AS TEXT) = a.value OR o.label = a.value)
         WHERE q.kind IN ('single_choice', 'multiple_choice')
        ON CONFLICT DO NOTHING";
    let drop_texts = "DELETE FROM action_answers WHERE question_id IN
        (SELECT id FROM edition_questions WHERE kind IN ('single_choice', 'multiple_choice'))";
    for sql in [to_choices, drop_texts] {
        on_conn!(conn, |c| sqlx::query(sql).execute(c).await.map(|_| ()))?;
    }
    Ok((actions.len(), events.len()))
}

async fn insert_action(
    conn: &mut Conn<'_>,
    a: &PlannedAction,
    owner: UserId,
) -> DbResult<ActionId> {
    let i = &a.input;
    let sql = "INSERT INTO actions (edition_id, school_id, district_id, owner_user_id, state, version, title, summary,
               description, owner_name, owner_role, people_involved, audiences, levels, scheme, before_week, starts_on,
               start_time, end_time, place, partners, expected_participants, showcase_kinds, showcase_other,
               featured_in_programme, proposed_for_showcase, submitted_at, created_at, updated_at, owner_public)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
               $21, $22, $23, $24, $25, $26, $27, $28, $29, $30) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(a.edition_id)
        .bind(a.school_id)
        .bind(a.district_id)
        .bind(owner)
        .bind(a.state.code())
        .bind(a.version)
        .bind(&i.title)
        .bind(&i.summary)
        .bind(&i.description)
        .bind(&i.owner_name)
        .bind(&i.owner_role)
        .bind(&i.people_involved)
        .bind(i.audiences.join(","))
        .bind(i.levels.join(","))
        .bind(&i.scheme)
        .bind(i.before_week)
        .bind(a.starts_on)
        .bind(&i.start_time)
        .bind(&i.end_time)
        .bind(&i.place)
        .bind(&i.partners)
        .bind(a.expected_participants)
        .bind(i.showcase_kinds.join(","))
        .bind(&i.showcase_other)
        .bind(a.featured)
        .bind(a.proposed)
        .bind(a.submitted_at)
        .bind(a.created_at)
        .bind(a.updated_at)
        .bind(i.owner_public)
        .fetch_one(c)
        .await)
}
