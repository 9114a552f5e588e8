//! Small text helpers shared by imports and searches.

/// Lower-cases and strips French diacritics: « Élèves » → « eleves ».
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => out.push('u'),
            'ç' | 'Ç' => out.push('c'),
            'ÿ' | 'Ÿ' => out.push('y'),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folds a column header into a key: « Code postal » → `code_postal`.
pub fn header_key(text: &str) -> String {
    let folded = fold(text.trim_start_matches('\u{feff}'));
    let mut key = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_matches('_').to_string()
}

/// A URL-friendly slug: « Créteil » → `creteil`.
pub fn slug(text: &str) -> String {
    header_key(text).replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold(" Élèves du Lycée "), "eleves du lycee");
        assert_eq!(fold("Cœur"), "coeur");
    }

    #[test]
    fn makes_header_keys() {
        assert_eq!(
            header_key("\u{feff}Identifiant_de_l_etablissement"),
            "identifiant_de_l_etablissement"
        );
        assert_eq!(header_key("Code postal"), "code_postal");
        assert_eq!(header_key("Libellé  académie"), "libelle_academie");
        assert_eq!(header_key("Code_département"), "code_departement");
        assert_eq!(slug("Créteil"), "creteil");
        assert_eq!(slug("Orléans-Tours"), "orleans-tours");
    }
}

/// A text typed by someone, made safe for a spreadsheet (CSV or XLSX read
/// by Excel or LibreOffice): a cell starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be read as a formula, so it gets a leading
/// `'`. The one rule for every export.
pub fn spreadsheet_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The first bytes of every CSV export: the UTF-8 byte order mark, so that
/// Excel reads the accents (files are `;`-separated with CRLF lines).
pub const CSV_BOM: &str = "\u{feff}";

/// The kinds of school a name or a contest category starts with, with the
/// words that follow « de » in a sentence (lower-case, with their article).
const KIND_WORDS: [(&str, &str); 5] = [
    ("lycee professionnel", "du lycée professionnel"),
    ("ecole", "de l’école"),
    ("college", "du collège"),
    ("lycee", "du lycée"),
    ("erea", "de l’EREA"),
];

/// The kind a text starts with (a whole word): its length in `text` and the
/// words with their article.
fn kind_prefix(text: &str) -> Option<(usize, &'static str)> {
    let text = text.trim_start();
    KIND_WORDS.iter().find_map(|(key, words)| {
        let n = key.split(' ').count();
        let mut end = 0;
        for (i, word) in text.split(' ').enumerate().take(n) {
            end += word.len() + usize::from(i > 0);
        }
        let head = text.get(..end)?;
        (fold(head) == *key && (end == text.len() || text[end..].starts_with(' ')))
            .then_some((end, *words))
    })
}

/// A school's name after « de » in a French sentence, with its kind
/// lower-cased and the right article: « Collège Jean Moulin » → « du
/// collège Jean Moulin », « École Jules Ferry » → « de l’école Jules
/// Ferry », « Lycée Voltaire » → « du lycée Voltaire »; another name gets
/// « de » (« d’ » before a vowel): « de Saint-Exupéry », « d’Institution
/// Sainte-Marie ». Used by every sentence that names a school (issue 9:
/// « de Collège » read wrong).
pub fn of_school(name: &str) -> String {
    let name = name.trim();
    match kind_prefix(name) {
        Some((end, words)) => format!("{words}{}", &name[end..]),
        None => {
            let vowel = fold(&name.chars().take(1).collect::<String>())
                .starts_with(['a', 'e', 'i', 'o', 'u', 'y', 'h']);
            if vowel {
                format!("d’{name}")
            } else {
                format!("de {name}")
            }
        }
    }
}

/// A contest category after « de » in a sentence: « Collège » → « du
/// collège », « École » → « de l’école », « Lycée professionnel » → « du
/// lycée professionnel »; any other category « de la catégorie « Cycle 3 » ».
pub fn of_category(name: &str) -> String {
    let name = name.trim();
    match kind_prefix(name) {
        Some((end, words)) if end == name.len() => words.to_string(),
        _ => format!("de la catégorie « {name} »"),
    }
}

/// The title of a district's programme: « Programme du district de
/// Saint-Denis » for a district named « District de Saint-Denis » (never
/// « du district District de … »), « Programme du district Bobigny » for one
/// named « Bobigny ».
pub fn programme_title(district: &str) -> String {
    let name = district.trim();
    match name.get(..9) {
        Some(head) if head.eq_ignore_ascii_case("district ") => {
            format!("Programme du district {}", &name[9..])
        }
        _ => format!("Programme du district {name}"),
    }
}

#[cfg(test)]
mod article_tests {
    use super::*;

    #[test]
    fn a_programme_names_its_district_once() {
        assert_eq!(
            programme_title("District de Saint-Denis"),
            "Programme du district de Saint-Denis"
        );
        assert_eq!(programme_title("Bobigny"), "Programme du district Bobigny");
        assert_eq!(
            programme_title("district de Rouen"),
            "Programme du district de Rouen"
        );
    }

    #[test]
    fn schools_and_categories_read_with_their_article() {
        assert_eq!(of_school("Collège Jean Moulin"), "du collège Jean Moulin");
        assert_eq!(of_school("École Jules Ferry"), "de l’école Jules Ferry");
        assert_eq!(of_school("Ecole primaire"), "de l’école primaire");
        assert_eq!(of_school("Lycée Voltaire"), "du lycée Voltaire");
        assert_eq!(
            of_school("Lycée professionnel Jean Jaurès"),
            "du lycée professionnel Jean Jaurès"
        );
        assert_eq!(of_school("EREA Jean Monnet"), "de l’EREA Jean Monnet");
        assert_eq!(
            of_school("Collégiale Saint-Paul"),
            "de Collégiale Saint-Paul"
        );
        assert_eq!(
            of_school("Institution Sainte-Marie"),
            "d’Institution Sainte-Marie"
        );
        assert_eq!(of_category("Collège"), "du collège");
        assert_eq!(of_category("École"), "de l’école");
        assert_eq!(of_category("Lycée"), "du lycée");
        assert_eq!(of_category("Lycée professionnel"), "du lycée professionnel");
        assert_eq!(of_category("Cycle 3"), "de la catégorie « Cycle 3 »");
        assert_eq!(
            of_category("Collège Jean Moulin"),
            "de la catégorie « Collège Jean Moulin »"
        );
    }
}
