//! Images and documents that pupils may appear in (issue 9): their consent,
//! their review state and the checks on what the uploader typed. Pure rules,
//! no I/O; `crate::media` stores and serves them.
//!
//! A medium is private until the académie's coordination approves it, and
//! it can only be approved with a description (its text alternative) and the
//! uploader's consent tick. Withdrawing (consent withdrawn) is immediate and
//! open to the coordination and to the school's side (the uploader, the
//! school's staff); rejected and withdrawn media are deleted, with their
//! variants, after the académie's retention period.

/// Where a medium stands in its review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaState {
    /// Sent, private, waiting for the coordination.
    Pending,
    /// Public (where its feature shows it).
    Approved,
    /// Refused by the coordination; private, deleted after the retention period.
    Rejected,
    /// Taken back (consent withdrawn); private at once, deleted after the
    /// retention period.
    Withdrawn,
}

impl MediaState {
    pub const ALL: [MediaState; 4] = [
        MediaState::Pending,
        MediaState::Approved,
        MediaState::Rejected,
        MediaState::Withdrawn,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            MediaState::Pending => "pending",
            MediaState::Approved => "approved",
            MediaState::Rejected => "rejected",
            MediaState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<MediaState> {
        MediaState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// « En attente de validation »…, for badges.
    pub fn label(self) -> &'static str {
        match self {
            MediaState::Pending => "En attente de validation",
            MediaState::Approved => "Publiée",
            MediaState::Rejected => "Refusée",
            MediaState::Withdrawn => "Retirée",
        }
    }
}

/// The uploader's tick about image rights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Consent {
    /// The legal representatives' authorisations of every identifiable
    /// pupil are on file at the school.
    Authorisations,
    /// No pupil can be identified.
    NoneIdentifiable,
}

impl Consent {
    pub const ALL: [Consent; 2] = [Consent::Authorisations, Consent::NoneIdentifiable];

    pub fn code(self) -> &'static str {
        match self {
            Consent::Authorisations => "authorisations",
            Consent::NoneIdentifiable => "none_identifiable",
        }
    }

    pub fn parse(code: &str) -> Option<Consent> {
        Consent::ALL.into_iter().find(|c| c.code() == code.trim())
    }

    /// The sentence the uploader ticks.
    pub fn label(self) -> &'static str {
        match self {
            Consent::Authorisations => {
                "Les autorisations de droit à l'image des représentants légaux de chaque élève \
                 identifiable sont conservées par l'établissement."
            }
            Consent::NoneIdentifiable => "Aucun élève n'est identifiable.",
        }
    }
}

/// What a stored medium is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A photo: re-encoded, with a display size and a thumbnail.
    Image,
    /// A poster sent as PDF: kept as sent, shown with a generic icon.
    Pdf,
}

impl MediaKind {
    pub fn code(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Pdf => "pdf",
        }
    }

    pub fn parse(code: &str) -> Option<MediaKind> {
        [MediaKind::Image, MediaKind::Pdf]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A decision on a medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Withdraw,
}

impl Decision {
    pub fn parse(code: &str) -> Option<Decision> {
        match code.trim() {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            "withdraw" => Some(Decision::Withdraw),
            _ => None,
        }
    }
}

/// Who asks, as far as a medium is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaRelation {
    /// The académie's coordination (or the admin).
    pub coordinator: bool,
    /// The uploader, or a member of the medium's school.
    pub school_side: bool,
}

impl MediaRelation {
    /// Whether the person may see the medium before it is approved.
    pub fn sees_private(self) -> bool {
        self.coordinator || self.school_side
    }
}

/// The longest description (text alternative), in characters.
pub const DESCRIPTION_MAX: usize = 500;

/// The whole rule book of a medium's review: the state after `decision`,
/// or the French reason it is refused. Approving needs the coordination, a
/// description and the consent tick; withdrawing is open to both sides,
/// from a pending or approved medium.
pub fn decide(
    state: MediaState,
    decision: Decision,
    who: MediaRelation,
    has_description: bool,
    consent: Option<Consent>,
) -> Result<MediaState, &'static str> {
    use MediaState::*;
    match decision {
        Decision::Approve | Decision::Reject if !who.coordinator => {
            Err("Seule la coordination académique valide ou refuse les images.")
        }
        Decision::Approve if state != Pending => Err("Cette image n'est plus en attente."),
        Decision::Approve if !has_description => Err(
            "Une image sans description ne peut pas être publiée : demandez à l'établissement de la décrire.",
        ),
        Decision::Approve if consent.is_none() => Err(
            "Sans l'attestation de droit à l'image, l'image reste privée : elle ne peut pas être publiée.",
        ),
        Decision::Approve => Ok(Approved),
        Decision::Reject if state != Pending => Err("Cette image n'est plus en attente."),
        Decision::Reject => Ok(Rejected),
        Decision::Withdraw if !(who.coordinator || who.school_side) => {
            Err("Seuls l'établissement et la coordination académique retirent une image.")
        }
        Decision::Withdraw if matches!(state, Pending | Approved) => Ok(Withdrawn),
        Decision::Withdraw => Err("Cette image est déjà retirée ou refusée."),
    }
}

/// Checks the name a file was sent with: no folder part (`/`, `\`, `..`)
/// and no control character; a French message otherwise.
pub fn check_file_name(name: &str) -> Result<(), &'static str> {
    if name.trim().is_empty() {
        return Err("Le fichier envoyé n'a pas de nom : choisissez-le de nouveau.");
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(
            "Le nom du fichier contient des caractères invisibles : renommez-le (lettres, chiffres, tirets) puis envoyez-le de nouveau.",
        );
    }
    if name.contains(['/', '\\']) || name.contains("..") {
        return Err(
            "Le nom du fichier désigne un dossier (« / », « \\ » ou « .. ») : renommez-le puis envoyez-le de nouveau.",
        );
    }
    if name.chars().count() > 200 {
        return Err("Le nom du fichier est trop long (200 caractères au plus) : renommez-le.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COORD: MediaRelation = MediaRelation {
        coordinator: true,
        school_side: false,
    };
    const SCHOOL: MediaRelation = MediaRelation {
        coordinator: false,
        school_side: true,
    };
    const NOBODY: MediaRelation = MediaRelation {
        coordinator: false,
        school_side: false,
    };
    const OK: Option<Consent> = Some(Consent::NoneIdentifiable);

    #[test]
    fn approval_needs_the_coordination_a_description_and_consent() {
        use MediaState::*;
        assert_eq!(
            decide(Pending, Decision::Approve, COORD, true, OK),
            Ok(Approved)
        );
        assert!(decide(Pending, Decision::Approve, SCHOOL, true, OK).is_err());
        assert!(decide(Pending, Decision::Approve, COORD, false, OK).is_err());
        assert!(decide(Pending, Decision::Approve, COORD, true, None).is_err());
        assert!(decide(Withdrawn, Decision::Approve, COORD, true, OK).is_err());
        assert_eq!(
            decide(Pending, Decision::Reject, COORD, false, None),
            Ok(Rejected)
        );
        assert!(decide(Approved, Decision::Reject, COORD, true, OK).is_err());
    }

    #[test]
    fn both_sides_withdraw_at_once_and_only_them() {
        use MediaState::*;
        for who in [COORD, SCHOOL] {
            assert_eq!(
                decide(Approved, Decision::Withdraw, who, true, OK),
                Ok(Withdrawn)
            );
            assert_eq!(
                decide(Pending, Decision::Withdraw, who, true, OK),
                Ok(Withdrawn)
            );
            assert!(decide(Rejected, Decision::Withdraw, who, true, OK).is_err());
        }
        assert!(decide(Approved, Decision::Withdraw, NOBODY, true, OK).is_err());
        assert!(!NOBODY.sees_private() && SCHOOL.sees_private());
    }

    #[test]
    fn names_with_folders_or_control_characters_are_refused() {
        assert!(check_file_name("totem 2024.jpg").is_ok());
        for bad in [
            "../x.png",
            "a/b.png",
            "a\\b.png",
            "x\u{0}.png",
            "x\n.png",
            "",
            "..",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
        for state in MediaState::ALL {
            assert_eq!(MediaState::parse(state.code()), Some(state));
        }
        for consent in Consent::ALL {
            assert_eq!(Consent::parse(consent.code()), Some(consent));
        }
    }
}
