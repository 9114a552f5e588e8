//! The coverage list as a file (issue 8: « coordinators export any list
//! they can see … coverage »): one line per open school of the person's
//! reach in the edition (department, district, UAI, name, commune, the
//! number of actions declared beyond the draft, validated, published), as
//! CSV (UTF-8 with BOM, `;`, CRLF, formula-safe cells) or XLSX (numbers as
//! numbers, frozen header, autofilter).
//!
//! Streamed like the review export (`super::stream`): the schools are read
//! with a cursor in batches of [`BATCH`] handed through a bounded channel. Who: those who see the review's coverage dashboard
//! (`review::access`: `Ability::Export`, the académie's and districts'
//! coordinations and the DSDEN, within their reach); `district=` narrows
//! to one district of that reach.

use axum::{body::Bytes, extract::State, response::Response};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use sqlx::{FromRow, QueryBuilder};
use tokio::sync::mpsc;

use super::stream::{Chunks, Sheet, csv_writer, download, send_workbook};
use crate::{
    db::{Conn, Db, DbResult, builder::SqlBuilder},
    domain::ids::{AcademyId, DistrictId, EditionId},
    on_conn,
    review::store::{Reach, push_school_conditions},
    text::{CSV_BOM, spreadsheet_cell as cell},
    web::{AppResult, AppState, CurrentUser, extract::Path, extract::Query},
};

/// Schools read (and held) at a time.
pub const BATCH: usize = 500;

/// The columns.
const HEADER: [&str; 8] = [
    "département",
    "district",
    "UAI",
    "établissement",
    "commune",
    "actions déclarées",
    "actions validées",
    "actions publiées",
];

/// One school of the coverage list.
#[derive(Clone, Debug, FromRow)]
pub struct CoverageRow {
    pub department_code: Option<String>,
    pub district_name: Option<String>,
    pub uai: String,
    pub name: String,
    pub commune: String,
    /// Actions beyond the draft.
    pub declared: i64,
    pub validated: i64,
    /// Validated and on the public side (`public::store::push_published`).
    pub published: i64,
}

/// The query string: `format=csv|xlsx` (CSV by default), `district=ID`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportParams {
    pub format: String,
    pub district: String,
}

/// Reads the coverage list of `edition` within `reach` with a cursor and
/// sends it in batches of `batch` (by department, district, school name,
/// UAI); stops when the receiver is gone.
pub async fn stream_coverage(
    conn: &mut Conn<'_>,
    edition: EditionId,
    academy: AcademyId,
    reach: &Reach,
    batch: usize,
    out: mpsc::Sender<Vec<CoverageRow>>,
) -> DbResult<()> {
    use futures_util::TryStreamExt;
    on_conn!(conn, |c| async {
        let mut q = QueryBuilder::new(
            "SELECT dp.code AS department_code, di.name AS district_name, s.uai, s.name, s.commune,
             (SELECT COUNT(*) FROM actions a WHERE a.school_id = s.id AND a.edition_id = ",
        );
        q.bind_i64(edition);
        q.push_sql(
            " AND a.state <> 'draft') AS declared,
             (SELECT COUNT(*) FROM actions a WHERE a.school_id = s.id AND a.edition_id = ",
        );
        q.bind_i64(edition);
        q.push_sql(
            " AND a.state = 'validated') AS validated,
             (SELECT COUNT(*) FROM actions a WHERE a.school_id = s.id AND a.edition_id = ",
        );
        q.bind_i64(edition);
        q.push_sql(" AND ");
        crate::public::store::push_published(&mut q, "a");
        q.push_sql(
            ") AS published
             FROM schools s LEFT JOIN districts di ON di.id = s.district_id
             LEFT JOIN departments dp ON dp.id = s.department_id WHERE ",
        );
        push_school_conditions(&mut q, academy, reach);
        q.push_sql(" ORDER BY dp.code, di.name, s.name, s.uai");
        let mut rows = q.build_query_as::<CoverageRow>().fetch(c);
        let mut pending = Vec::with_capacity(batch);
        while let Some(row) = rows.try_next().await? {
            pending.push(row);
            if pending.len() >= batch && out.send(std::mem::take(&mut pending)).await.is_err() {
                return Ok(());
            }
        }
        if !pending.is_empty() {
            let _ = out.send(pending).await;
        }
        Ok(())
    }
    .await)
}

/// `GET /editions/{id}/couverture/export?format=csv|xlsx&district=`
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    Query(params): Query<ExportParams>,
) -> AppResult<Response> {
    let access = crate::review::access(&state, &user, id).await?;
    let mut reach = access.reach.clone();
    if let Ok(district) = params.district.trim().parse::<i64>() {
        let district = DistrictId(district);
        // Only a district the person sees (else the whole reach, as the dashboard).
        let mut db = state.db.acquire().await?;
        let within = crate::map::store::district_by_id(&mut db.conn(), district)
            .await?
            .is_some_and(|d| {
                d.academy_id == access.edition.academy_id
                    && (reach.whole
                        || reach.districts.contains(&d.id)
                        || reach.departments.contains(&d.department_id))
            });
        if within {
            reach = Reach::districts(vec![district]);
        }
    }
    let sheet = Sheet::from_param(&params.format);
    let edition = access.edition.id;
    let academy = access.edition.academy_id;
    let db = state.db.clone();
    Ok(download(
        sheet,
        format!("couverture-edition-{edition}"),
        move |sender| async move {
            match sheet {
                Sheet::Xlsx => write_xlsx(db, edition, academy, reach, &sender).await,
                Sheet::Csv => write_csv(db, edition, academy, reach, &sender).await,
            }
        },
    ))
}

/// Starts reading (a task on its own connection).
fn produce(
    db: &Db,
    edition: EditionId,
    academy: AcademyId,
    reach: Reach,
) -> (
    mpsc::Receiver<Vec<CoverageRow>>,
    tokio::task::JoinHandle<DbResult<()>>,
) {
    let (out, batches) = mpsc::channel::<Vec<CoverageRow>>(2);
    let db = db.clone();
    let task = tokio::spawn(async move {
        let mut rows = db.acquire().await?;
        stream_coverage(&mut rows.conn(), edition, academy, &reach, BATCH, out).await
    });
    (batches, task)
}

async fn write_csv(
    db: Db,
    edition: EditionId,
    academy: AcademyId,
    reach: Reach,
    sender: &Chunks,
) -> anyhow::Result<()> {
    let mut head = CSV_BOM.as_bytes().to_vec();
    {
        let mut w = csv_writer(&mut head);
        w.write_record(HEADER)?;
        w.flush()?;
    }
    if sender.send(Ok(Bytes::from(head))).await.is_err() {
        return Ok(());
    }
    let (mut batches, producer) = produce(&db, edition, academy, reach);
    while let Some(batch) = batches.recv().await {
        let mut out = Vec::with_capacity(batch.len() * 120);
        {
            let mut w = csv_writer(&mut out);
            for r in &batch {
                w.write_record([
                    cell(r.department_code.as_deref().unwrap_or_default()),
                    cell(r.district_name.as_deref().unwrap_or_default()),
                    cell(&r.uai),
                    cell(&r.name),
                    cell(&r.commune),
                    r.declared.to_string(),
                    r.validated.to_string(),
                    r.published.to_string(),
                ])?;
            }
            w.flush()?;
        }
        if sender.send(Ok(Bytes::from(out))).await.is_err() {
            return Ok(());
        }
    }
    producer.await??;
    Ok(())
}

async fn write_xlsx(
    db: Db,
    edition: EditionId,
    academy: AcademyId,
    reach: Reach,
    sender: &Chunks,
) -> anyhow::Result<()> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let mut written: u32 = 0;
    {
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name("Couverture")?;
        for (col, head) in HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *head, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.set_column_width(3, 40)?;
        let (mut batches, producer) = produce(&db, edition, academy, reach);
        while let Some(batch) = batches.recv().await {
            for r in &batch {
                written += 1;
                sheet.write_string(written, 0, r.department_code.as_deref().unwrap_or_default())?;
                sheet.write_string(written, 1, r.district_name.as_deref().unwrap_or_default())?;
                sheet.write_string(written, 2, &r.uai)?;
                sheet.write_string(written, 3, &r.name)?;
                sheet.write_string(written, 4, &r.commune)?;
                sheet.write_number(written, 5, r.declared as f64)?;
                sheet.write_number(written, 6, r.validated as f64)?;
                sheet.write_number(written, 7, r.published as f64)?;
            }
            if sender.is_closed() {
                return Ok(());
            }
        }
        producer.await??;
        sheet.autofilter(0, 0, written, (HEADER.len() - 1) as u16)?;
    }
    send_workbook(book, sender).await
}
