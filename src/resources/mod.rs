//! The resource kit (mallette) of an edition (issue 10): the communication
//! kit (files), method sheets (Markdown written here, printed from the
//! browser, or an uploaded PDF) and reuse sheets (made from a validated
//! action of a past edition; the reuse catalogue of issue 8 will feed the
//! same function). Resources are ordered and grouped within their kind,
//! dated, versioned (each version keeps its address), public or for staff,
//! carried over when the edition is cloned, and their downloads counted.
//!
//! Files go through the storage seam (`crate::files`); who may read a
//! resource is the policy's `Rights::reads_resource`; the académie's
//! coordination manages the kit.

pub mod demo;
pub mod drawn;
pub mod store;

mod form;
mod pages;

use axum::Router;

use crate::web::AppState;

pub use pages::public_kit;

pub fn router() -> Router<AppState> {
    pages::router()
}

/// A resource as lists show it.
#[derive(Clone, Debug)]
pub struct ResourceView {
    pub id: crate::domain::ResourceId,
    pub title: String,
    pub summary: String,
    pub group_name: String,
    pub kind_label: &'static str,
    /// « 12/02/2024 »
    pub dated: String,
    pub version: i64,
    pub public: bool,
    pub audience_label: &'static str,
    /// « PDF, 120 ko » for a file; empty for a Markdown sheet.
    pub file_label: String,
    pub downloads: i64,
}

impl ResourceView {
    pub fn new(resource: &store::Resource) -> ResourceView {
        let file_label = match (&resource.file_kind, resource.file_size) {
            (Some(kind), Some(size)) => format!(
                "{}, {}",
                crate::files::FileKind::from_code(kind).map_or("fichier", |k| k.label()),
                crate::files::upload::limit_label(size.max(0) as u64)
            ),
            _ => String::new(),
        };
        ResourceView {
            id: resource.id,
            title: resource.title.clone(),
            summary: resource.summary.clone(),
            group_name: resource.group_name.clone(),
            kind_label: resource.kind.singular(),
            dated: crate::domain::formats::format_date(resource.dated_on),
            version: resource.version,
            public: resource.audience == crate::domain::resource::Audience::Public,
            audience_label: resource.audience.label(),
            file_label,
            downloads: resource.downloads,
        }
    }
}
