//! Importing the Annuaire into the database: upsert by UAI, report per row.

use std::collections::HashMap;

use chrono::Utc;
use sqlx::QueryBuilder;

use super::{
    annuaire::{AnnuaireSchool, Parsed, Rejected},
    store,
};
use crate::{
    db::{Conn, Db},
    text::slug,
};

/// Options of `perseverance import-schools`.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Only this académie's rows (its Annuaire code, e.g. `24`).
    pub academy_code: Option<String>,
    /// Import closed schools too.
    pub include_closed: bool,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
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
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    bool,
);

/// A school ready to write, with the ids of its académie and department.
struct Row<'a> {
    school: &'a AnnuaireSchool,
    academy_id: i64,
    department_id: i64,
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
    // One write transaction for reads and writes: what we compare against is
    // what we overwrite.
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    let existing = existing_fingerprints(conn).await?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut wanted = Vec::with_capacity(parsed.schools.len());
    for (line, school) in &parsed.schools {
        if options
            .academy_code
            .as_deref()
            .is_some_and(|code| code.trim_start_matches('0') != school.academy_code)
        {
            report.skipped_other_academy += 1;
        } else if !school.is_open
            && !options.include_closed
            && !existing.contains_key(school.uai.as_str())
        {
            // A closed school we never had is skipped; one we have is
            // updated below, so that its closure is recorded.
            report.skipped_closed += 1;
        } else if let Some(first) = seen.insert(school.uai.to_string(), *line) {
            report.rejected.push(Rejected {
                line: *line,
                reason: format!("{} : UAI en double (déjà vu ligne {first})", school.uai),
            });
        } else {
            wanted.push(school);
        }
    }
    let mut academies: HashMap<String, i64> = HashMap::new();
    let mut departments: HashMap<String, i64> = HashMap::new();
    let mut changed = Vec::new();
    for school in wanted {
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
                *academies.entry(school.academy_code.clone()).or_insert(id)
            }
        };
        let department_id = match departments.get(&school.department_code) {
            Some(&id) => id,
            None => {
                let id = store::ensure_department(
                    conn,
                    academy_id,
                    &school.department_code,
                    &school.department_name,
                )
                .await?;
                *departments
                    .entry(school.department_code.clone())
                    .or_insert(id)
            }
        };
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
        i64,
        i64,
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
             department_id = excluded.department_id, bassin_code = excluded.bassin_code, \
             bassin_name = excluded.bassin_name, latitude = excluded.latitude, longitude = excluded.longitude, \
             is_open = excluded.is_open, updated_at = excluded.updated_at",
        );
        query.build().execute(c).await.map(|_| ())
    })?;
    Ok(())
}

/// Attaches schools to districts from a small CSV (`uai;district`, optional
/// `code_departement`), creating the districts it names.
pub async fn import_districts(db: &Db, bytes: &[u8]) -> anyhow::Result<ImportReport> {
    let mut reader = super::annuaire::csv_reader(bytes);
    let keys: Vec<String> = reader
        .headers()?
        .iter()
        .map(crate::text::header_key)
        .collect();
    let find = |names: &[&str]| names.iter().find_map(|n| keys.iter().position(|k| k == n));
    let uai_col = find(&["uai", "identifiant_de_l_etablissement"])
        .ok_or_else(|| anyhow::anyhow!("colonne « uai » manquante"))?;
    let district_col = find(&["district", "reseau", "reseau_foquale", "nom_district"])
        .ok_or_else(|| anyhow::anyhow!("colonne « district » manquante"))?;
    let mut report = ImportReport::default();
    // Reads and writes on one write transaction, so that the schools we
    // check are the ones we attach.
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    for record in reader.records() {
        let record = record?;
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        let uai = record
            .get(uai_col)
            .unwrap_or_default()
            .trim()
            .to_uppercase();
        let district = record
            .get(district_col)
            .unwrap_or_default()
            .trim()
            .to_string();
        let Some(school) = store::school_by_uai(conn, &uai).await? else {
            report.rejected.push(Rejected {
                line,
                reason: format!("établissement {uai} inconnu"),
            });
            continue;
        };
        if district.is_empty() {
            report.rejected.push(Rejected {
                line,
                reason: format!("{uai} : nom de district manquant"),
            });
            continue;
        }
        let district_id = store::ensure_district(conn, school.department_id, &district).await?;
        if school.district_id == Some(district_id) {
            report.unchanged += 1;
        } else {
            store::set_school_district(conn, school.id, Some(district_id)).await?;
            report.updated += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}
