//! The declaration form (fiche-action): its vocabularies, the edition's own
//! questions, and the checks a draft and a submission must pass.

use crate::domain::ids::{OptionId, QuestionId};
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use super::{edition::EditionCalendar, formats};

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

impl QuestionKind {
    /// The longest answer a text question takes, in characters.
    pub fn max_len(self) -> Option<usize> {
        match self {
            QuestionKind::ShortText => Some(300),
            QuestionKind::LongText => Some(5_000),
            _ => None,
        }
    }

    /// Whether answers of kind `self` still mean something under `other`
    /// (a short text read as a long one, a single choice among several…).
    pub fn keeps_answers_as(self, other: QuestionKind) -> bool {
        use QuestionKind::*;
        self == other
            || matches!(
                (self, other),
                (ShortText, LongText)
                    | (LongText, ShortText)
                    | (SingleChoice, MultipleChoice)
                    | (MultipleChoice, SingleChoice)
            )
    }
}

/// One possible answer of a choice question. Its id stays when it is
/// renamed, so the answers that chose it stay too (0: not stored yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionOption {
    pub id: OptionId,
    pub label: String,
}

impl From<&str> for QuestionOption {
    fn from(label: &str) -> QuestionOption {
        QuestionOption {
            id: OptionId(0),
            label: label.to_string(),
        }
    }
}

impl From<String> for QuestionOption {
    fn from(label: String) -> QuestionOption {
        QuestionOption {
            id: OptionId(0),
            label,
        }
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
    /// For choice questions, in order.
    pub options: Vec<QuestionOption>,
}

impl Question {
    /// The option a form value names: its id (what our forms send) or,
    /// failing that, its label (a page from before options had ids).
    pub fn option(&self, value: &str) -> Option<&QuestionOption> {
        let value = value.trim();
        value
            .parse::<OptionId>()
            .ok()
            .and_then(|id| self.options.iter().find(|o| o.id == id && id.0 != 0))
            .or_else(|| self.options.iter().find(|o| o.label == value))
    }

    /// An answer as read on the action page and in exports: the labels of
    /// the chosen options, or the text.
    pub fn display(&self, values: &[String]) -> String {
        if self.kind.has_options() {
            values
                .iter()
                .filter_map(|v| self.option(v))
                .map(|o| o.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            values.join(", ")
        }
    }
}

/// The longest text each field of the declaration form takes, in
/// characters, and how a message names it. Shown under each field, checked
/// on every save.
pub const TEXT_LIMITS: &[(&str, usize, &str)] = &[
    ("title", 200, "Le titre"),
    ("summary", 1_000, "Le résumé"),
    ("description", 10_000, "La description"),
    ("owner_name", 200, "Le nom du porteur"),
    ("owner_role", 200, "La fonction du porteur"),
    (
        "people_involved",
        2_000,
        "La liste des personnes impliquées",
    ),
    ("place", 300, "Le lieu"),
    ("partners", 2_000, "La liste des partenaires"),
    ("showcase_other", 300, "La précision sur la valorisation"),
];

/// The longest text the field takes (0 for a field without a limit here).
pub fn max_len(field: &str) -> usize {
    TEXT_LIMITS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or(0, |(_, max, _)| *max)
}

/// « 10 000 »: a count as French text writes it.
pub fn french_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// The message for a text over its limit.
pub fn too_long(what: &str, max: usize, count: usize) -> String {
    format!(
        "{what} ne doit pas dépasser {} caractères (votre texte en compte {}) : raccourcissez-le.",
        french_count(max),
        french_count(count)
    )
}

/// The most answers a form value may repeat (more is a forged request).
const MAX_VALUES: usize = 100;

/// What a person typed in the declaration form (all text, nothing lost).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionInput {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub owner_name: String,
    pub owner_role: String,
    /// The owner agrees to show their name on the public side (issue 8).
    pub owner_public: bool,
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
    /// Answers to the edition's questions, by question id: the text, or
    /// the chosen options' ids.
    pub answers: BTreeMap<QuestionId, Vec<String>>,
}

/// Adds `value` to a multiple choice unless it is already there (a choice
/// repeated 60,000 times is one choice).
fn push_once(list: &mut Vec<String>, value: String) {
    if list.len() < MAX_VALUES && !list.contains(&value) {
        list.push(value);
    }
}

impl ActionInput {
    /// Reads the form's fields (repeated keys for multiple choices, each
    /// kept once; the edition's questions are `q<ID>`).
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
                "owner_public" => input.owner_public = v == "1" || v == "on" || v == "true",
                "people_involved" => input.people_involved = v,
                "audiences" => push_once(&mut input.audiences, v),
                "levels" => push_once(&mut input.levels, v),
                "scheme" => input.scheme = v,
                "before_week" => input.before_week = v == "1" || v == "on" || v == "true",
                "starts_on" => input.starts_on = v,
                "start_time" => input.start_time = v,
                "end_time" => input.end_time = v,
                "place" => input.place = v,
                "partners" => input.partners = v,
                "expected_participants" => input.expected_participants = v,
                "showcase_kinds" => push_once(&mut input.showcase_kinds, v),
                "showcase_other" => input.showcase_other = v,
                other => {
                    if let Some(id) = other.strip_prefix('q').and_then(|id| id.parse().ok()) {
                        push_once(input.answers.entry(id).or_default(), v);
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

    /// Whether the answer to `question` holds `value` (an option's id as
    /// text, or « oui »/« non »).
    pub fn has_answer(&self, question: QuestionId, value: &str) -> bool {
        self.answers
            .get(&question)
            .is_some_and(|v| v.iter().any(|o| o == value))
    }

    /// The text of a field, by name (for the limits).
    fn text(&self, field: &str) -> &str {
        match field {
            "title" => &self.title,
            "summary" => &self.summary,
            "description" => &self.description,
            "owner_name" => &self.owner_name,
            "owner_role" => &self.owner_role,
            "people_involved" => &self.people_involved,
            "place" => &self.place,
            "partners" => &self.partners,
            "showcase_other" => &self.showcase_other,
            _ => "",
        }
    }

    fn set_text(&mut self, field: &str, value: String) {
        let slot = match field {
            "title" => &mut self.title,
            "summary" => &mut self.summary,
            "description" => &mut self.description,
            "owner_name" => &mut self.owner_name,
            "owner_role" => &mut self.owner_role,
            "people_involved" => &mut self.people_involved,
            "place" => &mut self.place,
            "partners" => &mut self.partners,
            "showcase_other" => &mut self.showcase_other,
            _ => return,
        };
        *slot = value;
    }

    /// Sets the field `field` (a name from the form) to its value in `from`.
    fn take(&mut self, field: &str, from: &ActionInput) {
        match field {
            "title" => self.title = from.title.clone(),
            "summary" => self.summary = from.summary.clone(),
            "description" => self.description = from.description.clone(),
            "owner_name" => self.owner_name = from.owner_name.clone(),
            "owner_role" => self.owner_role = from.owner_role.clone(),
            "people_involved" => self.people_involved = from.people_involved.clone(),
            "audiences" => self.audiences = from.audiences.clone(),
            "levels" => self.levels = from.levels.clone(),
            "scheme" => self.scheme = from.scheme.clone(),
            "starts_on" => {
                self.starts_on = from.starts_on.clone();
                self.before_week = from.before_week;
            }
            "start_time" => self.start_time = from.start_time.clone(),
            "end_time" => self.end_time = from.end_time.clone(),
            "place" => self.place = from.place.clone(),
            "partners" => self.partners = from.partners.clone(),
            "expected_participants" => {
                self.expected_participants = from.expected_participants.clone()
            }
            "showcase_kinds" => self.showcase_kinds = from.showcase_kinds.clone(),
            "showcase_other" => self.showcase_other = from.showcase_other.clone(),
            other => {
                if let Some(id) = other.strip_prefix('q').and_then(|id| id.parse().ok()) {
                    match from.answers.get(&id) {
                        Some(values) => self.answers.insert(id, values.clone()),
                        None => self.answers.remove(&id),
                    };
                }
            }
        }
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

/// A form read through its checks: what is well-formed, ready to store,
/// and what is wrong, by field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Examined {
    /// The input as it is stored: times as « 14:00 », date answers as
    /// « 06/04/2027 », choices by option id.
    pub input: ActionInput,
    pub values: CheckedAction,
    pub errors: Vec<FieldError>,
}

/// Checks a form. A draft (`complete = false`) only needs well-formed
/// values; a submission also needs every required field.
pub fn check(
    input: &ActionInput,
    calendar: &EditionCalendar,
    questions: &[Question],
    complete: bool,
) -> Result<CheckedAction, Vec<FieldError>> {
    let examined = examine(input, calendar, questions, complete);
    if examined.errors.is_empty() {
        Ok(examined.values)
    } else {
        Err(examined.errors)
    }
}

/// What a draft saves (issue 7 item 1): every well-formed field as typed,
/// and, for each field flagged, the value stored before (`stored`), so one
/// bad value never costs the others. The errors are those of what was typed.
pub fn draft(
    input: &ActionInput,
    stored: &ActionInput,
    calendar: &EditionCalendar,
    questions: &[Question],
) -> Examined {
    let typed = examine(input, calendar, questions, false);
    let mut kept = input.clone();
    for (field, _) in &typed.errors {
        kept.take(field, stored);
    }
    let mut examined = examine(&kept, calendar, questions, false);
    // A stored value the edition no longer accepts (its week moved): left
    // empty rather than saved wrong.
    if !examined.errors.is_empty() {
        let blank = ActionInput::default();
        for (field, _) in &examined.errors {
            kept.take(field, &blank);
        }
        examined = examine(&kept, calendar, questions, false);
    }
    Examined {
        errors: typed.errors,
        ..examined
    }
}

/// Reads and checks every field.
pub fn examine(
    input: &ActionInput,
    calendar: &EditionCalendar,
    questions: &[Question],
    complete: bool,
) -> Examined {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut stored = input.clone();
    let mut err =
        |field: &str, message: &str| errors.push((field.to_string(), message.to_string()));
    for (field, max, what) in TEXT_LIMITS {
        let count = input.text(field).trim().chars().count();
        if count > *max {
            err(field, &too_long(what, *max, count));
        }
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
    let (starts_on, start, end) = check_when(input, calendar, complete, &mut err);
    stored.starts_on = starts_on.map(formats::format_date).unwrap_or_default();
    stored.start_time = start.map(formats::format_time).unwrap_or_default();
    stored.end_time = end.map(formats::format_time).unwrap_or_default();
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
        text => match formats::parse_integer(text) {
            Some(n) if n < 0 => {
                err(
                    "expected_participants",
                    "Le nombre de participants ne peut pas être négatif.",
                );
                None
            }
            Some(n) if n > 1_000_000 => {
                err(
                    "expected_participants",
                    "Ce nombre de participants semble trop grand.",
                );
                None
            }
            Some(n) => Some(n),
            None => {
                err(
                    "expected_participants",
                    "Indiquez un nombre entier, par exemple 30.",
                );
                None
            }
        },
    };
    stored.expected_participants = expected_participants
        .map(|n| n.to_string())
        .unwrap_or_default();
    for field in TEXT_LIMITS.iter().map(|(field, _, _)| *field) {
        let trimmed = stored.text(field).trim().to_string();
        stored.set_text(field, trimmed);
    }
    stored.answers.clear();
    for question in questions {
        let values = input
            .answers
            .get(&question.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(answer) = check_answer(question, values, complete, &mut err)
            && !answer.is_empty()
        {
            stored.answers.insert(question.id, answer);
        }
    }
    Examined {
        input: stored,
        values: CheckedAction {
            starts_on,
            expected_participants,
        },
        errors,
    }
}

/// Checks the date, times and place; returns the date and the times.
fn check_when(
    input: &ActionInput,
    calendar: &EditionCalendar,
    complete: bool,
    err: &mut impl FnMut(&str, &str),
) -> (Option<NaiveDate>, Option<NaiveTime>, Option<NaiveTime>) {
    let date = match input.starts_on.trim() {
        "" => None,
        text => match formats::parse_date(text) {
            Some(date) => Some(date),
            None => {
                err("starts_on", formats::DATE_MESSAGE);
                None
            }
        },
    };
    let date = match date {
        Some(date) if input.before_week && date >= calendar.week_start => {
            err(
                "starts_on",
                "Une action « avant la semaine » doit avoir lieu avant le premier jour de la semaine.",
            );
            None
        }
        Some(date)
            if !input.before_week && (date < calendar.week_start || date > calendar.week_end) =>
        {
            err(
                "starts_on",
                &format!(
                    "La date doit tomber pendant la semaine de la persévérance, du {} au {} \
                     (ou cochez « avant la semaine »).",
                    formats::format_date(calendar.week_start),
                    formats::format_date(calendar.week_end)
                ),
            );
            None
        }
        other => other,
    };
    if complete && input.starts_on.trim().is_empty() {
        err("starts_on", "Indiquez la date de l'action.");
    }
    let time = |field: &str, text: &str, err: &mut dyn FnMut(&str, &str)| -> Option<NaiveTime> {
        match text.trim() {
            "" => None,
            t => formats::parse_time(t)
                .ok_or_else(|| err(field, formats::TIME_MESSAGE))
                .ok(),
        }
    };
    let start = time("start_time", &input.start_time, err);
    let mut end = time("end_time", &input.end_time, err);
    if let (Some(start), Some(e)) = (start, end)
        && e <= start
    {
        err("end_time", "L'heure de fin doit suivre l'heure de début.");
        end = None;
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
    (date, start, end)
}

/// Checks one answer; returns it as stored (`None` when it is wrong).
fn check_answer(
    question: &Question,
    values: &[String],
    complete: bool,
    err: &mut impl FnMut(&str, &str),
) -> Option<Vec<String>> {
    let field = format!("q{}", question.id);
    let mut err = |message: &str| {
        err(&field, message);
        None
    };
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let Some(first) = values.first() else {
        if complete && question.required {
            return err("Répondez à cette question.");
        }
        return Some(Vec::new());
    };
    let one = |text: String| Some(vec![text]);
    match question.kind {
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
            let chosen: Option<Vec<String>> = values
                .iter()
                .map(|v| question.option(v).map(|o| o.id.to_string()))
                .collect();
            match chosen {
                None => err("Ce choix n'est pas proposé."),
                Some(ids) if question.kind == QuestionKind::SingleChoice && ids.len() > 1 => {
                    err("Choisissez une seule des réponses proposées.")
                }
                Some(ids) => Some(ids),
            }
        }
        QuestionKind::YesNo => match first.to_lowercase().as_str() {
            answer @ ("oui" | "non") if values.len() == 1 => one(answer.to_string()),
            _ => err("Répondez par oui ou par non."),
        },
        QuestionKind::Number => match formats::parse_decimal(first) {
            Some(_) => one(first.to_string()),
            None => err("Indiquez un nombre, par exemple 12 ou 2,5."),
        },
        QuestionKind::Date => match formats::parse_date(first) {
            Some(date) => one(formats::format_date(date)),
            None => err(formats::DATE_MESSAGE),
        },
        QuestionKind::ShortText | QuestionKind::LongText => {
            let text = values.join("\n");
            let max = question.kind.max_len().unwrap_or(usize::MAX);
            let count = text.chars().count();
            if count > max {
                err(&too_long("La réponse", max, count))
            } else {
                one(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboards find a code in a stored list by its position in the
    /// text (`review::store::figures`): that is exact only while no code
    /// holds another code of its list, or a comma.
    #[test]
    fn no_code_holds_another() {
        for choices in [AUDIENCES, LEVELS, SCHEMES, SHOWCASE_KINDS] {
            for (code, _) in choices {
                // `,` joins a stored list; ` ` and `;` pack the catalogue's
                // facets (`public::store::facet_rows`).
                assert!(!code.contains([',', ' ', ';']), "{code}");
                for (other, _) in choices {
                    assert!(
                        code == other || !code.contains(other),
                        "{code} holds {other}"
                    );
                }
            }
        }
    }
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
