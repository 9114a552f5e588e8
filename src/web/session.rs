//! Who is asking: the signed-in person, read from the session cookie, with
//! their grants and where each applies (the académie's name included, for the
//! page header). Loaded at most once per request, and only by the handlers
//! and pages that ask for it.

use crate::domain::ids::{AcademyId, DepartmentId, DistrictId, GrantId, SchoolId, UserId};
use axum::{extract::FromRequestParts, http::request::Parts};
use chrono::{DateTime, Duration, Utc};
use sqlx::FromRow;

use super::{AppError, AppState, cookies, tokens};
use crate::{
    db::{Conn, DbResult},
    domain::{Ability, Grant, Placement, Rights, Role, Scope, ScopeKind},
    on_conn,
};

/// A person with an account.
#[derive(Clone, Debug, FromRow)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
}

/// A grant with where its scope lives, as read from `grant_placements`,
/// and the name of its académie (empty for the platform).
#[derive(Clone, Debug, FromRow)]
pub struct GrantRow {
    pub id: GrantId,
    pub user_id: UserId,
    pub role: Role,
    pub scope_kind: ScopeKind,
    pub scope_id: i64,
    pub academy_id: AcademyId,
    pub department_id: Option<DepartmentId>,
    pub district_id: Option<DistrictId>,
    pub school_id: Option<SchoolId>,
    pub academy_name: String,
    pub academy_slug: String,
}

impl GrantRow {
    /// The domain grant (its codes were checked when the row was decoded).
    pub fn grant(&self) -> Option<Grant> {
        Some(Grant {
            role: self.role,
            scope: Scope::from_parts(self.scope_kind, self.scope_id),
        })
    }

    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: self.department_id,
            district: self.district_id,
            school: self.school_id,
        }
    }
}

macro_rules! grant_select {
    () => {
        "SELECT gp.id, gp.user_id, gp.role, gp.scope_kind, gp.scope_id, gp.academy_id,
                gp.department_id, gp.district_id, gp.school_id, COALESCE(a.name, '') AS academy_name,
                COALESCE(a.slug, '') AS academy_slug
         FROM grant_placements gp LEFT JOIN academies a ON a.id = gp.academy_id "
    };
}

/// Every grant of a person, oldest first.
pub async fn grants_of(conn: &mut Conn<'_>, user_id: UserId) -> DbResult<Vec<GrantRow>> {
    let sql = concat!(grant_select!(), "WHERE gp.user_id = $1 ORDER BY gp.id");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(c)
        .await)
}

pub async fn grant_by_id(conn: &mut Conn<'_>, id: GrantId) -> DbResult<Option<GrantRow>> {
    let sql = concat!(grant_select!(), "WHERE gp.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// A live session's person, with one of their grants (none when they have
/// none: the grant's columns are then all null).
#[derive(FromRow)]
struct LiveSession {
    id: UserId,
    email: String,
    display_name: String,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    grant_id: Option<GrantId>,
    role: Option<Role>,
    scope_kind: Option<ScopeKind>,
    scope_id: Option<i64>,
    academy_id: Option<AcademyId>,
    department_id: Option<DepartmentId>,
    district_id: Option<DistrictId>,
    school_id: Option<SchoolId>,
    academy_name: Option<String>,
    academy_slug: Option<String>,
}

impl LiveSession {
    /// The grant of this line, if it has one.
    fn grant(&self) -> Option<GrantRow> {
        Some(GrantRow {
            id: self.grant_id?,
            user_id: self.id,
            role: self.role?,
            scope_kind: self.scope_kind?,
            scope_id: self.scope_id?,
            academy_id: self.academy_id.unwrap_or_default(),
            department_id: self.department_id,
            district_id: self.district_id,
            school_id: self.school_id,
            academy_name: self.academy_name.clone().unwrap_or_default(),
            academy_slug: self.academy_slug.clone().unwrap_or_default(),
        })
    }
}

/// The user of a live session (by the SHA-256 of its id), with every grant
/// of theirs (oldest first), read in one query. A session lives
/// `valid_for` after its last use (its expiry is pushed forward when half of
/// it is used) and never longer than `max_age` after it was opened: past
/// that, it is refused and the person signs in again.
pub async fn session_user(
    conn: &mut Conn<'_>,
    session_hash: &str,
    valid_for: Duration,
    max_age: Duration,
) -> DbResult<Option<(User, Vec<GrantRow>)>> {
    let now = Utc::now();
    // The session's line (no grant), then one line per grant. Not a LEFT
    // JOIN of `grant_placements`: SQLite would materialise the whole view.
    let sql = "SELECT u.id, u.email, u.display_name, s.expires_at, s.created_at,
                      NULL AS grant_id, NULL AS role, NULL AS scope_kind, NULL AS scope_id,
                      NULL AS academy_id, NULL AS department_id, NULL AS district_id,
                      NULL AS school_id, NULL AS academy_name, NULL AS academy_slug
               FROM sessions s JOIN users u ON u.id = s.user_id
               WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.created_at > $3
               UNION ALL
               SELECT u.id, u.email, u.display_name, s.expires_at, s.created_at,
                      gp.id, gp.role, gp.scope_kind, gp.scope_id, gp.academy_id,
                      gp.department_id, gp.district_id, gp.school_id, a.name, a.slug
               FROM sessions s JOIN users u ON u.id = s.user_id
               JOIN grant_placements gp ON gp.user_id = u.id
               LEFT JOIN academies a ON a.id = gp.academy_id
               WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.created_at > $3
               ORDER BY 6";
    let lines: Vec<LiveSession> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(session_hash)
        .bind(now)
        .bind(now - max_age)
        .fetch_all(c)
        .await)?;
    let Some(first) = lines.first() else {
        return Ok(None);
    };
    let (expires_at, created_at) = (first.expires_at, first.created_at);
    let user = User {
        id: first.id,
        email: first.email.clone(),
        display_name: first.display_name.clone(),
    };
    let grants = lines.iter().filter_map(LiveSession::grant).collect();
    if expires_at - now < valid_for / 2 {
        let extended = (now + valid_for).min(created_at + max_age);
        let sql = "UPDATE sessions SET expires_at = $2 WHERE id_hash = $1 AND expires_at < $2";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(session_hash)
            .bind(extended)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(Some((user, grants)))
}

/// Whose session (live, or ended a few days ago at most) the anti-forgery
/// token `csrf_token` belongs to: the person who was shown the form it came
/// with. Sessions opened without a token hash (tools) are never found.
pub async fn author_of_token(conn: &mut Conn<'_>, csrf_token: &str) -> DbResult<Option<UserId>> {
    let sql = "SELECT user_id FROM sessions WHERE csrf_hash = $1";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(tokens::hash(csrf_token))
        .fetch_optional(c)
        .await)
}

/// Filled with the signed-in person's id once the session is read, so that
/// the middleware around the handler (the security log) knows who asked.
#[derive(Clone, Debug, Default)]
pub struct UserSlot(pub std::sync::Arc<std::sync::OnceLock<UserId>>);

impl UserSlot {
    pub fn get(&self) -> Option<UserId> {
        self.0.get().copied()
    }
}

/// A signed-in person, and what their current grants let them do.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// The access policy over their current grants: ask it, never the roles.
    pub rights: Rights,
    /// The académies where the person holds a role, by id.
    pub academies: Vec<AcademyName>,
}

/// An académie where the signed-in person holds a role, as read with their
/// grants (no query of its own): for the header and « Mon espace ».
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AcademyName {
    pub id: AcademyId,
    pub name: String,
    /// The académie's address part, `/a/{slug}/…`.
    pub slug: String,
}

impl CurrentUser {
    /// Refuses with a French reason (403) unless the policy lets the person
    /// do `ability` at `place`.
    pub fn require(
        &self,
        ability: Ability,
        place: &Placement,
        reason: &str,
    ) -> Result<(), AppError> {
        if self.rights.may(ability, place) {
            Ok(())
        } else {
            Err(AppError::forbidden(reason))
        }
    }
}

/// Optional: `None` for anonymous visitors.
pub struct MaybeUser(pub Option<CurrentUser>);

async fn load(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    if let Some(user) = parts.extensions.get::<Option<CurrentUser>>() {
        return Ok(user.clone());
    }
    let name = cookies::session_name(state.config.secure_cookies());
    let user = match cookies::read(&parts.headers, name).filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => {
            let mut db = state.db.acquire().await?;
            let conn = &mut db.conn();
            let valid_for = Duration::hours(state.config.session_hours);
            let max_age = Duration::days(state.config.session_max_days);
            session_user(conn, &tokens::hash(&token), valid_for, max_age)
                .await?
                .map(|(user, grants)| CurrentUser::new(user, grants))
        }
    };
    if let Some(user) = &user {
        tracing::Span::current().record("user", user.id.0);
        if let Some(slot) = parts.extensions.get::<UserSlot>() {
            let _ = slot.0.set(user.id);
        }
    }
    parts.extensions.insert(user.clone());
    Ok(user)
}

impl CurrentUser {
    /// The person with their grants, as read by [`session_user`] (or [`grants_of`]).
    pub fn new(user: User, rows: Vec<GrantRow>) -> CurrentUser {
        let placements: Vec<(Grant, Placement)> = rows
            .iter()
            .filter_map(|r| Some((r.grant()?, r.placement())))
            .collect();
        let mut academies: Vec<AcademyName> = rows
            .into_iter()
            .filter(|r| r.academy_id.0 != 0)
            .map(|r| AcademyName {
                id: r.academy_id,
                name: r.academy_name,
                slug: r.academy_slug,
            })
            .collect();
        academies.sort();
        academies.dedup();
        CurrentUser {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            rights: Rights::new(user.id, placements),
            academies,
        }
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state).await.map(MaybeUser)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state).await?.ok_or(AppError::Unauthenticated)
    }
}
