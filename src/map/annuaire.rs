//! Reading the national « Annuaire de l'éducation » export (pure: no I/O).
//!
//! Columns are found by their normalised name, never by position, so both
//! header styles that circulate (`code_postal` and `Code postal`…) work, with
//! `;` or `,` separators and with or without a UTF-8 BOM.

use std::collections::HashMap;

use crate::{
    domain::{SchoolKind, Sector, Uai},
    text::header_key,
};

/// One school as the file describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnnuaireSchool {
    pub uai: Uai,
    pub name: String,
    pub kind: SchoolKind,
    pub sector: Sector,
    pub commune: String,
    pub postal_code: String,
    pub department_code: String,
    pub department_name: String,
    pub academy_code: String,
    pub academy_name: String,
    pub bassin_code: Option<String>,
    pub bassin_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_open: bool,
}

/// A row that could not be read, with its line number in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// What a file held: readable rows (with their line) and rejected ones.
#[derive(Debug, Default)]
pub struct Parsed {
    pub schools: Vec<(u64, AnnuaireSchool)>,
    pub rejected: Vec<Rejected>,
}

/// The columns we read, each with the header names that mean it.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "uai",
        &[
            "identifiant_de_l_etablissement",
            "uai",
            "code_uai",
            "numero_uai",
        ],
    ),
    (
        "name",
        &["nom_etablissement", "appellation_officielle", "nom"],
    ),
    ("kind", &["type_etablissement", "type"]),
    (
        "sector",
        &["statut_public_prive", "secteur_public_prive", "statut"],
    ),
    ("postal_code", &["code_postal"]),
    ("commune", &["nom_commune", "commune", "libelle_commune"]),
    (
        "department_code",
        &["code_departement", "code_du_departement"],
    ),
    (
        "department_name",
        &["libelle_departement", "nom_departement"],
    ),
    ("academy_code", &["code_academie"]),
    ("academy_name", &["libelle_academie", "academie"]),
    ("bassin_code", &["code_bassin_formation"]),
    ("bassin_name", &["libelle_bassin_formation"]),
    ("latitude", &["latitude"]),
    ("longitude", &["longitude"]),
    ("state", &["etat", "etat_etablissement"]),
    ("general", &["voie_generale"]),
    ("technological", &["voie_technologique"]),
    ("professional", &["voie_professionnelle"]),
];

/// The columns a file must have.
const REQUIRED: &[&str] = &["uai", "name", "department_code", "academy_code"];

/// Why the whole file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("le fichier est vide")]
    Empty,
    #[error(
        "colonnes manquantes : {0} (le fichier est-il bien un export de l'Annuaire de l'éducation ?)"
    )]
    MissingColumns(String),
    #[error("fichier illisible : {0}")]
    Csv(#[from] csv::Error),
}

/// The characters of Windows-1252 bytes 0x80 to 0x9F (Latin-1 elsewhere).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Decodes a Windows-1252 file.
fn windows_1252_to_utf8(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// Chooses `;` or `,`, whichever the header line uses more.
fn separator(first_line: &str) -> u8 {
    if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// A CSV reader for a French spreadsheet export: BOM dropped, `;` or `,`
/// as the header line says, rows of any length.
pub(crate) fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    csv::ReaderBuilder::new()
        .delimiter(separator(&String::from_utf8_lossy(first_line)))
        .flexible(true)
        .from_reader(bytes)
}

/// Normalises a department code: `093` → `93`, `02A` → `2A`, `974` stays.
pub fn department_code(raw: &str) -> String {
    let raw = raw.trim().to_ascii_uppercase();
    if raw.len() == 3 && raw.starts_with('0') {
        raw[1..].to_string()
    } else {
        raw
    }
}

/// Reads the whole file; `on_row` is told each time a row was read.
pub fn parse(bytes: &[u8], mut on_row: impl FnMut()) -> Result<Parsed, FileError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    // Older exports saved from a spreadsheet are in Windows-1252.
    let converted;
    let bytes = if std::str::from_utf8(bytes).is_err() {
        converted = windows_1252_to_utf8(bytes);
        converted.as_bytes()
    } else {
        bytes
    };
    let first_line = bytes
        .split(|&b| b == b'\n')
        .next()
        .ok_or(FileError::Empty)?;
    let delimiter = separator(&String::from_utf8_lossy(first_line));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.byte_headers()?.clone();
    if headers.is_empty() {
        return Err(FileError::Empty);
    }
    let index = column_index(&headers)?;
    let mut parsed = Parsed::default();
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        let before = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                on_row();
                let line = lines.line_at(record.position().map_or(before, |p| p.byte()));
                match read_row(&record, &index) {
                    Ok(school) => parsed.schools.push((line, school)),
                    Err(reason) => parsed.rejected.push(Rejected { line, reason }),
                }
            }
            Err(err) => parsed.rejected.push(Rejected {
                line: lines.line_at(before),
                reason: format!("ligne illisible : {err}"),
            }),
        }
    }
    Ok(parsed)
}

/// Line numbers of records, counted from their byte offsets.
///
/// The csv reader's own `Position::line` is one short after `\r\n` line ends
/// (the offset it gives still sits on the `\n` of the previous line,
/// rust-csv#395) and forgets the blank lines it skips, so older exports saved
/// on Windows would report every rejected row on the line above.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Where counting stopped, and the line number there.
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line on which the record the reader places at `byte` begins.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // A record never starts with a line end: skip the rest of the previous
        // line's terminator and any blank lines.
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let newlines = |from: &[u8]| from.iter().filter(|&&b| b == b'\n').count() as u64;
        if start < self.offset {
            return 1 + newlines(&self.bytes[..start]);
        }
        self.line += newlines(&self.bytes[self.offset..start]);
        self.offset = start;
        self.line
    }
}

fn column_index(headers: &csv::ByteRecord) -> Result<HashMap<&'static str, usize>, FileError> {
    let keys: Vec<String> = headers
        .iter()
        .map(|h| header_key(&String::from_utf8_lossy(h)))
        .collect();
    let mut index = HashMap::new();
    for (column, names) in COLUMNS {
        if let Some(position) = names.iter().find_map(|n| keys.iter().position(|k| k == n)) {
            index.insert(*column, position);
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !index.contains_key(*c))
        .copied()
        .collect();
    if missing.is_empty() {
        Ok(index)
    } else {
        Err(FileError::MissingColumns(missing.join(", ")))
    }
}

fn read_row(
    record: &csv::ByteRecord,
    index: &HashMap<&'static str, usize>,
) -> Result<AnnuaireSchool, String> {
    let get = |column: &str| -> String {
        index
            .get(column)
            .and_then(|&i| record.get(i))
            .map(|v| String::from_utf8_lossy(v).trim().to_string())
            .unwrap_or_default()
    };
    let optional = |column: &str| Some(get(column)).filter(|v| !v.is_empty());
    let uai_text = get("uai");
    let uai = Uai::parse(&uai_text).map_err(|e| format!("UAI « {uai_text} » invalide : {e}"))?;
    let name = get("name");
    if name.is_empty() {
        return Err(format!("{uai} : nom de l'établissement manquant"));
    }
    let department_code = department_code(&get("department_code"));
    if department_code.is_empty() {
        return Err(format!("{uai} : code département manquant"));
    }
    let academy_code = get("academy_code").trim_start_matches('0').to_string();
    if academy_code.is_empty() {
        return Err(format!("{uai} : code académie manquant"));
    }
    let sector_text = get("sector");
    let sector = if sector_text.is_empty() {
        Sector::Public
    } else {
        Sector::from_annuaire(&sector_text)
            .ok_or_else(|| format!("{uai} : statut public/privé « {sector_text} » inconnu"))?
    };
    let flag = |column: &str| get(column) == "1";
    let professional_only = flag("professional") && !flag("general") && !flag("technological");
    let state = crate::text::fold(&get("state"));
    Ok(AnnuaireSchool {
        kind: SchoolKind::from_annuaire(&get("kind"), professional_only),
        sector,
        commune: get("commune"),
        postal_code: get("postal_code"),
        department_name: optional("department_name")
            .unwrap_or_else(|| format!("Département {department_code}")),
        academy_name: optional("academy_name")
            .unwrap_or_else(|| format!("Académie {academy_code}")),
        department_code,
        academy_code,
        bassin_code: optional("bassin_code"),
        bassin_name: optional("bassin_name"),
        latitude: optional("latitude")
            .and_then(|v| v.replace(',', ".").parse().ok())
            .filter(|v: &f64| v.is_finite()),
        longitude: optional("longitude")
            .and_then(|v| v.replace(',', ".").parse().ok())
            .filter(|v: &f64| v.is_finite()),
        is_open: !state.starts_with("ferme"),
        uai,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW_STYLE: &str = "\u{feff}identifiant_de_l_etablissement,nom_etablissement,type_etablissement,statut_public_prive,code_postal,nom_commune,code_departement,libelle_departement,code_academie,libelle_academie,code_bassin_formation,libelle_bassin_formation,latitude,longitude,etat,voie_generale,voie_technologique,voie_professionnelle
0750655E,Lycée Louis-le-Grand,Lycée,Public,75005,Paris,075,Paris,01,Paris,10001,Paris Centre,48.848,2.344,OUVERT,1,1,0
0930001W,Lycée des métiers,Lycée,Privé,93200,Saint-Denis,093,Seine-Saint-Denis,24,Créteil,,,,,OUVERT,0,0,1
0930002A,Bad letter,Collège,Public,93200,Saint-Denis,093,Seine-Saint-Denis,24,Créteil,,,,,OUVERT,,,
0930003Y,Fermé,Collège,Public,93200,Saint-Denis,093,Seine-Saint-Denis,24,Créteil,,,,,FERME,,,
";

    #[test]
    fn reads_the_current_export() {
        let mut rows = 0;
        let parsed = parse(NEW_STYLE.as_bytes(), || rows += 1).unwrap();
        assert_eq!(rows, 4);
        let (line, first) = &parsed.schools[0];
        assert_eq!(*line, 2);
        assert_eq!(first.uai.as_str(), "0750655E");
        assert_eq!(first.department_code, "75");
        assert_eq!(first.academy_code, "1");
        assert_eq!(first.latitude, Some(48.848));
        assert_eq!(first.kind, SchoolKind::Lycee);
        let second = &parsed.schools[1].1;
        assert_eq!(second.kind, SchoolKind::LyceePro);
        assert_eq!(second.sector, Sector::Private);
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 4);
        assert!(
            parsed.rejected[0].reason.contains("lettre de contrôle"),
            "{:?}",
            parsed.rejected
        );
        assert!(!parsed.schools[2].1.is_open);
    }

    #[test]
    fn reads_the_older_semicolon_style() {
        let file = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code postal;Nom_commune;Code département;Code_academie;Libellé_académie\n\
                    0750655E;Lycée Louis-le-Grand;Lycée;Public;75005;Paris;75;1;Paris\n";
        let parsed = parse(file.as_bytes(), || {}).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let school = &parsed.schools[0].1;
        assert_eq!(school.postal_code, "75005");
        assert_eq!(school.academy_name, "Paris");
        assert_eq!(school.department_code, "75");
    }

    #[test]
    fn counts_lines_of_windows_files() {
        // CRLF line ends, a blank line and a quoted field over two lines.
        let file = "Identifiant_de_l_etablissement;Nom_etablissement;Code département;Code_academie\r\n\
                    0750655E;Lycée Louis-le-Grand;75;1\r\n\
                    0750655F;Mauvaise lettre;75;1\r\n\
                    \r\n\
                    0930001W;\"Lycée\r\ndes métiers\";93;24\r\n\
                    0930002A;Mauvaise lettre;93;24\r\n";
        let parsed = parse(file.as_bytes(), || {}).unwrap();
        let lines: Vec<u64> = parsed.schools.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 5]);
        let rejected: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [3, 7], "{:?}", parsed.rejected);
        // The same file with Unix line ends gives the same lines.
        let unix = file.replace("\r\n", "\n");
        let parsed = parse(unix.as_bytes(), || {}).unwrap();
        assert_eq!(
            parsed
                .schools
                .iter()
                .map(|(line, _)| *line)
                .collect::<Vec<_>>(),
            [2, 5]
        );
        assert_eq!(
            parsed.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3, 7]
        );
    }

    #[test]
    fn refuses_files_without_the_key_columns() {
        let err = parse(b"foo;bar\n1;2\n", || {}).unwrap_err();
        assert!(err.to_string().contains("colonnes manquantes"));
    }

    #[test]
    fn reads_windows_1252_files() {
        let file = b"identifiant_de_l_etablissement;nom_etablissement;code_departement;code_academie\n0750655E;Lyc\xe9e \x93Louis-le-Grand\x94;75;1\n";
        let parsed = parse(file, || {}).unwrap();
        assert_eq!(parsed.schools[0].1.name, "Lycée “Louis-le-Grand”");
    }

    #[test]
    fn normalises_department_codes() {
        assert_eq!(department_code("093"), "93");
        assert_eq!(department_code("02a"), "2A");
        assert_eq!(department_code("974"), "974");
    }
}
