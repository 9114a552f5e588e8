//! The question form (add and change a question of the edition's own
//! form), as typed, and its checks: options keep their ids when renamed.

use crate::{
    domain::{
        OptionId, QuestionId,
        declaration::{Question, QuestionKind, QuestionOption, too_long},
    },
    web::{FormErrors, OnceToken, once},
};

/// The longest label, help and option of a question, in characters.
const LABEL_MAX: usize = 300;
const HELP_MAX: usize = 1_000;
pub(super) const OPTION_MAX: usize = 200;
/// The most options of a choice question.
const OPTIONS_MAX: usize = 50;

/// The question form, as typed: read from pairs, as the options already
/// stored come as one field each (`option_<ID>`), so that renaming one
/// keeps its id.
#[derive(Clone, Debug, Default)]
pub struct QuestionForm {
    pub kind: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// The stored options as typed now: (id, label); an emptied one is
    /// deleted.
    pub existing: Vec<(OptionId, String)>,
    /// New options, one per line.
    pub options: String,
    /// The person confirmed what the change erases.
    pub confirmed: bool,
    pub once: OnceToken,
}

impl QuestionForm {
    /// A blank question: short text, required (every field is, by default).
    pub(super) fn blank() -> QuestionForm {
        QuestionForm {
            kind: QuestionKind::ShortText.code().into(),
            required: true,
            ..Default::default()
        }
    }

    pub(super) fn of(question: &Question) -> QuestionForm {
        QuestionForm {
            kind: question.kind.code().into(),
            label: question.label.clone(),
            help: question.help.clone(),
            required: question.required,
            existing: question
                .options
                .iter()
                .map(|o| (o.id, o.label.clone()))
                .collect(),
            ..Default::default()
        }
    }

    pub(super) fn read(pairs: &[(String, String)]) -> QuestionForm {
        let mut form = QuestionForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "kind" => form.kind = value.clone(),
                "label" => form.label = value.clone(),
                "help" => form.help = value.clone(),
                "required" => form.required = !value.is_empty(),
                "options" => form.options = value.clone(),
                "confirm" => form.confirmed = value == "1",
                once::FIELD => form.once = value.clone().into(),
                other => {
                    if let Some(id) = other.strip_prefix("option_").and_then(|id| id.parse().ok())
                        && form.existing.len() < OPTIONS_MAX * 2
                        && !form.existing.iter().any(|(known, _)| *known == id)
                    {
                        form.existing.push((id, value.clone()));
                    }
                }
            }
        }
        form
    }

    /// Checks every field. The stored options (`previous`) keep their ids
    /// when renamed; options of another question are ignored.
    pub(super) fn check(&self, previous: &[QuestionOption]) -> Result<Question, FormErrors> {
        let mut errors = FormErrors::default();
        let kind = QuestionKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "Choisissez le type de question.");
        }
        let label = self.label.trim();
        if label.is_empty() {
            errors.add("label", "Indiquez l'intitulé de la question.");
        } else if label.chars().count() > LABEL_MAX {
            errors.add(
                "label",
                too_long("L'intitulé", LABEL_MAX, label.chars().count()),
            );
        }
        let help = self.help.trim();
        if help.chars().count() > HELP_MAX {
            errors.add("help", too_long("L'aide", HELP_MAX, help.chars().count()));
        }
        // Each option once: the stored ones first (in their order), then the new lines.
        let mut options: Vec<QuestionOption> = Vec::new();
        let kept = self
            .existing
            .iter()
            .filter(|(id, _)| previous.iter().any(|o| o.id == *id))
            .map(|(id, label)| (*id, label.trim()));
        // A new line that repeats a stored option's text is that option
        // (a form that lists every option in one field keeps their ids).
        let added = self.options.lines().map(|label| {
            let label = label.trim();
            let id = previous
                .iter()
                .find(|o| o.label == label)
                .map_or(OptionId(0), |o| o.id);
            (id, label)
        });
        for (id, label) in kept.chain(added) {
            if label.is_empty() || options.iter().any(|o| o.label == label) {
                continue;
            }
            let id = if options.iter().any(|o| o.id == id) {
                OptionId(0)
            } else {
                id
            };
            options.push(QuestionOption {
                id,
                label: label.to_string(),
            });
        }
        match kind {
            Some(kind) if kind.has_options() => {
                if options.len() < 2 {
                    errors.add(
                        "options",
                        "Indiquez au moins deux réponses possibles, une par ligne.",
                    );
                } else if let Some(long) = options
                    .iter()
                    .find(|o| o.label.chars().count() > OPTION_MAX)
                {
                    errors.add(
                        "options",
                        format!(
                            "Chaque réponse possible doit tenir en {OPTION_MAX} caractères ; « {}… » en compte {}.",
                            long.label.chars().take(40).collect::<String>(),
                            long.label.chars().count()
                        ),
                    );
                } else if options.len() > OPTIONS_MAX {
                    errors.add(
                        "options",
                        format!("Proposez au plus {OPTIONS_MAX} réponses."),
                    );
                }
            }
            _ => options.clear(),
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Question {
                id: QuestionId(0),
                kind,
                label: label.to_string(),
                help: help.to_string(),
                required: self.required,
                options,
            }),
            _ => Err(errors),
        }
    }
}
