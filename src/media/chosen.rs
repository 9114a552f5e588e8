//! The photo or poster a media form carries: the file sent now, or the one
//! held from the same form's refused submission (`files::held`), so that a
//! form refused for another field neither loses its file nor stores it
//! twice. Used by the totem entry, the contest entry and the bilan.

use axum::body::Bytes;

use super::{pipeline::Accepted, store};
use crate::{
    db::Db,
    domain::media::MediaKind,
    files::{FileError, FileStore, StoredKey, held::Held},
};

/// The medium's file, before its row is written.
#[derive(Clone, Debug)]
pub enum Chosen {
    /// Sent with this submission and accepted by `pipeline::accept`.
    Sent(Accepted),
    /// Held from a refused submission of the same form: already stored.
    Held(Held),
}

/// A medium's file once in the store, ready for its row.
#[derive(Clone, Debug)]
pub struct Stored {
    pub key: StoredKey,
    pub kind: MediaKind,
    pub file_name: String,
    pub byte_size: i64,
    /// Stored by this request (deleted again if the row is not written).
    pub fresh: bool,
}

impl Chosen {
    /// The file sent now if any, else the one held: `sent` wins (the person
    /// chose another file), and the held one is then dropped by the caller.
    pub fn pick(sent: Option<Accepted>, held: Option<Held>) -> Option<Chosen> {
        sent.map(Chosen::Sent).or(held.map(Chosen::Held))
    }

    /// The name the person gave.
    pub fn file_name(&self) -> &str {
        match self {
            Chosen::Sent(accepted) => &accepted.file_name,
            Chosen::Held(held) => &held.file_name,
        }
    }

    /// Stores the file if it is not yet (a held one already is).
    pub async fn store(&self, files: &FileStore) -> Result<Stored, FileError> {
        Ok(match self {
            Chosen::Sent(accepted) => Stored {
                key: files.put(accepted.bytes.clone()).await?,
                kind: accepted.kind,
                file_name: accepted.file_name.clone(),
                byte_size: accepted.bytes.len() as i64,
                fresh: true,
            },
            Chosen::Held(held) => Stored {
                key: held.key.clone(),
                // `held` read back only with a known kind.
                kind: MediaKind::parse(&held.kind).unwrap_or(MediaKind::Image),
                file_name: held.file_name.clone(),
                byte_size: held.size,
                fresh: false,
            },
        })
    }

    /// Keeps the file for the refused form's page: stores a file sent now
    /// (once), or gives back the one already held.
    pub async fn hold(&self, files: &FileStore) -> Result<Held, FileError> {
        match self {
            Chosen::Sent(accepted) => {
                Held::keep(
                    files,
                    Bytes::clone(&accepted.bytes),
                    accepted.kind.code(),
                    &accepted.file_name,
                )
                .await
            }
            Chosen::Held(held) => Ok(held.clone()),
        }
    }
}

/// Reads the held-file field of a media form (`token`, for the person whose
/// anti-forgery token is `csrf`): `None` when there is none, when it is not
/// a medium's kind, or when a medium already names the file (the form was
/// sent again after going through).
pub async fn read_held(
    db: &Db,
    token: &str,
    csrf: &str,
) -> Result<Option<Held>, crate::db::DbError> {
    let Some(held) = Held::read(token, csrf) else {
        return Ok(None);
    };
    if MediaKind::parse(&held.kind).is_none() {
        return Ok(None);
    }
    if store::names_file(&mut db.acquire().await?.conn(), held.key.as_str()).await? {
        return Ok(None);
    }
    Ok(Some(held))
}

/// What a page shows of a held file: the hidden field's value and the name.
#[derive(Clone, Debug)]
pub struct HeldView {
    pub token: String,
    pub file_name: String,
}

impl HeldView {
    pub fn new(held: &Held, csrf: &str) -> HeldView {
        HeldView {
            token: held.token(csrf),
            file_name: held.file_name.clone(),
        }
    }
}

/// After the form's write: deletes the file that no row will name — when
/// the write was done, the held file that a file chosen now replaced; when
/// it was not (an error, a form sent twice), the file this request stored.
/// A failure is logged, never shown: the file is only left behind.
pub async fn tidy(
    files: &FileStore,
    fresh: Option<&StoredKey>,
    replaced: Option<&StoredKey>,
    done: bool,
) {
    let unused = if done { replaced } else { fresh };
    if let Some(key) = unused
        && let Err(e) = files.delete(key).await
    {
        tracing::warn!("a form's file not kept, and not deleted: {e}");
    }
}
