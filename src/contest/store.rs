//! The poster contest in the database: the contest of an edition, its
//! jurors, entries and scores.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult},
    domain::{ActionId, EditionId, SchoolId, UserId},
    on_conn,
};

#[derive(Clone, Debug, FromRow)]
pub struct Contest {
    pub edition_id: EditionId,
    pub rules: String,
    /// One category a line (« école », « collège », « lycée »).
    pub categories: String,
    /// One criterion a line (`domain::contest::Grid::parse`).
    pub grid: String,
    /// The last day to register an entry (Paris, included).
    pub deadline: NaiveDate,
    /// `page` (its own page) or `form` (from the declaration form).
    pub entry_mode: String,
    pub jury_closed_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl Contest {
    /// The categories, numbered from 1.
    pub fn category_list(&self) -> Vec<(i64, String)> {
        self.categories
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, l)| (i as i64 + 1, l.to_string()))
            .collect()
    }
}

pub async fn contest_of(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Option<Contest>> {
    let sql = "SELECT edition_id, rules, categories, grid, deadline, entry_mode, jury_closed_at, \
               published_at FROM contests WHERE edition_id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_optional(c)
        .await)
}

/// Opens the contest, or changes its settings.
pub async fn save_contest(conn: &mut Conn<'_>, contest: &Contest) -> DbResult<()> {
    let sql = "INSERT INTO contests (edition_id, rules, categories, grid, deadline, entry_mode, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (edition_id) DO UPDATE SET rules = excluded.rules, \
               categories = excluded.categories, grid = excluded.grid, \
               deadline = excluded.deadline, entry_mode = excluded.entry_mode";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(contest.edition_id)
        .bind(&contest.rules)
        .bind(&contest.categories)
        .bind(&contest.grid)
        .bind(contest.deadline)
        .bind(&contest.entry_mode)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// Closes the jury (once).
pub async fn close_jury(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<bool> {
    let sql =
        "UPDATE contests SET jury_closed_at = $2 WHERE edition_id = $1 AND jury_closed_at IS NULL";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Publishes the laureates: `laureates` are (entry, rank) pairs.
pub async fn publish(
    conn: &mut Conn<'_>,
    edition: EditionId,
    laureates: &[(i64, i64)],
) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "UPDATE poster_entries SET laureate = NULL WHERE edition_id = $1"
    )
    .bind(edition)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    for (entry, rank) in laureates {
        on_conn!(conn, |c| sqlx::query(
            "UPDATE poster_entries SET laureate = $2 WHERE id = $1"
        )
        .bind(entry)
        .bind(rank)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    let sql = "UPDATE contests SET published_at = $2 WHERE edition_id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// A juror and their categories.
#[derive(Clone, Debug, FromRow)]
pub struct Juror {
    pub user_id: UserId,
    pub email: String,
    /// Category numbers, spaced.
    pub categories: String,
}

impl Juror {
    pub fn category_numbers(&self) -> Vec<i64> {
        self.categories
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect()
    }
}

pub async fn jurors(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Juror>> {
    let sql = "SELECT j.user_id, u.email, j.categories FROM contest_jurors j \
               JOIN users u ON u.id = j.user_id WHERE j.edition_id = $1 ORDER BY u.email";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn save_juror(
    conn: &mut Conn<'_>,
    edition: EditionId,
    user: UserId,
    categories: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO contest_jurors (edition_id, user_id, categories) VALUES ($1, $2, $3) \
               ON CONFLICT (edition_id, user_id) DO UPDATE SET categories = excluded.categories";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(edition)
        .bind(user)
        .bind(categories)
        .execute(c)
        .await
        .map(|_| ()))
}

#[derive(Clone, Debug, FromRow)]
pub struct Entry {
    pub id: i64,
    pub edition_id: EditionId,
    pub school_id: SchoolId,
    pub school_name: String,
    pub category: i64,
    pub group_name: String,
    pub title: String,
    pub statement: String,
    pub laureate: Option<i64>,
    /// The action whose declaration form created it (Normandie's way).
    pub action_id: Option<ActionId>,
}

macro_rules! entry_select {
    () => {
        "SELECT p.id, p.edition_id, p.school_id, s.name AS school_name, p.category, p.group_name, \
         p.title, p.statement, p.laureate, p.action_id \
         FROM poster_entries p JOIN schools s ON s.id = p.school_id "
    };
}

pub async fn entries(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Entry>> {
    let sql = concat!(
        entry_select!(),
        "WHERE p.edition_id = $1 ORDER BY p.category, p.id"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn entry_by_id(conn: &mut Conn<'_>, id: i64) -> DbResult<Option<Entry>> {
    let sql = concat!(entry_select!(), "WHERE p.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// The entry the declaration form of `action` created, if any.
pub async fn entry_of_action(conn: &mut Conn<'_>, action: ActionId) -> DbResult<Option<Entry>> {
    let sql = concat!(entry_select!(), "WHERE p.action_id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(action)
        .fetch_optional(c)
        .await)
}

/// What a school registers.
pub struct NewEntry<'a> {
    pub edition_id: EditionId,
    pub school_id: SchoolId,
    pub category: i64,
    pub group_name: &'a str,
    pub title: &'a str,
    pub statement: &'a str,
    pub created_by: UserId,
}

pub async fn insert_entry(conn: &mut Conn<'_>, new: &NewEntry<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO poster_entries (edition_id, school_id, category, group_name, title, \
               statement, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(new.edition_id)
        .bind(new.school_id)
        .bind(new.category)
        .bind(new.group_name)
        .bind(new.title)
        .bind(new.statement)
        .bind(new.created_by)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

/// One juror's scores of one entry.
#[derive(Clone, Debug, FromRow)]
pub struct Score {
    pub entry_id: i64,
    pub juror_id: UserId,
    /// One integer per criterion, spaced.
    pub scores: String,
}

impl Score {
    pub fn values(&self) -> Vec<u32> {
        self.scores
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect()
    }
}

pub async fn scores(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<Vec<Score>> {
    let sql = "SELECT s.entry_id, s.juror_id, s.scores FROM poster_scores s \
               JOIN poster_entries p ON p.id = s.entry_id WHERE p.edition_id = $1 ORDER BY s.entry_id";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .fetch_all(c)
        .await)
}

pub async fn save_score(
    conn: &mut Conn<'_>,
    entry: i64,
    juror: UserId,
    scores: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO poster_scores (entry_id, juror_id, scores, updated_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (entry_id, juror_id) \
               DO UPDATE SET scores = excluded.scores, updated_at = excluded.updated_at";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(entry)
        .bind(juror)
        .bind(scores)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

/// The categories of the edition's contest when schools enter it from the
/// declaration form (`entry_mode` `form`), numbered from 1; `None` when
/// there is no contest or it has a page of its own.
pub async fn form_categories(
    conn: &mut Conn<'_>,
    edition: EditionId,
) -> DbResult<Option<Vec<(i64, String)>>> {
    Ok(contest_of(conn, edition)
        .await?
        .filter(|c| c.entry_mode == "form")
        .map(|c| c.category_list()))
}

/// The action's answer to « Participez-vous au concours d'affiches ? »:
/// `None` not answered, `Some(0)` no, `Some(n)` yes in category n.
pub async fn form_answer(conn: &mut Conn<'_>, action: ActionId) -> DbResult<Option<i64>> {
    let sql = "SELECT poster_category FROM actions WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(action)
        .fetch_one(c)
        .await)
}

pub async fn set_form_answer(
    conn: &mut Conn<'_>,
    action: ActionId,
    answer: Option<i64>,
) -> DbResult<()> {
    let sql = "UPDATE actions SET poster_category = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(action)
        .bind(answer)
        .execute(c)
        .await
        .map(|_| ()))
}

/// The entry an action submitted with « oui » creates, to complete with its
/// poster on the contest page (titled after the action); once per action
/// (a second submission changes nothing). Returns whether it was created.
pub async fn entry_from_action(
    conn: &mut Conn<'_>,
    new: &NewEntry<'_>,
    action: ActionId,
) -> DbResult<bool> {
    let sql = "INSERT INTO poster_entries (edition_id, school_id, category, group_name, title, \
               statement, created_by, created_at, action_id) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (action_id) DO NOTHING";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(new.edition_id)
        .bind(new.school_id)
        .bind(new.category)
        .bind(new.group_name)
        .bind(new.title)
        .bind(new.statement)
        .bind(new.created_by)
        .bind(Utc::now())
        .bind(action)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// The contests `user` is a juror of, newest edition first: each edition and
/// the juror's category numbers (spaced).
pub async fn judged_by(conn: &mut Conn<'_>, user: UserId) -> DbResult<Vec<(EditionId, String)>> {
    let sql = "SELECT j.edition_id, j.categories FROM contest_jurors j \
               JOIN contests c ON c.edition_id = j.edition_id \
               JOIN editions e ON e.id = j.edition_id \
               WHERE j.user_id = $1 ORDER BY e.year DESC, e.id DESC";
    on_conn!(conn, |c| sqlx::query_as(sql).bind(user).fetch_all(c).await)
}

/// The entries of an edition a juror has to score (those with a public
/// poster: approved, described, with consent), each as its category and
/// whether `juror` has scored it.
pub async fn to_score(
    conn: &mut Conn<'_>,
    edition: EditionId,
    juror: UserId,
) -> DbResult<Vec<(i64, bool)>> {
    let sql = "SELECT p.category, CAST(CASE WHEN EXISTS (SELECT 1 FROM poster_scores s \
               WHERE s.entry_id = p.id AND s.juror_id = $2) THEN 1 ELSE 0 END AS BIGINT) AS scored \
               FROM poster_entries p WHERE p.edition_id = $1 \
               AND EXISTS (SELECT 1 FROM media m WHERE m.owner_kind = 'poster' AND m.owner_id = p.id \
               AND m.state = 'approved' AND m.description <> '' AND m.consent IS NOT NULL) \
               ORDER BY p.id";
    let rows: Vec<(i64, i64)> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(edition)
        .bind(juror)
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(|(c, s)| (c, s == 1)).collect())
}
