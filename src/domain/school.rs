//! What kind of school, and who runs it.

/// The school types the Annuaire de l'éducation lists that matter to the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchoolKind {
    Ecole,
    College,
    Lycee,
    LyceePro,
    Erea,
    Other,
}

impl SchoolKind {
    pub const ALL: [SchoolKind; 6] = [
        Self::Ecole,
        Self::College,
        Self::Lycee,
        Self::LyceePro,
        Self::Erea,
        Self::Other,
    ];

    /// The value stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ecole => "ecole",
            Self::College => "college",
            Self::Lycee => "lycee",
            Self::LyceePro => "lp",
            Self::Erea => "erea",
            Self::Other => "autre",
        }
    }

    pub fn from_code(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .unwrap_or(Self::Other)
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ecole => "École",
            Self::College => "Collège",
            Self::Lycee => "Lycée",
            Self::LyceePro => "Lycée professionnel",
            Self::Erea => "EREA",
            Self::Other => "Autre",
        }
    }

    /// Reads the Annuaire's `type_etablissement` label; `professional_only`
    /// tells a lycée whose only track is the voie professionnelle (an LP).
    pub fn from_annuaire(label: &str, professional_only: bool) -> Self {
        let label = crate::text::fold(label);
        if label.starts_with("ecole") {
            Self::Ecole
        } else if label.starts_with("college") {
            Self::College
        } else if label.starts_with("lycee") {
            if professional_only || label.contains("professionnel") {
                Self::LyceePro
            } else {
                Self::Lycee
            }
        } else if label.starts_with("erea") || label.starts_with("etablissement regional") {
            Self::Erea
        } else {
            Self::Other
        }
    }
}

/// Public or private sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sector {
    Public,
    Private,
}

impl Sector {
    pub fn code(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "prive",
        }
    }

    pub fn from_code(code: &str) -> Self {
        if code == "prive" {
            Self::Private
        } else {
            Self::Public
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Public => "Public",
            Self::Private => "Privé",
        }
    }

    /// Reads the Annuaire's `statut_public_prive` (« Public », « Privé »).
    pub fn from_annuaire(label: &str) -> Option<Self> {
        match crate::text::fold(label).as_str() {
            "public" => Some(Self::Public),
            "prive" => Some(Self::Private),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_annuaire_labels() {
        assert_eq!(
            SchoolKind::from_annuaire("Collège", false),
            SchoolKind::College
        );
        assert_eq!(SchoolKind::from_annuaire("Lycée", false), SchoolKind::Lycee);
        assert_eq!(
            SchoolKind::from_annuaire("Lycée", true),
            SchoolKind::LyceePro
        );
        assert_eq!(SchoolKind::from_annuaire("EREA", false), SchoolKind::Erea);
        assert_eq!(
            SchoolKind::from_annuaire("Médico-social", false),
            SchoolKind::Other
        );
        assert_eq!(Sector::from_annuaire("Privé"), Some(Sector::Private));
        assert_eq!(Sector::from_annuaire("??"), None);
    }
}
