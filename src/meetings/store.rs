//! Rendez-vous and their registrations in the database.
//!
//! Registering and cancelling run in one write transaction that first locks
//! the session's row ([`lock_meeting`]): on PostgreSQL the row lock, on
//! SQLite the single writer. The count of places taken is then read fresh,
//! so a burst of registrations fills exactly `capacity` places and queues the
//! rest in arrival order (the registration ids, never reused).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, QueryBuilder};

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::{
        ids::{EditionId, MeetingId, UserId},
        meeting::{Seat, Slot},
    },
    on_conn,
};

/// A session as stored, with its counts.
#[derive(Clone, Debug, FromRow)]
pub struct Meeting {
    pub id: MeetingId,
    pub edition_id: EditionId,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub topic: String,
    pub description: String,
    pub speakers: String,
    pub visio_url: String,
    pub link_opens_minutes: i64,
    pub capacity: i64,
    pub materials: String,
    pub updated_at: DateTime<Utc>,
    /// People holding a place.
    pub registered: i64,
    /// People on the waiting list.
    pub waiting: i64,
}

impl Meeting {
    pub fn slot(&self) -> Slot {
        Slot {
            starts_at: self.starts_at,
            duration_minutes: self.duration_minutes,
        }
    }

    /// Places still free.
    pub fn free(&self) -> i64 {
        (self.capacity - self.registered).max(0)
    }
}

/// What the coordinator typed, checked.
#[derive(Clone, Debug)]
pub struct MeetingValues {
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub topic: String,
    pub description: String,
    pub speakers: String,
    pub visio_url: String,
    pub link_opens_minutes: i64,
    pub capacity: i64,
    pub materials: String,
}

macro_rules! meeting_select {
    () => {
        "SELECT m.id, m.edition_id, m.starts_at, m.duration_minutes, m.topic, m.description, \
         m.speakers, m.visio_url, m.link_opens_minutes, m.capacity, m.materials, m.updated_at, \
         (SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id \
            AND r.status = 'registered') AS registered, \
         (SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id \
            AND r.status = 'waiting') AS waiting \
         FROM meetings m "
    };
}

/// The sessions of an edition, by start.
pub async fn meetings_of(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Meeting>> {
    let sql = concat!(
        meeting_select!(),
        "WHERE m.edition_id = $1 ORDER BY m.starts_at, m.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn meeting_by_id(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<Option<Meeting>> {
    let sql = concat!(meeting_select!(), "WHERE m.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Writes a new session.
pub async fn insert_meeting(
    conn: &mut Conn<'_>,
    edition: EditionId,
    values: &MeetingValues,
) -> DbResult<MeetingId> {
    let sql = "INSERT INTO meetings (edition_id, starts_at, duration_minutes, topic, description, \
               speakers, visio_url, link_opens_minutes, capacity, materials, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(edition)
        .bind(values.starts_at)
        .bind(values.duration_minutes)
        .bind(&values.topic)
        .bind(&values.description)
        .bind(&values.speakers)
        .bind(&values.visio_url)
        .bind(values.link_opens_minutes)
        .bind(values.capacity)
        .bind(&values.materials)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

/// Rewrites a session. A new start time sends the reminder again.
pub async fn update_meeting(
    conn: &mut Conn<'_>,
    id: MeetingId,
    values: &MeetingValues,
) -> DbResult<()> {
    let sql = "UPDATE meetings SET \
               reminder_sent_at = CASE WHEN starts_at = $2 THEN reminder_sent_at ELSE NULL END, \
               follow_up_sent_at = CASE WHEN starts_at = $2 THEN follow_up_sent_at ELSE NULL END, \
               starts_at = $2, duration_minutes = $3, topic = $4, description = $5, speakers = $6, \
               visio_url = $7, link_opens_minutes = $8, capacity = $9, materials = $10, \
               updated_at = $11 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(values.starts_at)
        .bind(values.duration_minutes)
        .bind(&values.topic)
        .bind(&values.description)
        .bind(&values.speakers)
        .bind(&values.visio_url)
        .bind(values.link_opens_minutes)
        .bind(values.capacity)
        .bind(&values.materials)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Locks the session's row until the transaction ends (PostgreSQL; SQLite's
/// write transaction already excludes other writers). Run first in every
/// write that counts places.
pub async fn lock_meeting(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<bool> {
    let lock = conn.dialect().for_update();
    let found = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT id FROM meetings WHERE id = ");
        q.bind_i64(id).push_sql(lock);
        q.build_query_scalar::<i64>().fetch_optional(c).await
    })?;
    Ok(found.is_some())
}

/// How many people hold a place (read under [`lock_meeting`]).
pub async fn registered_count(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = $1 \
               AND status = 'registered'";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(c)
        .await)
}

/// Where the person stands for the session, if registered or waiting.
pub async fn seat_of(conn: &mut Conn<'_>, id: MeetingId, user: UserId) -> DbResult<Option<Seat>> {
    let sql = "SELECT status FROM meeting_registrations WHERE meeting_id = $1 AND user_id = $2";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .bind(user)
        .fetch_optional(c)
        .await)
}

/// The person's seats for the edition's sessions.
pub async fn seats_in_edition(
    conn: &mut Conn<'_>,
    edition: EditionId,
    user: UserId,
) -> DbResult<Vec<(MeetingId, Seat)>> {
    let sql = "SELECT r.meeting_id, r.status FROM meeting_registrations r \
               JOIN meetings m ON m.id = r.meeting_id WHERE m.edition_id = $1 AND r.user_id = $2";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .bind(user)
        .fetch_all(c)
        .await)
}

/// Adds the person with `seat` (under [`lock_meeting`]).
pub async fn insert_registration(
    conn: &mut Conn<'_>,
    id: MeetingId,
    user: UserId,
    seat: Seat,
) -> DbResult<()> {
    let sql = "INSERT INTO meeting_registrations (meeting_id, user_id, status, registered_at) \
               VALUES ($1, $2, $3, $4)";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(user)
        .bind(seat)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Gives the person a place if one is free, else a place on the waiting
/// list, in one statement (run it under [`lock_meeting`]); `None` if they
/// already had a seat.
pub async fn take_seat(conn: &mut Conn<'_>, id: MeetingId, user: UserId) -> DbResult<Option<Seat>> {
    let sql = "INSERT INTO meeting_registrations (meeting_id, user_id, status, registered_at) \
               SELECT m.id, $2, CASE WHEN (SELECT COUNT(*) FROM meeting_registrations r \
                 WHERE r.meeting_id = m.id AND r.status = 'registered') < m.capacity \
                 THEN 'registered' ELSE 'waiting' END, $3 \
               FROM meetings m WHERE m.id = $1 \
               ON CONFLICT (meeting_id, user_id) DO NOTHING RETURNING status";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .bind(user)
        .bind(Utc::now())
        .fetch_optional(c)
        .await)
}

/// The person's place in the waiting list (1 for the first), if waiting.
pub async fn waiting_position(conn: &mut Conn<'_>, id: MeetingId, user: UserId) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM meeting_registrations w WHERE w.meeting_id = $1 \
               AND w.status = 'waiting' AND w.id <= (SELECT r.id FROM meeting_registrations r \
               WHERE r.meeting_id = $1 AND r.user_id = $2)";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .bind(user)
        .fetch_one(c)
        .await)
}

/// Removes the person; returns the seat they held.
pub async fn delete_registration(
    conn: &mut Conn<'_>,
    id: MeetingId,
    user: UserId,
) -> DbResult<Option<Seat>> {
    let sql = "DELETE FROM meeting_registrations WHERE meeting_id = $1 AND user_id = $2 \
               RETURNING status";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .bind(user)
        .fetch_optional(c)
        .await)
}

/// Gives places to the first `count` people waiting, in arrival order;
/// returns who got one (under [`lock_meeting`]).
pub async fn promote_waiting(
    conn: &mut Conn<'_>,
    id: MeetingId,
    count: i64,
) -> DbResult<Vec<UserId>> {
    if count <= 0 {
        return Ok(Vec::new());
    }
    let sql = "SELECT id, user_id FROM meeting_registrations WHERE meeting_id = $1 \
               AND status = 'waiting' ORDER BY id LIMIT $2";
    let first: Vec<(i64, UserId)> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .bind(count)
        .fetch_all(c)
        .await)?;
    for (registration, _) in &first {
        let sql = "UPDATE meeting_registrations SET status = 'registered' WHERE id = $1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(registration)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(first.into_iter().map(|(_, user)| user).collect())
}

/// One line of a session's attendance list.
#[derive(Clone, Debug, FromRow)]
pub struct Attendee {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub seat: Seat,
    pub registered_at: DateTime<Utc>,
    pub attended: Option<bool>,
    /// The person's schools (names and UAI), for the list.
    pub schools: String,
}

/// Everyone registered or waiting, in arrival order.
pub async fn attendees(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<Vec<Attendee>> {
    let sql = "SELECT r.user_id, u.email, u.display_name, r.status AS seat, r.registered_at, \
               r.attended, \
               COALESCE((SELECT MIN(s.name || ' (' || s.uai || ')') FROM role_grants g \
                 JOIN schools s ON g.scope_kind = 'school' AND s.id = g.scope_id \
                 WHERE g.user_id = r.user_id), '') AS schools \
               FROM meeting_registrations r JOIN users u ON u.id = r.user_id \
               WHERE r.meeting_id = $1 ORDER BY r.id";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(id).fetch_all(c).await)
}

/// Marks who attended among the registered: those in `present` attended,
/// the others did not.
pub async fn set_attendance(
    conn: &mut Conn<'_>,
    id: MeetingId,
    present: &[UserId],
) -> DbResult<()> {
    let sql = "UPDATE meeting_registrations SET attended = FALSE \
               WHERE meeting_id = $1 AND status = 'registered'";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))?;
    for user in present {
        let sql = "UPDATE meeting_registrations SET attended = TRUE \
                   WHERE meeting_id = $1 AND user_id = $2 AND status = 'registered'";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(id)
            .bind(user)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// A session of the person's, with the académie's slug (for links).
#[derive(Clone, Debug, FromRow)]
pub struct MySession {
    pub id: MeetingId,
    pub edition_id: EditionId,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub topic: String,
    pub description: String,
    pub updated_at: DateTime<Utc>,
    pub seat: Seat,
}

/// The sessions the person is registered for or waiting on, by start.
pub async fn sessions_of_user(conn: &mut Conn<'_>, user: UserId) -> DbResult<Vec<MySession>> {
    let sql = "SELECT m.id, m.edition_id, m.starts_at, m.duration_minutes, m.topic, \
               m.description, m.updated_at, r.status AS seat \
               FROM meeting_registrations r JOIN meetings m ON m.id = r.meeting_id \
               WHERE r.user_id = $1 ORDER BY m.starts_at, m.id";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(user).fetch_all(c).await)
}

/// The registered people's addresses.
pub async fn registered_emails(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<Vec<String>> {
    let sql = "SELECT u.email FROM meeting_registrations r JOIN users u ON u.id = r.user_id \
               WHERE r.meeting_id = $1 AND r.status = 'registered' ORDER BY r.id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_all(c)
        .await)
}

/// Sessions whose reminder is due (starting within `until`, not started,
/// not reminded yet).
pub async fn reminders_due(
    conn: &mut Conn<'_>,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<Vec<MeetingId>> {
    let sql = "SELECT id FROM meetings WHERE reminder_sent_at IS NULL \
               AND starts_at > $1 AND starts_at <= $2 ORDER BY id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(now)
        .bind(until)
        .fetch_all(c)
        .await)
}

/// Claims a session's reminder: true for the one caller (on any instance)
/// that marks it sent.
pub async fn claim_reminder(
    conn: &mut Conn<'_>,
    id: MeetingId,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql =
        "UPDATE meetings SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Sessions started, with materials, whose follow-up is not sent (their end
/// is checked by the caller).
pub async fn follow_ups_due(conn: &mut Conn<'_>, now: DateTime<Utc>) -> DbResult<Vec<Meeting>> {
    let sql = concat!(
        meeting_select!(),
        "WHERE m.follow_up_sent_at IS NULL AND m.materials <> '' AND m.starts_at < $1 ORDER BY m.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql).bind(now).fetch_all(c).await)
}

/// Claims a session's follow-up (see [`claim_reminder`]).
pub async fn claim_follow_up(
    conn: &mut Conn<'_>,
    id: MeetingId,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql =
        "UPDATE meetings SET follow_up_sent_at = $2 WHERE id = $1 AND follow_up_sent_at IS NULL";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Marks a past session's reminder and follow-up as sent at its start
/// (the demo's history: they went at the time).
pub async fn mark_sent(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<()> {
    let sql = "UPDATE meetings SET reminder_sent_at = starts_at, follow_up_sent_at = starts_at \
               WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
}

/// The owner of a calendar feed token (by its hash).
pub async fn feed_owner(conn: &mut Conn<'_>, token_hash: &str) -> DbResult<Option<UserId>> {
    let sql = "SELECT user_id FROM calendar_feeds WHERE token_hash = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(token_hash)
        .fetch_optional(c)
        .await)
}

/// Whether the person has a feed address.
pub async fn has_feed(conn: &mut Conn<'_>, user: UserId) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM calendar_feeds WHERE user_id = $1";
    let count: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(user)
        .fetch_one(c)
        .await)?;
    Ok(count > 0)
}

/// Gives the person a new feed address (the old one stops working).
pub async fn replace_feed(conn: &mut Conn<'_>, user: UserId, token_hash: &str) -> DbResult<()> {
    let sql = "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3) \
               ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, \
               created_at = excluded.created_at";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(user)
        .bind(token_hash)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Everyone on a session with their seat, in arrival order (under
/// [`lock_meeting`], before the session is deleted).
pub async fn seated_emails(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<Vec<(String, Seat)>> {
    let sql = "SELECT u.email, r.status FROM meeting_registrations r \
               JOIN users u ON u.id = r.user_id WHERE r.meeting_id = $1 ORDER BY r.id";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(id).fetch_all(c).await)
}

/// Deletes a session with its registrations (the caller tells them first).
pub async fn delete_meeting(conn: &mut Conn<'_>, id: MeetingId) -> DbResult<()> {
    let sql = "DELETE FROM meetings WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
}
