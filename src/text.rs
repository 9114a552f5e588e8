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
