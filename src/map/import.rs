//! Importing the Annuaire into the database: upsert by UAI, report per line.
//!
//! An import writes schools only. It creates the académies and departments a
//! file names for the first time, but never moves or renames one that exists:
//! a line that places its school in a department of another académie is
//! rejected, and moving a department is `perseverance department move`.

use crate::domain::ids::{AcademyId, DepartmentId};
use std::collections::HashMap;

use chrono::Utc;
use sqlx::QueryBuilder;

use super::{
    annuaire::{FileSchool, Parsed, Rejected},
    store,
};
use crate::{
    db::{Conn, Db},
    domain::{Uai, codes},
    text::slug,
};

/// Options of `perseverance import-schools`.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Only this académie's rows (its Annuaire code, e.g. `24` or `024`).
    pub academy_code: Option<String>,
    /// Import closed schools too.
    pub include_closed: bool,
}

/// What an import did. Every line of the file (but blank ones) is counted
/// once: as the line of a school created, updated or unchanged, as a line
/// grouped into one of those, as skipped, or as rejected.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Lines of an establishment on several lines, grouped into its school.
    pub merged_lines: u64,
    pub skipped_closed: u64,
    pub skipped_other_academy: u64,
    pub rejected: Vec<Rejected>,
}

/// The stored fields an import may change, to tell « updated » from « unchanged ».
type Fingerprint = (
    String,
    String,
    String,
    String,
    String,
    AcademyId,
    DepartmentId,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    bool,
);

/// A school ready to write, with the ids of its académie and department.
struct Row<'a> {
    school: &'a super::annuaire::AnnuaireSchool,
    academy_id: AcademyId,
    department_id: DepartmentId,
}

impl Row<'_> {
    fn fingerprint(&self) -> Fingerprint {
        let s = self.school;
        (
            s.name.clone(),
            s.kind.code().to_string(),
            s.sector.code().to_string(),
            s.commune.clone(),
            s.postal_code.clone(),
            self.academy_id,
            self.department_id,
            s.bassin_code.clone(),
            s.bassin_name.clone(),
            s.latitude,
            s.longitude,
            s.is_open,
        )
    }
}

/// A department as the import sees it: its id and its académie.
#[derive(Clone, Debug)]
struct KnownDepartment {
    id: DepartmentId,
    academy_id: AcademyId,
    academy_code: String,
    academy_name: String,
}

/// How many rows one INSERT carries (14 binds a row stays under both engines' bind limits).
const CHUNK: usize = 1000;

/// Writes the parsed file to the database and reports what changed.
pub async fn apply(
    db: &Db,
    parsed: Parsed,
    options: &ImportOptions,
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport {
        rejected: parsed.rejected,
        ..Default::default()
    };
    let only_academy = options
        .academy_code
        .as_deref()
        .map(codes::academy_code)
        .transpose()?;
    // One write transaction for reads and writes: what we compare against is
    // what we overwrite.
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    let existing = existing_fingerprints(conn).await?;
    let mut wanted: Vec<&FileSchool> = Vec::with_capacity(parsed.schools.len());
    for entry in &parsed.schools {
        let school = &entry.school;
        if only_academy
            .as_deref()
            .is_some_and(|code| code != school.academy_code)
        {
            report.skipped_other_academy += entry.line_count();
        } else if !school.is_open
            && !options.include_closed
            && !existing.contains_key(school.uai.as_str())
        {
            // A closed school we never had is skipped; one we have is
            // updated below, so that its closure is recorded.
            report.skipped_closed += entry.line_count();
        } else {
            for &line in &entry.duplicate_lines {
                report.rejected.push(Rejected {
                    line,
                    reason: format!(
                        "{} : UAI en double (déjà vu ligne {}) ; plusieurs lignes ne forment un même \
                         établissement que si chacune porte etablissement_multi_lignes = 1",
                        school.uai, entry.line
                    ),
                });
            }
            wanted.push(entry);
        }
    }
    let mut academies: HashMap<String, AcademyId> = store::academies(conn)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let mut departments = known_departments(conn).await?;
    let mut changed = Vec::new();
    for entry in wanted {
        let school = &entry.school;
        let (academy_id, department_id) = match departments.get(&school.department_code) {
            Some(known) if known.academy_code != school.academy_code => {
                reject_school(
                    &mut report,
                    entry,
                    format!(
                        "{} : le département {} appartient à l'académie {} ({}), pas à l'académie {} \
                         indiquée par cette ligne ; un import ne change pas un département d'académie \
                         (si c'est voulu : perseverance department move {} --academie {}, puis réimportez)",
                        school.uai,
                        school.department_code,
                        known.academy_code,
                        known.academy_name,
                        school.academy_code,
                        school.department_code,
                        school.academy_code,
                    ),
                );
                continue;
            }
            Some(known) => (known.academy_id, known.id),
            None => {
                let academy_id = match academies.get(&school.academy_code) {
                    Some(&id) => id,
                    None => {
                        let id = store::ensure_academy(
                            conn,
                            &school.academy_code,
                            &slug(&school.academy_name),
                            &school.academy_name,
                        )
                        .await?;
                        academies.insert(school.academy_code.clone(), id);
                        id
                    }
                };
                let id = store::ensure_department(
                    conn,
                    academy_id,
                    &school.department_code,
                    &school.department_name,
                )
                .await?;
                departments.insert(
                    school.department_code.clone(),
                    KnownDepartment {
                        id,
                        academy_id,
                        academy_code: school.academy_code.clone(),
                        academy_name: school.academy_name.clone(),
                    },
                );
                (academy_id, id)
            }
        };
        report.merged_lines += entry.merged_lines.len() as u64;
        let row = Row {
            school,
            academy_id,
            department_id,
        };
        match existing.get(school.uai.as_str()) {
            None => report.created += 1,
            Some(old) if *old == row.fingerprint() => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
        }
        changed.push(row);
    }
    for chunk in changed.chunks(CHUNK) {
        upsert(conn, chunk).await?;
    }
    tx.commit().await?;
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

/// Rejects every line of a school: its first line with the reason, the
/// others pointing to it.
fn reject_school(report: &mut ImportReport, entry: &FileSchool, reason: String) {
    report.rejected.push(Rejected {
        line: entry.line,
        reason,
    });
    for &line in &entry.merged_lines {
        report.rejected.push(Rejected {
            line,
            reason: format!(
                "{} : même établissement que la ligne {}, rejetée",
                entry.school.uai, entry.line
            ),
        });
    }
}

async fn known_departments(
    conn: &mut Conn<'_>,
) -> anyhow::Result<HashMap<String, KnownDepartment>> {
    let sql = "SELECT d.code, d.id, d.academy_id, a.code, a.name FROM departments d \
               JOIN academies a ON a.id = d.academy_id";
    let rows: Vec<(String, DepartmentId, AcademyId, String, String)> =
        crate::on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(code, id, academy_id, academy_code, academy_name)| {
            (
                code,
                KnownDepartment {
                    id,
                    academy_id,
                    academy_code,
                    academy_name,
                },
            )
        })
        .collect())
}

async fn existing_fingerprints(
    conn: &mut Conn<'_>,
) -> anyhow::Result<HashMap<String, Fingerprint>> {
    let sql = "SELECT uai, name, kind, sector, commune, postal_code, academy_id, department_id, bassin_code, \
               bassin_name, latitude, longitude, is_open FROM schools";
    type Stored = (
        String,
        String,
        String,
        String,
        String,
        String,
        AcademyId,
        DepartmentId,
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        bool,
    );
    let rows: Vec<Stored> = crate::on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(uai, a, b, c, d, e, f, g, h, i, j, k, l)| {
            (uai, (a, b, c, d, e, f, g, h, i, j, k, l))
        })
        .collect())
}

async fn upsert(conn: &mut Conn<'_>, rows: &[Row<'_>]) -> anyhow::Result<()> {
    let now = Utc::now();
    crate::on_conn!(conn, |c| {
        let mut query = QueryBuilder::new(
            "INSERT INTO schools (uai, name, kind, sector, commune, postal_code, academy_id, department_id, \
             bassin_code, bassin_name, latitude, longitude, is_open, updated_at) ",
        );
        query.push_values(rows, |mut b, row| {
            let s = row.school;
            b.push_bind(s.uai.as_str())
                .push_bind(&s.name)
                .push_bind(s.kind.code())
                .push_bind(s.sector.code())
                .push_bind(&s.commune)
                .push_bind(&s.postal_code)
                .push_bind(row.academy_id)
                .push_bind(row.department_id)
                .push_bind(&s.bassin_code)
                .push_bind(&s.bassin_name)
                .push_bind(s.latitude)
                .push_bind(s.longitude)
                .push_bind(s.is_open)
                .push_bind(now);
        });
        query.push(
            " ON CONFLICT (uai) DO UPDATE SET name = excluded.name, kind = excluded.kind, sector = excluded.sector, \
             commune = excluded.commune, postal_code = excluded.postal_code, academy_id = excluded.academy_id, \
             district_id = CASE WHEN schools.department_id = excluded.department_id THEN schools.district_id END, \
             department_id = excluded.department_id, bassin_code = excluded.bassin_code, \
             bassin_name = excluded.bassin_name, latitude = excluded.latitude, longitude = excluded.longitude, \
             is_open = excluded.is_open, updated_at = excluded.updated_at",
        );
        query.build().execute(c).await.map(|_| ())
    })?;
    Ok(())
}

/// The columns of a district file, each with the header names that mean it.
const DISTRICT_COLUMNS: &[(&str, &[&str])] = &[
    (
        "uai",
        &[
            "uai",
            "identifiant_de_l_etablissement",
            "code_uai",
            "numero_uai",
        ],
    ),
    (
        "district",
        &["district", "reseau", "reseau_foquale", "nom_district"],
    ),
    (
        "department_code",
        &["code_departement", "code_du_departement", "departement"],
    ),
];

/// One line of a district file, as written.
struct DistrictLine {
    uai: String,
    district: String,
    department_code: String,
}

/// Attaches schools to districts from a small CSV (`uai;district`, optional
/// `code_departement`), creating the districts it names in each school's
/// department. Read like the Annuaire (`;` or `,`, UTF-8 or Windows-1252,
/// codes without their leading zeros). A line whose `code_departement` is not
/// its school's department is rejected: a district file never moves a school
/// to another department.
pub async fn import_districts(db: &Db, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let mut lines = Vec::new();
    let mut report = ImportReport::default();
    super::annuaire::read_csv(
        bytes,
        |keys| {
            super::annuaire::find_columns(
                keys,
                DISTRICT_COLUMNS,
                &["uai", "district"],
                "un fichier de districts",
            )
        },
        |index, line, row| match row {
            Ok(record) => {
                let get = |column: &str| {
                    index
                        .get(column)
                        .and_then(|&i| record.get(i))
                        .map(|v| String::from_utf8_lossy(v).trim().to_string())
                        .unwrap_or_default()
                };
                lines.push((
                    line,
                    DistrictLine {
                        uai: get("uai"),
                        district: get("district"),
                        department_code: get("department_code"),
                    },
                ));
            }
            Err(reason) => report.rejected.push(Rejected { line, reason }),
        },
    )?;
    let mut department_codes: HashMap<DepartmentId, String> = HashMap::new();
    // Reads and writes on one write transaction, so that the schools we
    // check are the ones we attach.
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    for (line, row) in lines {
        match district_line(conn, &row, &mut department_codes).await? {
            Ok(true) => report.updated += 1,
            Ok(false) => report.unchanged += 1,
            Err(reason) => report.rejected.push(Rejected { line, reason }),
        }
    }
    // Districts and their actions show on the public side: once per file.
    crate::public::store::bump_generation(conn).await?;
    tx.commit().await?;
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

/// Applies one line of a district file: `Ok(true)` when the school changed
/// district, `Ok(false)` when it was already there, `Err` with the reason to
/// reject the line.
async fn district_line(
    conn: &mut Conn<'_>,
    row: &DistrictLine,
    department_codes: &mut HashMap<DepartmentId, String>,
) -> anyhow::Result<Result<bool, String>> {
    let uai = match Uai::parse(&row.uai) {
        Ok(uai) => uai,
        Err(err) => return Ok(Err(format!("UAI « {} » invalide : {err}", row.uai))),
    };
    let Some(school) = store::school_by_uai(conn, uai.as_str()).await? else {
        return Ok(Err(format!("établissement {uai} inconnu")));
    };
    if row.district.is_empty() {
        return Ok(Err(format!("{uai} : nom de district manquant")));
    }
    if !row.department_code.is_empty() {
        let code = match codes::department_code(&row.department_code) {
            Ok(code) => code,
            Err(err) => return Ok(Err(format!("{uai} : {err}"))),
        };
        let actual = match department_codes.get(&school.department_id) {
            Some(code) => code.clone(),
            None => {
                let department = store::department_by_id(conn, school.department_id)
                    .await?
                    .ok_or_else(|| {
                        anyhow::anyhow!("department {} vanished", school.department_id)
                    })?;
                department_codes.insert(school.department_id, department.code.clone());
                department.code
            }
        };
        if code != actual {
            return Ok(Err(format!(
                "{uai} : l'établissement est dans le département {actual}, pas {code} ; \
                 un fichier de districts ne change pas un établissement de département"
            )));
        }
    }
    let district_id = store::ensure_district(conn, school.department_id, &row.district).await?;
    if school.district_id == Some(district_id) {
        Ok(Ok(false))
    } else {
        store::set_school_district(conn, school.id, Some(district_id)).await?;
        Ok(Ok(true))
    }
}
