//! A spreadsheet sent as it is written (the review list, the coverage
//! list): a task writes the file chunk by chunk into a small bounded
//! channel that is the response body, so that a list of 100,000 rows never
//! sits in memory; a client that goes away closes the channel and stops
//! the task.
//!
//! CSV: UTF-8 with a BOM, `;`, CRLF (what French spreadsheet software opens
//! without asking); XLSX: `rust_xlsxwriter` in constant-memory mode, saved
//! to a temporary file, then sent in chunks and deleted.

use std::future::Future;

use axum::{
    body::{Body, Bytes},
    http::header,
    response::{IntoResponse, Response},
};
use rust_xlsxwriter::Workbook;
use tokio::{io::AsyncReadExt, sync::mpsc};

/// Where a writer sends the file's bytes.
pub type Chunks = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// The two formats of every export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    Csv,
    Xlsx,
}

impl Sheet {
    /// `format=xlsx` is XLSX; anything else (or nothing) is CSV.
    pub fn from_param(format: &str) -> Sheet {
        if format.trim() == "xlsx" {
            Sheet::Xlsx
        } else {
            Sheet::Csv
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Sheet::Csv => "text/csv; charset=utf-8",
            Sheet::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Sheet::Csv => "csv",
            Sheet::Xlsx => "xlsx",
        }
    }
}

/// Answers a download named `{stem}.csv` or `{stem}.xlsx` (not cached)
/// whose bytes `write` sends on the channel it is given, from a task of its
/// own. When `write` fails, the error is logged and the download is cut
/// (the client sees an incomplete file, never one that looks whole).
pub fn download<W, F>(sheet: Sheet, stem: String, write: W) -> Response
where
    W: FnOnce(Chunks) -> F,
    F: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let writing = write(sender.clone());
    let name = format!("{stem}.{}", sheet.extension());
    let logged = name.clone();
    tokio::spawn(async move {
        if let Err(err) = writing.await {
            tracing::error!(export = %logged, error = %format!("{err:#}"), "export interrupted");
            let _ = sender
                .send(Err(std::io::Error::other("export interrompu")))
                .await;
        }
    });
    // Fused: the compression layer asks again after the end, which an
    // `unfold` answers with a panic (the download was cut when the browser
    // accepted gzip).
    let chunks = futures_util::stream::unfold(receiver, |mut rx| async {
        rx.recv().await.map(|item| (item, rx))
    });
    let body = Body::from_stream(futures_util::StreamExt::fuse(chunks));
    (
        [
            (header::CONTENT_TYPE, sheet.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A CSV writer with the exports' conventions (`;`, CRLF) into `out`.
pub fn csv_writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// A temporary file deleted when dropped.
struct TempPath(std::path::PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Saves `book` to a temporary file (off the async threads), sends it on
/// `sender` in chunks of 64 KB and deletes it. Stops early, without error,
/// when the client has gone away.
pub async fn send_workbook(book: Workbook, sender: &Chunks) -> anyhow::Result<()> {
    if sender.is_closed() {
        return Ok(());
    }
    let mut book = book;
    let path = TempPath(std::env::temp_dir().join(format!(
        "perseverance-export-{}-{}.xlsx",
        std::process::id(),
        crate::web::tokens::random_token()
    )));
    let target = path.0.clone();
    tokio::task::spawn_blocking(move || book.save(&target)).await??;
    let mut file = tokio::fs::File::open(&path.0).await?;
    loop {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = file.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        chunk.truncate(n);
        if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
            break;
        }
    }
    Ok(())
}
