//! An edition of the week: its calendar, its states, and how time moves it.

use chrono::{
    DateTime, Datelike, Duration, DurationRound, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Europe::Paris;

/// The life of an edition. Coordinators move it; the calendar moves it too
/// (see [`EditionCalendar::effective_state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EditionState {
    Draft,
    Open,
    Closed,
    Week,
    Bilans,
    Archived,
}

impl EditionState {
    pub const ALL: [EditionState; 6] = [
        EditionState::Draft,
        EditionState::Open,
        EditionState::Closed,
        EditionState::Week,
        EditionState::Bilans,
        EditionState::Archived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EditionState::Draft => "draft",
            EditionState::Open => "open",
            EditionState::Closed => "closed",
            EditionState::Week => "week",
            EditionState::Bilans => "bilans",
            EditionState::Archived => "archived",
        }
    }

    pub fn parse(code: &str) -> Option<EditionState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            EditionState::Draft => "En préparation",
            EditionState::Open => "Déclarations ouvertes",
            EditionState::Closed => "Déclarations closes",
            EditionState::Week => "Semaine en cours",
            EditionState::Bilans => "Bilans",
            EditionState::Archived => "Archivée",
        }
    }

    /// The states a coordinator may move the edition to by hand: the next
    /// one, or back one step (to reopen declarations, say).
    pub fn manual_moves(self) -> Vec<EditionState> {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        let mut moves = Vec::new();
        if i > 0 {
            moves.push(Self::ALL[i - 1]);
        }
        if i + 1 < Self::ALL.len() {
            moves.push(Self::ALL[i + 1]);
        }
        moves
    }
}

/// The dates of an edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditionCalendar {
    pub week_start: NaiveDate,
    pub week_end: NaiveDate,
    /// The last moment to submit an action (stored in UTC).
    pub declaration_deadline: DateTime<Utc>,
    pub bilan_deadline: NaiveDate,
}

/// Why a calendar does not hold together (shown next to the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub field: &'static str,
    pub message: &'static str,
}

impl EditionCalendar {
    /// Checks the order of the dates.
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.week_end < self.week_start {
            return Err(CalendarError {
                field: "week_end",
                message: "La fin de la semaine doit suivre son début.",
            });
        }
        if (self.week_end - self.week_start).num_days() > 13 {
            return Err(CalendarError {
                field: "week_end",
                message: "La semaine ne peut pas durer plus de deux semaines.",
            });
        }
        if paris_date(self.declaration_deadline) > self.week_start {
            return Err(CalendarError {
                field: "deadline_date",
                message: "La date limite des déclarations doit précéder la semaine.",
            });
        }
        if self.bilan_deadline < self.week_end {
            return Err(CalendarError {
                field: "bilan_deadline",
                message: "La date limite des bilans doit suivre la semaine.",
            });
        }
        Ok(())
    }

    /// The state the calendar imposes on a stored state at `now`: an open
    /// edition closes at the deadline, every edition past its opening enters
    /// the week on its first day and the bilans after its last day. Draft and
    /// archived editions are only moved by hand.
    pub fn effective_state(&self, stored: EditionState, now: DateTime<Utc>) -> EditionState {
        if matches!(stored, EditionState::Draft | EditionState::Archived) {
            return stored;
        }
        let today = paris_date(now);
        let by_calendar = if today > self.week_end {
            EditionState::Bilans
        } else if today >= self.week_start {
            EditionState::Week
        } else if deadline_passed(self.declaration_deadline, now) {
            EditionState::Closed
        } else {
            EditionState::Open
        };
        stored.max(by_calendar)
    }

    /// The same calendar a year later (for cloning an edition).
    pub fn next_year(&self) -> EditionCalendar {
        let shift = |d: NaiveDate| shift_year(d);
        let deadline_local = self
            .declaration_deadline
            .with_timezone(&Paris)
            .naive_local();
        EditionCalendar {
            week_start: shift(self.week_start),
            week_end: shift(self.week_end),
            declaration_deadline: paris_to_utc(shift(deadline_local.date()), deadline_local.time()),
            bilan_deadline: shift(self.bilan_deadline),
        }
    }
}

/// The same day a year later (29 February becomes 28 February).
fn shift_year(date: NaiveDate) -> NaiveDate {
    date.with_year(date.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(date.year() + 1, date.month(), 28))
        .unwrap_or(date)
}

/// The date in Paris at that instant.
pub fn paris_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Paris).date_naive()
}

/// A Paris wall-clock time as a UTC instant (the later one at a DST overlap;
/// a time skipped by DST moves one hour forward).
pub fn paris_to_utc(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = NaiveDateTime::new(date, time);
    match Paris.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        chrono::LocalResult::None => Paris
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
    }
}

/// Whether a deadline has passed at `now`. Deadlines are shown to the
/// minute (« 30/11/2026 à 13:52 »), and the minute shown is included: the
/// deadline passes when the next minute begins (13:53:00), whatever seconds
/// the stored instant carries. One rule for every deadline enforced: the
/// edition's, and each extension.
pub fn deadline_passed(deadline: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let shown = deadline
        .duration_trunc(Duration::minutes(1))
        .unwrap_or(deadline);
    now >= shown + Duration::minutes(1)
}

/// Formats an instant as Paris time: « 17/03/2023 à 23:59 ».
pub fn format_paris(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// Parses the reminder days « 14 7 2 » (days before the deadline).
pub fn parse_reminder_days(text: &str) -> Result<Vec<i64>, &'static str> {
    let mut days = Vec::new();
    for part in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|p| !p.is_empty())
    {
        let day: i64 = part
            .trim_start_matches(['J', 'j', '-'])
            .parse()
            .map_err(|_| "Indiquez des nombres de jours, par exemple « 14 7 2 ».")?;
        if !(1..=60).contains(&day) {
            return Err("Chaque relance doit tomber entre 1 et 60 jours avant la date limite.");
        }
        days.push(day);
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> EditionCalendar {
        EditionCalendar {
            week_start: NaiveDate::from_ymd_opt(2023, 4, 17).unwrap(),
            week_end: NaiveDate::from_ymd_opt(2023, 4, 22).unwrap(),
            declaration_deadline: paris_to_utc(
                NaiveDate::from_ymd_opt(2023, 3, 17).unwrap(),
                NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ),
            bilan_deadline: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
        }
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        paris_to_utc(
            NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
        )
    }

    #[test]
    fn deadlines_are_paris_time() {
        // 17 March 2023, 23:59 in Paris is 22:59 UTC (winter time).
        assert_eq!(
            calendar().declaration_deadline.to_rfc3339(),
            "2023-03-17T22:59:00+00:00"
        );
        assert_eq!(
            format_paris(calendar().declaration_deadline),
            "17/03/2023 à 23:59"
        );
    }

    #[test]
    fn a_deadline_shown_to_the_minute_includes_that_minute() {
        let deadline = paris_to_utc(
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            NaiveTime::from_hms_opt(13, 52, 0).unwrap(),
        );
        assert_eq!(format_paris(deadline), "30/11/2026 à 13:52");
        let at = |h, m, s| {
            paris_to_utc(
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                NaiveTime::from_hms_opt(h, m, s).unwrap(),
            )
        };
        assert!(!deadline_passed(deadline, at(13, 52, 0)));
        assert!(!deadline_passed(deadline, at(13, 52, 20)));
        assert!(!deadline_passed(deadline, at(13, 52, 59)));
        assert!(deadline_passed(deadline, at(13, 53, 0)));
        // Stored with seconds, shown without them: the same minute counts.
        let odd = deadline + Duration::seconds(30);
        assert_eq!(format_paris(odd), "30/11/2026 à 13:52");
        assert!(!deadline_passed(odd, at(13, 52, 45)));
        assert!(deadline_passed(odd, at(13, 53, 0)));
        let mut c = calendar();
        c.declaration_deadline = deadline;
        c.week_start = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        c.week_end = NaiveDate::from_ymd_opt(2026, 12, 11).unwrap();
        assert_eq!(
            c.effective_state(EditionState::Open, at(13, 52, 20)),
            EditionState::Open
        );
        assert_eq!(
            c.effective_state(EditionState::Open, at(13, 53, 0)),
            EditionState::Closed
        );
    }

    #[test]
    fn the_calendar_moves_open_editions() {
        let c = calendar();
        assert_eq!(
            c.effective_state(EditionState::Open, at(2023, 3, 1, 12)),
            EditionState::Open
        );
        assert_eq!(
            c.effective_state(EditionState::Open, at(2023, 3, 18, 0)),
            EditionState::Closed
        );
        assert_eq!(
            c.effective_state(EditionState::Open, at(2023, 4, 17, 8)),
            EditionState::Week
        );
        assert_eq!(
            c.effective_state(EditionState::Closed, at(2023, 4, 23, 8)),
            EditionState::Bilans
        );
        assert_eq!(
            c.effective_state(EditionState::Draft, at(2023, 4, 23, 8)),
            EditionState::Draft
        );
        assert_eq!(
            c.effective_state(EditionState::Archived, at(2023, 3, 1, 8)),
            EditionState::Archived
        );
        // A coordinator who closed early keeps it closed.
        assert_eq!(
            c.effective_state(EditionState::Closed, at(2023, 3, 1, 12)),
            EditionState::Closed
        );
    }

    #[test]
    fn calendars_must_hold_together() {
        let mut c = calendar();
        assert!(c.validate().is_ok());
        c.week_end = NaiveDate::from_ymd_opt(2023, 4, 16).unwrap();
        assert_eq!(c.validate().unwrap_err().field, "week_end");
        let mut c = calendar();
        c.declaration_deadline = at(2023, 4, 20, 12);
        assert_eq!(c.validate().unwrap_err().field, "deadline_date");
        let mut c = calendar();
        c.bilan_deadline = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
        assert_eq!(c.validate().unwrap_err().field, "bilan_deadline");
    }

    #[test]
    fn cloning_shifts_a_year_keeping_paris_time() {
        let next = calendar().next_year();
        assert_eq!(
            next.week_start,
            NaiveDate::from_ymd_opt(2024, 4, 17).unwrap()
        );
        assert_eq!(
            format_paris(next.declaration_deadline),
            "17/03/2024 à 23:59"
        );
        let leap = shift_year(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(leap, NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
    }

    #[test]
    fn manual_moves_are_one_step() {
        assert_eq!(EditionState::Draft.manual_moves(), vec![EditionState::Open]);
        assert_eq!(
            EditionState::Open.manual_moves(),
            vec![EditionState::Draft, EditionState::Closed]
        );
        assert_eq!(
            EditionState::Archived.manual_moves(),
            vec![EditionState::Bilans]
        );
    }

    #[test]
    fn reads_reminder_days() {
        assert_eq!(parse_reminder_days("J-7, 14 2").unwrap(), vec![14, 7, 2]);
        assert!(parse_reminder_days("demain").is_err());
        assert!(parse_reminder_days("0").is_err());
        assert_eq!(parse_reminder_days("").unwrap(), Vec::<i64>::new());
    }
}
