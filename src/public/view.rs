//! How a published action reads on the public side: labels, dates, the
//! schema.org `Event` JSON-LD, share links and its calendar event.

use chrono::{NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::json;

use super::store::PublicAction;
use crate::domain::{
    declaration::{self, AUDIENCES, LEVELS, SCHEMES, SHOWCASE_KINDS},
    meeting::{CalendarEvent, Slot, long_date},
};

/// The hashtag every share link carries.
pub const HASHTAG: &str = "PerseveranceScolaire";

/// A published action, ready for a template.
#[derive(Clone, Debug)]
pub struct ActionView {
    pub a: PublicAction,
    /// `/a/{slug}/actions/{id}`
    pub path: String,
}

fn labels(choices: declaration::Choices, list: &str) -> String {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|c| declaration::label_of(choices, c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

impl ActionView {
    pub fn new(a: PublicAction, slug: &str) -> ActionView {
        let path = format!("/a/{slug}/actions/{}", a.id);
        ActionView { a, path }
    }

    /// « mardi 4 avril 2028, 14:00 – 16:00 », or « Date à préciser ».
    pub fn when(&self) -> String {
        let Some(day) = self.a.starts_on else {
            return "Date à préciser".into();
        };
        let mut text = long_date(day);
        if !self.a.start_time.is_empty() {
            text.push_str(", ");
            text.push_str(&self.a.start_time);
            if !self.a.end_time.is_empty() {
                text.push_str(" – ");
                text.push_str(&self.a.end_time);
            }
        }
        text
    }

    /// The school (or the district for a district action), and its commune.
    pub fn where_(&self) -> String {
        let mut parts = Vec::new();
        if let Some(school) = &self.a.school_name {
            parts.push(school.clone());
        } else if let Some(district) = &self.a.district_name {
            parts.push(format!("District {district}"));
        }
        if let Some(commune) = &self.a.commune {
            parts.push(commune.clone());
        }
        parts.join(", ")
    }

    pub fn audiences(&self) -> String {
        labels(AUDIENCES, &self.a.audiences)
    }
    pub fn levels(&self) -> String {
        labels(LEVELS, &self.a.levels)
    }
    pub fn scheme(&self) -> String {
        if self.a.scheme.is_empty() || self.a.scheme == "aucun" {
            String::new()
        } else {
            declaration::label_of(SCHEMES, &self.a.scheme)
        }
    }
    pub fn showcase(&self) -> String {
        let mut text = labels(SHOWCASE_KINDS, &self.a.showcase_kinds);
        if !self.a.showcase_other.is_empty() {
            text.push_str(" (");
            text.push_str(&self.a.showcase_other);
            text.push(')');
        }
        text
    }

    /// A short description for lists, feeds and Open Graph.
    pub fn blurb(&self) -> String {
        let text = if self.a.summary.is_empty() {
            &self.a.description
        } else {
            &self.a.summary
        };
        let short: String = text.chars().take(280).collect();
        if short.len() < text.len() {
            format!("{short}…")
        } else {
            short
        }
    }

    /// The start as an RFC 3339 date-time with the Europe/Paris offset
    /// (`2028-04-04T14:00:00+02:00`), or the date alone when no time is set.
    pub fn start_iso(&self) -> Option<String> {
        let day = self.a.starts_on?;
        Some(match time(&self.a.start_time) {
            Some(t) => Paris
                .from_local_datetime(&day.and_time(t))
                .earliest()
                .map(|d| d.to_rfc3339())
                .unwrap_or_else(|| day.to_string()),
            None => day.to_string(),
        })
    }

    fn end_iso(&self) -> Option<String> {
        let day = self.a.starts_on?;
        let t = time(&self.a.end_time)?;
        Paris
            .from_local_datetime(&day.and_time(t))
            .earliest()
            .map(|d| d.to_rfc3339())
    }

    /// The schema.org `Event` as JSON-LD, safe inside a `<script>` element
    /// (`<`, `>` and `&` escaped as `\u003c`…).
    pub fn json_ld(&self, base: &str, organizer: &str) -> String {
        let mut event = json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.a.title,
            "description": self.blurb(),
            "url": format!("{base}{}", self.path),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "eventStatus": "https://schema.org/EventScheduled",
            "location": {
                "@type": "Place",
                "name": if self.a.place.is_empty() { self.where_() } else { format!("{}, {}", self.a.place, self.where_()) },
                "address": {
                    "@type": "PostalAddress",
                    "name": self.a.school_name.clone().unwrap_or_default(),
                    "addressLocality": self.a.commune.clone().unwrap_or_default(),
                    "postalCode": self.a.postal_code.clone().unwrap_or_default(),
                    "addressCountry": "FR"
                }
            },
            "organizer": {
                "@type": "Organization",
                "name": organizer,
                "url": base,
            },
        });
        if let Some(start) = self.start_iso() {
            event["startDate"] = json!(start);
        }
        if let Some(end) = self.end_iso() {
            event["endDate"] = json!(end);
        }
        if let (Some(lat), Some(lon)) = (self.a.latitude, self.a.longitude) {
            event["location"]["geo"] =
                json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
        }
        event
            .to_string()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    /// Share links: `(label, href)`, each carrying #PerseveranceScolaire.
    pub fn share_links(&self, base: &str) -> Vec<(&'static str, String)> {
        let url = format!("{base}{}", self.path);
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let text = format!("{} #{HASHTAG}", self.a.title);
        vec![
            (
                "Partager sur X",
                format!(
                    "https://twitter.com/intent/tweet?text={}&url={}&hashtags={HASHTAG}",
                    enc(&self.a.title),
                    enc(&url)
                ),
            ),
            (
                "Partager sur Facebook",
                format!(
                    "https://www.facebook.com/sharer.php?u={}&hashtag=%23{HASHTAG}",
                    enc(&url)
                ),
            ),
            (
                "Partager sur LinkedIn",
                format!(
                    "https://www.linkedin.com/feed/?shareActive=true&text={}",
                    enc(&format!("{text} {url}"))
                ),
            ),
            (
                "Partager par courriel",
                format!(
                    "mailto:?subject={}&body={}",
                    enc(&text).replace('+', "%20"),
                    enc(&format!("{text}\n{url}")).replace('+', "%20")
                ),
            ),
        ]
    }

    /// The action as a calendar event (`None` without a date). Without a
    /// time, 9:00 for two hours; without an end, two hours.
    pub fn calendar_event(&self, base: &str, contact: &str) -> Option<CalendarEvent> {
        let day = self.a.starts_on?;
        let start = time(&self.a.start_time).unwrap_or(NaiveTime::from_hms_opt(9, 0, 0)?);
        let minutes = time(&self.a.end_time)
            .map(|end| (end - start).num_minutes())
            .filter(|m| *m > 0)
            .unwrap_or(120);
        let starts_at = Paris
            .from_local_datetime(&day.and_time(start))
            .earliest()?
            .with_timezone(&Utc);
        let host = base.split("://").nth(1).unwrap_or("perseverance");
        Some(CalendarEvent {
            location: Some(if self.a.place.is_empty() {
                self.where_()
            } else {
                format!("{}, {}", self.a.place, self.where_())
            }),
            uid: format!("action-{}@{host}", self.a.id),
            slot: Slot {
                starts_at,
                duration_minutes: minutes,
            },
            summary: self.a.title.clone(),
            description: format!("{}\n#{HASHTAG}", self.blurb()),
            url: format!("{base}{}", self.path),
            organizer_email: contact.to_string(),
            attendee_email: None,
            sequence: self.a.updated_at.timestamp() - 1_704_067_200,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{ActionId, EditionId};
    use chrono::NaiveDate;

    fn action() -> PublicAction {
        PublicAction {
            id: ActionId(7),
            edition_id: EditionId(1),
            edition_year: 2028,
            title: "Forum </script> des métiers".into(),
            summary: "Rencontres".into(),
            description: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2028, 4, 4),
            start_time: "14:00".into(),
            end_time: "16:30".into(),
            place: "Gymnase".into(),
            partners: String::new(),
            audiences: "eleves,parents".into(),
            levels: "3e".into(),
            scheme: "aucun".into(),
            showcase_kinds: "exposition".into(),
            showcase_other: String::new(),
            expected_participants: Some(40),
            catalogue_rank: 0,
            owner_shown: String::new(),
            school_name: Some("Collège Jean Moulin".into()),
            uai: Some("0930001A".into()),
            commune: Some("Bobigny".into()),
            postal_code: Some("93000".into()),
            latitude: Some(48.9),
            longitude: Some(2.44),
            district_id: None,
            district_name: None,
            department_code: Some("93".into()),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn json_ld_is_an_event_in_paris_time_and_cannot_close_its_script() {
        let view = ActionView::new(action(), "creteil");
        let ld = view.json_ld("https://x.test", "Académie de Créteil");
        assert!(!ld.contains("</script>"));
        let value: serde_json::Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(value["@type"], "Event");
        assert_eq!(value["startDate"], "2028-04-04T14:00:00+02:00");
        assert_eq!(value["endDate"], "2028-04-04T16:30:00+02:00");
        assert_eq!(value["location"]["address"]["addressLocality"], "Bobigny");
        assert_eq!(value["name"], "Forum </script> des métiers");
    }

    #[test]
    fn share_links_carry_the_hashtag() {
        let view = ActionView::new(action(), "creteil");
        for (_, href) in view.share_links("https://x.test") {
            assert!(href.contains("PerseveranceScolaire"), "{href}");
        }
    }
}
