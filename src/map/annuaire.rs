//! Reading the national « Annuaire de l'éducation » export (pure: no I/O).
//!
//! Columns are found by their normalised name, never by position, so every
//! header style the portal has used (`code_postal`, `Code_postal`,
//! `Code postal`…) works, with `;` or `,` separators, with or without a UTF-8
//! BOM, in UTF-8 or Windows-1252, with `\n` or `\r\n` line ends: the file as
//! data.education.gouv.fr serves it, and the same file re-saved by a French
//! spreadsheet. Codes are brought back to their official form
//! ([`crate::domain::codes`]), so `1` and `001` are department `01`.
//!
//! Some establishments take several lines of the file, all with the same UAI
//! and `etablissement_multi_lignes` (or `multi_uai`) = 1: a main site and
//! its annex, the general and vocational parts of a private lycée. They are
//! one school: its name, commune, postal code and position come from the
//! first of those lines whose name does not contain the word « annexe », else
//! from the first line; it is open if one of its lines is; it is an LP only if
//! no line has a general or technological track. The other lines are counted
//! apart, never rejected. Two lines with one UAI that are not both marked are
//! an error, and the second is rejected naming both lines. The import's
//! `--help` says the same in French (`cli::import::SCHOOLS_HELP`).

use std::{borrow::Cow, collections::HashMap};

use crate::{
    domain::{
        SchoolKind, Sector, Uai,
        codes::{self, CodeError},
    },
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

/// A school of the file: where its UAI first appears, the school itself,
/// and its other lines.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSchool {
    /// The first line with this UAI.
    pub line: u64,
    pub school: AnnuaireSchool,
    /// Other lines of the same establishment, grouped into this school.
    pub merged_lines: Vec<u64>,
    /// Later lines with this UAI that are not marked as one establishment
    /// with the first: each is an error.
    pub duplicate_lines: Vec<u64>,
}

impl FileSchool {
    /// How many lines of the file this school took.
    pub fn line_count(&self) -> u64 {
        1 + self.merged_lines.len() as u64 + self.duplicate_lines.len() as u64
    }
}

/// A row that could not be read, with its line number in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// What a file held: its schools and the rows that could not be read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub schools: Vec<FileSchool>,
    pub rejected: Vec<Rejected>,
}

/// The columns we read, each with the header names that mean it (in their
/// [`header_key`] form; the first is the one error messages suggest).
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
    (
        "multi_line",
        &["etablissement_multi_lignes", "multi_lignes", "multi_uai"],
    ),
];

/// The columns a file must have.
const REQUIRED: [&str; 4] = ["uai", "name", "department_code", "academy_code"];

/// Why the whole file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("le fichier est vide")]
    Empty,
    #[error("colonnes manquantes : {columns} (le fichier est-il bien {what} ?)")]
    MissingColumns {
        /// Each missing column with the header names accepted for it.
        columns: String,
        /// What the file should be.
        what: &'static str,
    },
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

/// The file as UTF-8 without its BOM: a file that is not valid UTF-8 is
/// read as Windows-1252, the encoding French spreadsheets save in.
fn decode(bytes: &[u8]) -> Cow<'_, [u8]> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_ok() {
        Cow::Borrowed(bytes)
    } else {
        Cow::Owned(windows_1252_to_utf8(bytes).into_bytes())
    }
}

/// Chooses `;` or `,`, whichever the header line uses more.
fn separator(first_line: &[u8]) -> u8 {
    let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
    if count(b';') >= count(b',') {
        b';'
    } else {
        b','
    }
}

/// One row of a CSV file, or why it could not be read.
pub(crate) type CsvRow<'a> = Result<&'a csv::ByteRecord, String>;

/// Reads a CSV file as French spreadsheets and the open-data portal write
/// it (see the module's note), for both imports: `columns` gets the header
/// keys ([`header_key`]) and finds its columns, then `on_row` gets each row
/// that is not blank, with the line it starts on.
pub(crate) fn read_csv<T>(
    bytes: &[u8],
    columns: impl FnOnce(&[String]) -> Result<T, FileError>,
    mut on_row: impl FnMut(&T, u64, CsvRow<'_>),
) -> Result<(), FileError> {
    let bytes = decode(bytes);
    let bytes = bytes.as_ref();
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(first_line))
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.byte_headers()?.clone();
    if headers
        .iter()
        .all(|h| h.iter().all(u8::is_ascii_whitespace))
    {
        return Err(FileError::Empty);
    }
    let keys: Vec<String> = headers
        .iter()
        .map(|h| header_key(&String::from_utf8_lossy(h)))
        .collect();
    let index = columns(&keys)?;
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::new(bytes);
    loop {
        let before = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            // A spreadsheet writes rows of separators only (`;;;;`) after the data.
            Ok(true) if record.iter().all(|f| f.trim_ascii().is_empty()) => {}
            Ok(true) => {
                let line = lines.line_at(record.position().map_or(before, |p| p.byte()));
                on_row(&index, line, Ok(&record));
            }
            Err(err) => on_row(
                &index,
                lines.line_at(before),
                Err(format!("ligne illisible : {err}")),
            ),
        }
    }
    Ok(())
}

/// Finds each column of `wanted` among the header keys. The required ones
/// that are missing make the error, which names every header accepted for
/// them, each between « ».
pub(crate) fn find_columns(
    keys: &[String],
    wanted: &[(&'static str, &[&str])],
    required: &[&str],
    what: &'static str,
) -> Result<HashMap<&'static str, usize>, FileError> {
    let mut index = HashMap::new();
    for (column, names) in wanted {
        if let Some(position) = names.iter().find_map(|n| keys.iter().position(|k| k == n)) {
            index.insert(*column, position);
        }
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(column, _)| required.contains(column) && !index.contains_key(column))
        .map(|(_, names)| {
            let quoted: Vec<String> = names.iter().map(|n| format!("« {n} »")).collect();
            match quoted.split_first() {
                Some((first, [])) => first.clone(),
                Some((first, others)) => format!("{first} (ou {})", others.join(", ")),
                None => String::new(),
            }
        })
        .collect();
    if missing.is_empty() {
        Ok(index)
    } else {
        Err(FileError::MissingColumns {
            columns: missing.join(", "),
            what,
        })
    }
}

/// Reads the whole file; `on_row` is told each time a row was read.
pub fn parse(bytes: &[u8], mut on_row: impl FnMut()) -> Result<Parsed, FileError> {
    let mut lines = Vec::new();
    let mut rejected = Vec::new();
    read_csv(
        bytes,
        |keys| {
            find_columns(
                keys,
                COLUMNS,
                &REQUIRED,
                "un export de l'Annuaire de l'éducation",
            )
        },
        |index, line, row| {
            on_row();
            match row.and_then(|record| read_row(record, index)) {
                Ok(read) => lines.push((line, read)),
                Err(reason) => rejected.push(Rejected { line, reason }),
            }
        },
    )?;
    let mut parsed = group(lines);
    parsed.rejected.extend(rejected);
    parsed.rejected.sort_by_key(|r| r.line);
    Ok(parsed)
}

/// The tracks (voies) a line offers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Tracks {
    general: bool,
    technological: bool,
    professional: bool,
}

impl Tracks {
    fn professional_only(self) -> bool {
        self.professional && !self.general && !self.technological
    }

    fn union(self, other: Tracks) -> Tracks {
        Tracks {
            general: self.general || other.general,
            technological: self.technological || other.technological,
            professional: self.professional || other.professional,
        }
    }
}

/// One readable line, with what grouping needs besides the school.
#[derive(Debug)]
struct Line {
    school: AnnuaireSchool,
    kind_label: String,
    tracks: Tracks,
    /// Marked `etablissement_multi_lignes` = 1.
    multi: bool,
    /// Its name calls it an annex.
    annex: bool,
}

/// The lines of one UAI: those of the establishment, and the later ones
/// that are not marked as part of it.
type Group = (Vec<(u64, Line)>, Vec<u64>);

/// Groups the lines by UAI (the rule is in the module's note).
fn group(lines: Vec<(u64, Line)>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_uai: HashMap<Uai, usize> = HashMap::new();
    for (number, line) in lines {
        let Some(&at) = by_uai.get(&line.school.uai) else {
            by_uai.insert(line.school.uai.clone(), groups.len());
            groups.push((vec![(number, line)], Vec::new()));
            continue;
        };
        let (members, duplicates) = &mut groups[at];
        let (first_number, first) = &members[0];
        if !(first.multi && line.multi) {
            duplicates.push(number);
        } else if first.school.department_code != line.school.department_code
            || first.school.academy_code != line.school.academy_code
        {
            parsed.rejected.push(Rejected {
                line: number,
                reason: format!(
                    "{} : même établissement que la ligne {first_number} (etablissement_multi_lignes = 1), \
                     mais placé dans le département {} de l'académie {} au lieu du département {} de \
                     l'académie {}",
                    line.school.uai,
                    line.school.department_code,
                    line.school.academy_code,
                    first.school.department_code,
                    first.school.academy_code,
                ),
            });
        } else {
            members.push((number, line));
        }
    }
    for (members, duplicate_lines) in groups {
        let first_line = members[0].0;
        let main = members.iter().position(|(_, l)| !l.annex).unwrap_or(0);
        let tracks = members
            .iter()
            .fold(Tracks::default(), |t, (_, l)| t.union(l.tracks));
        let is_open = members.iter().any(|(_, l)| l.school.is_open);
        let merged_lines = members
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != main)
            .map(|(_, (n, _))| *n)
            .collect();
        let (_, line) = members.into_iter().nth(main).expect("a group has a line");
        let mut school = line.school;
        school.kind = SchoolKind::from_annuaire(&line.kind_label, tracks.professional_only());
        school.is_open = is_open;
        parsed.schools.push(FileSchool {
            line: first_line,
            school,
            merged_lines,
            duplicate_lines,
        });
    }
    parsed
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

/// A yes/no cell: `1`, `oui`, `o`, `true`, `vrai`, `x` mean yes.
fn yes(value: &str) -> bool {
    matches!(
        crate::text::fold(value).as_str(),
        "1" | "oui" | "o" | "true" | "vrai" | "x"
    )
}

/// Whether a school's name calls it an annex (« Lycée X - annexe de Y »).
fn is_annex(name: &str) -> bool {
    header_key(name).split('_').any(|word| word == "annexe")
}

fn read_row(
    record: &csv::ByteRecord,
    index: &HashMap<&'static str, usize>,
) -> Result<Line, String> {
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
    let code = |column: &str, parse: fn(&str) -> Result<String, CodeError>, missing: &str| {
        let text = get(column);
        if text.is_empty() {
            Err(format!("{uai} : {missing} manquant"))
        } else {
            parse(&text).map_err(|e| format!("{uai} : {e}"))
        }
    };
    let department_code = code(
        "department_code",
        codes::department_code,
        "code département",
    )?;
    let academy_code = code("academy_code", codes::academy_code, "code académie")?;
    let postal_code =
        codes::postal_code(&get("postal_code")).map_err(|e| format!("{uai} : {e}"))?;
    let sector_text = get("sector");
    let sector = if sector_text.is_empty() {
        Sector::Public
    } else {
        Sector::from_annuaire(&sector_text).ok_or_else(|| {
            format!("{uai} : statut public/privé « {sector_text} » inconnu : indiquez « Public » ou « Privé »")
        })?
    };
    let tracks = Tracks {
        general: get("general") == "1",
        technological: get("technological") == "1",
        professional: get("professional") == "1",
    };
    let coordinate = |column: &str| {
        optional(column)
            .and_then(|v| v.replace(',', ".").parse().ok())
            .filter(|v: &f64| v.is_finite())
    };
    let state = crate::text::fold(&get("state"));
    let kind_label = get("kind");
    let school = AnnuaireSchool {
        kind: SchoolKind::from_annuaire(&kind_label, tracks.professional_only()),
        sector,
        commune: get("commune"),
        postal_code,
        department_name: optional("department_name")
            .unwrap_or_else(|| format!("Département {department_code}")),
        academy_name: optional("academy_name")
            .unwrap_or_else(|| format!("Académie {academy_code}")),
        department_code,
        academy_code,
        bassin_code: optional("bassin_code").map(|c| codes::bassin_code(&c)),
        bassin_name: optional("bassin_name"),
        latitude: coordinate("latitude"),
        longitude: coordinate("longitude"),
        is_open: !state.starts_with("ferme"),
        uai,
        name,
    };
    Ok(Line {
        annex: is_annex(&school.name),
        multi: yes(&get("multi_line")),
        kind_label,
        tracks,
        school,
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

    fn lines(parsed: &Parsed) -> Vec<u64> {
        parsed.schools.iter().map(|s| s.line).collect()
    }

    fn rejected_lines(parsed: &Parsed) -> Vec<u64> {
        parsed.rejected.iter().map(|r| r.line).collect()
    }

    #[test]
    fn reads_the_current_export() {
        let mut rows = 0;
        let parsed = parse(NEW_STYLE.as_bytes(), || rows += 1).unwrap();
        assert_eq!(rows, 4);
        let first = &parsed.schools[0];
        assert_eq!(first.line, 2);
        let first = &first.school;
        assert_eq!(first.uai.as_str(), "0750655E");
        assert_eq!(first.department_code, "75");
        assert_eq!(first.academy_code, "1");
        assert_eq!(first.latitude, Some(48.848));
        assert_eq!(first.kind, SchoolKind::Lycee);
        let second = &parsed.schools[1].school;
        assert_eq!(second.kind, SchoolKind::LyceePro);
        assert_eq!(second.sector, Sector::Private);
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 4);
        assert!(
            parsed.rejected[0].reason.contains("lettre de contrôle"),
            "{:?}",
            parsed.rejected
        );
        assert!(!parsed.schools[2].school.is_open);
    }

    #[test]
    fn reads_the_older_semicolon_style() {
        let file = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code postal;Nom_commune;Code département;Code_academie;Libellé_académie\n\
                    0750655E;Lycée Louis-le-Grand;Lycée;Public;75005;Paris;75;1;Paris\n";
        let parsed = parse(file.as_bytes(), || {}).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let school = &parsed.schools[0].school;
        assert_eq!(school.postal_code, "75005");
        assert_eq!(school.academy_name, "Paris");
        assert_eq!(school.department_code, "75");
    }

    #[test]
    fn reads_every_header_variant_the_portal_used() {
        for (postal, department, multi) in [
            (
                "code_postal",
                "code_departement",
                "etablissement_multi_lignes",
            ),
            (
                "Code_postal",
                "Code_departement",
                "Etablissement_multi_lignes",
            ),
            ("Code postal", "Code département", "multi_uai"),
            ("CODE POSTAL", "CODE_DÉPARTEMENT", "Multi_UAI"),
            (" Code  Postal ", "Code du département", "multi lignes"),
        ] {
            let file = format!(
                "Identifiant_de_l_etablissement;Nom_etablissement;{postal};{department};Code_academie;{multi}\n\
                 0010001W;Collège A;1000;1;10;1\n\
                 0010001W;Collège A - annexe;1000;1;10;1\n"
            );
            let parsed = parse(file.as_bytes(), || {}).unwrap();
            assert!(
                parsed.rejected.is_empty(),
                "{postal}: {:?}",
                parsed.rejected
            );
            let school = &parsed.schools[0];
            assert_eq!(school.school.postal_code, "01000", "{postal}");
            assert_eq!(school.school.department_code, "01", "{department}");
            assert_eq!(school.merged_lines, [3], "{multi}");
        }
    }

    #[test]
    fn counts_lines_of_windows_files() {
        // CRLF line ends, a blank line and a quoted field over two lines.
        let file = "Identifiant_de_l_etablissement;Nom_etablissement;Code département;Code_academie\r\n\
                    0750655E;Lycée Louis-le-Grand;75;1\r\n\
                    0750655F;Mauvaise lettre;75;1\r\n\
                    \r\n\
                    0930001W;\"Lycée\r\ndes métiers\";93;24\r\n\
                    0930002A;Mauvaise lettre;93;24\r\n\
                    ;;;\r\n\
                    ;;;\r\n";
        let parsed = parse(file.as_bytes(), || {}).unwrap();
        assert_eq!(lines(&parsed), [2, 5]);
        assert_eq!(rejected_lines(&parsed), [3, 7], "{:?}", parsed.rejected);
        // The same file with Unix line ends gives the same lines.
        let unix = file.replace("\r\n", "\n");
        let parsed = parse(unix.as_bytes(), || {}).unwrap();
        assert_eq!(lines(&parsed), [2, 5]);
        assert_eq!(rejected_lines(&parsed), [3, 7]);
    }

    #[test]
    fn refuses_files_without_the_key_columns() {
        let err = parse(b"foo;bar\n1;2\n", || {}).unwrap_err();
        assert!(err.to_string().contains("colonnes manquantes"));
        assert!(matches!(parse(b"", || {}), Err(FileError::Empty)));
    }

    #[test]
    fn reads_windows_1252_files() {
        let file = b"identifiant_de_l_etablissement;nom_etablissement;code_departement;code_academie\n0750655E;Lyc\xe9e \x93Louis-le-Grand\x94;75;1\n";
        let parsed = parse(file, || {}).unwrap();
        assert_eq!(parsed.schools[0].school.name, "Lycée “Louis-le-Grand”");
    }

    /// Encodes text as Windows-1252 (the characters these tests use).
    fn to_windows_1252(text: &str) -> Vec<u8> {
        text.chars()
            .map(|c| match c {
                '’' => 0x92,
                c if (c as u32) < 0x100 => c as u8,
                c => panic!("{c} is not in the test's Windows-1252 subset"),
            })
            .collect()
    }

    /// Ain schools as the portal serves them, and as French Excel re-saves
    /// them: Windows-1252, CRLF, `;`, codes without their leading zeros,
    /// decimal commas, and rows of separators after the data.
    const AIN_PORTAL: &str = "\u{feff}identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;code_postal;nom_commune;code_departement;libelle_departement;code_academie;libelle_academie;code_bassin_formation;libelle_bassin_formation;latitude;longitude;etat
0010001W;Collège Lumière;Collège;Public;01000;Bourg-en-Bresse;001;Ain;10;Lyon;10001;Bassin de Bourg;46.2052;5.2255;OUVERT
0010002X;Lycée Quinet;Lycée;Public;01000;Bourg-en-Bresse;001;Ain;10;Lyon;10001;Bassin de Bourg;46.2;5.22;OUVERT
0010003Y;Collège de l’Ain;Collège;Privé;01100;Oyonnax;001;Ain;10;Lyon;;;46.25;5.65;OUVERT
";

    fn ain_as_excel_saves_it() -> Vec<u8> {
        let text = AIN_PORTAL
            .trim_start_matches('\u{feff}')
            .replace(";01000;", ";1000;")
            .replace(";01100;", ";1100;")
            .replace(";001;", ";1;")
            .replace("46.2052;5.2255", "46,2052;5,2255")
            .replace("46.2;5.22", "46,2;5,22")
            .replace("46.25;5.65", "46,25;5,65")
            .replace('\n', "\r\n")
            + ";;;;;;;;;;;;;;\r\n";
        to_windows_1252(&text)
    }

    #[test]
    fn codes_that_lose_their_leading_zeros() {
        let portal = parse(AIN_PORTAL.as_bytes(), || {}).unwrap();
        let excel = parse(&ain_as_excel_saves_it(), || {}).unwrap();
        assert!(portal.rejected.is_empty(), "{:?}", portal.rejected);
        assert!(excel.rejected.is_empty(), "{:?}", excel.rejected);
        assert_eq!(portal.schools.len(), 3);
        assert_eq!(portal.schools, excel.schools);
        let school = &excel.schools[0].school;
        assert_eq!(school.department_code, "01");
        assert_eq!(school.postal_code, "01000");
        assert_eq!(school.academy_code, "10");
        assert_eq!(school.latitude, Some(46.2052));
        assert_eq!(excel.schools[2].school.name, "Collège de l’Ain");
        // A bassin code that lost its zero gets it back.
        let paris = "uai;nom;code_departement;code_academie;code_bassin_formation\n0750655E;Lycée;75;1;1005\n";
        let parsed = parse(paris.as_bytes(), || {}).unwrap();
        assert_eq!(
            parsed.schools[0].school.bassin_code.as_deref(),
            Some("01005")
        );
    }

    const MULTI: &str = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;code_postal;nom_commune;code_departement;code_academie;latitude;longitude;voie_generale;voie_technologique;voie_professionnelle;etat;etablissement_multi_lignes
0930001W;Lycée Saint-Joseph - annexe de Bondy;Lycée;93140;Bondy;093;24;48.9;2.48;0;0;1;OUVERT;1
0930001W;Lycée Saint-Joseph;Lycée;93100;Montreuil;093;24;48.86;2.44;1;1;0;OUVERT;1
0930002A;Mauvaise lettre;Lycée;93100;Montreuil;093;24;;;;;;OUVERT;1
0930200M;Collège Jean Moulin;Collège;93200;Saint-Denis;093;24;;;;;;OUVERT;0
0930200M;Collège Jean Moulin bis;Collège;93200;Saint-Denis;093;24;;;;;;OUVERT;0
0930001W;Lycée Saint-Joseph - site pro;Lycée;93100;Montreuil;093;24;;;0;0;1;FERME;1
0930001W;Lycée Saint-Joseph;Lycée;94000;Créteil;094;24;;;;;;OUVERT;1
0930201N;Annexe Voltaire;Collège;93200;Saint-Denis;093;24;;;;;;OUVERT;1
0930201N;Annexe Voltaire 2;Collège;93200;Saint-Denis;093;24;;;;;;OUVERT;1
";

    #[test]
    fn establishments_on_several_lines_are_one_school() {
        let parsed = parse(MULTI.as_bytes(), || {}).unwrap();
        assert_eq!(lines(&parsed), [2, 5, 9]);
        let lycee = &parsed.schools[0];
        // The line that is not an annex gives the name and the address.
        assert_eq!(lycee.school.name, "Lycée Saint-Joseph");
        assert_eq!(lycee.school.commune, "Montreuil");
        assert_eq!(lycee.school.postal_code, "93100");
        assert_eq!(lycee.school.latitude, Some(48.86));
        assert_eq!(lycee.merged_lines, [2, 7]);
        assert!(lycee.duplicate_lines.is_empty());
        // General and vocational parts make a lycée, not an LP.
        assert_eq!(lycee.school.kind, SchoolKind::Lycee);
        assert!(lycee.school.is_open);
        // Unmarked duplicates stay errors.
        let college = &parsed.schools[1];
        assert_eq!(college.school.name, "Collège Jean Moulin");
        assert_eq!(college.duplicate_lines, [6]);
        assert!(college.merged_lines.is_empty());
        // Every line an annex: the first one.
        let annexe = &parsed.schools[2];
        assert_eq!(annexe.school.name, "Annexe Voltaire");
        assert_eq!(annexe.merged_lines, [10]);
        // A line of the same establishment in another department is refused.
        assert_eq!(rejected_lines(&parsed), [4, 8]);
        assert!(
            parsed.rejected[1].reason.contains("ligne 2"),
            "{:?}",
            parsed.rejected
        );
        let total: u64 = parsed.schools.iter().map(FileSchool::line_count).sum();
        assert_eq!(
            total + parsed.rejected.len() as u64,
            9,
            "every line counted once"
        );
        // The order of the lines does not change the school.
        let mut rows: Vec<&str> = MULTI.lines().collect();
        rows.swap(1, 2);
        let swapped = parse(rows.join("\n").as_bytes(), || {}).unwrap();
        assert_eq!(swapped.schools[0].school, lycee.school);
        assert!(is_annex("LYCÉE X - ANNEXE"));
        assert!(!is_annex("Lycée Annexelles"));
    }

    #[test]
    fn messages_and_parsers_agree() {
        // The missing-columns message names headers: a file with them reads.
        let message = parse(b"foo;bar\n1;2\n", || {}).unwrap_err().to_string();
        let named: Vec<&str> = message
            .split('«')
            .skip(1)
            .filter_map(|p| p.split_once('»').map(|(n, _)| n.trim()))
            .collect();
        assert!(
            named.contains(&"identifiant_de_l_etablissement"),
            "{message}"
        );
        for uai in [
            "identifiant_de_l_etablissement",
            "uai",
            "code_uai",
            "numero_uai",
        ] {
            assert!(named.contains(&uai), "{message}");
        }
        let [uai, name, department, academy] = REQUIRED.map(|c| {
            let names = COLUMNS.iter().find(|(k, _)| *k == c).unwrap().1;
            names
                .iter()
                .filter(|n| named.contains(n))
                .copied()
                .collect::<Vec<_>>()
        });
        for (i, u) in uai.iter().enumerate() {
            let header = format!(
                "{u};{};{};{}",
                name[i % name.len()],
                department[i % department.len()],
                academy[i % academy.len()]
            );
            let file = format!("{header}\n0750655E;Lycée;75;1\n");
            let parsed = parse(file.as_bytes(), || {}).unwrap();
            assert_eq!(parsed.schools.len(), 1, "{header}");
        }

        // Row messages that name forms: each form they name is read.
        let row = |postal: &str, department: &str, academy: &str, sector: &str| {
            format!(
                "uai;nom;code_postal;code_departement;code_academie;statut_public_prive\n0750655E;Lycée;{postal};{department};{academy};{sector}\n"
            )
        };
        let cases = [
            row("75O05", "75", "1", "Public"),
            row("75005", "7S", "1", "Public"),
            row("75005", "75", "un", "Public"),
            row("75005", "75", "1", "Pubic"),
        ];
        for (case, file) in cases.iter().enumerate() {
            let parsed = parse(file.as_bytes(), || {}).unwrap();
            let reason = &parsed.rejected[0].reason;
            let examples = codes::quoted_examples(reason);
            assert!(!examples.is_empty(), "{reason}");
            for example in examples {
                let fixed = match case {
                    0 => row(example, "75", "1", "Public"),
                    1 => row("75005", example, "1", "Public"),
                    2 => row("75005", "75", example, "Public"),
                    _ => row("75005", "75", "1", example),
                };
                let parsed = parse(fixed.as_bytes(), || {}).unwrap();
                assert!(
                    parsed.rejected.is_empty(),
                    "« {example} » named by « {reason} »: {:?}",
                    parsed.rejected
                );
            }
        }
    }
}
