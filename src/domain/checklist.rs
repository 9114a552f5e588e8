//! The school's checklist for the week (issue 10), from the method sheet
//! « Communiquer, valoriser une action » (Créteil 2022): steps before,
//! during and after the week, edited per edition by the académie, ticked by
//! each school; some steps the service sees done by itself.

/// When a step comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Before,
    During,
    After,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Before, Phase::During, Phase::After];

    pub fn code(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::During => "during",
            Phase::After => "after",
        }
    }

    pub fn parse(code: &str) -> Option<Phase> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Before => "Avant la semaine",
            Phase::During => "Pendant la semaine",
            Phase::After => "Après la semaine",
        }
    }
}

/// A step the service ticks by itself when it sees it done, never by a
/// stored tick: what the service sees is read at each request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoCheck {
    /// The school has an action of the edition beyond the draft.
    ActionDeclared,
    /// The school has sent (submitted) the bilan of one of its actions of
    /// the edition; a bilan sent back for completion no longer counts.
    BilanSent,
    /// The académie approved a photo of the school for the edition (fed by
    /// the contest's media table; see `checklist::store::schools_with_approved_photos`).
    PhotosApproved,
}

impl AutoCheck {
    pub const ALL: [AutoCheck; 3] = [
        AutoCheck::ActionDeclared,
        AutoCheck::BilanSent,
        AutoCheck::PhotosApproved,
    ];

    /// The stored code (`checklist_steps.auto_check`).
    pub fn code(self) -> &'static str {
        match self {
            AutoCheck::ActionDeclared => "action_declared",
            AutoCheck::BilanSent => "bilan_sent",
            AutoCheck::PhotosApproved => "photos_approved",
        }
    }

    pub fn parse(code: &str) -> Option<AutoCheck> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// What the school reads beside the step.
    pub fn label(self) -> &'static str {
        match self {
            AutoCheck::ActionDeclared => {
                "cochée d’office dès qu’une action de l’établissement est soumise"
            }
            AutoCheck::BilanSent => {
                "cochée d’office dès que le bilan d’une action de l’établissement est envoyé"
            }
            AutoCheck::PhotosApproved => {
                "cochée d’office dès qu’une photo de l’établissement est validée par l’académie"
            }
        }
    }

    /// The choice in the académie's step form.
    pub fn option_label(self) -> &'static str {
        match self {
            AutoCheck::ActionDeclared => "Une action de l’établissement est soumise",
            AutoCheck::BilanSent => "Le bilan d’une action de l’établissement est envoyé",
            AutoCheck::PhotosApproved => "Une photo de l’établissement est validée",
        }
    }
}

/// The longest step, in characters.
pub const STEP_MAX: usize = 300;

/// The steps of the seeds' method sheet, in our words: (phase, label, auto check).
pub const SEED_STEPS: [(Phase, &str, Option<AutoCheck>); 16] = [
    (
        Phase::Before,
        "Faire le point sur les projets et les gestes professionnels à faire connaître",
        None,
    ),
    (
        Phase::Before,
        "Préparer la semaine en GPDS, en conseil pédagogique, en CVC ou en CVL",
        None,
    ),
    (
        Phase::Before,
        "Informer les élèves, les parents et les partenaires",
        None,
    ),
    (
        Phase::Before,
        "Utiliser la mallette et les supports de communication de l’académie",
        None,
    ),
    (
        Phase::Before,
        "Déclarer chaque action envisagée",
        Some(AutoCheck::ActionDeclared),
    ),
    (
        Phase::Before,
        "Informer le comité de pilotage du réseau FOQUALE",
        None,
    ),
    (
        Phase::During,
        "Échanger entre professionnels (forum des initiatives…)",
        None,
    ),
    (
        Phase::During,
        "Organiser une restitution : exposition, forum, témoignages",
        None,
    ),
    (
        Phase::During,
        "Faire témoigner des élèves (courtes vidéos)",
        None,
    ),
    (
        Phase::During,
        "Prendre des photos pour les sites de l’établissement et de l’académie",
        Some(AutoCheck::PhotosApproved),
    ),
    (Phase::During, "Publier avec #PerseveranceScolaire", None),
    (
        Phase::After,
        "Valoriser l’action et les élèves : photos, vidéos",
        None,
    ),
    (
        Phase::After,
        "Faire le bilan quantitatif (fréquentation)",
        None,
    ),
    (
        Phase::After,
        "Faire le bilan qualitatif (retours, points de vigilance, pistes)",
        None,
    ),
    (
        Phase::After,
        "Envoyer le bilan au comité de pilotage du district",
        Some(AutoCheck::BilanSent),
    ),
    (Phase::After, "Envoyer le bilan au rectorat", None),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_seeds_cover_each_phase() {
        for phase in Phase::ALL {
            assert_eq!(Phase::parse(phase.code()), Some(phase));
            assert!(SEED_STEPS.iter().any(|(p, _, _)| *p == phase));
        }
        for check in AutoCheck::ALL {
            assert_eq!(AutoCheck::parse(check.code()), Some(check));
        }
        assert!(
            SEED_STEPS
                .iter()
                .all(|(_, l, _)| l.chars().count() <= STEP_MAX)
        );
    }
}
