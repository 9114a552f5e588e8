//! The académie's map in the database: académies, departments, districts, schools.

use crate::domain::ids::{AcademyId, DepartmentId, DistrictId, SchoolId};
use chrono::Utc;
use sqlx::FromRow;

use crate::{
    db::dialect::like_pattern,
    db::{Conn, DbResult},
    domain::{Placement, SchoolKind, Sector},
    on_conn,
};

#[derive(Clone, Debug, FromRow)]
pub struct Academy {
    pub id: AcademyId,
    pub code: String,
    pub slug: String,
    pub name: String,
    /// Space-separated domains allowed to self-register (`ac-creteil.fr`).
    pub email_domains: String,
}

impl Academy {
    pub fn allows_domain(&self, domain: &str) -> bool {
        self.email_domains
            .split_whitespace()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct Department {
    pub id: DepartmentId,
    pub academy_id: AcademyId,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, FromRow)]
pub struct District {
    pub id: DistrictId,
    pub department_id: DepartmentId,
    pub name: String,
    pub academy_id: AcademyId,
    pub department_name: String,
    pub school_count: i64,
}

impl District {
    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: Some(self.department_id),
            district: Some(self.id),
            school: None,
        }
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct School {
    pub id: SchoolId,
    pub uai: String,
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub commune: String,
    pub postal_code: String,
    pub academy_id: AcademyId,
    pub department_id: DepartmentId,
    pub district_id: Option<DistrictId>,
    pub bassin_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_open: bool,
}

impl School {
    pub fn placement(&self) -> Placement {
        Placement {
            academy: self.academy_id,
            department: Some(self.department_id),
            district: self.district_id,
            school: Some(self.id),
        }
    }

    pub fn kind_label(&self) -> &'static str {
        SchoolKind::from_code(&self.kind).label()
    }

    pub fn sector_label(&self) -> &'static str {
        Sector::from_code(&self.sector).label()
    }
}

/// The SQL text of school columns, for `concat!` (SQL is never assembled with `format!`).
macro_rules! school_columns {
    () => {
        "id, uai, name, kind, sector, commune, postal_code, academy_id, department_id, \
                              district_id, bassin_name, latitude, longitude, is_open"
    };
}

/// The SQL text of district select, for `concat!` (SQL is never assembled with `format!`).
macro_rules! district_select {
    () => {
        "SELECT di.id, di.department_id, di.name, dp.academy_id, dp.name AS department_name,
        (SELECT COUNT(*) FROM schools s WHERE s.district_id = di.id) AS school_count
     FROM districts di JOIN departments dp ON dp.id = di.department_id"
    };
}

pub async fn academies(conn: &mut Conn<'_>) -> DbResult<Vec<Academy>> {
    let sql = "SELECT id, code, slug, name, email_domains FROM academies ORDER BY name";
    on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)
}

pub async fn academy_by_id(conn: &mut Conn<'_>, id: AcademyId) -> DbResult<Option<Academy>> {
    let sql = "SELECT id, code, slug, name, email_domains FROM academies WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn academy_by_slug(conn: &mut Conn<'_>, slug: &str) -> DbResult<Option<Academy>> {
    let sql =
        "SELECT id, code, slug, name, email_domains FROM academies WHERE slug = $1 OR code = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(slug)
        .fetch_optional(c)
        .await)
}

/// Creates an académie, or returns the id of the one with that code.
pub async fn ensure_academy(
    conn: &mut Conn<'_>,
    code: &str,
    slug: &str,
    name: &str,
) -> DbResult<AcademyId> {
    let sql = "INSERT INTO academies (code, slug, name, created_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (code) DO UPDATE SET code = excluded.code RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(code)
        .bind(slug)
        .bind(name)
        .bind(Utc::now())
        .fetch_one(c)
        .await)
}

pub async fn set_email_domains(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    domains: &str,
) -> DbResult<()> {
    let sql = "UPDATE academies SET email_domains = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(academy_id)
        .bind(domains)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Every académie that lets addresses of `domain` register themselves.
pub async fn academies_allowing(conn: &mut Conn<'_>, domain: &str) -> DbResult<Vec<Academy>> {
    Ok(academies(conn)
        .await?
        .into_iter()
        .filter(|a| a.allows_domain(domain))
        .collect())
}

pub async fn departments(conn: &mut Conn<'_>, academy_id: AcademyId) -> DbResult<Vec<Department>> {
    let sql =
        "SELECT id, academy_id, code, name FROM departments WHERE academy_id = $1 ORDER BY code";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy_id)
        .fetch_all(c)
        .await)
}

pub async fn department_by_code(conn: &mut Conn<'_>, code: &str) -> DbResult<Option<Department>> {
    let sql = "SELECT id, academy_id, code, name FROM departments WHERE code = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(code)
        .fetch_optional(c)
        .await)
}

pub async fn department_by_id(
    conn: &mut Conn<'_>,
    id: DepartmentId,
) -> DbResult<Option<Department>> {
    let sql = "SELECT id, academy_id, code, name FROM departments WHERE id = $1";
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Creates a department, or returns the id of the one with that code, left
/// as it is (in its académie, with its name): moving a department to another
/// académie is [`move_department`], never a side effect.
pub async fn ensure_department(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    code: &str,
    name: &str,
) -> DbResult<DepartmentId> {
    let sql = "INSERT INTO departments (academy_id, code, name) VALUES ($1, $2, $3)
               ON CONFLICT (code) DO UPDATE SET code = excluded.code RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(academy_id)
        .bind(code)
        .bind(name)
        .fetch_one(c)
        .await)
}

pub async fn districts(conn: &mut Conn<'_>, academy_id: AcademyId) -> DbResult<Vec<District>> {
    let sql = concat!(
        district_select!(),
        " WHERE dp.academy_id = $1 ORDER BY dp.code, di.name"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(academy_id)
        .fetch_all(c)
        .await)
}

pub async fn district_by_id(conn: &mut Conn<'_>, id: DistrictId) -> DbResult<Option<District>> {
    let sql = concat!(district_select!(), " WHERE di.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn district_by_name(
    conn: &mut Conn<'_>,
    department_id: DepartmentId,
    name: &str,
) -> DbResult<Option<District>> {
    let sql = concat!(
        district_select!(),
        " WHERE di.department_id = $1 AND di.name = $2"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(department_id)
        .bind(name)
        .fetch_optional(c)
        .await)
}

/// Creates a district, or returns the id of the one with that name.
pub async fn ensure_district(
    conn: &mut Conn<'_>,
    department_id: DepartmentId,
    name: &str,
) -> DbResult<DistrictId> {
    let sql = "INSERT INTO districts (department_id, name) VALUES ($1, $2)
               ON CONFLICT (department_id, name) DO UPDATE SET name = excluded.name RETURNING id";
    on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(department_id)
        .bind(name)
        .fetch_one(c)
        .await)
}

/// Attaches a school to a district (or detaches it with `None`).
pub async fn set_school_district(
    conn: &mut Conn<'_>,
    school_id: SchoolId,
    district_id: Option<DistrictId>,
) -> DbResult<()> {
    let sql = "UPDATE schools SET district_id = $2, updated_at = $3 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(school_id)
        .bind(district_id)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|_| ()))
}

pub async fn school_by_uai(conn: &mut Conn<'_>, uai: &str) -> DbResult<Option<School>> {
    let sql = concat!("SELECT ", school_columns!(), " FROM schools WHERE uai = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(uai)
        .fetch_optional(c)
        .await)
}

pub async fn school_by_id(conn: &mut Conn<'_>, id: SchoolId) -> DbResult<Option<School>> {
    let sql = concat!("SELECT ", school_columns!(), " FROM schools WHERE id = $1");
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)
}

pub async fn schools_of_district(
    conn: &mut Conn<'_>,
    district_id: DistrictId,
) -> DbResult<Vec<School>> {
    let sql = concat!(
        "SELECT ",
        school_columns!(),
        " FROM schools WHERE district_id = $1 ORDER BY name"
    );
    on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(district_id)
        .fetch_all(c)
        .await)
}

/// A filter on the school directory of one académie.
#[derive(Clone, Debug, Default)]
pub struct SchoolFilter {
    pub academy_id: AcademyId,
    pub department_id: Option<DepartmentId>,
    pub district_id: Option<DistrictId>,
    /// Matches the name, commune or UAI (case-insensitive).
    pub text: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// One page of schools matching the filter, and how many match in all.
pub async fn search_schools(
    conn: &mut Conn<'_>,
    filter: &SchoolFilter,
) -> DbResult<(Vec<School>, i64)> {
    // `%`, `_` and `\\` typed by the person are literal, NUL bytes dropped.
    let pattern = filter.text.as_deref().map(like_pattern);
    macro_rules! condition {
        () => {
            "academy_id = $1 AND ($2 IS NULL OR department_id = $2) AND ($3 IS NULL OR district_id = $3)
             AND ($4 IS NULL OR search_folded LIKE $4 ESCAPE '\\')"
        };
    }
    let list_sql = concat!(
        "SELECT ",
        school_columns!(),
        " FROM schools WHERE ",
        condition!(),
        " ORDER BY name, uai LIMIT $5 OFFSET $6"
    );
    let count_sql = concat!("SELECT COUNT(*) FROM schools WHERE ", condition!());
    let schools = on_conn!(conn, |c| sqlx::query_as(list_sql)
        .bind(filter.academy_id)
        .bind(filter.department_id)
        .bind(filter.district_id)
        .bind(&pattern)
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(c)
        .await)?;
    let total = on_conn!(conn, |c| sqlx::query_scalar(count_sql)
        .bind(filter.academy_id)
        .bind(filter.department_id)
        .bind(filter.district_id)
        .bind(&pattern)
        .fetch_one(c)
        .await)?;
    Ok((schools, total))
}

/// What moving a department to another académie carried along.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepartmentMove {
    pub schools: u64,
    pub districts: i64,
    /// Roles held on the department, its districts or its schools.
    pub grants: i64,
    /// Actions of its schools and districts in editions of other académies
    /// (they stay in those editions).
    pub actions_left_behind: i64,
}

/// Moves a department, with its districts and schools, to another académie.
/// Only `perseverance department move` calls this: an import never does.
pub async fn move_department(
    conn: &mut Conn<'_>,
    department_id: DepartmentId,
    academy_id: AcademyId,
) -> DbResult<DepartmentMove> {
    let count_grants = "SELECT COUNT(*) FROM grant_placements
        WHERE department_id = $1 AND scope_kind IN ('department', 'district', 'school')";
    let count_districts = "SELECT COUNT(*) FROM districts WHERE department_id = $1";
    let count_actions = "SELECT COUNT(*) FROM actions a JOIN editions e ON e.id = a.edition_id
        WHERE e.academy_id <> $2
          AND (a.school_id IN (SELECT id FROM schools WHERE department_id = $1)
               OR a.district_id IN (SELECT id FROM districts WHERE department_id = $1))";
    let move_department = "UPDATE departments SET academy_id = $2 WHERE id = $1";
    let move_schools =
        "UPDATE schools SET academy_id = $2, updated_at = $3 WHERE department_id = $1";
    let grants: i64 = on_conn!(conn, |c| sqlx::query_scalar(count_grants)
        .bind(department_id)
        .fetch_one(c)
        .await)?;
    let districts: i64 = on_conn!(conn, |c| sqlx::query_scalar(count_districts)
        .bind(department_id)
        .fetch_one(c)
        .await)?;
    let actions_left_behind: i64 = on_conn!(conn, |c| sqlx::query_scalar(count_actions)
        .bind(department_id)
        .bind(academy_id)
        .fetch_one(c)
        .await)?;
    on_conn!(conn, |c| sqlx::query(move_department)
        .bind(department_id)
        .bind(academy_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    let schools = on_conn!(conn, |c| sqlx::query(move_schools)
        .bind(department_id)
        .bind(academy_id)
        .bind(Utc::now())
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(DepartmentMove {
        schools,
        districts,
        grants,
        actions_left_behind,
    })
}
