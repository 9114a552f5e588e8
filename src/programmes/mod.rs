//! District programmes (issue 8): the district coordination composes the
//! programme of its district for an edition from the district's validated
//! actions (those flagged « retenue pour le programme » first), in its
//! order, grouped by day or by school, with an introduction and the
//! district's own events; previews it; publishes it (each publication is a
//! numbered version, frozen as JSON); diffuses a version by mail with the
//! PDF attached to the schools, the partners, the DSDEN and the académie,
//! and keeps the log. The public page of the latest version needs no account
//! (A4 print stylesheet), with its PDF, iCalendar, CSV and XLSX files.
//!
//! Who: the policy decides, at the district's placement. Composing,
//! publishing, diffusing and the partners list: [`Ability::Review`] (the
//! district's coordination, the académie's, the admin). Reading the working
//! copy, the versions and the log: [`Ability::Export`] (also the DSDEN).
//! Someone who does not see the district gets a 404; someone who sees it
//! without following it (a school's staff) a 403.

mod compose;
pub mod demo;
mod diffusion;
pub mod formats;
pub mod pdf;
mod public;
pub mod store;

use axum::{
    Router,
    routing::{get, post},
};

use crate::{
    domain::{Ability, DistrictId, EditionId, programme::Content},
    editions::{store::Edition, visible_edition},
    map::store::{self as map_store, Academy, District},
    web::{AppError, AppResult, AppState, CurrentUser, PageCtx},
};

pub use diffusion::SendProgrammeMail;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/editions/{id}/districts/{district}/programme",
            get(compose::page).post(compose::save),
        )
        .route(
            "/editions/{id}/districts/{district}/programme/evenements",
            post(compose::add_event),
        )
        .route(
            "/programmes/evenements/{id}/supprimer",
            post(compose::delete_event),
        )
        .route(
            "/editions/{id}/districts/{district}/programme/apercu",
            get(compose::preview),
        )
        .route(
            "/editions/{id}/districts/{district}/programme/publier",
            post(compose::publish),
        )
        .route(
            "/editions/{id}/districts/{district}/programme/diffuser",
            get(diffusion::page).post(diffusion::send),
        )
        .route(
            "/programmes/destinataires/{id}/renvoyer",
            post(diffusion::retry),
        )
        .route(
            "/districts/{id}/partenaires",
            get(diffusion::partners).post(diffusion::add_partner),
        )
        .route("/partenaires/{id}", post(diffusion::update_partner))
        .route(
            "/partenaires/{id}/supprimer",
            post(diffusion::delete_partner),
        )
        .route(
            "/a/{slug}/editions/{year}/programmes/{district}",
            get(public::page),
        )
        .route(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.pdf",
            get(public::pdf),
        )
        .route(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.ics",
            get(public::ics),
        )
        .route(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.csv",
            get(public::csv),
        )
        .route(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.xlsx",
            get(public::xlsx),
        )
}

const COMPOSE_REASON: &str = "Seules la coordination du district et la coordination académique \
     composent, publient et diffusent le programme du district.";
const FOLLOW_REASON: &str = "Le programme en préparation est réservé aux coordinations (district, \
     académie) et à la DSDEN ; sa version publiée est sur la page publique de l’édition.";

/// The edition and district a programme page is about, and what the person
/// may do with it.
pub(crate) struct Place {
    pub edition: Edition,
    pub academy: Academy,
    pub district: District,
    /// May compose, publish, diffuse ([`Ability::Review`] at the district).
    pub composes: bool,
}

impl Place {
    /// The compose page's address.
    pub fn base(&self) -> String {
        format!(
            "/editions/{}/districts/{}/programme",
            self.edition.id, self.district.id
        )
    }

    /// The public page's address.
    pub fn public_url(&self) -> String {
        format!(
            "/a/{}/editions/{}/programmes/{}",
            self.academy.slug, self.edition.year, self.district.id
        )
    }

    fn page(&self, ctx: PageCtx, title: &str) -> PageCtx {
        ctx.title(title)
            .academy(self.academy.name.clone())
            .crumb(
                self.edition.title(),
                format!("/editions/{}", self.edition.id),
            )
            .crumb(self.district.name.clone(), self.base())
            .here()
    }
}

/// Loads the place: 404 if the person does not see the edition or the
/// district (or the district is not in the edition's académie), 403 if they
/// see it without following it.
pub(crate) async fn place(
    state: &AppState,
    user: &CurrentUser,
    edition: EditionId,
    district: DistrictId,
) -> AppResult<Place> {
    let (edition, academy) = visible_edition(state, user, edition).await?;
    let mut db = state.db.acquire().await?;
    let district = map_store::district_by_id(&mut db.conn(), district)
        .await?
        .filter(|d| d.academy_id == academy.id)
        .ok_or(AppError::NotFound)?;
    let at = district.placement();
    if !user.rights.may(Ability::See, &at) {
        return Err(AppError::NotFound);
    }
    if !user.rights.may(Ability::Export, &at) {
        return Err(AppError::forbidden(FOLLOW_REASON));
    }
    Ok(Place {
        composes: user.rights.may(Ability::Review, &at),
        edition,
        academy,
        district,
    })
}

impl Place {
    /// Refuses (403) unless the person composes this programme.
    pub fn require_composer(&self) -> AppResult<()> {
        if self.composes {
            Ok(())
        } else {
            Err(AppError::forbidden(COMPOSE_REASON))
        }
    }
}

/// Reads a stored version's content (a version that does not parse is an
/// error, never an empty programme).
pub(crate) fn content_of(version: &store::Version) -> AppResult<Content> {
    serde_json::from_str(&version.content).map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("reading a programme version"))
    })
}
