//! The edition form (create and edit): what was typed, and its checks.

use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Europe::Paris;
use serde::Deserialize;

use super::store::{Edition, EditionValues};
use crate::{
    domain::{
        Email,
        declaration::too_long,
        edition::{EditionCalendar, paris_to_utc, parse_reminder_days},
        formats,
    },
    web::{FormErrors, OnceToken},
};

/// The edition form, as typed (nothing is lost when it comes back with errors).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditionForm {
    pub number: String,
    pub year: String,
    pub theme: String,
    pub week_start: String,
    pub week_end: String,
    pub deadline_date: String,
    pub deadline_time: String,
    pub bilan_deadline: String,
    pub circular: String,
    pub contact_email: String,
    pub reminder_days: String,
    /// The form's one-time token (see [`crate::web::once`]).
    pub once: OnceToken,
}

/// The longest theme and circular, in characters.
pub const THEME_MAX: usize = 200;
pub const CIRCULAR_MAX: usize = 50_000;
/// The longest list of reminder days.
const REMINDERS_MAX: usize = 100;

impl EditionForm {
    /// A blank form, with the usual defaults and, when there is one, the
    /// following edition's number and year.
    pub fn blank(latest: Option<&Edition>) -> EditionForm {
        EditionForm {
            number: latest
                .map(|e| (e.number + 1).to_string())
                .unwrap_or_default(),
            year: latest.map(|e| (e.year + 1).to_string()).unwrap_or_default(),
            contact_email: latest.map(|e| e.contact_email.clone()).unwrap_or_default(),
            deadline_time: "23:59".into(),
            reminder_days: "14 7 2".into(),
            ..Default::default()
        }
    }

    /// The form of a stored edition.
    pub fn of(edition: &Edition) -> EditionForm {
        let deadline = edition.declaration_deadline.with_timezone(&Paris);
        EditionForm {
            number: edition.number.to_string(),
            year: edition.year.to_string(),
            theme: edition.theme.clone(),
            week_start: formats::format_date(edition.week_start),
            week_end: formats::format_date(edition.week_end),
            deadline_date: formats::format_date(deadline.date_naive()),
            deadline_time: formats::format_time(deadline.time()),
            bilan_deadline: formats::format_date(edition.bilan_deadline),
            circular: edition.circular.clone(),
            contact_email: edition.contact_email.clone(),
            reminder_days: edition.reminder_days.clone(),
            once: OnceToken::default(),
        }
    }

    /// Checks every field; the errors name the field they belong to.
    pub fn check(&self) -> Result<EditionValues, FormErrors> {
        let mut errors = FormErrors::default();
        let number = self
            .number
            .trim()
            // « 9 », « 9e », « 9ème », « 9E »: the number is what matters.
            .trim_end_matches(char::is_alphabetic)
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n));
        if number.is_none() {
            errors.add(
                "number",
                "Indiquez le numéro de l'édition, par exemple 9 pour la 9e semaine.",
            );
        }
        let year = self
            .year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            errors.add(
                "year",
                "Indiquez l'année de la semaine, sur quatre chiffres (par exemple 2027).",
            );
        }
        let theme = self.theme.trim();
        if theme.is_empty() {
            errors.add("theme", "Indiquez le thème de l'édition.");
        } else if theme.chars().count() > THEME_MAX {
            errors.add(
                "theme",
                too_long("Le thème", THEME_MAX, theme.chars().count()),
            );
        }
        let week_start = date_field(
            &mut errors,
            "week_start",
            &self.week_start,
            "Indiquez le premier jour de la semaine.",
        );
        let week_end = date_field(
            &mut errors,
            "week_end",
            &self.week_end,
            "Indiquez le dernier jour de la semaine.",
        );
        let deadline_date = date_field(
            &mut errors,
            "deadline_date",
            &self.deadline_date,
            "Indiquez la date limite des déclarations.",
        );
        let deadline_time = time_field(&mut errors, "deadline_time", &self.deadline_time);
        let bilan_deadline = date_field(
            &mut errors,
            "bilan_deadline",
            &self.bilan_deadline,
            "Indiquez la date limite des bilans.",
        );
        let circular = self.circular.chars().count();
        if circular > CIRCULAR_MAX {
            errors.add(
                "circular",
                too_long("La note de cadrage", CIRCULAR_MAX, circular),
            );
        }
        let contact_email = match Email::parse(&self.contact_email) {
            Ok(email) => Some(email),
            Err(_) if self.contact_email.trim().is_empty() => {
                errors.add(
                    "contact_email",
                    "Indiquez l'adresse de contact de l'édition, par exemple ce.saio@ac-creteil.fr.",
                );
                None
            }
            Err(err) => {
                errors.add("contact_email", capitalise(&err.to_string()));
                None
            }
        };
        let reminder_days = if self.reminder_days.chars().count() > REMINDERS_MAX {
            errors.add(
                "reminder_days",
                "Indiquez quelques nombres de jours, par exemple « 14 7 2 ».",
            );
            None
        } else {
            parse_reminder_days(&self.reminder_days)
                .map_err(|message| errors.add("reminder_days", message))
                .ok()
        };
        let calendar = match (
            week_start,
            week_end,
            deadline_date,
            deadline_time,
            bilan_deadline,
        ) {
            (Some(week_start), Some(week_end), Some(date), Some(time), Some(bilan_deadline)) => {
                let calendar = EditionCalendar {
                    week_start,
                    week_end,
                    declaration_deadline: paris_to_utc(date, time),
                    bilan_deadline,
                };
                match calendar.validate() {
                    Ok(()) => Some(calendar),
                    Err(err) => {
                        errors.add(err.field, err.message);
                        None
                    }
                }
            }
            _ => None,
        };
        if let (Some(year), Some(start)) = (year, week_start)
            && i64::from(start.year()) != year
        {
            errors.add(
                "year",
                format!("L'année doit être celle de la semaine ({}).", start.year()),
            );
        }
        match (number, year, calendar, contact_email, reminder_days) {
            (Some(number), Some(year), Some(calendar), Some(email), Some(days))
                if errors.is_empty() =>
            {
                Ok(EditionValues {
                    year,
                    number,
                    theme: theme.to_string(),
                    calendar,
                    circular: self.circular.trim_end().to_string(),
                    contact_email: email.to_string(),
                    reminder_days: days
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                })
            }
            _ => Err(errors),
        }
    }
}

/// « saisissez… » → « Saisissez… ».
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

pub fn date_field(
    errors: &mut FormErrors,
    field: &str,
    text: &str,
    missing: &str,
) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        errors.add(field, missing);
        return None;
    }
    let date = formats::parse_date(text);
    if date.is_none() {
        errors.add(field, formats::DATE_MESSAGE);
    }
    date
}

pub fn time_field(errors: &mut FormErrors, field: &str, text: &str) -> Option<NaiveTime> {
    let time = formats::parse_time(text);
    if time.is_none() {
        errors.add(field, formats::TIME_MESSAGE);
    }
    time
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EditionForm {
        EditionForm {
            number: "9".into(),
            year: "2027".into(),
            theme: "Le projet".into(),
            week_start: "2027-04-05".into(),
            week_end: "2027-04-09".into(),
            deadline_date: "12/03/2027".into(),
            deadline_time: "23:59".into(),
            bilan_deadline: "2027-06-30".into(),
            circular: "Note".into(),
            contact_email: "Ce.Saio@ac-creteil.fr".into(),
            reminder_days: "J-7, 14".into(),
            once: OnceToken::default(),
        }
    }

    #[test]
    fn a_good_form_gives_values() {
        let values = good().check().unwrap();
        assert_eq!(values.number, 9);
        assert_eq!(values.contact_email, "ce.saio@ac-creteil.fr");
        assert_eq!(values.reminder_days, "14 7");
        assert_eq!(
            crate::domain::edition::format_paris(values.calendar.declaration_deadline),
            "12/03/2027 à 23:59"
        );
    }

    #[test]
    fn errors_name_their_field() {
        let fields = |form: EditionForm| -> Vec<String> {
            form.check()
                .unwrap_err()
                .list()
                .iter()
                .map(|(f, _)| f.clone())
                .collect()
        };
        assert_eq!(
            fields(EditionForm::default()),
            [
                "number",
                "year",
                "theme",
                "week_start",
                "week_end",
                "deadline_date",
                "deadline_time",
                "bilan_deadline",
                "contact_email"
            ]
        );
        let mut form = good();
        form.week_end = "2027-04-01".into();
        assert_eq!(fields(form), ["week_end"]);
        let mut form = good();
        form.year = "2026".into();
        assert_eq!(fields(form), ["year"]);
        let mut form = good();
        form.contact_email = "pas une adresse".into();
        form.reminder_days = "bientôt".into();
        assert_eq!(fields(form), ["contact_email", "reminder_days"]);
    }
}
