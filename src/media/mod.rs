//! Photos and PDF posters that pupils may appear in (issue 9), whatever the
//! feature that attaches them (totem entry, poster entry, bilan): one table
//! (`media`), one pipeline, one review, one handler that serves them.
//!
//! A feature folder of its own rather than a part of `crate::files`: `files`
//! is the storage seam and owns no table; media carry a review workflow,
//! pages and a policy, like any feature. They build on `files` (the store,
//! `Upload`, `images`) and add no second pipeline.
//!
//! - `pipeline.rs`: checks at upload, the background job that makes the
//!   variants, the deletion after the retention period.
//! - `store.rs`: the table.
//! - `pages.rs`: serving (`/medias/{id}/{variante}`: fixed content type,
//!   long cache and ETag once approved, 404 to anyone without the right
//!   before), decisions (approve, reject, withdraw), the review page of an
//!   edition with the académie's retention period.
//!
//! The rules (states, consent, who decides) are `domain::media`.

pub mod chosen;
pub mod demo;
pub mod pipeline;
pub mod store;

mod pages;

use axum::Router;

use crate::{
    domain::{MediaId, media::MediaRelation},
    web::{AppState, CurrentUser},
};

pub fn router() -> Router<AppState> {
    pages::router()
}

/// How `user` stands towards `media` (see `domain::media`).
pub fn relation(user: Option<&CurrentUser>, media: &store::Media) -> MediaRelation {
    let Some(user) = user else {
        return MediaRelation {
            coordinator: false,
            school_side: false,
        };
    };
    let coordinator = user.rights.manages_academy(media.academy_id);
    let school_side = media.uploader_id == Some(user.id)
        || (media.school_id.is_some()
            && user
                .rights
                .may(crate::domain::Ability::Declare, &media.placement()));
    MediaRelation {
        coordinator,
        school_side,
    }
}

/// The `owner_kind` of a bilan's photos (`owner_id`: the action's id).
pub const BILAN: &str = "bilan";

/// Whether `user` may see `media` before it is approved: the medium's
/// relation (`relation`), or, for a bilan's photo, whoever reads the bilan
/// (its owner, the school, the district and académie coordination:
/// `domain::BilanRights`), so the coordinations see the photos with the
/// bilan, approved or not.
pub async fn sees_private(
    state: &AppState,
    user: Option<&CurrentUser>,
    media: &store::Media,
) -> Result<bool, crate::db::DbError> {
    if relation(user, media).sees_private() {
        return Ok(true);
    }
    let Some(user) = user else {
        return Ok(false);
    };
    if media.owner_kind != BILAN {
        return Ok(false);
    }
    let action = crate::actions::store::action_by_id(
        &mut state.db.acquire().await?.conn(),
        crate::domain::ActionId(media.owner_id),
    )
    .await?;
    Ok(action.is_some_and(|action| {
        crate::domain::BilanRights::of(
            crate::actions::workflow::relation(user, &action),
            action.state(),
        )
        .read
    }))
}

/// A medium as pages show it.
#[derive(Clone, Debug)]
pub struct MediaView {
    pub id: MediaId,
    pub is_pdf: bool,
    /// Thumbnail made (images), so it can be shown with its size.
    pub ready: bool,
    pub thumb_width: i64,
    pub thumb_height: i64,
    pub description: String,
    pub state_label: &'static str,
    pub state_code: &'static str,
    pub consent_label: &'static str,
    pub school_name: String,
    pub file_name: String,
    pub public: bool,
    /// Whether it may be approved: a description and the consent tick (the
    /// review page offers « Publier » only then).
    pub publishable: bool,
    /// What it was sent with: « Totem », « Affiche du concours », « Bilan
    /// d'action ».
    pub origin: &'static str,
    /// The page it belongs to, for the review page (a bilan's photos).
    pub origin_link: Option<String>,
}

impl MediaView {
    pub fn new(media: &store::Media) -> MediaView {
        MediaView {
            id: media.id,
            is_pdf: media.kind == crate::domain::media::MediaKind::Pdf,
            ready: media.thumb_key.is_some(),
            thumb_width: media.thumb_width.unwrap_or(0),
            thumb_height: media.thumb_height.unwrap_or(0),
            description: media.description.clone(),
            state_label: media.state.label(),
            state_code: media.state.code(),
            consent_label: media.consent().map_or(
                "Attestation de droit à l'image non cochée : l'image reste privée.",
                |c| c.label(),
            ),
            school_name: media.school_name.clone().unwrap_or_default(),
            file_name: media.file_name.clone(),
            public: media.is_public(),
            publishable: !media.description.trim().is_empty() && media.consent().is_some(),
            origin: match media.owner_kind.as_str() {
                "totem" => "Totem",
                "poster" => "Affiche du concours",
                BILAN => "Bilan d'action",
                _ => "Autre",
            },
            origin_link: (media.owner_kind == BILAN)
                .then(|| format!("/actions/{}/bilan", media.owner_id)),
        }
    }
}
