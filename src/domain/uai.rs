//! The UAI (Unité administrative immatriculée): the national identifier of a school.

use std::fmt;

/// Letters used as the UAI check character (no I, O nor Q).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A valid UAI: seven digits and the matching check letter, e.g. `0750655E`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uai(String);

/// Why a text is not a valid UAI (the message is shown to users as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UaiError {
    #[error("l'UAI doit compter 8 caractères (7 chiffres et une lettre)")]
    Length,
    #[error("les 7 premiers caractères de l'UAI doivent être des chiffres")]
    NotDigits,
    #[error("la lettre de contrôle de l'UAI est fausse (attendue : {0})")]
    CheckLetter(char),
}

impl Uai {
    /// Parses a UAI, ignoring surrounding spaces and the case of the letter.
    pub fn parse(text: &str) -> Result<Self, UaiError> {
        let text = text.trim().to_ascii_uppercase();
        if text.len() != 8 || !text.is_ascii() {
            return Err(UaiError::Length);
        }
        let (digits, letter) = text.split_at(7);
        let number: u32 = digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
            .ok_or(UaiError::NotDigits)?;
        let expected = Self::check_letter(number);
        if !letter.starts_with(expected) {
            return Err(UaiError::CheckLetter(expected));
        }
        Ok(Uai(text))
    }

    /// Builds the UAI of a seven-digit number, adding its check letter.
    pub fn from_number(number: u32) -> Self {
        assert!(number < 10_000_000, "a UAI has seven digits");
        Uai(format!("{number:07}{}", Self::check_letter(number)))
    }

    /// The check letter of the seven-digit number.
    pub fn check_letter(number: u32) -> char {
        CHECK_LETTERS[(number % 23) as usize] as char
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_uais() {
        for uai in ["0750655E", "0930001W", " 0750655e "] {
            assert!(Uai::parse(uai).is_ok(), "{uai}");
        }
    }

    #[test]
    fn rejects_wrong_check_letter() {
        assert_eq!(Uai::parse("0750655F"), Err(UaiError::CheckLetter('E')));
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(Uai::parse("075065E"), Err(UaiError::Length));
        assert_eq!(Uai::parse("07506X5E"), Err(UaiError::NotDigits));
        assert_eq!(Uai::parse("075065ÉE"), Err(UaiError::Length));
    }

    #[test]
    fn builds_from_number() {
        assert_eq!(Uai::from_number(750655).as_str(), "0750655E");
        let uai = Uai::from_number(9_300_123);
        assert_eq!(Uai::parse(uai.as_str()), Ok(uai));
    }
}
