//! Reading a `multipart/form-data` form (a form with a file field).
//!
//! [`Upload`] is to file forms what `CsrfForm` is to the others: the
//! anti-forgery token is checked (the form's hidden `csrf` field comes first
//! in the page, so nothing of a forged upload is read beyond it), the size
//! limit `MAX_BYTES` is checked on `Content-Length` *before* the body is
//! read, and again while it streams (a body sent without a length, or lying
//! about it, is cut off at the limit). Over the limit: a French 413 page
//! naming the limit.
//!
//! The text fields become pairs (read into the handler's form type with
//! [`Upload::form`]); the files stay in memory, each with the name the person
//! gave (metadata only: [`super::FileStore::put`] picks the stored name).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header,
};
use serde::de::DeserializeOwned;

use crate::web::{AppError, csrf};

/// The default limit of a whole upload form: 20 Mo.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// One file field as sent.
#[derive(Clone, Debug)]
pub struct UploadedFile {
    /// The field's name in the form.
    pub field: String,
    /// The file's name on the person's computer (without folders).
    pub file_name: String,
    /// The name exactly as the form sent it (folders, `..` and control
    /// characters included), for features that refuse such names.
    pub sent_name: String,
    pub bytes: Bytes,
}

/// A `multipart/form-data` form whose anti-forgery token has been checked
/// and whose size is at most `MAX_BYTES` (see the module's documentation).
#[derive(Clone, Debug)]
pub struct Upload<const MAX_BYTES: u64 = DEFAULT_MAX_BYTES> {
    /// The text fields, in order (repeated names kept).
    pub fields: Vec<(String, String)>,
    /// The file fields that carried a file (an empty file input is skipped).
    pub files: Vec<UploadedFile>,
}

impl<const MAX_BYTES: u64> Upload<MAX_BYTES> {
    /// The text fields read into the handler's form type, as `CsrfForm`
    /// would read them.
    pub fn form<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_urlencoded::to_string(&self.fields)
            .map_err(|_| AppError::BadRequest("Le formulaire envoyé est illisible.".into()))?;
        serde_html_form::from_str(&encoded)
            .map_err(|_| AppError::BadRequest("Le formulaire envoyé est incomplet.".into()))
    }

    /// The file sent in the field `name`, if any.
    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == name)
    }

    /// The limit in the French way: « 20 Mo ».
    pub fn limit_label() -> String {
        limit_label(MAX_BYTES)
    }
}

/// « 20 Mo », « 512 ko ».
pub fn limit_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} Mo", bytes / (1024 * 1024))
    } else {
        format!("{} ko", bytes.div_ceil(1024))
    }
}

fn too_large(max: u64) -> AppError {
    AppError::TooLarge(format!(
        "Ce que vous avez envoyé dépasse {} : rien n'a été enregistré. Revenez en arrière et \
         choisissez un fichier plus léger.",
        limit_label(max)
    ))
}

fn unreadable() -> AppError {
    AppError::BadRequest(
        "Le formulaire envoyé est illisible : revenez en arrière et recommencez.".into(),
    )
}

impl<S: Send + Sync, const MAX_BYTES: u64> FromRequest<S> for Upload<MAX_BYTES> {
    type Rejection = AppError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let expected = csrf::expected(&request).ok_or(AppError::Csrf)?;
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_BYTES) {
            return Err(too_large(MAX_BYTES));
        }
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| multer::parse_boundary(v).ok())
            .ok_or_else(unreadable)?;
        let constraints =
            multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(MAX_BYTES));
        let stream = request.into_body().into_data_stream();
        let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
        let mut upload = Upload {
            fields: Vec::new(),
            files: Vec::new(),
        };
        let mut token_checked = false;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| read_error(e, MAX_BYTES))?
        {
            let name = field.name().unwrap_or_default().to_string();
            let sent_name = field.file_name().map(str::to_string);
            let file_name = sent_name
                .as_deref()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default().to_string());
            let bytes = field.bytes().await.map_err(|e| read_error(e, MAX_BYTES))?;
            if !token_checked {
                // The token must be the first field: nothing else is read
                // from a form that does not carry it.
                let posted =
                    (name == csrf::FIELD).then(|| String::from_utf8_lossy(&bytes).to_string());
                if !posted.is_some_and(|p| csrf::same_token(&p, &expected)) {
                    return Err(AppError::Csrf);
                }
                token_checked = true;
                continue;
            }
            match file_name {
                Some(file_name) if !(file_name.is_empty() && bytes.is_empty()) => {
                    upload.files.push(UploadedFile {
                        field: name,
                        file_name,
                        sent_name: sent_name.unwrap_or_default(),
                        bytes,
                    });
                }
                Some(_) => {}
                None => upload.fields.push((
                    name,
                    String::from_utf8(bytes.to_vec()).map_err(|_| unreadable())?,
                )),
            }
        }
        if !token_checked {
            return Err(AppError::Csrf);
        }
        Ok(upload)
    }
}

fn read_error(error: multer::Error, max: u64) -> AppError {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large(max)
        }
        _ => unreadable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::StatusCode, response::IntoResponse};

    const TOKEN: &str = "the-expected-token-of-this-visitor-0123456789";

    fn multipart(parts: &[(&str, Option<&str>, &[u8])], length: Option<u64>) -> Request {
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(b"--XYZ\r\n");
            match file {
                Some(file) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XYZ--\r\n");
        let length = length.unwrap_or(body.len() as u64);
        let mut request = Request::builder()
            .method("POST")
            .uri("/")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XYZ")
            .header(header::CONTENT_LENGTH, length)
            .body(Body::from(body))
            .unwrap();
        csrf::expect(&mut request, TOKEN);
        request
    }

    async fn read<const MAX: u64>(request: Request) -> Result<Upload<MAX>, StatusCode> {
        Upload::<MAX>::from_request(request, &())
            .await
            .map_err(|e| e.into_response().status())
    }

    #[derive(serde::Deserialize)]
    struct Title {
        title: String,
    }

    #[tokio::test]
    async fn reads_fields_and_files_after_the_token() {
        let request = multipart(
            &[
                ("csrf", None, TOKEN.as_bytes()),
                ("title", None, "Affiche é".as_bytes()),
                ("file", Some("C:\\Docs\\affiche.pdf"), b"%PDF-1.7"),
                ("other", Some(""), b""),
            ],
            None,
        );
        let upload = read::<1024>(request).await.unwrap();
        assert_eq!(upload.form::<Title>().unwrap().title, "Affiche é");
        assert_eq!(upload.files.len(), 1);
        let file = upload.file("file").unwrap();
        assert_eq!(file.file_name, "affiche.pdf");
        assert_eq!(&file.bytes[..], b"%PDF-1.7");
    }

    #[tokio::test]
    async fn refuses_a_missing_or_wrong_token_before_anything_else() {
        for first in [("csrf", "wrong"), ("title", TOKEN)] {
            let request = multipart(
                &[
                    (first.0, None, first.1.as_bytes()),
                    ("file", Some("a.pdf"), b"%PDF"),
                ],
                None,
            );
            assert_eq!(
                read::<1024>(request).await.unwrap_err(),
                StatusCode::FORBIDDEN
            );
        }
    }

    #[tokio::test]
    async fn refuses_too_large_bodies_declared_or_not() {
        let big = vec![b'x'; 4096];
        // Declared too large: refused before the body is read.
        let request = multipart(&[("csrf", None, TOKEN.as_bytes())], Some(10_000_000));
        assert_eq!(
            read::<1024>(request).await.unwrap_err(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // A body that lies about its length is cut off at the limit.
        let request = multipart(
            &[
                ("csrf", None, TOKEN.as_bytes()),
                ("file", Some("a.pdf"), &big),
            ],
            Some(100),
        );
        assert!(read::<1024>(request).await.is_err());
        let request = multipart(
            &[
                ("csrf", None, TOKEN.as_bytes()),
                ("file", Some("a.pdf"), &big),
            ],
            None,
        );
        assert_eq!(
            read::<1024>(request).await.unwrap_err(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn limits_read_the_french_way() {
        assert_eq!(super::limit_label(20 * 1024 * 1024), "20 Mo");
        assert_eq!(super::limit_label(1000), "1 ko");
    }
}
