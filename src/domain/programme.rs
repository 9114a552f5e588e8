//! A district programme (issue 8), as a pure value: what a published
//! version holds ([`Content`], stored as JSON), how it is laid out
//! ([`sections`]: by day or by school, the district's own events beside the
//! actions), what changed between two versions ([`diff`], told in a
//! re-diffusion), and the checks of a district event typed in a form
//! ([`EventInput::parse`]). No I/O.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::formats::{self, DATE_MESSAGE, TIME_MESSAGE};

/// The longest introduction kept (characters).
pub const INTRODUCTION_MAX: usize = 5_000;
/// The longest event title, place (characters).
pub const EVENT_TITLE_MAX: usize = 200;
/// The longest event description (characters).
pub const EVENT_DESCRIPTION_MAX: usize = 2_000;

/// How the programme's entries are grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// One section per day, in date order (undated actions last).
    #[default]
    Day,
    /// One section per school, in the order of their first action; the
    /// district's own events first.
    School,
}

impl Grouping {
    /// The stored code (`day`, `school`).
    pub fn code(self) -> &'static str {
        match self {
            Grouping::Day => "day",
            Grouping::School => "school",
        }
    }

    /// Reads a stored or typed code; anything else is `None`.
    pub fn parse(code: &str) -> Option<Grouping> {
        match code.trim() {
            "day" => Some(Grouping::Day),
            "school" => Some(Grouping::School),
            _ => None,
        }
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            Grouping::Day => "par jour",
            Grouping::School => "par établissement",
        }
    }
}

/// An action of the programme, as published (a copy: a later change to the
/// action does not change a published version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub action_id: i64,
    pub title: String,
    pub summary: String,
    /// The school's name, or « Action de district ».
    pub school: String,
    pub date: Option<NaiveDate>,
    /// As typed in the fiche-action (« 14h »), may be empty.
    pub start_time: String,
    pub end_time: String,
    pub place: String,
}

/// An event of the district itself (a launch, a forum…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub title: String,
    pub date: NaiveDate,
    /// `HH:MM` (Paris time), or empty.
    pub time: String,
    pub place: String,
    pub description: String,
}

/// The whole content of a programme version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub district: String,
    pub edition: String,
    pub introduction: String,
    pub grouping: Grouping,
    /// In the coordinator's order.
    pub items: Vec<Item>,
    /// By date, then time.
    pub events: Vec<Event>,
}

/// One line of a laid-out programme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Action(Item),
    Event(Event),
}

impl Entry {
    /// The title shown.
    pub fn title(&self) -> &str {
        match self {
            Entry::Action(i) => &i.title,
            Entry::Event(e) => &e.title,
        }
    }

    /// « mardi 6 avril 2027, 14h – 16h », « Date à préciser ».
    pub fn when(&self) -> String {
        match self {
            Entry::Action(i) => {
                let hours = match (i.start_time.trim(), i.end_time.trim()) {
                    ("", _) => String::new(),
                    (s, "") => format!(", {s}"),
                    (s, e) => format!(", {s} – {e}"),
                };
                match i.date {
                    Some(d) => format!("{}{hours}", french_day(d)),
                    None => "Date à préciser".into(),
                }
            }
            Entry::Event(e) if e.time.is_empty() => french_day(e.date),
            Entry::Event(e) => format!("{}, {}", french_day(e.date), e.time),
        }
    }

    /// Where: the school (and the place typed), or the event's place.
    pub fn place(&self) -> String {
        match self {
            Entry::Action(i) if i.place.trim().is_empty() => i.school.clone(),
            Entry::Action(i) => format!("{} — {}", i.school, i.place.trim()),
            Entry::Event(e) => e.place.clone(),
        }
    }

    /// The summary or description.
    pub fn text(&self) -> &str {
        match self {
            Entry::Action(i) => &i.summary,
            Entry::Event(e) => &e.description,
        }
    }

    /// Whether this is an event of the district itself.
    pub fn is_event(&self) -> bool {
        matches!(self, Entry::Event(_))
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Entry::Action(i) => i.date,
            Entry::Event(e) => Some(e.date),
        }
    }
}

/// A heading and its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub entries: Vec<Entry>,
}

/// « mardi 6 avril 2027 » (the same words as the rendez-vous).
pub fn french_day(date: NaiveDate) -> String {
    super::meeting::long_date(date)
}

/// The programme laid out in sections, as the page, the PDF and the print
/// show it. By day: each date in order (events of a day before its
/// actions, actions in the composed order), undated actions last under
/// « Date à préciser ». By school: the district's events first, then each
/// school in the order of its first action.
pub fn sections(content: &Content) -> Vec<Section> {
    let mut entries: Vec<Entry> = content
        .events
        .iter()
        .cloned()
        .map(Entry::Event)
        .chain(content.items.iter().cloned().map(Entry::Action))
        .collect();
    let mut sections: Vec<Section> = Vec::new();
    match content.grouping {
        Grouping::Day => {
            // Stable: the composed order holds within a day.
            entries.sort_by_key(|e| (e.date().is_none(), e.date(), !e.is_event()));
            for entry in entries {
                let heading = entry
                    .date()
                    .map(|d| capitalise(&french_day(d)))
                    .unwrap_or_else(|| "Date à préciser".into());
                push_entry(&mut sections, heading, entry);
            }
        }
        Grouping::School => {
            for entry in entries {
                let heading = match &entry {
                    Entry::Event(_) => "Événements du district".to_string(),
                    Entry::Action(i) => i.school.clone(),
                };
                push_entry(&mut sections, heading, entry);
            }
        }
    }
    sections
}

fn push_entry(sections: &mut Vec<Section>, heading: String, entry: Entry) {
    match sections.iter_mut().find(|s| s.heading == heading) {
        Some(section) => section.entries.push(entry),
        None => sections.push(Section {
            heading,
            entries: vec![entry],
        }),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What changed from one published version to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Titles of the actions added, removed, moved (position among the
    /// actions kept, or date changed).
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub moved: Vec<String>,
    /// Titles of the events added, removed or changed.
    pub events: Vec<String>,
    pub introduction: bool,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// The French lines told in a re-diffusion.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let list = |v: &[String]| {
            v.iter()
                .map(|t| format!("« {t} »"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.added.is_empty() {
            lines.push(format!("Actions ajoutées : {}", list(&self.added)));
        }
        if !self.removed.is_empty() {
            lines.push(format!("Actions retirées : {}", list(&self.removed)));
        }
        if !self.moved.is_empty() {
            lines.push(format!("Actions déplacées : {}", list(&self.moved)));
        }
        if !self.events.is_empty() {
            lines.push(format!(
                "Événements du district modifiés : {}",
                list(&self.events)
            ));
        }
        if self.introduction {
            lines.push("L’introduction a changé.".into());
        }
        if lines.is_empty() {
            lines.push("Aucun changement depuis la dernière diffusion.".into());
        }
        lines
    }
}

/// What changed from `old` to `new`: actions added and removed (by action),
/// moved (their rank among the actions both keep, or their date, changed),
/// events added, removed or changed (by id), the introduction.
pub fn diff(old: &Content, new: &Content) -> Changes {
    let kept_old: Vec<&Item> = old
        .items
        .iter()
        .filter(|i| new.items.iter().any(|n| n.action_id == i.action_id))
        .collect();
    let kept_new: Vec<&Item> = new
        .items
        .iter()
        .filter(|i| old.items.iter().any(|o| o.action_id == i.action_id))
        .collect();
    let moved = kept_new
        .iter()
        .enumerate()
        .filter(|(rank, item)| {
            let before = kept_old.iter().position(|o| o.action_id == item.action_id);
            let date_before = kept_old
                .iter()
                .find(|o| o.action_id == item.action_id)
                .and_then(|o| o.date);
            before != Some(*rank) || date_before != item.date
        })
        .map(|(_, item)| item.title.clone())
        .collect();
    let mut events: Vec<String> = Vec::new();
    for event in &new.events {
        match old.events.iter().find(|o| o.id == event.id) {
            Some(o) if o == event => {}
            _ => events.push(event.title.clone()),
        }
    }
    for event in &old.events {
        if !new.events.iter().any(|n| n.id == event.id) {
            events.push(event.title.clone());
        }
    }
    Changes {
        added: new
            .items
            .iter()
            .filter(|i| !old.items.iter().any(|o| o.action_id == i.action_id))
            .map(|i| i.title.clone())
            .collect(),
        removed: old
            .items
            .iter()
            .filter(|i| !new.items.iter().any(|n| n.action_id == i.action_id))
            .map(|i| i.title.clone())
            .collect(),
        moved,
        events,
        introduction: old.introduction.trim() != new.introduction.trim(),
    }
}

/// A district event, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventInput {
    pub title: String,
    pub date: NaiveDate,
    /// `HH:MM` or empty.
    pub time: String,
    pub place: String,
    pub description: String,
}

impl EventInput {
    /// Checks an event typed in the form (date as `JJ/MM/AAAA`, time as
    /// « 14h30 »). Errors name the field and say what to type, in French.
    pub fn parse(
        title: &str,
        date: &str,
        time: &str,
        place: &str,
        description: &str,
    ) -> Result<EventInput, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let title = title.trim();
        if title.is_empty() {
            errors.push(("titre", "Indiquez le titre de l’événement.".to_string()));
        } else if title.chars().count() > EVENT_TITLE_MAX {
            errors.push((
                "titre",
                format!("Le titre dépasse {EVENT_TITLE_MAX} caractères."),
            ));
        }
        let day = formats::parse_date(date);
        if day.is_none() {
            errors.push(("date", DATE_MESSAGE.to_string()));
        }
        let time = if time.trim().is_empty() {
            Some(String::new())
        } else {
            formats::parse_time(time).map(|t: NaiveTime| t.format("%H:%M").to_string())
        };
        if time.is_none() {
            errors.push(("heure", TIME_MESSAGE.to_string()));
        }
        if place.trim().chars().count() > EVENT_TITLE_MAX {
            errors.push((
                "lieu",
                format!("Le lieu dépasse {EVENT_TITLE_MAX} caractères."),
            ));
        }
        if description.trim().chars().count() > EVENT_DESCRIPTION_MAX {
            errors.push((
                "description",
                format!("La description dépasse {EVENT_DESCRIPTION_MAX} caractères."),
            ));
        }
        match (day, time) {
            (Some(date), Some(time)) if errors.is_empty() => Ok(EventInput {
                title: title.to_string(),
                date,
                time,
                place: place.trim().to_string(),
                description: description.trim().to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, title: &str, school: &str, day: Option<u32>) -> Item {
        Item {
            action_id: id,
            title: title.into(),
            summary: String::new(),
            school: school.into(),
            date: day.map(|d| NaiveDate::from_ymd_opt(2027, 4, d).unwrap()),
            start_time: String::new(),
            end_time: String::new(),
            place: String::new(),
        }
    }

    fn event(id: i64, title: &str, day: u32) -> Event {
        Event {
            id,
            title: title.into(),
            date: NaiveDate::from_ymd_opt(2027, 4, day).unwrap(),
            time: "09:00".into(),
            place: "Salle des fêtes".into(),
            description: String::new(),
        }
    }

    fn content() -> Content {
        Content {
            items: vec![
                item(1, "Forum", "Collège A", Some(7)),
                item(2, "Théâtre", "Lycée B", Some(6)),
                item(3, "Expo", "Collège A", None),
            ],
            events: vec![event(10, "Lancement", 6)],
            ..Content::default()
        }
    }

    #[test]
    fn by_day_puts_dates_in_order_events_first_and_undated_last() {
        let s = sections(&content());
        let heads: Vec<&str> = s.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            heads,
            [
                "Mardi 6 avril 2027",
                "Mercredi 7 avril 2027",
                "Date à préciser"
            ]
        );
        assert_eq!(s[0].entries[0].title(), "Lancement");
        assert_eq!(s[0].entries[1].title(), "Théâtre");
    }

    #[test]
    fn by_school_keeps_first_appearance_and_events_first() {
        let mut c = content();
        c.grouping = Grouping::School;
        let heads: Vec<String> = sections(&c).into_iter().map(|s| s.heading).collect();
        assert_eq!(heads, ["Événements du district", "Collège A", "Lycée B"]);
    }

    #[test]
    fn diff_tells_added_removed_moved_and_events() {
        let old = content();
        let mut new = content();
        new.items.remove(2); // Expo removed
        new.items.swap(0, 1); // moved
        new.items.push(item(4, "Rallye", "Lycée B", Some(8)));
        new.events[0].time = "10:00".into();
        new.introduction = "Bienvenue".into();
        let d = diff(&old, &new);
        assert_eq!(d.added, ["Rallye"]);
        assert_eq!(d.removed, ["Expo"]);
        assert_eq!(d.moved, ["Théâtre", "Forum"]);
        assert_eq!(d.events, ["Lancement"]);
        assert!(d.introduction);
        assert!(diff(&old, &old).is_empty());
        assert_eq!(
            diff(&old, &old).lines(),
            ["Aucun changement depuis la dernière diffusion."]
        );
    }

    #[test]
    fn an_event_is_checked_field_by_field() {
        let ok = EventInput::parse("Lancement", "06/04/2027", "9h30", "Mairie", "").unwrap();
        assert_eq!(ok.time, "09:30");
        let errors = EventInput::parse(" ", "31/02/2027", "midi passé", "", "").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["titre", "date", "heure"]);
    }

    #[test]
    fn french_days() {
        assert_eq!(
            french_day(NaiveDate::from_ymd_opt(2027, 8, 1).unwrap()),
            "dimanche 1er août 2027"
        );
    }
}
