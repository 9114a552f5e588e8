//! The file storage seam: every file the product receives (kit files, PDF
//! method sheets, and later bilans' photos) is kept here, and nowhere else.
//!
//! - [`FileStore`] wraps an `object_store` backend: a local folder by default
//!   (`PERSEVERANCE_FILES_DIR`, `data/files`, outside any folder the site
//!   serves), an S3-compatible bucket by configuration ([`FileStore::s3`],
//!   `PERSEVERANCE_S3_*`), in memory for unit tests.
//! - Stored files get a random name ([`StoredKey`]: 256 random bits), never
//!   the name the person gave: that name is metadata, kept by the feature's
//!   own table beside the key and the [`FileKind`].
//! - [`FileKind`] is decided from the file's first bytes *and* its extension
//!   ([`FileKind::sniff`]), never from the browser's claim; it fixes the
//!   content type the file is served with.
//! - [`upload::Upload`] reads a `multipart/form-data` form: anti-forgery token
//!   checked first, size limit checked on `Content-Length` before the body is
//!   read, and again while it streams.
//! - [`download`] answers a stored file with its fixed content type,
//!   `Content-Disposition` (attachment, or inline for PDFs shown in the
//!   browser) and `nosniff`; the feature decides who may download it.
//!
//! - [`held::Held`] keeps the file of a form refused for another field, named
//!   by a sealed hidden field, so the corrected form neither asks for it
//!   again nor stores it twice.
//!
//! The metadata (key, kind, name, size) lives in each feature's tables, so
//! this module owns no table and no migration.

pub mod held;
pub mod images;
pub mod upload;

use std::{path::Path, sync::Arc};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::Response,
};
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, local::LocalFileSystem, memory::InMemory,
    path::Path as ObjectPath,
};

use crate::config::Config;

/// Where uploaded files are kept. Cheap to clone (one shared backend).
#[derive(Clone)]
pub struct FileStore {
    backend: Arc<dyn ObjectStore>,
    /// « dossier data/files », for logs and `Debug`.
    describe: String,
    small: Arc<SmallFiles>,
}

/// Small files read lately (thumbnails: about 12 KB each), kept in memory
/// so that serving one costs no read from the folder or the bucket. A key's
/// content never changes (keys are random and never reused), so a copy is
/// never stale; [`FileStore::delete`] drops it (another instance sharing the
/// bucket may keep its copy until it is evicted: every handler checks the
/// file's row, approval included, before it asks for the bytes). At most [`SmallFiles::MAX_TOTAL`]
/// bytes: when full, the copies are dropped all at once and the cache fills
/// again with what is asked for.
#[derive(Default)]
struct SmallFiles {
    copies: std::sync::Mutex<(std::collections::HashMap<String, Bytes>, usize)>,
}

impl SmallFiles {
    /// Files up to this size are kept.
    const MAX_FILE: usize = 128 * 1024;
    /// The copies' total size.
    const MAX_TOTAL: usize = 32 * 1024 * 1024;

    fn get(&self, key: &StoredKey) -> Option<Bytes> {
        let copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        copies.0.get(key.as_str()).cloned()
    }

    fn keep(&self, key: &StoredKey, bytes: &Bytes) {
        if bytes.len() > Self::MAX_FILE {
            return;
        }
        let mut copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        if copies.1 + bytes.len() > Self::MAX_TOTAL {
            *copies = Default::default();
        }
        if copies
            .0
            .insert(key.as_str().to_string(), bytes.clone())
            .is_none()
        {
            copies.1 += bytes.len();
        }
    }

    fn forget(&self, key: &StoredKey) {
        let mut copies = self.copies.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(gone) = copies.0.remove(key.as_str()) {
            copies.1 -= gone.len();
        }
    }
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// No file under this key (deleted, or another instance's folder).
    #[error("fichier introuvable dans le stockage")]
    NotFound,
    #[error("stockage des fichiers ({0})")]
    Backend(#[from] object_store::Error),
}

impl From<FileError> for crate::web::AppError {
    fn from(err: FileError) -> Self {
        match err {
            FileError::NotFound => crate::web::AppError::NotFound,
            other => crate::web::AppError::Internal(other.into()),
        }
    }
}

impl FileStore {
    /// Files kept in the folder `dir` (created if missing), one sub-folder per
    /// first two characters of the key.
    pub fn local(dir: &Path) -> anyhow::Result<FileStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("dossier des fichiers {} : {e}", dir.display()))?;
        let backend = LocalFileSystem::new_with_prefix(dir)?;
        Ok(FileStore {
            backend: Arc::new(backend),
            describe: format!("dossier {}", dir.display()),
            small: Arc::default(),
        })
    }

    /// Files kept in memory (unit tests; lost at exit).
    pub fn memory() -> FileStore {
        FileStore {
            backend: Arc::new(InMemory::new()),
            describe: "mémoire".into(),
            small: Arc::default(),
        }
    }

    /// Files kept in an S3-compatible bucket, shared by every instance
    /// (path-style addresses, so a local server such as moto or MinIO works;
    /// plain http is allowed only for an endpoint on this machine).
    pub fn s3(settings: &crate::config::S3Config) -> anyhow::Result<FileStore> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_virtual_hosted_style_request(false);
        if !settings.endpoint.is_empty() {
            let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| settings.endpoint.starts_with(p));
            builder = builder
                .with_endpoint(&settings.endpoint)
                .with_allow_http(local);
        }
        let backend = builder
            .build()
            .map_err(|e| anyhow::anyhow!("stockage S3 {} : {e}", settings.bucket))?;
        Ok(FileStore {
            backend: Arc::new(backend),
            describe: format!("compartiment S3 {}", settings.bucket),
            small: Arc::default(),
        })
    }

    /// The store the settings name: the S3 bucket when
    /// `PERSEVERANCE_S3_BUCKET` is set, else the local folder
    /// `PERSEVERANCE_FILES_DIR`.
    pub fn from_config(config: &Config) -> anyhow::Result<FileStore> {
        match &config.s3 {
            Some(settings) => FileStore::s3(settings),
            None => FileStore::local(&config.files_dir),
        }
    }

    /// Keeps `bytes` under a new random key, and returns the key.
    pub async fn put(&self, bytes: Bytes) -> Result<StoredKey, FileError> {
        let key = StoredKey::fresh();
        self.backend
            .put(&key.path(), PutPayload::from_bytes(bytes))
            .await?;
        Ok(key)
    }

    /// The bytes stored under `key`.
    pub async fn get(&self, key: &StoredKey) -> Result<Bytes, FileError> {
        if let Some(bytes) = self.small.get(key) {
            return Ok(bytes);
        }
        match self.backend.get(&key.path()).await {
            Ok(found) => {
                let bytes = found.bytes().await?;
                self.small.keep(key, &bytes);
                Ok(bytes)
            }
            Err(object_store::Error::NotFound { .. }) => Err(FileError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Forgets the file under `key` (nothing happens if it is gone already).
    pub async fn delete(&self, key: &StoredKey) -> Result<(), FileError> {
        self.small.forget(key);
        match self.backend.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The random name a file is stored under: `ab/abcdef…` (43 URL-safe
/// base64 characters, the first two repeated as a folder). Stored as text in
/// the feature's table; [`StoredKey::parse`] refuses anything else, so a key
/// read back can never walk out of the store's folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredKey(String);

impl StoredKey {
    fn fresh() -> StoredKey {
        let token = crate::web::tokens::random_token();
        StoredKey(format!("{}/{token}", &token[..2]))
    }

    /// Reads a stored key back; `None` if it is not one of ours.
    pub fn parse(text: &str) -> Option<StoredKey> {
        let (dir, name) = text.split_once('/')?;
        let fits = name.len() == 43
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && name.starts_with(dir)
            && dir.len() == 2;
        fits.then(|| StoredKey(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn path(&self) -> ObjectPath {
        ObjectPath::from(self.0.as_str())
    }
}

/// What a file is, as far as the service lets it be: decided from its
/// first bytes and its extension, it fixes the content type it is served
/// with. Stored as its [`code`](FileKind::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    /// Word (`.docx`), Excel (`.xlsx`), PowerPoint (`.pptx`).
    Docx,
    Xlsx,
    Pptx,
    /// OpenDocument text, spreadsheet, presentation.
    Odt,
    Ods,
    Odp,
}

/// Why an uploaded file is refused (French, shown next to the field).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    #[error("Le fichier est vide.")]
    Empty,
    #[error(
        "Ce type de fichier n'est pas accepté : envoyez un PDF, une image (PNG, JPEG, WebP) ou un \
         document bureautique (DOCX, XLSX, PPTX, ODT, ODS, ODP)."
    )]
    Unsupported,
    #[error(
        "Le contenu du fichier ne correspond pas à son extension « .{0} » : enregistrez-le à \
         nouveau dans le bon format."
    )]
    Mismatch(String),
}

impl FileKind {
    pub const ALL: [FileKind; 10] = [
        FileKind::Pdf,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Webp,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Pptx,
        FileKind::Odt,
        FileKind::Ods,
        FileKind::Odp,
    ];

    /// The stored code (also the usual extension).
    pub fn code(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Webp => "webp",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Pptx => "pptx",
            FileKind::Odt => "odt",
            FileKind::Ods => "ods",
            FileKind::Odp => "odp",
        }
    }

    pub fn from_code(code: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The content type the file is always served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::Odp => "application/vnd.oasis.opendocument.presentation",
        }
    }

    /// « PDF », « image PNG »…, for lists of files.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Png => "image PNG",
            FileKind::Jpeg => "image JPEG",
            FileKind::Webp => "image WebP",
            FileKind::Docx => "document Word",
            FileKind::Xlsx => "classeur Excel",
            FileKind::Pptx => "présentation PowerPoint",
            FileKind::Odt => "document OpenDocument",
            FileKind::Ods => "classeur OpenDocument",
            FileKind::Odp => "présentation OpenDocument",
        }
    }

    /// Whether a browser may show it in place (PDF and images); the rest
    /// is always downloaded.
    pub fn shows_inline(self) -> bool {
        matches!(
            self,
            FileKind::Pdf | FileKind::Png | FileKind::Jpeg | FileKind::Webp
        )
    }

    /// The kind of an uploaded file, from its name's extension and its first
    /// bytes, which must agree (a renamed executable is refused).
    pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<FileKind, KindError> {
        if bytes.is_empty() {
            return Err(KindError::Empty);
        }
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let by_name = match extension.as_str() {
            "pdf" => FileKind::Pdf,
            "png" => FileKind::Png,
            "jpg" | "jpeg" => FileKind::Jpeg,
            "webp" => FileKind::Webp,
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            "pptx" => FileKind::Pptx,
            "odt" => FileKind::Odt,
            "ods" => FileKind::Ods,
            "odp" => FileKind::Odp,
            _ => return Err(KindError::Unsupported),
        };
        let fits = match by_name {
            FileKind::Pdf => bytes.starts_with(b"%PDF-"),
            FileKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileKind::Jpeg => bytes.starts_with(b"\xff\xd8\xff"),
            FileKind::Webp => {
                bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
            }
            // Office and OpenDocument files are ZIP archives.
            _ => bytes.starts_with(b"PK\x03\x04"),
        };
        if fits {
            Ok(by_name)
        } else {
            Err(KindError::Mismatch(extension))
        }
    }
}

/// The answer that sends a stored file: its fixed content type, its name in
/// `Content-Disposition` (`inline` only for kinds a browser shows safely,
/// when asked), `nosniff`, a sandboxing CSP (a PDF's scripts never run with
/// the site's rights) and private caching. The kit sends every file as an
/// attachment: Chromium's PDF viewer does not open inside a sandboxed
/// document, so `inline` suits images rather than PDFs.
pub fn download(kind: FileKind, file_name: &str, bytes: Bytes, inline: bool) -> Response {
    let disposition = if inline && kind.shows_inline() {
        "inline"
    } else {
        "attachment"
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(disposition, file_name, kind)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    response
}

/// `attachment; filename="affiche.pdf"; filename*=UTF-8''affiche%20%C3%A9.pdf`:
/// an ASCII fallback, then the exact name (RFC 6266); the name always ends
/// with the kind's extension.
pub fn content_disposition(disposition: &str, file_name: &str, kind: FileKind) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ if base.is_empty() => "fichier",
        _ => base,
    };
    let name = format!("{stem}.{}", kind.code());
    // Accents dropped (the fold lowercases: each letter keeps its case).
    let ascii: String = name
        .chars()
        .flat_map(|c| {
            if c.is_ascii() {
                return vec![c];
            }
            let folded = crate::text::fold(&c.to_string());
            if c.is_uppercase() {
                folded.to_uppercase()
            } else {
                folded
            }
            .chars()
            .collect::<Vec<_>>()
        })
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn small_files_are_read_once_and_forgotten_when_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::local(dir.path()).unwrap();
        let small = store.put(Bytes::from(vec![7u8; 12_000])).await.unwrap();
        let large = store.put(Bytes::from(vec![8u8; 200_000])).await.unwrap();
        assert_eq!(store.get(&small).await.unwrap().len(), 12_000);
        assert_eq!(store.get(&large).await.unwrap().len(), 200_000);
        // Gone from the folder behind the store's back: the small one is
        // answered from memory, the large one was not kept.
        for found in walk(dir.path()) {
            std::fs::remove_file(found).unwrap();
        }
        assert_eq!(store.get(&small).await.unwrap().len(), 12_000);
        assert!(matches!(store.get(&large).await, Err(FileError::NotFound)));
        store.delete(&small).await.unwrap();
        assert!(matches!(store.get(&small).await, Err(FileError::NotFound)));
    }

    #[tokio::test]
    async fn stores_and_reads_back_under_random_keys() {
        let dir = tempfile::tempdir().unwrap();
        for store in [FileStore::memory(), FileStore::local(dir.path()).unwrap()] {
            let a = store.put(Bytes::from_static(b"%PDF-1.7 a")).await.unwrap();
            let b = store.put(Bytes::from_static(b"%PDF-1.7 b")).await.unwrap();
            assert_ne!(a, b);
            assert_eq!(StoredKey::parse(a.as_str()), Some(a.clone()));
            assert_eq!(&store.get(&a).await.unwrap()[..], b"%PDF-1.7 a");
            store.delete(&a).await.unwrap();
            assert!(matches!(store.get(&a).await, Err(FileError::NotFound)));
            store.delete(&a).await.unwrap();
        }
        // The local folder holds the file under its random name only.
        let found: Vec<_> = walk(dir.path());
        assert_eq!(found.len(), 1);
        assert!(!found[0].contains("pdf"));
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.path().is_dir() {
                out.extend(walk(&entry.path()));
            } else {
                out.push(entry.path().display().to_string());
            }
        }
        out
    }

    #[test]
    fn keys_from_elsewhere_are_refused() {
        for bad in [
            "",
            "../etc/passwd",
            "ab/../../x",
            "ab/abc",
            "zz/ab0123456789012345678901234567890123456789",
        ] {
            assert_eq!(StoredKey::parse(bad), None, "{bad}");
        }
        let key = StoredKey::fresh();
        assert!(StoredKey::parse(key.as_str()).is_some());
    }

    #[test]
    fn kinds_come_from_content_and_extension_together() {
        assert_eq!(
            FileKind::sniff("Affiche.PDF", b"%PDF-1.4\n"),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            FileKind::sniff("logo.png", b"\x89PNG\r\n\x1a\n...."),
            Ok(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff("photo.jpeg", b"\xff\xd8\xff\xe0"),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff("invitation.odt", b"PK\x03\x04"),
            Ok(FileKind::Odt)
        );
        assert_eq!(
            FileKind::sniff("page.html", b"<script>"),
            Err(KindError::Unsupported)
        );
        assert_eq!(
            FileKind::sniff("affiche.pdf", b"MZ\x90\x00"),
            Err(KindError::Mismatch("pdf".into()))
        );
        assert_eq!(FileKind::sniff("vide.pdf", b""), Err(KindError::Empty));
        assert_eq!(
            FileKind::sniff("sans-extension", b"%PDF-"),
            Err(KindError::Unsupported)
        );
        for kind in FileKind::ALL {
            assert_eq!(FileKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn disposition_keeps_the_name_and_forces_the_extension() {
        assert_eq!(
            content_disposition("attachment", "Fiche méthode.pdf", FileKind::Pdf),
            "attachment; filename=\"Fiche methode.pdf\"; filename*=UTF-8''Fiche%20m%C3%A9thode.pdf"
        );
        assert_eq!(
            content_disposition("inline", "C:\\docs\\x\".html", FileKind::Pdf),
            "inline; filename=\"x_.pdf\"; filename*=UTF-8''x%22.pdf"
        );
        assert_eq!(
            content_disposition("attachment", "", FileKind::Png),
            "attachment; filename=\"fichier.png\"; filename*=UTF-8''fichier.png"
        );
    }
}
