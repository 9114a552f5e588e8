//! What a page says after a form succeeded: « Brouillon enregistré »,
//! « Action soumise »… A handler that redirects after a POST names the
//! notice in the address it sends the person to (`?avis=brouillon`); the
//! layout shows it as a DSFR notice. The codes are a closed list, so an
//! address can never make a page say anything else. Stateless: it works
//! across instances and needs no cookie.

use serde::Deserialize;

/// The notices a redirect can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A draft of an action was saved.
    DraftSaved,
    /// An action was submitted.
    Submitted,
    /// A decision on an action was recorded.
    Decided,
    /// Changes were saved.
    Saved,
    /// Something was created.
    Created,
    /// Something was deleted.
    Deleted,
    /// A bilan's draft was saved.
    BilanSaved,
    /// A bilan was submitted.
    BilanSubmitted,
    /// A bilan was sent back for completion.
    BilanReturned,
    /// A place at a rendez-vous was taken.
    Registered,
    /// The session is full: the person is on its waiting list.
    Waiting,
    /// A registration to a rendez-vous was cancelled.
    Unregistered,
    /// The file sent is already a resource's latest version: nothing added.
    SameFile,
    /// A rendez-vous session was cancelled by the académie.
    SessionCancelled,
}

impl Notice {
    const ALL: [Notice; 14] = [
        Notice::SameFile,
        Notice::SessionCancelled,
        Notice::BilanSaved,
        Notice::BilanSubmitted,
        Notice::BilanReturned,
        Notice::Registered,
        Notice::Waiting,
        Notice::Unregistered,
        Notice::DraftSaved,
        Notice::Submitted,
        Notice::Decided,
        Notice::Saved,
        Notice::Created,
        Notice::Deleted,
    ];

    /// The code in the address.
    pub fn code(self) -> &'static str {
        match self {
            Notice::DraftSaved => "brouillon",
            Notice::Submitted => "soumise",
            Notice::Decided => "decision",
            Notice::Saved => "enregistre",
            Notice::Created => "cree",
            Notice::Deleted => "supprime",
            Notice::BilanSaved => "bilan-enregistre",
            Notice::BilanSubmitted => "bilan-transmis",
            Notice::BilanReturned => "bilan-renvoye",
            Notice::Registered => "inscrit",
            Notice::Waiting => "attente",
            Notice::Unregistered => "desinscrit",
            Notice::SameFile => "fichier-identique",
            Notice::SessionCancelled => "seance-annulee",
        }
    }

    fn parse(code: &str) -> Option<Notice> {
        Self::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The notice's title.
    pub fn title(self) -> &'static str {
        match self {
            Notice::DraftSaved => "Brouillon enregistré.",
            Notice::Submitted => "Action soumise.",
            Notice::Decided => "Décision enregistrée.",
            Notice::Saved => "Modifications enregistrées.",
            Notice::Created => "Création enregistrée.",
            Notice::Deleted => "Suppression effectuée.",
            Notice::BilanSaved => "Bilan enregistré.",
            Notice::BilanSubmitted => "Bilan transmis.",
            Notice::BilanReturned => "Bilan renvoyé pour être complété.",
            Notice::Registered => "Inscription enregistrée.",
            Notice::Waiting => "Vous êtes sur la liste d’attente.",
            Notice::Unregistered => "Inscription annulée.",
            Notice::SameFile => "Ce fichier est déjà la dernière version.",
            Notice::SessionCancelled => "Séance annulée.",
        }
    }

    /// What it means for the person.
    pub fn text(self) -> &'static str {
        match self {
            Notice::DraftSaved => {
                "Vous pouvez le compléter à tout moment, puis soumettre l’action quand chaque champ est rempli."
            }
            Notice::Submitted => {
                "La coordination est prévenue ; un accusé de réception vous est envoyé par courriel."
            }
            Notice::Decided => "Le porteur de l’action en est informé par courriel.",
            Notice::Registered => {
                "Une confirmation vous est envoyée par courriel, avec l’invitation à ajouter à votre agenda."
            }
            Notice::Waiting => {
                "La séance est complète : vous aurez la première place libérée, dans l’ordre d’arrivée, et en serez prévenu par courriel."
            }
            Notice::Unregistered => "Votre place est proposée à la première personne en attente.",
            Notice::Saved | Notice::Created | Notice::Deleted => "",
            Notice::SameFile => {
                "Rien n’a été ajouté : la ressource garde sa version actuelle, à la même adresse."
            }
            Notice::SessionCancelled => {
                "Les personnes inscrites ou en attente en sont informées par courriel, avec l’annulation à reporter dans leur agenda."
            }
            Notice::BilanSaved => {
                "Vous pouvez le compléter jusqu’à la date limite, puis le transmettre."
            }
            Notice::BilanSubmitted => {
                "Il compte désormais dans les tableaux de bord du district et de l’académie."
            }
            Notice::BilanReturned => "Le porteur de l’action en est informé par courriel.",
        }
    }

    /// `location` with this notice asked for (before any `#fragment`).
    pub fn at(self, location: &str) -> String {
        with_param(location, "avis", self.code())
    }
}

/// A notice as the layout shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub title: &'static str,
    pub text: &'static str,
    /// The form had already been sent: this answer repeats the first one.
    pub repeated: bool,
}

#[derive(Deserialize)]
struct NoticeQuery {
    #[serde(default)]
    avis: String,
    #[serde(default)]
    deja: String,
}

/// The notice a page's query string asks for, if any.
pub fn from_query(query: Option<&str>) -> Option<Shown> {
    let query: NoticeQuery = serde_urlencoded::from_str(query?).ok()?;
    let repeated = query.deja == "1";
    match Notice::parse(&query.avis) {
        Some(notice) => Some(Shown {
            title: notice.title(),
            text: notice.text(),
            repeated,
        }),
        None if repeated => Some(Shown {
            title: "Déjà pris en compte.",
            text: "",
            repeated,
        }),
        None => None,
    }
}

/// The answer to a form sent a second time: the first answer's address,
/// marked as a repetition (`deja=1`).
pub fn repeated(location: &str) -> String {
    with_param(location, "deja", "1")
}

/// Adds `name=value` to the query of a local address, before its fragment.
fn with_param(location: &str, name: &str, value: &str) -> String {
    let (head, fragment) = match location.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (location, None),
    };
    let separator = if head.contains('?') { '&' } else { '?' };
    let mut out = format!("{head}{separator}{name}={value}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_travel_in_the_address() {
        assert_eq!(
            Notice::DraftSaved.at("/actions/3"),
            "/actions/3?avis=brouillon"
        );
        assert_eq!(
            Notice::Saved.at("/editions/2?x=1#delais"),
            "/editions/2?x=1&avis=enregistre#delais"
        );
        assert_eq!(
            repeated("/actions/3?avis=soumise"),
            "/actions/3?avis=soumise&deja=1"
        );
        let shown = from_query(Some("avis=soumise&deja=1")).unwrap();
        assert_eq!(shown.title, "Action soumise.");
        assert!(shown.repeated);
        assert_eq!(from_query(Some("avis=<script>")), None);
        assert_eq!(from_query(None), None);
        assert!(from_query(Some("deja=1")).unwrap().repeated);
    }
}
