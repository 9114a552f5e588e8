//! The official forms of the codes our files carry, whatever a spreadsheet
//! did to them.
//!
//! A spreadsheet that re-saves the Annuaire reads its codes as numbers and
//! writes them back without their leading zeros (`001` → `1`, `01000` →
//! `1000`). Every code read from a file, a form or the command line goes
//! through one of these functions, so `001`, `01` and `1` are one department.
//!
//! The forms kept are the project's:
//! - department: the INSEE code, two characters in metropolitan France (`01`,
//!   `93`), `2A` / `2B` for Corsica, three digits overseas (`971`…`976`, and
//!   the collectivities `975`, `977`, `978`, `984`, `986`…`988`);
//! - postal code: five digits (`01000`);
//! - académie: the Annuaire's number without leading zeros (`24`, `1` for
//!   Paris), as `perseverance academy add` stores it;
//! - bassin de formation: five digits (`25027`).
//!
//! Each error message names the forms it accepts, each between « », and a
//! test feeds every one of them back to the parser.

/// Why a code is not one we know (the message is shown to users as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error(
        "code département « {0} » invalide : indiquez par exemple « 01 », « 1 », « 001 », « 93 », « 2A », « 02B » ou « 971 » (01 à 95, 2A, 2B, ou outre-mer 971 à 978, 984, 986 à 988)"
    )]
    Department(String),
    #[error(
        "code postal « {0} » invalide : indiquez 5 chiffres, par exemple « 01000 » ou « 93200 » (« 1000 », tel qu'un tableur l'enregistre, vaut 01000)"
    )]
    PostalCode(String),
    #[error(
        "code académie « {0} » invalide : indiquez le numéro de l'académie dans l'Annuaire, par exemple « 24 », « 01 » ou « 1 »"
    )]
    Academy(String),
}

/// Strips leading zeros from a string of ASCII digits (`"007"` → `"7"`,
/// `"000"` → `""`); `None` when it holds anything else or nothing.
fn digits(text: &str) -> Option<&str> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.trim_start_matches('0'))
}

/// The official form of a department code: `001`, `01` and `1` give `01`;
/// `02a` gives `2A`; `0971` gives `971`.
pub fn department_code(raw: &str) -> Result<String, CodeError> {
    let text = raw.trim().to_ascii_uppercase();
    let err = || CodeError::Department(raw.trim().to_string());
    if let Some(prefix) = text
        .strip_suffix('A')
        .map(|p| (p, 'A'))
        .or_else(|| text.strip_suffix('B').map(|p| (p, 'B')))
    {
        let (number, letter) = prefix;
        return match digits(number) {
            Some("2") => Ok(format!("2{letter}")),
            _ => Err(err()),
        };
    }
    let number: u32 = digits(&text)
        .filter(|d| d.len() <= 3)
        .and_then(|d| d.parse().ok())
        .ok_or_else(err)?;
    match number {
        1..=19 | 21..=95 => Ok(format!("{number:02}")),
        971..=978 | 984 | 986..=988 => Ok(number.to_string()),
        _ => Err(err()),
    }
}

/// The official form of a postal code: five digits, the leading zero a
/// spreadsheet drops put back (`1000` → `01000`). An empty text stays empty.
pub fn postal_code(raw: &str) -> Result<String, CodeError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let ok = text.bytes().all(|b| b.is_ascii_digit()) && (4..=5).contains(&text.len());
    let padded = format!("{text:0>5}");
    if ok && padded.as_str() >= "01000" {
        Ok(padded)
    } else {
        Err(CodeError::PostalCode(text.to_string()))
    }
}

/// The project's form of an académie code: the number without leading
/// zeros (`024` and `24` give `24`, `01` gives `1`).
pub fn academy_code(raw: &str) -> Result<String, CodeError> {
    let text = raw.trim();
    digits(text)
        .filter(|d| !d.is_empty() && d.len() <= 3)
        .map(str::to_string)
        .ok_or_else(|| CodeError::Academy(text.to_string()))
}

/// The official form of a bassin de formation code: five digits when it is
/// a number (`1005` → `01005`); anything else is kept as written.
pub fn bassin_code(raw: &str) -> String {
    let text = raw.trim();
    if !text.is_empty() && text.len() < 5 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{text:0>5}")
    } else {
        text.to_string()
    }
}

/// The texts between « and » in a message, after the first (which quotes
/// the value that was refused): the forms the message says are accepted.
pub fn quoted_examples(message: &str) -> Vec<&str> {
    message
        .split('«')
        .skip(1)
        .filter_map(|part| part.split_once('»').map(|(inside, _)| inside.trim()))
        .skip(1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_that_lose_their_leading_zeros() {
        for raw in ["001", "01", "1", " 1 ", "0001"] {
            assert_eq!(department_code(raw).unwrap(), "01", "{raw}");
        }
        assert_eq!(department_code("093").unwrap(), "93");
        assert_eq!(department_code("93").unwrap(), "93");
        for raw in ["2A", "02A", "2a", "02a", "002A"] {
            assert_eq!(department_code(raw).unwrap(), "2A", "{raw}");
        }
        assert_eq!(department_code("02B").unwrap(), "2B");
        for raw in ["971", "0971", "976", "975", "988"] {
            assert_eq!(department_code(raw).unwrap(), raw.trim_start_matches('0'));
        }
        for raw in [
            "", "0", "000", "20", "96", "97", "1A", "3B", "A", "979", "1000", "9 3",
        ] {
            assert!(department_code(raw).is_err(), "{raw:?}");
        }

        assert_eq!(postal_code("01000").unwrap(), "01000");
        assert_eq!(postal_code("1000").unwrap(), "01000");
        assert_eq!(postal_code(" 93200 ").unwrap(), "93200");
        assert_eq!(postal_code("").unwrap(), "");
        for raw in ["999", "0999", "123456", "93 200", "2A000", "00100"] {
            assert!(postal_code(raw).is_err(), "{raw:?}");
        }

        assert_eq!(academy_code("01").unwrap(), "1");
        assert_eq!(academy_code("1").unwrap(), "1");
        assert_eq!(academy_code("024").unwrap(), "24");
        assert_eq!(academy_code("70").unwrap(), "70");
        for raw in ["", "0", "00", "A1", "1234"] {
            assert!(academy_code(raw).is_err(), "{raw:?}");
        }

        assert_eq!(bassin_code("1005"), "01005");
        assert_eq!(bassin_code("25027"), "25027");
        assert_eq!(bassin_code("078H"), "078H");
        assert_eq!(bassin_code(""), "");
    }

    #[test]
    fn messages_and_parsers_agree() {
        type Parser = fn(&str) -> Result<String, CodeError>;
        let cases: [(CodeError, Parser); 3] = [
            (department_code("X").unwrap_err(), department_code),
            (postal_code("X").unwrap_err(), postal_code),
            (academy_code("X").unwrap_err(), academy_code),
        ];
        for (error, parse) in cases {
            let message = error.to_string();
            let examples = quoted_examples(&message);
            assert!(examples.len() >= 2, "{message}");
            for example in examples {
                assert!(parse(example).is_ok(), "« {example} » named by: {message}");
            }
        }
    }
}
