//! The review list as a file: the ticked actions, or the whole filtered
//! list, as CSV (UTF-8 with BOM, `;`, CRLF, formula-safe cells) or XLSX
//! (typed columns: numbers as numbers, dates as dates; frozen header,
//! autofilter; the edition's own questions as columns).
//!
//! Both are streamed: the list's ids are read first (8 bytes per action),
//! then the actions and their answers batch by batch ([`BATCH`] at a time,
//! on one connection taken and given back per batch: an export never holds
//! two), so that a list of 100,000 actions never sits in memory.
//! The CSV goes to the response body batch by batch; the XLSX is written
//! by `rust_xlsxwriter` in constant-memory mode (each row flushed to a
//! temporary file as it is written), saved to a temporary file, then sent
//! in chunks and deleted. A client that goes away stops the task.

use std::collections::HashMap;

use axum::{body::Bytes, extract::State, response::Response};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::{
    access,
    list::{BulkForm, labels, narrowed},
    store::{self, Reach, ReviewFilter},
};
use crate::{
    actions::store::Action,
    db::{Conn, Db, DbResult},
    domain::{
        declaration::{
            AUDIENCES, LEVELS, Question, QuestionKind, SCHEMES, SHOWCASE_KINDS, label_of,
        },
        ids::{ActionId, EditionId, QuestionId},
    },
    editions::store as editions_store,
    exports::stream::{Chunks, Sheet, csv_writer, download, send_workbook},
    text::{CSV_BOM, spreadsheet_cell as cell},
    web::{AppResult, AppState, CsrfForm, CurrentUser, extract::Path},
};

/// Actions read (and held) at a time.
pub const BATCH: usize = 500;

/// What one export reads.
#[derive(Clone)]
struct Query {
    edition: EditionId,
    reach: Reach,
    filter: ReviewFilter,
    selection: Option<Vec<ActionId>>,
    questions: Vec<Question>,
}

/// `POST /editions/{id}/revue/export`: the ticked actions, or the whole
/// filtered list when none is ticked, as CSV (`format=csv`, the default)
/// or XLSX (`format=xlsx`).
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    let ids = form.ids()?;
    let params = form.params();
    let (reach, _, _) = narrowed(&state, &access, &params.district).await?;
    let edition = access.edition.id;
    let questions = {
        let mut db = state.db.acquire().await?;
        editions_store::questions(&mut db.conn(), edition).await?
    };
    let query = Query {
        edition,
        reach,
        filter: params.filter(),
        selection: (!ids.is_empty()).then_some(ids),
        questions,
    };
    let sheet = Sheet::from_param(&form.format);
    let db = state.db.clone();
    Ok(download(
        sheet,
        format!("actions-edition-{edition}"),
        move |sender| async move {
            match sheet {
                Sheet::Xlsx => write_xlsx(db, query, &sender).await,
                Sheet::Csv => write_csv(db, query, &sender).await,
            }
        },
    ))
}

/// The columns before the edition's questions.
const HEADER: [&str; 18] = [
    "id",
    "état",
    "titre",
    "résumé",
    "établissement",
    "UAI",
    "district",
    "porteur",
    "fonction",
    "publics",
    "niveaux",
    "dispositif",
    "date",
    "horaires",
    "lieu",
    "partenaires",
    "participants attendus",
    "valorisation",
];

/// The answers of a batch, by action and question (several choices joined
/// by « , »).
async fn answers_of(
    conn: &mut Conn<'_>,
    ids: &[ActionId],
) -> DbResult<HashMap<(ActionId, QuestionId), String>> {
    let mut answers: HashMap<(ActionId, QuestionId), String> = HashMap::new();
    for (action, question, value) in store::export_batch_answers(conn, ids).await? {
        answers
            .entry((action, question))
            .and_modify(|text| {
                text.push_str(", ");
                text.push_str(&value);
            })
            .or_insert(value);
    }
    Ok(answers)
}

fn showcase(a: &Action) -> String {
    let mut showcase = labels(&a.showcase_kinds, SHOWCASE_KINDS);
    if !a.showcase_other.trim().is_empty() {
        showcase = format!("{showcase} ({})", a.showcase_other.trim());
    }
    showcase
}

fn hours(a: &Action) -> String {
    match (a.start_time.trim(), a.end_time.trim()) {
        ("", "") => String::new(),
        (start, "") => start.to_string(),
        (start, end) => format!("{start} – {end}"),
    }
}

fn scheme(a: &Action) -> String {
    if a.scheme.is_empty() {
        String::new()
    } else {
        label_of(SCHEMES, &a.scheme)
    }
}

fn answer(answers: &HashMap<(ActionId, QuestionId), String>, a: &Action, q: &Question) -> String {
    let value = answers.get(&(a.id, q.id)).cloned().unwrap_or_default();
    if q.kind == QuestionKind::MultipleChoice {
        value.lines().collect::<Vec<_>>().join(", ")
    } else {
        value
    }
}

/// One CSV record (every typed text formula-safe).
fn record(
    a: &Action,
    questions: &[Question],
    answers: &HashMap<(ActionId, QuestionId), String>,
) -> Vec<String> {
    let date = match a.starts_on {
        Some(d) if a.before_week => format!(
            "{} (avant la semaine)",
            crate::domain::formats::format_date(d)
        ),
        Some(d) => crate::domain::formats::format_date(d),
        None => String::new(),
    };
    let mut record = vec![
        a.id.to_string(),
        a.state().label().to_string(),
        cell(&a.title),
        cell(&a.summary),
        cell(a.school_name.as_deref().unwrap_or_default()),
        a.uai.clone().unwrap_or_default(),
        cell(a.district_name.as_deref().unwrap_or_default()),
        cell(&a.owner_name),
        cell(&a.owner_role),
        labels(&a.audiences, AUDIENCES),
        labels(&a.levels, LEVELS),
        scheme(a),
        date,
        hours(a),
        cell(&a.place),
        cell(&a.partners),
        a.expected_participants
            .map(|n| n.to_string())
            .unwrap_or_default(),
        showcase(a),
    ];
    record.extend(questions.iter().map(|q| cell(&answer(answers, a, q))));
    record
}

/// Streams the CSV: the BOM and the header, then each batch.
async fn write_csv(db: Db, query: Query, sender: &Chunks) -> anyhow::Result<()> {
    let mut head = CSV_BOM.as_bytes().to_vec();
    {
        let mut w = csv_writer(&mut head);
        let mut header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        header.extend(query.questions.iter().map(|q| cell(&q.label)));
        w.write_record(&header)?;
        w.flush()?;
    }
    if sender.send(Ok(Bytes::from(head))).await.is_err() {
        return Ok(());
    }
    for ids in read_ids(&db, &query).await?.chunks(BATCH) {
        let (batch, answers) = read_batch(&db, &query, ids).await?;
        let mut out = Vec::with_capacity(batch.len() * 400);
        {
            let mut w = csv_writer(&mut out);
            for a in &batch {
                w.write_record(record(a, &query.questions, &answers))?;
            }
            w.flush()?;
        }
        if sender.send(Ok(Bytes::from(out))).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The ids of the actions `query` exports, in the list's order.
async fn read_ids(db: &Db, query: &Query) -> DbResult<Vec<ActionId>> {
    let mut pooled = db.acquire().await?;
    store::export_ids(
        &mut pooled.conn(),
        query.edition,
        &query.reach,
        &query.filter,
        query.selection.as_deref(),
    )
    .await
}

/// One batch: the actions of `ids` (read by [`read_ids`] within the
/// query's reach and filter), in the list's order, and their answers.
async fn read_batch(
    db: &Db,
    query: &Query,
    ids: &[ActionId],
) -> DbResult<(Vec<Action>, HashMap<(ActionId, QuestionId), String>)> {
    let mut pooled = db.acquire().await?;
    let conn = &mut pooled.conn();
    let actions = store::export_batch(conn, ids, &query.filter).await?;
    let answers = answers_of(conn, ids).await?;
    Ok((actions, answers))
}

/// Writes the XLSX in constant-memory mode to a temporary file, then streams it.
async fn write_xlsx(db: Db, query: Query, sender: &Chunks) -> anyhow::Result<()> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let width = HEADER.len() + query.questions.len();
    let mut written: u32 = 0;
    {
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name("Actions")?;
        for (col, head) in HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *head, &bold)?;
        }
        for (i, q) in query.questions.iter().enumerate() {
            sheet.write_string_with_format(0, (HEADER.len() + i) as u16, &q.label, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_column_width(2, 40)?;
        for ids in read_ids(&db, &query).await?.chunks(BATCH) {
            let (batch, answers) = read_batch(&db, &query, ids).await?;
            for a in &batch {
                written += 1;
                xlsx_row(sheet, written, a, &query, &answers, &date)?;
            }
            // Stop reading when the client has gone away.
            if sender.is_closed() {
                return Ok(());
            }
        }
        sheet.autofilter(0, 0, written, width.saturating_sub(1) as u16)?;
    }
    send_workbook(book, sender).await
}

/// One row of the sheet: numbers as numbers, the date as a date, texts as
/// strings (never formulas).
fn xlsx_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    a: &Action,
    query: &Query,
    answers: &HashMap<(ActionId, QuestionId), String>,
    date: &Format,
) -> Result<(), XlsxError> {
    sheet.write_number(row, 0, a.id.0 as f64)?;
    sheet.write_string(row, 1, a.state().label())?;
    sheet.write_string(row, 2, &a.title)?;
    sheet.write_string(row, 3, &a.summary)?;
    sheet.write_string(row, 4, a.school_name.as_deref().unwrap_or_default())?;
    sheet.write_string(row, 5, a.uai.as_deref().unwrap_or_default())?;
    sheet.write_string(row, 6, a.district_name.as_deref().unwrap_or_default())?;
    sheet.write_string(row, 7, &a.owner_name)?;
    sheet.write_string(row, 8, &a.owner_role)?;
    sheet.write_string(row, 9, labels(&a.audiences, AUDIENCES))?;
    sheet.write_string(row, 10, labels(&a.levels, LEVELS))?;
    sheet.write_string(row, 11, scheme(a))?;
    if let Some(d) = a.starts_on {
        let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
        sheet.write_datetime_with_format(row, 12, &day, date)?;
    }
    sheet.write_string(row, 13, hours(a))?;
    sheet.write_string(row, 14, &a.place)?;
    sheet.write_string(row, 15, &a.partners)?;
    if let Some(n) = a.expected_participants {
        sheet.write_number(row, 16, n as f64)?;
    }
    sheet.write_string(row, 17, showcase(a))?;
    for (i, q) in query.questions.iter().enumerate() {
        sheet.write_string(row, (HEADER.len() + i) as u16, answer(answers, a, q))?;
    }
    Ok(())
}
