//! A programme version as files: iCalendar (the dated entries, through the
//! hand-written writer of `domain::meeting`), CSV (UTF-8 with BOM, `;`,
//! formula-safe cells: `text::spreadsheet_cell`) and XLSX (`rust_xlsxwriter`:
//! dates as dates, frozen header, autofilter).

use chrono::{Datelike, NaiveTime, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::{
    domain::{
        formats::parse_time,
        meeting::{CalendarEvent, CalendarMethod, Slot, calendar, slot_start},
        programme::{Content, Entry, sections},
    },
    text::{CSV_BOM, spreadsheet_cell},
};

/// One row of the table files: section, kind, title, date, time, place, text.
struct Row {
    section: String,
    kind: &'static str,
    title: String,
    date: Option<chrono::NaiveDate>,
    time: String,
    place: String,
    text: String,
}

fn rows(content: &Content) -> Vec<Row> {
    sections(content)
        .into_iter()
        .flat_map(|s| {
            let heading = s.heading.clone();
            s.entries.into_iter().map(move |e| {
                let (kind, date, time) = match &e {
                    Entry::Action(i) => (
                        "Action",
                        i.date,
                        match (i.start_time.trim(), i.end_time.trim()) {
                            ("", _) => String::new(),
                            (a, "") => a.to_string(),
                            (a, b) => format!("{a} – {b}"),
                        },
                    ),
                    Entry::Event(ev) => ("Événement du district", Some(ev.date), ev.time.clone()),
                };
                Row {
                    section: heading.clone(),
                    kind,
                    title: e.title().to_string(),
                    date,
                    time,
                    place: e.place(),
                    text: e.text().to_string(),
                }
            })
        })
        .collect()
}

const HEADER: [&str; 7] = [
    "Rubrique",
    "Type",
    "Titre",
    "Date",
    "Horaire",
    "Lieu",
    "Présentation",
];

/// The CSV file.
pub fn csv(content: &Content) -> Result<Vec<u8>, csv::Error> {
    let mut out = CSV_BOM.as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(HEADER)?;
        for r in rows(content) {
            w.write_record([
                spreadsheet_cell(&r.section),
                r.kind.to_string(),
                spreadsheet_cell(&r.title),
                r.date
                    .map(|d| crate::domain::formats::format_date(d))
                    .unwrap_or_default(),
                spreadsheet_cell(&r.time),
                spreadsheet_cell(&r.place),
                spreadsheet_cell(&r.text),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The XLSX file: one sheet, dates as dates, frozen header, autofilter.
pub fn xlsx(content: &Content) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Programme")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (col, head) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *head, &bold)?;
    }
    let rows = rows(content);
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &r.section)?;
        sheet.write_string(row, 1, r.kind)?;
        sheet.write_string(row, 2, &r.title)?;
        if let Some(d) = r.date {
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(row, 3, &day, &date)?;
        }
        sheet.write_string(row, 4, &r.time)?;
        sheet.write_string(row, 5, &r.place)?;
        sheet.write_string(row, 6, &r.text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, HEADER.len() as u16 - 1)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(6, 60)?;
    book.save_to_buffer()
}

/// The iCalendar file: each dated entry (an action without a time starts
/// at 9:00 and says so; events and actions last two hours unless their end
/// is known).
pub fn ics(content: &Content, page_url: &str, organizer: &str, uid_prefix: &str) -> String {
    let events: Vec<CalendarEvent> = rows_for_calendar(content)
        .into_iter()
        .map(|(key, entry)| {
            let (date, start, end, note) = match &entry {
                Entry::Action(i) => {
                    let start = parse_time(&i.start_time);
                    let end = parse_time(&i.end_time);
                    (i.date.expect("dated"), start, end, start.is_none())
                }
                Entry::Event(e) => (e.date, parse_time(&e.time), None, e.time.is_empty()),
            };
            let start_time = start.unwrap_or(NaiveTime::from_hms_opt(9, 0, 0).expect("9:00"));
            let minutes = match end {
                Some(end) if end > start_time => (end - start_time).num_minutes(),
                _ => 120,
            };
            let mut description = entry.text().to_string();
            let place = entry.place();
            if note {
                description = format!("Horaire à préciser.\n{description}");
            }
            CalendarEvent {
                uid: format!("{uid_prefix}-{key}@perseverance"),
                slot: Slot {
                    starts_at: slot_start(date, start_time),
                    duration_minutes: minutes,
                },
                summary: entry.title().to_string(),
                description: description.trim().to_string(),
                url: page_url.to_string(),
                organizer_email: organizer.to_string(),
                attendee_email: None,
                sequence: 0,
                location: (!place.is_empty()).then(|| place.to_string()),
            }
        })
        .collect();
    calendar(
        &crate::text::programme_title(&content.district),
        CalendarMethod::Publish,
        &events,
        Utc::now(),
    )
}

fn rows_for_calendar(content: &Content) -> Vec<(String, Entry)> {
    let mut out: Vec<(String, Entry)> = Vec::new();
    for e in &content.events {
        out.push((format!("event-{}", e.id), Entry::Event(e.clone())));
    }
    for i in &content.items {
        if i.date.is_some() {
            out.push((format!("action-{}", i.action_id), Entry::Action(i.clone())));
        }
    }
    out
}
