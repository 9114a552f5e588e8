//! The resource form (a new resource, or a new version): what was typed,
//! the file sent, and their checks.

use serde::Deserialize;

use super::store::{Content, ResourceValues};
use crate::{
    domain::{
        declaration::too_long,
        formats,
        resource::{Audience, ResourceKind, SHEET_MAX, check_sheet},
    },
    files::{FileKind, upload::UploadedFile},
    web::{FormErrors, OnceToken},
};

/// The text fields, as typed (kept when the form comes back; browsers never
/// refill a file field, so a file received with a refused form is held and
/// named by `file_held`: `files::held`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResourceForm {
    pub kind: String,
    pub group_name: String,
    pub title: String,
    pub summary: String,
    pub audience: String,
    pub dated_on: String,
    pub body: String,
    /// A file held from a refused submission (`files::held`).
    pub file_held: String,
    pub once: OnceToken,
}

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 1_000;
pub const GROUP_MAX: usize = 100;
/// The largest file of the kit.
pub const FILE_MAX: u64 = 20 * 1024 * 1024;

impl ResourceForm {
    pub fn blank(today: chrono::NaiveDate) -> ResourceForm {
        ResourceForm {
            kind: "method".into(),
            audience: "staff".into(),
            dated_on: formats::format_date(today),
            ..Default::default()
        }
    }

    /// Checks the fields that are not versioned.
    pub fn values(&self, errors: &mut FormErrors) -> Option<ResourceValues> {
        let kind = ResourceKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "Choisissez la partie de la mallette.");
        }
        let audience = Audience::parse(&self.audience);
        if audience.is_none() {
            errors.add("audience", "Choisissez qui peut consulter cette ressource.");
        }
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "Indiquez le titre de la ressource.");
        } else if title.chars().count() > TITLE_MAX {
            errors.add(
                "title",
                too_long("Le titre", TITLE_MAX, title.chars().count()),
            );
        }
        for (field, what, value, max) in [
            ("summary", "La présentation", &self.summary, SUMMARY_MAX),
            ("group_name", "La rubrique", &self.group_name, GROUP_MAX),
        ] {
            let count = value.trim().chars().count();
            if count > max {
                errors.add(field, too_long(what, max, count));
            }
        }
        let dated_on = formats::parse_date(&self.dated_on);
        if dated_on.is_none() {
            errors.add("dated_on", formats::DATE_MESSAGE);
        }
        Some(ResourceValues {
            kind: kind?,
            group_name: self.group_name.trim().to_string(),
            title: title.to_string(),
            summary: self.summary.trim().to_string(),
            audience: audience?,
            dated_on: dated_on?,
            source_action_id: None,
        })
    }
}

/// Checks a version's content for a resource of `kind`: the kit holds files;
/// a method sheet is Markdown or a PDF; a reuse sheet is Markdown. Returns
/// the Markdown body, or the file with its kind.
pub fn content<'a>(
    kind: ResourceKind,
    body: &str,
    file: Option<&'a UploadedFile>,
    errors: &mut FormErrors,
) -> Option<(Content, Option<(&'a UploadedFile, FileKind)>)> {
    let body = body.trim();
    let file_kind = match file {
        Some(file) => match FileKind::sniff(&file.file_name, &file.bytes) {
            Ok(found) => Some((file, found)),
            Err(err) => {
                errors.add("file", err.to_string());
                return None;
            }
        },
        None => None,
    };
    match (kind, &file_kind, body.is_empty()) {
        (ResourceKind::Kit, None, _) => {
            errors.add(
                "file",
                "Choisissez le fichier à déposer (affiche, invitation, logo…).",
            );
            None
        }
        (ResourceKind::Kit, Some(_), _) => Some((Content::default(), file_kind)),
        (ResourceKind::Method, Some((_, FileKind::Pdf)), true) => {
            Some((Content::default(), file_kind))
        }
        (ResourceKind::Method, Some(_), true) => {
            errors.add("file", "Une fiche méthode déposée est un PDF.");
            None
        }
        (_, Some(_), false) => {
            errors.add(
                "body",
                "Écrivez la fiche ici ou déposez un PDF, pas les deux : videz ce champ ou retirez le fichier.",
            );
            None
        }
        (ResourceKind::Reuse, Some(_), true) => {
            errors.add("file", "Une fiche mutualisation s’écrit ici, sans fichier.");
            None
        }
        (_, None, true) => {
            errors.add("body", "Écrivez le contenu de la fiche.");
            None
        }
        (_, None, false) => {
            let count = body.chars().count();
            if count > SHEET_MAX {
                errors.add("body", too_long("La fiche", SHEET_MAX, count));
                return None;
            }
            if let Err(message) = check_sheet(body) {
                errors.add("body", message);
                return None;
            }
            Some((
                Content {
                    body: body.to_string(),
                    ..Content::default()
                },
                None,
            ))
        }
    }
}
