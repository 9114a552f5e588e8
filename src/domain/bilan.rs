//! The bilan of an action: what it reports after the week, and the rules
//! that check it (pure, unit-tested).
//!
//! From the Créteil fiche méthode (seeds/004): « Faire un bilan quantitatif
//! (fréquentation de l'évènement) et qualitatif (questionnaire, retours
//! informels, points de vigilance, perspectives) de vos actions », then
//! « communiquer le bilan au comité de pilotage du réseau FOQUALE et au
//! rectorat ». Issue 11 adds: whether the action took place (yes, no,
//! postponed, with a reason), attendance by audience, the edition's own
//! questionnaire (scales from 1 to 5, free texts), drafts, a deadline.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{edition::paris_date, ids::BilanQuestionId, school::SchoolKind};

/// Where a bilan stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BilanState {
    /// Being written by the owner; counts nowhere.
    Draft,
    /// Sent to the district committee and the académie; counts on the dashboards.
    Submitted,
    /// Sent back by a coordinator for completion; counts nowhere until sent again.
    Returned,
}

impl BilanState {
    pub const ALL: [BilanState; 3] = [Self::Draft, Self::Submitted, Self::Returned];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
        }
    }

    pub fn parse(code: &str) -> Option<BilanState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Submitted => "Transmis",
            Self::Returned => "À compléter",
        }
    }
}

/// Whether the action took place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TookPlace {
    Yes,
    No,
    Postponed,
}

impl TookPlace {
    pub const ALL: [TookPlace; 3] = [Self::Yes, Self::No, Self::Postponed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::Postponed => "postponed",
        }
    }

    pub fn parse(code: &str) -> Option<TookPlace> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Yes => "Oui, elle a eu lieu",
            Self::No => "Non, elle n'a pas eu lieu",
            Self::Postponed => "Elle a été reportée",
        }
    }
}

/// The audiences whose attendance is counted: field name, French label.
pub const ATTENDANCE: [(&str, &str); 5] = [
    ("pupils", "Élèves"),
    ("parents", "Parents"),
    ("staff", "Personnels"),
    ("partners", "Partenaires"),
    ("others", "Autres"),
];

/// No event of the week gathers more people than this for one audience: a
/// figure beyond is a typing slip, refused.
pub const ATTENDANCE_MAX: i64 = 100_000;

/// The longest free text (feedback, vigilance, perspectives, reason, answers).
pub const TEXT_MAX: usize = 5_000;

/// A question of the edition's questionnaire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BilanQuestionKind {
    /// A scale from 1 (pas du tout) to 5 (tout à fait).
    Scale,
    /// A free text.
    Text,
}

impl BilanQuestionKind {
    pub const ALL: [BilanQuestionKind; 2] = [Self::Scale, Self::Text];

    pub fn code(self) -> &'static str {
        match self {
            Self::Scale => "scale",
            Self::Text => "text",
        }
    }

    pub fn parse(code: &str) -> Option<BilanQuestionKind> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scale => "Échelle de 1 à 5",
            Self::Text => "Réponse libre",
        }
    }
}

/// The labels of the scale, from 1 to 5.
pub const SCALE: [&str; 5] = [
    "1 — pas du tout",
    "2 — peu",
    "3 — moyennement",
    "4 — plutôt",
    "5 — tout à fait",
];

/// A question of the questionnaire, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilanQuestion {
    pub id: BilanQuestionId,
    pub kind: BilanQuestionKind,
    pub label: String,
    pub required: bool,
}

/// A bilan as typed in the form (every value a string, nothing lost).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BilanInput {
    pub took_place: String,
    pub reason: String,
    /// In [`ATTENDANCE`] order.
    pub attendance: [String; 5],
    pub feedback: String,
    pub vigilance: String,
    pub perspectives: String,
    pub answers: Vec<(BilanQuestionId, String)>,
}

impl BilanInput {
    pub fn answer(&self, id: BilanQuestionId) -> &str {
        self.answers
            .iter()
            .find(|(q, _)| *q == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// The well-formed values of a [`BilanInput`]: what gets stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckedBilan {
    pub took_place: Option<TookPlace>,
    pub attendance: [Option<i64>; 5],
    /// Only well-formed answers, trimmed (scales as « 1 » to « 5 »).
    pub answers: Vec<(BilanQuestionId, String)>,
}

/// What is wrong, or worth a second look, in a bilan: `(field, message)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Examined {
    pub checked: CheckedBilan,
    /// Refusals: the field keeps what was typed, nothing is stored for it.
    pub errors: Vec<(String, String)>,
    /// Warnings: stored as typed, shown beside the field.
    pub warnings: Vec<(String, String)>,
}

/// How many pupils a school of this kind can plausibly hold: more pupils at
/// one action is a warning (« vérifiez »), not a refusal.
pub fn pupil_capacity(kind: SchoolKind) -> i64 {
    match kind {
        SchoolKind::Ecole => 600,
        SchoolKind::College => 1_200,
        SchoolKind::Lycee => 3_000,
        SchoolKind::LyceePro => 1_500,
        SchoolKind::Erea => 400,
        SchoolKind::Other => 3_000,
    }
}

/// Checks a bilan. `complete`: a submission (everything the circular asks),
/// else a draft (only well-formedness). `capacity`: the school's plausible
/// number of pupils (`None` for a district action).
pub fn examine(
    input: &BilanInput,
    questions: &[BilanQuestion],
    complete: bool,
    capacity: Option<i64>,
) -> Examined {
    let mut out = Examined::default();
    let mut errors: Vec<(String, String)> = Vec::new();
    let error = |errors: &mut Vec<(String, String)>, field: &str, message: String| {
        errors.push((field.into(), message))
    };
    let took_place = input.took_place.trim();
    out.checked.took_place = TookPlace::parse(took_place);
    if out.checked.took_place.is_none() && (complete || !took_place.is_empty()) {
        error(
            &mut errors,
            "took_place",
            "Indiquez si l'action a eu lieu, n'a pas eu lieu ou a été reportée.".into(),
        );
    }
    let needs_reason = matches!(
        out.checked.took_place,
        Some(TookPlace::No | TookPlace::Postponed)
    );
    for (field, label, value) in [
        ("reason", "La raison", &input.reason),
        ("feedback", "Les retours informels", &input.feedback),
        ("vigilance", "Les points de vigilance", &input.vigilance),
        ("perspectives", "Les perspectives", &input.perspectives),
    ] {
        let count = value.trim().chars().count();
        if count > TEXT_MAX {
            error(
                &mut errors,
                field,
                super::declaration::too_long(label, TEXT_MAX, count),
            );
        }
    }
    if complete && needs_reason && input.reason.trim().is_empty() {
        error(
            &mut errors,
            "reason",
            "Indiquez pourquoi l'action n'a pas eu lieu ou a été reportée.".into(),
        );
    }
    for (i, (field, label)) in ATTENDANCE.iter().enumerate() {
        let typed = input.attendance[i]
            .trim()
            .replace([' ', '\u{a0}', '\u{202f}'], "");
        if typed.is_empty() {
            continue;
        }
        match typed.parse::<i64>() {
            Ok(n) if n < 0 => error(
                &mut errors,
                field,
                format!("{label} : indiquez un nombre positif ou nul (0 si personne)."),
            ),
            Ok(n) if n > ATTENDANCE_MAX => error(
                &mut errors,
                field,
                format!(
                    "{label} : {n} personnes à une seule action, c'est plus que toute \
                     manifestation de la semaine ; vérifiez le nombre (au plus {ATTENDANCE_MAX})."
                ),
            ),
            Ok(n) => out.checked.attendance[i] = Some(n),
            Err(_) => error(
                &mut errors,
                field,
                format!("{label} : indiquez un nombre entier, par exemple 25."),
            ),
        }
    }
    if let (Some(pupils), Some(capacity)) = (out.checked.attendance[0], capacity)
        && pupils > capacity
    {
        out.warnings.push((
            "pupils".into(),
            format!(
                "{pupils} élèves : c'est plus qu'un établissement de ce type n'en accueille \
                 d'habitude (environ {capacity}). Le nombre est enregistré ; corrigez-le s'il \
                 s'agit d'une erreur de saisie."
            ),
        ));
    }
    let held = out.checked.took_place == Some(TookPlace::Yes);
    if complete && held && out.checked.attendance.iter().all(Option::is_none) {
        let first = ATTENDANCE[0].0;
        if !errors.iter().any(|(f, _)| f == first) {
            error(
                &mut errors,
                first,
                "Indiquez la fréquentation d'au moins un public (0 si personne n'est venu).".into(),
            );
        }
    }
    for question in questions {
        let field = format!("q{}", question.id);
        let value = input.answer(question.id).trim();
        if value.is_empty() {
            if complete && held && question.required {
                error(
                    &mut errors,
                    &field,
                    format!("Répondez à la question « {} ».", question.label),
                );
            }
            continue;
        }
        match question.kind {
            BilanQuestionKind::Scale => match value.parse::<u8>() {
                Ok(n @ 1..=5) => out.checked.answers.push((question.id, n.to_string())),
                _ => error(&mut errors, &field, "Choisissez une note de 1 à 5.".into()),
            },
            BilanQuestionKind::Text => {
                let count = value.chars().count();
                if count > TEXT_MAX {
                    error(
                        &mut errors,
                        &field,
                        super::declaration::too_long("La réponse", TEXT_MAX, count),
                    );
                } else {
                    out.checked.answers.push((question.id, value.to_string()));
                }
            }
        }
    }
    out.errors = errors;
    out
}

/// Whether a bilan may still be written at `now`: until the end of the
/// deadline day in Paris (the day shown is included), or of a later
/// extension (given when a coordinator sends the bilan back).
pub fn bilan_open(
    deadline: NaiveDate,
    extended_until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> bool {
    let last = extended_until.map_or(deadline, |e| e.max(deadline));
    paris_date(now) <= last
}

/// How long the owner gets to complete a bilan sent back to them: two weeks
/// from the day it is sent back, or until the deadline if that is later.
pub fn extension_after_return(deadline: NaiveDate, now: DateTime<Utc>) -> NaiveDate {
    (paris_date(now) + Duration::days(14)).max(deadline)
}

/// The reminder days due at `now` for a bilan deadline (the end of that day
/// in Paris), among `days` (days before), less those already `sent`: a day is
/// due from the date `deadline - day` on, until the deadline has passed.
pub fn reminders_due(
    deadline: NaiveDate,
    days: &[i64],
    sent: &[i64],
    now: DateTime<Utc>,
) -> Vec<i64> {
    let today = paris_date(now);
    if today > deadline {
        return Vec::new();
    }
    days.iter()
        .copied()
        .filter(|d| today >= deadline - Duration::days(*d) && !sent.contains(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edition::paris_to_utc;
    use chrono::NaiveTime;

    fn questions() -> Vec<BilanQuestion> {
        vec![
            BilanQuestion {
                id: BilanQuestionId(1),
                kind: BilanQuestionKind::Scale,
                label: "Les élèves ont-ils apprécié ?".into(),
                required: true,
            },
            BilanQuestion {
                id: BilanQuestionId(2),
                kind: BilanQuestionKind::Text,
                label: "Une anecdote".into(),
                required: false,
            },
        ]
    }

    fn held() -> BilanInput {
        BilanInput {
            took_place: "yes".into(),
            attendance: [
                "120".into(),
                "15".into(),
                String::new(),
                "2".into(),
                String::new(),
            ],
            answers: vec![(BilanQuestionId(1), "4".into())],
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_bilan_passes() {
        let out = examine(&held(), &questions(), true, Some(1_200));
        assert_eq!(out.errors, vec![]);
        assert_eq!(out.checked.took_place, Some(TookPlace::Yes));
        assert_eq!(
            out.checked.attendance,
            [Some(120), Some(15), None, Some(2), None]
        );
        assert_eq!(out.checked.answers, vec![(BilanQuestionId(1), "4".into())]);
    }

    #[test]
    fn negative_and_absurd_figures_are_refused_and_big_ones_warned() {
        let mut input = held();
        input.attendance = [
            "1 500".into(),
            "-3".into(),
            "deux".into(),
            "100001".into(),
            "0".into(),
        ];
        let out = examine(&input, &questions(), false, Some(1_200));
        let fields: Vec<&str> = out.errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, vec!["parents", "staff", "partners"]);
        assert_eq!(
            out.checked.attendance,
            [Some(1_500), None, None, None, Some(0)]
        );
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].0, "pupils");
        // A district action has no capacity: no warning.
        assert!(
            examine(&input, &questions(), false, None)
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn a_draft_may_be_empty_but_a_submission_may_not() {
        let empty = BilanInput::default();
        assert!(examine(&empty, &questions(), false, None).errors.is_empty());
        let fields: Vec<String> = examine(&empty, &questions(), true, None)
            .errors
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, vec!["took_place"]);
        let mut input = held();
        input.attendance = Default::default();
        input.answers.clear();
        let fields: Vec<String> = examine(&input, &questions(), true, None)
            .errors
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, vec!["pupils", "q1"]);
    }

    #[test]
    fn not_held_needs_a_reason_but_no_figures() {
        let input = BilanInput {
            took_place: "postponed".into(),
            ..Default::default()
        };
        let out = examine(&input, &questions(), true, None);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].0, "reason");
        let input = BilanInput {
            reason: "Grève des transports".into(),
            ..input
        };
        assert!(examine(&input, &questions(), true, None).errors.is_empty());
    }

    #[test]
    fn scales_run_from_one_to_five() {
        let mut input = held();
        input.answers = vec![
            (BilanQuestionId(1), "6".into()),
            (BilanQuestionId(2), " Bien ".into()),
        ];
        let out = examine(&input, &questions(), false, None);
        assert_eq!(out.errors[0].0, "q1");
        assert_eq!(
            out.checked.answers,
            vec![(BilanQuestionId(2), "Bien".into())]
        );
    }

    #[test]
    fn the_deadline_day_is_included_in_paris() {
        let deadline = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let at = |d: u32, m: u32, h: u32, min: u32| {
            paris_to_utc(
                NaiveDate::from_ymd_opt(2026, m, d).unwrap(),
                NaiveTime::from_hms_opt(h, min, 0).unwrap(),
            )
        };
        assert!(bilan_open(deadline, None, at(30, 6, 23, 59)));
        assert!(!bilan_open(deadline, None, at(1, 7, 0, 0)));
        let extended = NaiveDate::from_ymd_opt(2026, 7, 10);
        assert!(bilan_open(deadline, extended, at(10, 7, 12, 0)));
        assert!(!bilan_open(deadline, extended, at(11, 7, 0, 0)));
        // An extension before the deadline never shortens it.
        assert!(bilan_open(
            deadline,
            NaiveDate::from_ymd_opt(2026, 6, 1),
            at(30, 6, 12, 0)
        ));
        // Two weeks from the day it is sent back, never before the deadline.
        assert_eq!(extension_after_return(deadline, at(1, 6, 9, 0)), deadline);
        assert_eq!(
            extension_after_return(deadline, at(25, 6, 9, 0)),
            NaiveDate::from_ymd_opt(2026, 7, 9).unwrap()
        );
        assert_eq!(
            extension_after_return(deadline, at(5, 7, 9, 0)),
            NaiveDate::from_ymd_opt(2026, 7, 19).unwrap()
        );
    }

    #[test]
    fn reminders_are_due_from_their_day_until_the_deadline() {
        let deadline = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let noon = |m: u32, d: u32| {
            paris_to_utc(
                NaiveDate::from_ymd_opt(2026, m, d).unwrap(),
                NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            )
        };
        assert_eq!(
            reminders_due(deadline, &[14, 3], &[], noon(6, 15)),
            Vec::<i64>::new()
        );
        assert_eq!(
            reminders_due(deadline, &[14, 3], &[], noon(6, 16)),
            vec![14]
        );
        assert_eq!(
            reminders_due(deadline, &[14, 3], &[14], noon(6, 27)),
            vec![3]
        );
        assert_eq!(
            reminders_due(deadline, &[14, 3], &[], noon(6, 28)),
            vec![14, 3]
        );
        assert_eq!(
            reminders_due(deadline, &[14, 3], &[], noon(7, 1)),
            Vec::<i64>::new()
        );
    }
}
