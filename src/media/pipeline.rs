//! The media pipeline, on top of `crate::files`: what happens to a photo or
//! a PDF poster between the form and the gallery.
//!
//! 1. **At upload** ([`accept`], while the request is answered): the form's
//!    size was checked before its body was read (`files::upload::Upload`);
//!    the name must hold no folder part or control character; the type is
//!    decided by decoding (JPEG, PNG, WebP; a PDF where the feature takes
//!    one, by its signature); the side and pixel count are read from the
//!    header before any pixel is decoded (a decompression bomb stops
//!    there); the image is decoded, turned upright and re-encoded within
//!    `images::MASTER_SIDE`. Only that clean master is stored: the uploaded
//!    bytes, with their EXIF and GPS, never reach the store. Any refusal is
//!    a French message for the form, and nothing is stored.
//! 2. **In the background** ([`ProcessMedia`], a job enqueued with the
//!    medium's row): the display size and the thumbnail, made from the
//!    master.
//! 3. **After review**: rejected and withdrawn media are deleted, files and
//!    row, once the académie's retention period has passed
//!    ([`purge_expired`], a periodic task).
//!
//! Decoding holds one of [`DECODERS`] permits: at most that many images are
//! in memory as pixels at once, whatever the number of uploads.

use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::store;
use crate::{
    domain::{
        MediaId,
        media::{MediaKind, check_file_name},
    },
    files::{
        FileKind, FileStore, StoredKey,
        images::{self, ImageError},
        upload::UploadedFile,
    },
    jobs::{Job, JobContext},
};

/// How many images may be decoded at once. One: a 12-megapixel photo takes
/// about 90 MB while it is decoded, turned and reduced (0.3 s in release),
/// and ten sent at once must keep the server under 300 MB (issue 9); the
/// others wait their turn, which a person sending a photo does not notice.
pub const DECODERS: usize = 1;

static DECODING: Semaphore = Semaphore::const_new(DECODERS);

/// The largest photo or poster, in bytes (the form may weigh a little more).
pub const MAX_BYTES: u64 = 12 * 1024 * 1024;
/// The limit of a form carrying one medium and its text fields.
pub const FORM_MAX_BYTES: u64 = MAX_BYTES + 64 * 1024;

/// An upload that passed every check, ready to be stored.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub kind: MediaKind,
    /// The clean master (JPEG) of an image; the PDF as sent.
    pub bytes: Bytes,
    /// The name the person gave, for lists and downloads.
    pub file_name: String,
}

/// Checks an uploaded file (see the module's documentation); `pdf`: whether
/// the feature takes a PDF (posters). Errors are French, for the form.
pub async fn accept(file: &UploadedFile, pdf: bool) -> Result<Accepted, String> {
    check_file_name(&file.sent_name).map_err(str::to_string)?;
    if file.bytes.len() as u64 > MAX_BYTES {
        return Err(ImageError::TooHeavy(file.bytes.len().div_ceil(1024 * 1024)).to_string());
    }
    if file.bytes.starts_with(b"%PDF-") {
        if !pdf {
            return Err(
                "Envoyez une photo (JPEG, PNG ou WebP) : un PDF n'est pas accepté ici.".into(),
            );
        }
        return match FileKind::sniff(&file.file_name, &file.bytes) {
            Ok(FileKind::Pdf) if has_pdf_end(&file.bytes) => Ok(Accepted {
                kind: MediaKind::Pdf,
                bytes: file.bytes.clone(),
                file_name: file.file_name.clone(),
            }),
            Ok(_) | Err(_) => Err(
                "Ce PDF est incomplet ou son nom ne finit pas par « .pdf » : enregistrez-le de nouveau."
                    .into(),
            ),
        };
    }
    let bytes = file.bytes.clone();
    let master = decode_limited(move || images::clean_master(&bytes, &images::LIMITS))
        .await
        .map_err(|e| {
            if e == ImageError::NotAnImage && pdf {
                "Ce fichier n'est ni une image JPEG, PNG ou WebP, ni un PDF.".to_string()
            } else {
                e.to_string()
            }
        })?;
    Ok(Accepted {
        kind: MediaKind::Image,
        bytes: Bytes::from(master.1.jpeg),
        file_name: file.file_name.clone(),
    })
}

/// A PDF ends with `%%EOF` (give or take trailing whitespace).
fn has_pdf_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// Runs a decoding on tokio's blocking threads, holding a permit.
async fn decode_limited<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ImageError> + Send + 'static,
) -> Result<T, ImageError> {
    let _permit = DECODING
        .acquire()
        .await
        .map_err(|_| ImageError::Unreadable)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ImageError::Unreadable)?
}

/// Makes the display size and the thumbnail of a medium (idempotent: a
/// medium already processed is left as it is).
#[derive(Debug, Serialize, Deserialize)]
pub struct ProcessMedia {
    pub media: MediaId,
}

impl Job for ProcessMedia {
    const KIND: &'static str = "media.process";

    async fn run(&self, ctx: &JobContext, _job_id: i64) -> anyhow::Result<()> {
        process(&ctx.db, &ctx.files, self.media).await
    }
}

/// See [`ProcessMedia`].
pub async fn process(db: &crate::db::Db, files: &FileStore, id: MediaId) -> anyhow::Result<()> {
    let Some(media) = store::media_by_id(&mut db.acquire().await?.conn(), id).await? else {
        return Ok(()); // deleted meanwhile
    };
    if media.processed_at.is_some() {
        return Ok(());
    }
    if media.kind == MediaKind::Pdf {
        store::set_processed(&mut db.acquire().await?.conn(), id).await?;
        return Ok(());
    }
    let key = StoredKey::parse(&media.master_key)
        .ok_or_else(|| anyhow::anyhow!("media {id}: bad stored key"))?;
    let master = files.get(&key).await?;
    let (display, thumb) = decode_limited(move || images::variants(&master))
        .await
        .map_err(|e| anyhow::anyhow!("media {id}: {e}"))?;
    let display_key = files.put(Bytes::from(display.jpeg)).await?;
    let thumb_key = files.put(Bytes::from(thumb.jpeg)).await?;
    let recorded = store::set_variants(
        &mut db.acquire().await?.conn(),
        id,
        (display_key.as_str(), display.width, display.height),
        (thumb_key.as_str(), thumb.width, thumb.height),
    )
    .await?;
    if !recorded {
        // Another run recorded its own variants first.
        files.delete(&display_key).await?;
        files.delete(&thumb_key).await?;
    }
    Ok(())
}

/// Deletes rejected and withdrawn media whose retention period has passed
/// at `now`: their files (master and variants), then their rows. Returns
/// how many were deleted.
pub async fn purge_expired(
    db: &crate::db::Db,
    files: &FileStore,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    let expired = store::expired(&mut db.acquire().await?.conn(), now).await?;
    for media in &expired {
        for key in [
            Some(&media.master_key),
            media.display_key.as_ref(),
            media.thumb_key.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|k| StoredKey::parse(k))
        {
            files.delete(&key).await?;
        }
        store::delete(&mut db.acquire().await?.conn(), media.id).await?;
    }
    Ok(expired.len())
}
