//! The declaration form (fiche-action): its vocabularies, the edition's own
//! questions, and the checks a draft and a submission must pass.

use crate::domain::ids::QuestionId;
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use super::edition::EditionCalendar;

/// A fixed list of choices: (code, French label).
pub type Choices = &'static [(&'static str, &'static str)];

pub const AUDIENCES: Choices = &[
    ("eleves", "Élèves"),
    ("parents", "Parents"),
    ("personnels", "Personnels"),
    ("partenaires", "Partenaires"),
];

pub const LEVELS: Choices = &[
    ("6e", "6e"),
    ("5e", "5e"),
    ("4e", "4e"),
    ("3e", "3e"),
    ("2de", "2de"),
    ("1re", "1re"),
    ("terminale", "Terminale"),
    ("cap", "CAP"),
    ("post-bac", "Post-bac"),
];

pub const SCHEMES: Choices = &[
    ("aucun", "Aucun dispositif particulier"),
    ("relais", "Dispositif relais"),
    ("mlds", "MLDS"),
    ("upe2a", "UPE2A"),
    ("ulis", "ULIS"),
    ("micro-lycee", "Micro-lycée"),
    ("nouvelle-chance", "Nouvelle Chance"),
    ("segpa", "SEGPA"),
    ("autre", "Autre dispositif"),
];

pub const SHOWCASE_KINDS: Choices = &[
    (
        "evenement-etablissement",
        "Présentation lors d'un évènement de l'établissement",
    ),
    (
        "evenement-district",
        "Présentation lors d'un évènement du district",
    ),
    ("temps-festif", "Temps festif"),
    ("exposition", "Exposition"),
    (
        "temoignages-video",
        "Témoignages d'élèves en capsules vidéo",
    ),
    ("reportage-photo", "Reportage photo"),
    ("autre", "Autre valorisation"),
];

/// The label of a code in a list (the code itself if unknown).
pub fn label_of(choices: Choices, code: &str) -> String {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The kinds of question an académie can add to its form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    ShortText,
    LongText,
    SingleChoice,
    MultipleChoice,
    Number,
    Date,
    YesNo,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 7] = [
        QuestionKind::ShortText,
        QuestionKind::LongText,
        QuestionKind::SingleChoice,
        QuestionKind::MultipleChoice,
        QuestionKind::Number,
        QuestionKind::Date,
        QuestionKind::YesNo,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::ShortText => "short_text",
            QuestionKind::LongText => "long_text",
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::Number => "number",
            QuestionKind::Date => "date",
            QuestionKind::YesNo => "yes_no",
        }
    }

    pub fn parse(code: &str) -> Option<QuestionKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::ShortText => "Texte court",
            QuestionKind::LongText => "Texte long",
            QuestionKind::SingleChoice => "Choix unique",
            QuestionKind::MultipleChoice => "Choix multiples",
            QuestionKind::Number => "Nombre",
            QuestionKind::Date => "Date",
            QuestionKind::YesNo => "Oui / non",
        }
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        )
    }
}

/// One of the edition's own questions.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: QuestionId,
    pub kind: QuestionKind,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub options: Vec<String>,
}

/// What a person typed in the declaration form (all text, nothing lost).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionInput {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub owner_name: String,
    pub owner_role: String,
    pub people_involved: String,
    pub audiences: Vec<String>,
    pub levels: Vec<String>,
    pub scheme: String,
    pub before_week: bool,
    pub starts_on: String,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub partners: String,
    pub expected_participants: String,
    pub showcase_kinds: Vec<String>,
    pub showcase_other: String,
    /// Answers to the edition's questions, by question id.
    pub answers: BTreeMap<QuestionId, Vec<String>>,
}

impl ActionInput {
    /// Reads the form's fields (repeated keys for multiple choices; the
    /// edition's questions are `q<ID>`).
    pub fn from_pairs(pairs: &[(String, String)]) -> ActionInput {
        let mut input = ActionInput::default();
        for (key, value) in pairs {
            let v = value.clone();
            match key.as_str() {
                "title" => input.title = v,
                "summary" => input.summary = v,
                "description" => input.description = v,
                "owner_name" => input.owner_name = v,
                "owner_role" => input.owner_role = v,
                "people_involved" => input.people_involved = v,
                "audiences" => input.audiences.push(v),
                "levels" => input.levels.push(v),
                "scheme" => input.scheme = v,
                "before_week" => input.before_week = v == "1" || v == "on" || v == "true",
                "starts_on" => input.starts_on = v,
                "start_time" => input.start_time = v,
                "end_time" => input.end_time = v,
                "place" => input.place = v,
                "partners" => input.partners = v,
                "expected_participants" => input.expected_participants = v,
                "showcase_kinds" => input.showcase_kinds.push(v),
                "showcase_other" => input.showcase_other = v,
                other => {
                    if let Some(id) = other.strip_prefix('q').and_then(|id| id.parse().ok()) {
                        input.answers.entry(id).or_default().push(v);
                    }
                }
            }
        }
        input
    }

    pub fn answer(&self, question: QuestionId) -> String {
        self.answers
            .get(&question)
            .map(|v| v.join("\n"))
            .unwrap_or_default()
    }

    pub fn has_answer(&self, question: QuestionId, option: &str) -> bool {
        self.answers
            .get(&question)
            .is_some_and(|v| v.iter().any(|o| o == option))
    }
}

/// The checked, typed values of a form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckedAction {
    pub starts_on: Option<NaiveDate>,
    pub expected_participants: Option<i64>,
}

/// A field and what is wrong with it.
pub type FieldError = (String, String);

/// Checks a form. A draft (`complete = false`) only needs well-formed
/// values; a submission also needs every required field.
pub fn check(
    input: &ActionInput,
    calendar: &EditionCalendar,
    questions: &[Question],
    complete: bool,
) -> Result<CheckedAction, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err =
        |field: &str, message: &str| errors.push((field.to_string(), message.to_string()));
    if input.title.chars().count() > 200 {
        err("title", "Le titre ne doit pas dépasser 200 caractères.");
    }
    if complete {
        for (field, value, message) in [
            ("title", &input.title, "Indiquez le titre de l'action."),
            (
                "summary",
                &input.summary,
                "Résumez l'action en quelques lignes.",
            ),
            (
                "description",
                &input.description,
                "Décrivez l'action en détail.",
            ),
            (
                "owner_name",
                &input.owner_name,
                "Indiquez le nom du porteur de l'action.",
            ),
            (
                "owner_role",
                &input.owner_role,
                "Indiquez la fonction du porteur de l'action.",
            ),
            (
                "people_involved",
                &input.people_involved,
                "Indiquez les autres personnes impliquées (ou « aucune »).",
            ),
            (
                "partners",
                &input.partners,
                "Indiquez les partenaires (ou « aucun »).",
            ),
        ] {
            if value.trim().is_empty() {
                err(field, message);
            }
        }
        if input.audiences.is_empty() {
            err("audiences", "Choisissez au moins un public visé.");
        }
        if input.levels.is_empty() {
            err("levels", "Choisissez au moins un niveau.");
        }
        if input.scheme.is_empty() {
            err(
                "scheme",
                "Choisissez un dispositif (ou « Aucun dispositif particulier »).",
            );
        }
        if input.showcase_kinds.is_empty() {
            err(
                "showcase_kinds",
                "Choisissez au moins une forme de valorisation.",
            );
        }
    }
    for (field, values, choices) in [
        ("audiences", &input.audiences, AUDIENCES),
        ("levels", &input.levels, LEVELS),
        ("showcase_kinds", &input.showcase_kinds, SHOWCASE_KINDS),
    ] {
        if values.iter().any(|v| !choices.iter().any(|(c, _)| c == v)) {
            err(field, "Ce choix n'est pas proposé.");
        }
    }
    if !input.scheme.is_empty() && !SCHEMES.iter().any(|(c, _)| *c == input.scheme) {
        err("scheme", "Ce dispositif n'est pas proposé.");
    }
    if complete
        && input.showcase_kinds.iter().any(|k| k == "autre")
        && input.showcase_other.trim().is_empty()
    {
        err("showcase_other", "Précisez l'autre forme de valorisation.");
    }
    let starts_on = check_when(input, calendar, complete, &mut err);
    let expected_participants = match input.expected_participants.trim() {
        "" => {
            if complete {
                err(
                    "expected_participants",
                    "Indiquez le nombre de participants attendus.",
                );
            }
            None
        }
        text => match text.parse::<i64>() {
            Ok(n) if n < 0 => {
                err(
                    "expected_participants",
                    "Le nombre de participants ne peut pas être négatif.",
                );
                None
            }
            Ok(n) if n > 1_000_000 => {
                err(
                    "expected_participants",
                    "Ce nombre de participants semble trop grand.",
                );
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                err(
                    "expected_participants",
                    "Indiquez un nombre entier, par exemple 30.",
                );
                None
            }
        },
    };
    for question in questions {
        check_answer(
            question,
            input
                .answers
                .get(&question.id)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            complete,
            &mut err,
        );
    }
    if errors.is_empty() {
        Ok(CheckedAction {
            starts_on,
            expected_participants,
        })
    } else {
        Err(errors)
    }
}

/// Checks the date, times and place; returns the date.
fn check_when(
    input: &ActionInput,
    calendar: &EditionCalendar,
    complete: bool,
    err: &mut impl FnMut(&str, &str),
) -> Option<NaiveDate> {
    let date = match input.starts_on.trim() {
        "" => None,
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                err("starts_on", "Indiquez une date au format JJ/MM/AAAA.");
                None
            }
        },
    };
    if let Some(date) = date {
        if input.before_week && date >= calendar.week_start {
            err(
                "starts_on",
                "Une action « avant la semaine » doit avoir lieu avant le premier jour de la semaine.",
            );
        } else if !input.before_week && (date < calendar.week_start || date > calendar.week_end) {
            err(
                "starts_on",
                "La date doit tomber pendant la semaine de la persévérance (ou cochez « avant la semaine »).",
            );
        }
    } else if complete && input.starts_on.trim().is_empty() {
        err("starts_on", "Indiquez la date de l'action.");
    }
    let time = |field: &str, text: &str, err: &mut dyn FnMut(&str, &str)| -> Option<NaiveTime> {
        match text.trim() {
            "" => None,
            t => NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| {
                    err(
                        field,
                        "Indiquez une heure au format HH:MM, par exemple 14:00.",
                    )
                })
                .ok(),
        }
    };
    let start = time("start_time", &input.start_time, err);
    let end = time("end_time", &input.end_time, err);
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        err("end_time", "L'heure de fin doit suivre l'heure de début.");
    }
    if complete {
        if input.start_time.trim().is_empty() {
            err("start_time", "Indiquez l'heure de début.");
        }
        if input.end_time.trim().is_empty() {
            err("end_time", "Indiquez l'heure de fin.");
        }
        if input.place.trim().is_empty() {
            err("place", "Indiquez le lieu de l'action.");
        }
    }
    date
}

fn check_answer(
    question: &Question,
    values: &[String],
    complete: bool,
    err: &mut impl FnMut(&str, &str),
) {
    let field = format!("q{}", question.id);
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        if complete && question.required {
            err(&field, "Répondez à cette question.");
        }
        return;
    }
    let offered = |v: &&str| question.options.iter().any(|o| o == v);
    match question.kind {
        QuestionKind::SingleChoice if values.len() > 1 || !values.iter().all(offered) => {
            err(&field, "Choisissez une des réponses proposées.")
        }
        QuestionKind::MultipleChoice if !values.iter().all(offered) => {
            err(&field, "Ce choix n'est pas proposé.")
        }
        QuestionKind::YesNo if !values.iter().all(|v| *v == "oui" || *v == "non") => {
            err(&field, "Répondez par oui ou par non.")
        }
        QuestionKind::Number if values[0].parse::<f64>().is_err() => {
            err(&field, "Indiquez un nombre.")
        }
        QuestionKind::Date if NaiveDate::parse_from_str(values[0], "%Y-%m-%d").is_err() => {
            err(&field, "Indiquez une date au format JJ/MM/AAAA.")
        }
        QuestionKind::ShortText if values[0].chars().count() > 300 => {
            err(&field, "La réponse ne doit pas dépasser 300 caractères.")
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edition::paris_to_utc;
    #[allow(unused_imports)]
    use crate::domain::ids::*;

    fn calendar() -> EditionCalendar {
        EditionCalendar {
            week_start: NaiveDate::from_ymd_opt(2027, 4, 5).unwrap(),
            week_end: NaiveDate::from_ymd_opt(2027, 4, 9).unwrap(),
            declaration_deadline: paris_to_utc(
                NaiveDate::from_ymd_opt(2027, 3, 12).unwrap(),
                NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ),
            bilan_deadline: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        }
    }

    fn complete_input() -> ActionInput {
        let pairs: Vec<(String, String)> = [
            ("title", "Forum des métiers"),
            ("summary", "Un forum"),
            ("description", "Des anciens élèves témoignent"),
            ("owner_name", "Mme Martin"),
            ("owner_role", "CPE"),
            ("people_involved", "L'équipe de vie scolaire"),
            ("audiences", "eleves"),
            ("audiences", "parents"),
            ("levels", "3e"),
            ("scheme", "aucun"),
            ("starts_on", "2027-04-06"),
            ("start_time", "14:00"),
            ("end_time", "16:00"),
            ("place", "CDI"),
            ("partners", "Mission locale"),
            ("expected_participants", "80"),
            ("showcase_kinds", "exposition"),
            ("q7", "Oui"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        ActionInput::from_pairs(&pairs)
    }

    fn fields(result: Result<CheckedAction, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: QuestionId(7),
            kind,
            label: "Q".into(),
            help: String::new(),
            required: true,
            options: vec!["Oui".into(), "Non".into()],
        }
    }

    #[test]
    fn a_complete_form_passes() {
        let checked = check(
            &complete_input(),
            &calendar(),
            &[question(QuestionKind::SingleChoice)],
            true,
        )
        .unwrap();
        assert_eq!(checked.expected_participants, Some(80));
        assert_eq!(checked.starts_on, NaiveDate::from_ymd_opt(2027, 4, 6));
        assert_eq!(complete_input().audiences, ["eleves", "parents"]);
    }

    #[test]
    fn every_field_is_required_to_submit_but_not_to_save() {
        let empty = ActionInput::default();
        let missing = fields(check(
            &empty,
            &calendar(),
            &[question(QuestionKind::ShortText)],
            true,
        ));
        for field in [
            "title",
            "summary",
            "description",
            "owner_name",
            "audiences",
            "levels",
            "scheme",
            "starts_on",
            "start_time",
            "place",
            "expected_participants",
            "showcase_kinds",
            "q7",
        ] {
            assert!(
                missing.contains(&field.to_string()),
                "{field} in {missing:?}"
            );
        }
        assert!(
            check(
                &empty,
                &calendar(),
                &[question(QuestionKind::ShortText)],
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_values_are_caught_even_in_drafts() {
        let mut input = complete_input();
        input.starts_on = "2027-05-01".into();
        input.end_time = "13:00".into();
        input.expected_participants = "-3".into();
        input.audiences.push("martiens".into());
        let errors = fields(check(&input, &calendar(), &[], false));
        assert_eq!(
            errors,
            [
                "audiences",
                "starts_on",
                "end_time",
                "expected_participants"
            ]
        );
    }

    #[test]
    fn before_the_week_means_before() {
        let mut input = complete_input();
        input.before_week = true;
        assert_eq!(fields(check(&input, &calendar(), &[], true)), ["starts_on"]);
        input.starts_on = "2027-03-20".into();
        assert!(check(&input, &calendar(), &[], true).is_ok());
    }

    #[test]
    fn answers_must_fit_their_question() {
        let mut input = complete_input();
        input
            .answers
            .insert(QuestionId(7), vec!["Peut-être".into()]);
        assert_eq!(
            fields(check(
                &input,
                &calendar(),
                &[question(QuestionKind::SingleChoice)],
                false
            )),
            ["q7"]
        );
        input.answers.insert(QuestionId(7), vec!["douze".into()]);
        assert_eq!(
            fields(check(
                &input,
                &calendar(),
                &[question(QuestionKind::Number)],
                false
            )),
            ["q7"]
        );
        input.answers.insert(QuestionId(7), vec!["oui".into()]);
        assert!(check(&input, &calendar(), &[question(QuestionKind::YesNo)], true).is_ok());
        let optional = Question {
            required: false,
            ..question(QuestionKind::Date)
        };
        input.answers.remove(&QuestionId(7));
        assert!(check(&input, &calendar(), &[optional], true).is_ok());
    }
}
