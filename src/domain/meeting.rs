//! The « rendez-vous de la persévérance »: online sessions the académie holds
//! for référents before the week (`DOMAIN.md` step 6; Créteil's 2024 note:
//! six Wednesdays at 14:00, one topic each). Pure rules: where a new
//! registration goes, when the visio link shows, what makes a session
//! invalid (issue 10 « Bad input »), and the iCalendar text of a session.
//!
//! Times: sessions are typed and shown in Europe/Paris wall time and kept as
//! UTC instants.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Paris;

/// Where a person stands for a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seat {
    Registered,
    /// On the waiting list; takes the first place freed, in arrival order.
    Waiting,
}

impl Seat {
    pub fn code(self) -> &'static str {
        match self {
            Seat::Registered => "registered",
            Seat::Waiting => "waiting",
        }
    }

    pub fn parse(code: &str) -> Option<Seat> {
        match code {
            "registered" => Some(Seat::Registered),
            "waiting" => Some(Seat::Waiting),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Seat::Registered => "inscrit",
            Seat::Waiting => "en liste d'attente",
        }
    }

    /// Where a new registration goes when `registered` of `capacity` places
    /// are taken (counted under the session's lock).
    pub fn for_newcomer(registered: i64, capacity: i64) -> Seat {
        if registered < capacity {
            Seat::Registered
        } else {
            Seat::Waiting
        }
    }
}

/// A session's timing, as the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i64,
}

impl Slot {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(self.duration_minutes)
    }

    /// Whether two sessions share some minute (touching ends do not).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.starts_at < other.ends_at() && other.starts_at < self.ends_at()
    }

    /// Whether a registered person sees the visio link at `now`: from
    /// `opens_minutes` before the start until the end.
    pub fn link_visible(&self, opens_minutes: i64, now: DateTime<Utc>) -> bool {
        now >= self.starts_at - Duration::minutes(opens_minutes) && now <= self.ends_at()
    }

    /// Whether people may still register or cancel: until the start.
    pub fn open_for_registration(&self, now: DateTime<Utc>) -> bool {
        now < self.starts_at
    }
}

/// The shortest and longest session, in minutes.
pub const DURATION_RANGE: std::ops::RangeInclusive<i64> = 15..=480;
/// The largest capacity a session may have.
pub const CAPACITY_MAX: i64 = 10_000;

/// Why a session cannot be saved: the field and the French message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotError {
    pub field: &'static str,
    pub message: String,
}

/// Checks a session against the clock, the edition's other sessions and its
/// registrations (issue 10 « Bad input »): not in the past (unless it is
/// unchanged, an old session being edited for its materials), not
/// overlapping another session of the edition (`others`: topic and slot),
/// capacity not below the people already registered.
pub fn check_slot(
    slot: &Slot,
    previous: Option<&Slot>,
    capacity: i64,
    registered: i64,
    others: &[(String, Slot)],
    now: DateTime<Utc>,
) -> Vec<SlotError> {
    let mut errors = Vec::new();
    let moved = previous.is_none_or(|p| p.starts_at != slot.starts_at);
    if moved && slot.starts_at <= now {
        errors.push(SlotError {
            field: "date",
            message: format!(
                "Cette date est passée (nous sommes le {}) : indiquez une date à venir.",
                crate::domain::edition::format_paris(now)
            ),
        });
    }
    if let Some((topic, other)) = others.iter().find(|(_, o)| o.overlaps(slot)) {
        errors.push(SlotError {
            field: "time",
            message: format!(
                "Ce créneau chevauche le rendez-vous « {topic} » ({} – {}) : choisissez un autre \
                 horaire ou une autre durée.",
                crate::domain::edition::format_paris(other.starts_at),
                other.ends_at().with_timezone(&Paris).format("%H:%M")
            ),
        });
    }
    if capacity < registered {
        errors.push(SlotError {
            field: "capacity",
            message: format!(
                "{registered} personnes sont déjà inscrites : la capacité ne peut pas être \
                 inférieure à {registered}."
            ),
        });
    }
    errors
}

/// Reads a visio link: an `https://` or `http://` address, nothing else (no
/// `javascript:`), or empty (not known yet).
pub fn parse_visio_url(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => {
            Ok(url.to_string())
        }
        _ => {
            Err("Indiquez l'adresse complète du lien de visioconférence, commençant par https://.")
        }
    }
}

/// « mercredi 28 février 2024 à 14:00 »
pub fn format_long(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Paris);
    format!(
        "{} à {}",
        long_date(local.date_naive()),
        local.format("%H:%M")
    )
}

/// « mercredi 28 février 2024 »
pub fn long_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let day = if date.day() == 1 {
        "1er".to_string()
    } else {
        date.day().to_string()
    };
    format!(
        "{} {day} {} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// A session as an iCalendar event (RFC 5545), written by hand: a few
/// properties do not justify a crate.
#[derive(Clone, Debug)]
pub struct CalendarEvent {
    /// Stable across mails and feeds, so calendars update the same event.
    pub uid: String,
    pub slot: Slot,
    pub summary: String,
    pub description: String,
    /// The visio link, or the page that will show it.
    pub url: String,
    pub organizer_email: String,
    pub attendee_email: Option<String>,
    /// Where it takes place (else the URL is given as the location).
    pub location: Option<String>,
    /// Increases each time the session changes (calendars take the latest).
    pub sequence: i64,
}

/// The method of an iCalendar object: an invitation (`REQUEST`), a
/// withdrawal (`CANCEL`), or a feed (`PUBLISH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarMethod {
    Request,
    Cancel,
    Publish,
}

impl CalendarMethod {
    pub fn code(self) -> &'static str {
        match self {
            CalendarMethod::Request => "REQUEST",
            CalendarMethod::Cancel => "CANCEL",
            CalendarMethod::Publish => "PUBLISH",
        }
    }
}

/// The whole `VCALENDAR` text (CRLF lines, folded at 75 octets), times in
/// Europe/Paris with its `VTIMEZONE`, `stamp` the generation instant.
pub fn calendar(
    name: &str,
    method: CalendarMethod,
    events: &[CalendarEvent],
    stamp: DateTime<Utc>,
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Perseverance//Rendez-vous de la perseverance//FR".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{}", method.code()),
        format!("X-WR-CALNAME:{}", escape(name)),
        "X-WR-TIMEZONE:Europe/Paris".into(),
    ];
    lines.extend(PARIS_TIMEZONE.iter().map(|l| l.to_string()));
    for event in events {
        let local = |at: DateTime<Utc>| at.with_timezone(&Paris).format("%Y%m%dT%H%M%S");
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", event.uid));
        lines.push(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
        lines.push(format!("SEQUENCE:{}", event.sequence));
        lines.push(format!(
            "DTSTART;TZID=Europe/Paris:{}",
            local(event.slot.starts_at)
        ));
        lines.push(format!(
            "DTEND;TZID=Europe/Paris:{}",
            local(event.slot.ends_at())
        ));
        lines.push(format!("SUMMARY:{}", escape(&event.summary)));
        lines.push(format!("DESCRIPTION:{}", escape(&event.description)));
        if !event.url.is_empty() {
            lines.push(format!("URL:{}", event.url));
        }
        match &event.location {
            Some(place) => lines.push(format!("LOCATION:{}", escape(place))),
            None if !event.url.is_empty() => lines.push(format!("LOCATION:{}", escape(&event.url))),
            None => {}
        }
        lines.push(format!(
            "ORGANIZER;CN=Persévérance:mailto:{}",
            event.organizer_email
        ));
        if let Some(attendee) = &event.attendee_email {
            lines.push(format!(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{attendee}"
            ));
        }
        lines.push(format!(
            "STATUS:{}",
            if method == CalendarMethod::Cancel {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

/// Europe/Paris since 1996: CET, CEST from the last Sunday of March to the
/// last Sunday of October.
const PARIS_TIMEZONE: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19810329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// TEXT escaping (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets without splitting a character,
/// ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// A Paris date and time typed in the form, as an instant.
pub fn slot_start(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    crate::domain::edition::paris_to_utc(date, time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn slot(start: DateTime<Utc>, minutes: i64) -> Slot {
        Slot {
            starts_at: start,
            duration_minutes: minutes,
        }
    }

    #[test]
    fn newcomers_fill_places_then_wait() {
        assert_eq!(Seat::for_newcomer(0, 200), Seat::Registered);
        assert_eq!(Seat::for_newcomer(199, 200), Seat::Registered);
        assert_eq!(Seat::for_newcomer(200, 200), Seat::Waiting);
        for seat in [Seat::Registered, Seat::Waiting] {
            assert_eq!(Seat::parse(seat.code()), Some(seat));
        }
    }

    #[test]
    fn link_shows_from_its_opening_to_the_end() {
        // Créteil 2024: Wednesday 28 February, 14:00, one hour.
        let s = slot(at(2024, 2, 28, 14, 0), 60);
        assert!(!s.link_visible(30, at(2024, 2, 28, 13, 29)));
        assert!(s.link_visible(30, at(2024, 2, 28, 13, 30)));
        assert!(s.link_visible(30, at(2024, 2, 28, 15, 0)));
        assert!(!s.link_visible(30, at(2024, 2, 28, 15, 1)));
        assert!(s.open_for_registration(at(2024, 2, 28, 13, 59)));
        assert!(!s.open_for_registration(at(2024, 2, 28, 14, 0)));
    }

    #[test]
    fn bad_sessions_are_named() {
        let now = at(2024, 2, 1, 9, 0);
        let wednesday = slot(at(2024, 3, 6, 14, 0), 60);
        let others = vec![("Mobiliser les équipes".to_string(), wednesday)];
        // In the past.
        let past = check_slot(&slot(at(2024, 1, 31, 14, 0), 60), None, 50, 0, &[], now);
        assert_eq!(past[0].field, "date");
        // Overlapping: 14:30 for an hour over 14:00–15:00.
        let overlap = check_slot(&slot(at(2024, 3, 6, 14, 30), 60), None, 50, 0, &others, now);
        assert_eq!(overlap[0].field, "time");
        assert!(overlap[0].message.contains("Mobiliser les équipes"));
        // Touching ends is fine.
        assert!(check_slot(&slot(at(2024, 3, 6, 15, 0), 60), None, 50, 0, &others, now).is_empty());
        // Capacity below the registered.
        let capacity = check_slot(&slot(at(2024, 3, 13, 14, 0), 60), None, 10, 12, &[], now);
        assert_eq!(capacity[0].field, "capacity");
        assert!(capacity[0].message.contains("12 personnes"));
        // A past session left where it was can still be edited (materials).
        let old = slot(at(2024, 1, 10, 14, 0), 60);
        assert!(check_slot(&old, Some(&old), 50, 0, &[], now).is_empty());
    }

    #[test]
    fn visio_links_are_web_addresses() {
        assert_eq!(
            parse_visio_url(" https://webconf.example.fr/b/abc "),
            Ok("https://webconf.example.fr/b/abc".into())
        );
        assert_eq!(parse_visio_url(""), Ok(String::new()));
        assert!(parse_visio_url("javascript:alert(1)").is_err());
        assert!(parse_visio_url("webconf.example.fr").is_err());
    }

    #[test]
    fn dates_read_the_french_way() {
        assert_eq!(
            format_long(at(2024, 2, 28, 14, 0)),
            "mercredi 28 février 2024 à 14:00"
        );
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()),
            "vendredi 1er mars 2024"
        );
    }

    #[test]
    fn calendars_are_folded_escaped_and_in_paris_time() {
        let event = CalendarEvent {
            location: None,
            uid: "meeting-1@perseverance".into(),
            slot: slot(at(2024, 3, 6, 14, 0), 90),
            summary: "Les partenaires du référent, et leurs dispositifs; suite".into(),
            description: "Ligne 1\nLigne 2 ".repeat(10),
            url: "https://webconf.example.fr/b/abc".into(),
            organizer_email: "ne-pas-repondre@localhost".into(),
            attendee_email: Some("referent@demo.test".into()),
            sequence: 2,
        };
        let text = calendar(
            "Mes rendez-vous",
            CalendarMethod::Request,
            &[event],
            at(2024, 2, 1, 9, 0),
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;TZID=Europe/Paris:20240306T140000\r\n"));
        assert!(text.contains("DTEND;TZID=Europe/Paris:20240306T153000\r\n"));
        assert!(text.contains("METHOD:REQUEST\r\n"));
        assert!(
            text.contains("SUMMARY:Les partenaires du référent\\, et leurs dispositifs\\; suite")
        );
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
            assert!(!line.contains('\n'));
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("DESCRIPTION:Ligne 1\\nLigne 2 Ligne 1"));
    }
}
