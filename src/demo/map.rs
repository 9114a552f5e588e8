//! The demo académies' maps: Créteil (departments 77, 93, 94; 12 districts
//! of 25 schools) and Normandie (departments 14, 27, 50, 61, 76; 14
//! districts of 15 schools). Every school has a valid UAI of its department.

use chrono::{DateTime, TimeZone, Utc};

use crate::{
    db::{Conn, DbResult},
    domain::{
        Uai,
        ids::{AcademyId, DepartmentId, DistrictId, SchoolId},
    },
    map::store as map_store,
};

/// An académie of the demo, as written.
pub struct DemoAcademy {
    pub id: AcademyId,
    pub departments: Vec<DemoDepartment>,
}

pub struct DemoDepartment {
    pub id: DepartmentId,
    pub code: &'static str,
    pub districts: Vec<DemoDistrict>,
}

pub struct DemoDistrict {
    pub id: DistrictId,
    pub town: &'static str,
    pub schools: Vec<DemoSchool>,
}

/// A demo school.
#[derive(Clone, Debug)]
pub struct DemoSchool {
    pub id: SchoolId,
    pub uai: Uai,
    pub name: String,
    pub kind: &'static str,
    pub commune: String,
    pub postal_code: String,
}

impl DemoAcademy {
    pub fn districts(&self) -> impl Iterator<Item = (&DemoDepartment, &DemoDistrict)> {
        self.departments
            .iter()
            .flat_map(|dp| dp.districts.iter().map(move |di| (dp, di)))
    }

    pub fn schools(&self) -> impl Iterator<Item = (&DemoDistrict, &DemoSchool)> {
        self.districts()
            .flat_map(|(_, di)| di.schools.iter().map(move |s| (di, s)))
    }
}

/// A department of a demo map: code, name, and its districts (the town
/// each is named after, and that town's postal code).
type DepartmentPlan = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CRETEIL: [DepartmentPlan; 3] = [
    (
        "77",
        "Seine-et-Marne",
        &[
            ("Meaux", ""),
            ("Melun", ""),
            ("Chelles", ""),
            ("Provins", ""),
        ],
    ),
    (
        "93",
        "Seine-Saint-Denis",
        &[
            ("Saint-Denis", ""),
            ("Bobigny", ""),
            ("Montreuil", ""),
            ("Aulnay-sous-Bois", ""),
        ],
    ),
    (
        "94",
        "Val-de-Marne",
        &[
            ("Créteil", ""),
            ("Vitry-sur-Seine", ""),
            ("Champigny-sur-Marne", ""),
            ("Villejuif", ""),
        ],
    ),
];

const NORMANDIE: [DepartmentPlan; 5] = [
    (
        "14",
        "Calvados",
        &[("Caen", "14000"), ("Lisieux", "14100"), ("Vire", "14500")],
    ),
    (
        "27",
        "Eure",
        &[
            ("Évreux", "27000"),
            ("Vernon", "27200"),
            ("Bernay", "27300"),
        ],
    ),
    (
        "50",
        "Manche",
        &[
            ("Cherbourg-en-Cotentin", "50100"),
            ("Saint-Lô", "50000"),
            ("Avranches", "50300"),
        ],
    ),
    ("61", "Orne", &[("Alençon", "61000"), ("Flers", "61100")]),
    (
        "76",
        "Seine-Maritime",
        &[
            ("Rouen", "76000"),
            ("Le Havre", "76600"),
            ("Dieppe", "76200"),
        ],
    ),
];

const CRETEIL_PATRONS: [&str; 25] = [
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

const NORMANDIE_PATRONS: [&str; 23] = [
    "Pierre Corneille",
    "Gustave Flaubert",
    "Guy de Maupassant",
    "Guillaume le Conquérant",
    "Jean Rostand",
    "Claude Monet",
    "Raymond Queneau",
    "Jules Verne",
    "Marie Curie",
    "Alexis de Tocqueville",
    "Jean-François Millet",
    "André Maurois",
    "Georges Braque",
    "Émile Zola",
    "Jacques Prévert",
    "Malherbe",
    "Arcisse de Caumont",
    "Urbain Le Verrier",
    "Thérèse Bonnet",
    "Jean Moulin",
    "Simone Veil",
    "Boieldieu",
    "Val de Seine",
];

/// The time written on the demo's map rows (not the seeding time, so that
/// the demo is the same whenever it is seeded).
fn mapped_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 1, 3, 8, 0, 0)
        .single()
        .expect("a valid time")
}

/// Writes the académie de Créteil (code 24).
pub async fn creteil(conn: &mut Conn<'_>) -> DbResult<DemoAcademy> {
    let id = map_store::ensure_academy(conn, "24", "creteil", "Créteil").await?;
    write_map(conn, id, &CRETEIL, 25, |code, town, _postal, n, i| {
        // The schools keep the numbers and names the demo always had
        // (tests and browser journeys rely on 0930200 and its neighbours).
        let number: u32 = format!("0{code}{:04}", 100 + n * 25 + i)
            .parse()
            .expect("digits");
        let (kind, label) = match i % 5 {
            0..=2 => ("college", "Collège"),
            3 => ("lycee", "Lycée"),
            _ => ("lp", "Lycée professionnel"),
        };
        let (kind, label) = if n == 0 && i == 24 {
            ("erea", "EREA")
        } else {
            (kind, label)
        };
        DemoSchool {
            id: SchoolId(0),
            uai: Uai::from_number(number),
            name: format!(
                "{label} {}",
                CRETEIL_PATRONS[(i + n * 7) % CRETEIL_PATRONS.len()]
            ),
            kind,
            commune: town.to_string(),
            postal_code: format!("{code}{:03}", 100 + (n * 10 + i % 7) % 900),
        }
    })
    .await
    .map(|departments| DemoAcademy { id, departments })
}

/// Writes the académie de Normandie (code 70).
pub async fn normandie(conn: &mut Conn<'_>) -> DbResult<DemoAcademy> {
    let id = map_store::ensure_academy(conn, "70", "normandie", "Normandie").await?;
    write_map(conn, id, &NORMANDIE, 15, |code, town, postal, n, i| {
        let number: u32 = format!("0{code}{:04}", 500 + n * 15 + i)
            .parse()
            .expect("digits");
        let (kind, label) = match i % 6 {
            0..=2 => ("college", "Collège"),
            3 | 4 => ("lycee", "Lycée"),
            _ => ("lp", "Lycée professionnel"),
        };
        let (kind, label) = if i == 14 && n % 4 == 1 {
            ("erea", "EREA")
        } else {
            (kind, label)
        };
        DemoSchool {
            id: SchoolId(0),
            uai: Uai::from_number(number),
            name: format!(
                "{label} {}",
                NORMANDIE_PATRONS[(i * 5 + n * 3) % NORMANDIE_PATRONS.len()]
            ),
            kind,
            commune: town.to_string(),
            postal_code: postal.to_string(),
        }
    })
    .await
    .map(|departments| DemoAcademy { id, departments })
}

/// Writes the departments, districts and schools of a plan; `school(code,
/// town, postal code, district number, school number)` describes each
/// school.
async fn write_map(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    plan: &[DepartmentPlan],
    per_district: usize,
    school: impl Fn(&str, &'static str, &str, usize, usize) -> DemoSchool,
) -> DbResult<Vec<DemoDepartment>> {
    let mut departments = Vec::new();
    let mut n = 0;
    for (code, name, towns) in plan {
        let department = map_store::ensure_department(conn, academy, code, name).await?;
        let mut districts = Vec::new();
        for (town, postal) in towns.iter() {
            let district =
                map_store::ensure_district(conn, department, &district_name(town)).await?;
            let mut schools = Vec::new();
            for i in 0..per_district {
                let mut s = school(code, town, postal, n, i);
                s.id = insert_school(conn, academy, department, district, &s).await?;
                schools.push(s);
            }
            districts.push(DemoDistrict {
                id: district,
                town,
                schools,
            });
            n += 1;
        }
        departments.push(DemoDepartment {
            id: department,
            code,
            districts,
        });
    }
    Ok(departments)
}

/// The town hall's coordinates (WGS 84, rounded) of each demo town, so
/// that the public map (issue 8) has places to show.
const TOWNS: [(&str, f64, f64); 26] = [
    ("Meaux", 48.960, 2.878),
    ("Melun", 48.539, 2.659),
    ("Chelles", 48.881, 2.590),
    ("Provins", 48.560, 3.299),
    ("Saint-Denis", 48.936, 2.357),
    ("Bobigny", 48.908, 2.439),
    ("Montreuil", 48.861, 2.443),
    ("Aulnay-sous-Bois", 48.934, 2.497),
    ("Créteil", 48.790, 2.455),
    ("Vitry-sur-Seine", 48.787, 2.392),
    ("Champigny-sur-Marne", 48.817, 2.515),
    ("Villejuif", 48.792, 2.363),
    ("Caen", 49.183, -0.371),
    ("Lisieux", 49.146, 0.226),
    ("Vire", 48.838, -0.889),
    ("Évreux", 49.024, 1.151),
    ("Vernon", 49.093, 1.485),
    ("Bernay", 49.089, 0.598),
    ("Cherbourg-en-Cotentin", 49.639, -1.616),
    ("Saint-Lô", 49.116, -1.091),
    ("Avranches", 48.685, -1.357),
    ("Alençon", 48.432, 0.091),
    ("Flers", 48.748, -0.569),
    ("Rouen", 49.443, 1.099),
    ("Le Havre", 49.494, 0.107),
    ("Dieppe", 49.922, 1.078),
];

/// A demo school's place: its town's coordinates, the schools spread
/// around them on a sunflower spiral (about 2 km at most), always the same.
fn position(town: &str, uai: &Uai) -> Option<(f64, f64)> {
    let (_, lat, lon) = TOWNS.iter().find(|(t, _, _)| *t == town)?;
    let i: f64 = uai.as_str()[4..7].parse::<u32>().ok()? as f64 % 25.0;
    let (angle, radius) = (i * 2.399_963, 0.004 * (i + 1.0).sqrt());
    Some((lat + radius * angle.sin() * 0.7, lon + radius * angle.cos()))
}

async fn insert_school(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    department: DepartmentId,
    district: DistrictId,
    s: &DemoSchool,
) -> DbResult<SchoolId> {
    let sql = "INSERT INTO schools (uai, name, kind, sector, commune, postal_code, academy_id, department_id,
               district_id, is_open, updated_at, latitude, longitude)
               VALUES ($1, $2, $3, 'public', $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
    let place = position(&s.commune, &s.uai);
    crate::on_conn!(conn, |c| sqlx::query_scalar(sql)
        .bind(s.uai.as_str())
        .bind(&s.name)
        .bind(s.kind)
        .bind(&s.commune)
        .bind(&s.postal_code)
        .bind(academy)
        .bind(department)
        .bind(district)
        .bind(true)
        .bind(mapped_at())
        .bind(place.map(|p| p.0))
        .bind(place.map(|p| p.1))
        .fetch_one(c)
        .await)
}

/// « District de Montreuil », « District d'Aulnay-sous-Bois », « District du
/// Havre »: the French elision and contraction before the town's name.
fn district_name(town: &str) -> String {
    if let Some(rest) = town.strip_prefix("Le ") {
        return format!("District du {rest}");
    }
    if let Some(rest) = town.strip_prefix("Les ") {
        return format!("District des {rest}");
    }
    let vowel = town
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÂÎÔH".contains(c.to_ascii_uppercase()) || "ÉÈÊÂÎÔ".contains(c));
    if vowel {
        format!("District d'{town}")
    } else {
        format!("District de {town}")
    }
}
