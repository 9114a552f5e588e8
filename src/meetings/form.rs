//! The session form (create and edit): what was typed, and its checks.

use chrono_tz::Europe::Paris;
use serde::Deserialize;

use super::store::{Meeting, MeetingValues};
use crate::{
    domain::{
        declaration::too_long,
        formats,
        meeting::{CAPACITY_MAX, DURATION_RANGE, SlotError, parse_visio_url, slot_start},
    },
    web::{FormErrors, OnceToken},
};

/// The session form, as typed (nothing is lost when it comes back).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    pub date: String,
    pub time: String,
    pub duration: String,
    pub topic: String,
    pub description: String,
    pub speakers: String,
    pub visio_url: String,
    pub link_opens: String,
    pub capacity: String,
    pub materials: String,
    pub once: OnceToken,
}

pub const TOPIC_MAX: usize = 200;
pub const TEXT_MAX: usize = 5_000;
pub const SPEAKERS_MAX: usize = 500;

impl MeetingForm {
    /// A blank form: Wednesdays at 14:00 for an hour and a half in 2024.
    pub fn blank() -> MeetingForm {
        MeetingForm {
            time: "14:00".into(),
            duration: "90".into(),
            link_opens: "30".into(),
            capacity: "200".into(),
            ..Default::default()
        }
    }

    pub fn of(meeting: &Meeting) -> MeetingForm {
        let local = meeting.starts_at.with_timezone(&Paris);
        MeetingForm {
            date: formats::format_date(local.date_naive()),
            time: formats::format_time(local.time()),
            duration: meeting.duration_minutes.to_string(),
            topic: meeting.topic.clone(),
            description: meeting.description.clone(),
            speakers: meeting.speakers.clone(),
            visio_url: meeting.visio_url.clone(),
            link_opens: meeting.link_opens_minutes.to_string(),
            capacity: meeting.capacity.to_string(),
            materials: meeting.materials.clone(),
            once: OnceToken::default(),
        }
    }

    /// Checks each field on its own (the rules that need the other
    /// sessions and the registrations come after, [`crate::domain::meeting::check_slot`]).
    pub fn check(&self) -> Result<MeetingValues, FormErrors> {
        let mut errors = FormErrors::default();
        let date = formats::parse_date(&self.date);
        if date.is_none() {
            errors.add("date", formats::DATE_MESSAGE);
        }
        let time = formats::parse_time(&self.time);
        if time.is_none() {
            errors.add("time", formats::TIME_MESSAGE);
        }
        let duration =
            formats::parse_integer(&self.duration).filter(|d| DURATION_RANGE.contains(d));
        if duration.is_none() {
            errors.add(
                "duration",
                "Indiquez la durée en minutes, entre 15 et 480 (par exemple 90).",
            );
        }
        let topic = self.topic.trim();
        if topic.is_empty() {
            errors.add("topic", "Indiquez le sujet de la séance.");
        } else if topic.chars().count() > TOPIC_MAX {
            errors.add(
                "topic",
                too_long("Le sujet", TOPIC_MAX, topic.chars().count()),
            );
        }
        for (field, what, value, max) in [
            (
                "description",
                "La présentation",
                &self.description,
                TEXT_MAX,
            ),
            (
                "speakers",
                "La liste des intervenants",
                &self.speakers,
                SPEAKERS_MAX,
            ),
            ("materials", "Les supports", &self.materials, TEXT_MAX),
        ] {
            let count = value.chars().count();
            if count > max {
                errors.add(field, too_long(what, max, count));
            }
        }
        let visio_url = parse_visio_url(&self.visio_url)
            .map_err(|message| errors.add("visio_url", message))
            .ok();
        let link_opens =
            formats::parse_integer(&self.link_opens).filter(|m| (0..=1440).contains(m));
        if link_opens.is_none() {
            errors.add(
                "link_opens",
                "Indiquez en minutes quand le lien devient visible avant la séance, entre 0 et 1440 (par exemple 30).",
            );
        }
        let capacity =
            formats::parse_integer(&self.capacity).filter(|c| (1..=CAPACITY_MAX).contains(c));
        if capacity.is_none() {
            errors.add(
                "capacity",
                "Indiquez le nombre de places, un nombre entier entre 1 et 10 000.",
            );
        }
        match (date, time, duration, visio_url, link_opens, capacity) {
            (
                Some(date),
                Some(time),
                Some(duration),
                Some(visio_url),
                Some(link_opens),
                Some(capacity),
            ) if errors.is_empty() => Ok(MeetingValues {
                starts_at: slot_start(date, time),
                duration_minutes: duration,
                topic: topic.to_string(),
                description: self.description.trim().to_string(),
                speakers: self.speakers.trim().to_string(),
                visio_url,
                link_opens_minutes: link_opens,
                capacity,
                materials: self.materials.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// Adds the errors of [`crate::domain::meeting::check_slot`] to the form's.
pub fn add_slot_errors(errors: &mut FormErrors, found: Vec<SlotError>) {
    for error in found {
        errors.add(error.field, error.message);
    }
}
