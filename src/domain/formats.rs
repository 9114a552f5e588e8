//! Dates, times and numbers as French people type them, and as our forms
//! show them back. Every message that names a format names one these
//! parsers accept (issue 7 item 7): dates as JJ/MM/AAAA (or the ISO form a
//! date picker sends), times as 14h, 14h30 or 14:30, numbers with spaces
//! between thousands and a decimal comma.

use chrono::{NaiveDate, NaiveTime};

/// The hint under a date field.
pub const DATE_HINT: &str = "Format JJ/MM/AAAA, par exemple 06/04/2027";
/// The message for a date that does not read.
pub const DATE_MESSAGE: &str = "Indiquez une date au format JJ/MM/AAAA, par exemple 06/04/2027.";
/// The hint under a time field.
pub const TIME_HINT: &str = "Par exemple 14h, 14h30 ou 14:30";
/// The message for a time that does not read.
pub const TIME_MESSAGE: &str = "Indiquez une heure comme 14h, 14h30 ou 14:30.";

/// A date typed as `06/04/2027` (also `6/4/2027`, `06-04-2027`,
/// `06.04.2027`) or sent by a date picker as `2027-04-06`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 && text.contains('-') {
        (number(a, 4)?, number(b, 2)?, number(c, 2)?)
    } else if c.len() == 4 {
        (number(c, 4)?, number(b, 2)?, number(a, 2)?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A time typed as `14h`, `14h30`, `14 h 30`, `14H30`, `14:30` (seconds
/// allowed: `14:30:00`) or a bare hour `14`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let (hour, rest) = match compact.find(['h', ':']) {
        Some(i) => (&compact[..i], &compact[i + 1..]),
        None => (compact.as_str(), ""),
    };
    let (minute, second) = match rest.split_once(':') {
        Some((m, s)) if compact.contains(':') && !compact.contains('h') => (m, s),
        Some(_) => return None,
        None => (rest, ""),
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let hour = digits(hour, 1..=2)?;
    let minute = if minute.is_empty() {
        0
    } else {
        digits(minute, 2..=2)?
    };
    let second = if second.is_empty() {
        0
    } else {
        digits(second, 2..=2)?
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// « 06/04/2027 »
pub fn format_date(date: NaiveDate) -> String {
    // Written out by hand: chrono's `format` parses its pattern at each call,
    // which showed in the profile of the review list (50 dates a page).
    use chrono::Datelike;
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// « 14:30 » (how times are stored and shown back in fields).
pub fn format_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// A whole number typed with or without spaces between thousands
/// (`1 200`, with a plain, non-breaking or narrow space).
pub fn parse_integer(text: &str) -> Option<i64> {
    let compact: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty()
        || !compact
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    compact.parse().ok()
}

/// A number typed the French way (`2,5`, `1 200,75`) or with a point.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let digits = compact.trim_start_matches('-');
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    well_formed.then(|| compact.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_are_written_day_month_year() {
        assert_eq!(format_date(date(2027, 4, 6).unwrap()), "06/04/2027");
        assert_eq!(format_date(date(2023, 12, 31).unwrap()), "31/12/2023");
    }

    fn time(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn dates_read_as_the_message_names_them() {
        for text in [
            "11/01/2027",
            " 11/01/2027 ",
            "11/1/2027",
            "11-01-2027",
            "11.01.2027",
        ] {
            assert_eq!(parse_date(text), date(2027, 1, 11), "{text}");
        }
        assert_eq!(parse_date("2027-01-11"), date(2027, 1, 11));
        for text in [
            "",
            "31/02/2027",
            "11/01/27",
            "2027/01/11",
            "demain",
            "11/01/2027/3",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn times_read_as_french_people_write_them() {
        for (text, expected) in [
            ("14h", time(14, 0)),
            ("14h30", time(14, 30)),
            ("14 h 30", time(14, 30)),
            ("14H30", time(14, 30)),
            ("14:30", time(14, 30)),
            ("14:30:00", time(14, 30)),
            ("9h05", time(9, 5)),
            ("09:05", time(9, 5)),
            ("14", time(14, 0)),
            ("23:59", time(23, 59)),
        ] {
            assert_eq!(parse_time(text), expected, "{text}");
        }
        for text in ["", "25h", "14h3", "14h300", "midi", "14h30:00", "14:3"] {
            assert_eq!(parse_time(text), None, "{text}");
        }
        assert_eq!(format_time(time(9, 5).unwrap()), "09:05");
    }

    #[test]
    fn numbers_read_the_french_way() {
        assert_eq!(parse_integer("1 200"), Some(1200));
        assert_eq!(parse_integer("1\u{202f}200"), Some(1200));
        assert_eq!(parse_integer("-3"), Some(-3));
        assert_eq!(parse_integer("1e3"), None);
        assert_eq!(parse_integer("30 élèves"), None);
        assert_eq!(parse_decimal("2,5"), Some(2.5));
        assert_eq!(parse_decimal("1 200,75"), Some(1200.75));
        assert_eq!(parse_decimal("2.5"), Some(2.5));
        assert_eq!(parse_decimal("2,5,1"), None);
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal("inf"), None);
    }
}
