//! Demo data: the académie de Créteil with 3 departments, 12 districts,
//! 300 schools with valid UAIs, one demo account per role, and two editions
//! (one open for declarations, one archived).

use crate::domain::ids::{AcademyId, DepartmentId, DistrictId, SchoolId};
use crate::{
    auth::{
        DemoAccount,
        store::{self as auth_store, GrantQuery},
    },
    db::{Conn, Db},
    domain::{Email, Grant, Role, Scope, Uai},
    map::store as map_store,
};

/// The demo accounts, one per role (the e-mail domain `.test` cannot exist).
pub const ACCOUNTS: [(&str, Role); 7] = [
    ("admin@demo.test", Role::Admin),
    (
        "coordination.academique@demo.test",
        Role::AcademyCoordinator,
    ),
    ("dsden93@demo.test", Role::DepartmentViewer),
    ("coordination.district@demo.test", Role::DistrictCoordinator),
    ("chef.etablissement@demo.test", Role::SchoolHead),
    ("referent@demo.test", Role::SchoolReferent),
    ("personnel@demo.test", Role::Staff),
];

const DEPARTMENTS: [(&str, &str, [&str; 4]); 3] = [
    (
        "77",
        "Seine-et-Marne",
        ["Meaux", "Melun", "Chelles", "Provins"],
    ),
    (
        "93",
        "Seine-Saint-Denis",
        ["Saint-Denis", "Bobigny", "Montreuil", "Aulnay-sous-Bois"],
    ),
    (
        "94",
        "Val-de-Marne",
        [
            "Créteil",
            "Vitry-sur-Seine",
            "Champigny-sur-Marne",
            "Villejuif",
        ],
    ),
];

const PATRONS: [&str; 25] = [
    "Jean Moulin",
    "Louise Michel",
    "Victor Hugo",
    "Jules Ferry",
    "Marie Curie",
    "Pablo Neruda",
    "Jean Jaurès",
    "Olympe de Gouges",
    "Aimé Césaire",
    "Simone Veil",
    "Paul Éluard",
    "Condorcet",
    "Gustave Eiffel",
    "Rosa Parks",
    "Albert Camus",
    "Jacques Prévert",
    "Lucie Aubrac",
    "Nelson Mandela",
    "Germaine Tillion",
    "Georges Brassens",
    "Joséphine Baker",
    "Louis Pasteur",
    "Gisèle Halimi",
    "Henri Wallon",
    "Samuel Paty",
];

/// Fills an empty database with the demo académie. Does nothing if any
/// académie exists already.
pub async fn seed(db: &Db) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    if !map_store::academies(conn).await?.is_empty() {
        return Ok(false);
    }
    let academy = map_store::ensure_academy(conn, "24", "creteil", "Créteil").await?;
    // The demo accounts live in the first district of Seine-Saint-Denis.
    let mut home: Option<(DepartmentId, DistrictId, SchoolId)> = None;
    for (d, (code, name, districts)) in DEPARTMENTS.iter().enumerate() {
        let department = map_store::ensure_department(conn, academy, code, name).await?;
        for (k, town) in districts.iter().enumerate() {
            let district =
                map_store::ensure_district(conn, department, &format!("District de {town}"))
                    .await?;
            let schools = demo_schools(code, town, d * 4 + k);
            for school in &schools {
                let id = insert_school(conn, academy, department, school).await?;
                map_store::set_school_district(conn, id, Some(district)).await?;
                if *code == "93" && home.is_none() {
                    home = Some((department, district, id));
                }
            }
        }
    }
    let (department_93, district, school) = home.expect("the demo map has a district in 93");
    for (email, role) in ACCOUNTS {
        let scope = match role.scope_kind() {
            crate::domain::ScopeKind::Platform => Scope::Platform,
            crate::domain::ScopeKind::Academy => Scope::Academy(academy),
            crate::domain::ScopeKind::Department => Scope::Department(department_93),
            crate::domain::ScopeKind::District => Scope::District(district),
            crate::domain::ScopeKind::School => Scope::School(school),
        };
        let user = auth_store::ensure_user(conn, &Email::parse(email)?, "").await?;
        auth_store::add_grant(conn, user, Grant::new(role, scope)?, None).await?;
    }
    let today = crate::domain::edition::paris_date(chrono::Utc::now());
    crate::editions::demo::seed(conn, academy, today).await?;
    map_store::set_email_domains(conn, academy, "ac-creteil.fr").await?;
    tx.commit().await?;
    Ok(true)
}

/// A demo school before it is written.
struct DemoSchool {
    uai: Uai,
    name: String,
    kind: &'static str,
    commune: String,
    postal_code: String,
}

/// 25 schools for the district numbered `n`, in the department `code`.
fn demo_schools(code: &str, town: &str, n: usize) -> Vec<DemoSchool> {
    (0..25)
        .map(|i| {
            let number: u32 = format!("0{code}{:04}", 100 + n * 25 + i).parse().unwrap();
            let (kind, label) = match i % 5 {
                0..=2 => ("college", "Collège"),
                3 => ("lycee", "Lycée"),
                _ => ("lp", "Lycée professionnel"),
            };
            let kind = if n == 0 && i == 24 { "erea" } else { kind };
            let label = if kind == "erea" { "EREA" } else { label };
            DemoSchool {
                uai: Uai::from_number(number),
                name: format!("{label} {}", PATRONS[(i + n * 7) % PATRONS.len()]),
                kind,
                commune: town.to_string(),
                postal_code: format!("{code}{:03}", 100 + (n * 10 + i % 7) % 900),
            }
        })
        .collect()
}

async fn insert_school(
    conn: &mut crate::db::Conn<'_>,
    academy: AcademyId,
    department: DepartmentId,
    s: &DemoSchool,
) -> crate::db::DbResult<SchoolId> {
    let sql = "INSERT INTO schools (uai, name, kind, sector, commune, postal_code, academy_id, department_id, is_open, updated_at)
               VALUES ($1, $2, $3, 'public', $4, $5, $6, $7, $8, $9) RETURNING id";
    crate::on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(s.uai.as_str())
        .bind(&s.name)
        .bind(s.kind)
        .bind(&s.commune)
        .bind(&s.postal_code)
        .bind(academy)
        .bind(department)
        .bind(true)
        .bind(chrono::Utc::now())
        .fetch_one(c)
        .await)
}

/// The demo accounts that exist in this database, labelled by role and place.
pub async fn accounts(conn: &mut Conn<'_>) -> crate::db::DbResult<Vec<DemoAccount>> {
    let mut accounts = Vec::new();
    for (email, _) in ACCOUNTS {
        let Ok(parsed) = Email::parse(email) else {
            continue;
        };
        let Some(user) = auth_store::user_by_email(conn, &parsed).await? else {
            continue;
        };
        for grant in auth_store::list_grants(conn, GrantQuery::OfUser(user.id), 1).await? {
            accounts.push(DemoAccount {
                email: email.to_string(),
                label: format!("{} — {}", grant.role_label(), grant.scope_name),
            });
        }
    }
    Ok(accounts)
}
