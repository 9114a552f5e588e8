//! E-mail addresses, normalised to lower case.

use std::fmt;

/// A plausible e-mail address in lower case (`prenom.nom@ac-creteil.fr`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("saisissez une adresse électronique valide, par exemple prenom.nom@ac-creteil.fr")]
pub struct EmailError;

impl Email {
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let text = text.trim().to_lowercase();
        let (local, domain) = text.split_once('@').ok_or(EmailError)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && text.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
        if ok { Ok(Email(text)) } else { Err(EmailError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        let email = Email::parse("  Prenom.Nom@AC-Creteil.fr ").unwrap();
        assert_eq!(email.as_str(), "prenom.nom@ac-creteil.fr");
        assert_eq!(email.domain(), "ac-creteil.fr");
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "nom",
            "nom@",
            "@ac.fr",
            "a b@ac.fr",
            "a@b@c.fr",
            "a@localhost",
            "a@.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
