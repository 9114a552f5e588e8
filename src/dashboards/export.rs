//! The dashboard as a spreadsheet (`rust_xlsxwriter`): one sheet per
//! indicator, the same tables as the page, then the bilans' free texts.
//! Texts are written as strings (never formulas), figures as numbers.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Deserialize;

use super::{
    access, store,
    view::{self, Table},
};
use crate::{
    domain::ids::EditionId,
    web::{
        AppError, AppResult, AppState, CurrentUser,
        extract::{Path, Query},
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct ExportParams {
    #[serde(default)]
    niveau: String,
}

/// `GET /editions/{id}/indicateurs/export`
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    Query(params): Query<ExportParams>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    let level = access.level(&params.niveau).clone();
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let view = view::gather(conn, &access, &level).await?;
    let texts = store::free_texts(conn, id, &level.scope, "").await?;
    let mut tables = vec![view.comparison];
    tables.extend(view.districts);
    tables.extend(view.charts.into_iter().map(|(_, t)| t));
    tables.extend(view.scales.into_iter().map(|s| s.table));
    let texts: Vec<[String; 5]> = texts
        .into_iter()
        .map(|t| {
            [
                t.title,
                t.school_name.unwrap_or_default(),
                t.feedback,
                t.vigilance,
                t.perspectives,
            ]
        })
        .collect();
    let bytes = workbook(&tables, &texts).map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("writing the xlsx export"))
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"indicateurs-{}-{}.xlsx\"",
                    access.edition.year,
                    level.scope.value()
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// The workbook: one sheet per table, then « Réponses libres ».
fn workbook(tables: &[Table], texts: &[[String; 5]]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.sheet))?;
        write_table(sheet, table, &bold)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Réponses libres")?;
    for (col, head) in [
        "Action",
        "Établissement",
        "Retours informels",
        "Points de vigilance",
        "Perspectives",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, col as u16, *head, &bold)?;
    }
    for (row, line) in texts.iter().enumerate() {
        for (col, text) in line.iter().enumerate() {
            sheet.write_string(row as u32 + 1, col as u16, text)?;
        }
    }
    book.save_to_buffer()
}

fn write_table(sheet: &mut Worksheet, table: &Table, bold: &Format) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, &table.caption, bold)?;
    sheet.write_string_with_format(2, 0, &table.corner, bold)?;
    for (col, head) in table.head.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16 + 1, head, bold)?;
    }
    for (row, line) in table.lines.iter().enumerate() {
        let row = row as u32 + 3;
        sheet.write_string(row, 0, &line.label)?;
        for (col, cell) in line.cells.iter().enumerate() {
            let col = col as u16 + 1;
            match cell.value.parse::<i64>() {
                Ok(n) => sheet.write_number(row, col, n as f64)?,
                Err(_) => sheet.write_string(row, col, &cell.value)?,
            };
        }
    }
    sheet.set_column_width(0, 48)?;
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}
