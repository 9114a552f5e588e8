//! Composing a programme: the working copy (actions chosen and ordered,
//! introduction, grouping), the district's events, the preview, publishing.

use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{Place, content_of, place, store};
use crate::{
    actions::store::Action,
    db::Conn,
    domain::{
        DistrictId, EditionId,
        formats::{DATE_HINT, TIME_HINT},
        ids::ProgrammeEventId,
        programme::{self, Content, EventInput, Grouping, INTRODUCTION_MAX, Item, Section},
    },
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, extract::Path, once, render, render_with,
    },
};

/// A candidate action, as the compose form shows it.
struct Candidate {
    id: i64,
    title: String,
    school: String,
    date: String,
    featured: bool,
    chosen: bool,
    /// The rank typed (or the current one).
    rank: String,
}

/// The event form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EventForm {
    titre: String,
    date: String,
    heure: String,
    lieu: String,
    description: String,
    once: OnceToken,
}

struct EventLine {
    id: ProgrammeEventId,
    when: String,
    title: String,
    place: String,
}

struct VersionLine {
    number: i64,
    published: String,
}

#[derive(Template)]
#[template(path = "programmes/compose.html")]
struct ComposePage {
    ctx: PageCtx,
    base: String,
    public_url: String,
    district_id: DistrictId,
    composes: bool,
    introduction: String,
    grouping: Grouping,
    candidates: Vec<Candidate>,
    events: Vec<EventLine>,
    versions: Vec<VersionLine>,
    event: EventForm,
    errors: FormErrors,
    date_hint: &'static str,
    time_hint: &'static str,
}

/// An action as a programme item (a copy of what the public sees).
pub(super) fn item_of(a: &Action) -> Item {
    Item {
        action_id: a.id.0,
        title: a.title.clone(),
        summary: a.summary.clone(),
        school: a
            .school_name
            .clone()
            .unwrap_or_else(|| "Action de district".into()),
        date: a.starts_on,
        start_time: a.start_time.clone(),
        end_time: a.end_time.clone(),
        place: a.place.clone(),
    }
}

/// The working copy as a [`Content`], and the candidates it was chosen from.
pub(super) async fn working_content(
    conn: &mut Conn<'_>,
    place: &Place,
    programme: &store::Programme,
) -> AppResult<(Content, Vec<Action>)> {
    let candidates = store::programme_candidates(conn, place.edition.id, place.district.id).await?;
    let chosen = store::item_ids(conn, programme.id).await?;
    // An action no longer validated leaves the programme.
    let items = chosen
        .iter()
        .filter_map(|id| candidates.iter().find(|a| a.id == *id))
        .map(item_of)
        .collect();
    let events = store::events_of(conn, programme.id)
        .await?
        .into_iter()
        .map(|e| programme::Event {
            id: e.id.0,
            title: e.title,
            date: e.day,
            time: e.start_time,
            place: e.place,
            description: e.description,
        })
        .collect();
    let content = Content {
        district: place.district.name.clone(),
        edition: place.edition.title(),
        introduction: programme.introduction.clone(),
        grouping: Grouping::parse(&programme.grouping).unwrap_or_default(),
        items,
        events,
    };
    Ok((content, candidates))
}

async fn compose_page(
    state: &AppState,
    place: &Place,
    ctx: PageCtx,
    typed: Option<&ComposeForm>,
    event: EventForm,
    errors: FormErrors,
) -> AppResult<ComposePage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
    let (content, candidates) = working_content(conn, place, &programme).await?;
    let chosen: Vec<i64> = content.items.iter().map(|i| i.action_id).collect();
    let candidates = candidates
        .iter()
        .map(|a| {
            let id = a.id.0;
            let typed_rank = typed.and_then(|f| {
                f.candidat
                    .iter()
                    .position(|c| c.trim() == id.to_string())
                    .and_then(|i| f.rang.get(i).cloned())
            });
            let position = chosen.iter().position(|c| *c == id);
            Candidate {
                id,
                title: a.title.clone(),
                school: a
                    .school_name
                    .clone()
                    .unwrap_or_else(|| "Action de district".into()),
                date: a
                    .starts_on
                    .map(programme::french_day)
                    .unwrap_or_else(|| "Date à préciser".into()),
                featured: a.featured_in_programme,
                chosen: match typed {
                    Some(f) => f.choisies.iter().any(|c| c.trim() == id.to_string()),
                    None => position.is_some(),
                },
                rank: typed_rank
                    .unwrap_or_else(|| position.map(|p| (p + 1).to_string()).unwrap_or_default()),
            }
        })
        .collect();
    let events = content
        .events
        .iter()
        .map(|e| EventLine {
            id: ProgrammeEventId(e.id),
            when: programme::Entry::Event(e.clone()).when(),
            title: e.title.clone(),
            place: e.place.clone(),
        })
        .collect();
    let versions = store::versions(conn, programme.id)
        .await?
        .into_iter()
        .map(|v| VersionLine {
            number: v.number,
            published: format!(
                "le {} par {}",
                crate::domain::edition::format_paris(v.published_at),
                v.published_by_email
            ),
        })
        .collect();
    Ok(ComposePage {
        ctx: place.page(ctx, &crate::text::programme_title(&place.district.name)),
        base: place.base(),
        public_url: place.public_url(),
        district_id: place.district.id,
        composes: place.composes,
        introduction: typed
            .map(|f| f.introduction.clone())
            .unwrap_or(content.introduction),
        grouping: typed
            .and_then(|f| Grouping::parse(&f.groupement))
            .unwrap_or(content.grouping),
        candidates,
        events,
        versions,
        event,
        errors,
        date_hint: DATE_HINT,
        time_hint: TIME_HINT,
    })
}

/// `GET /editions/{id}/districts/{district}/programme`
pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    render(
        compose_page(
            &state,
            &place,
            ctx,
            None,
            EventForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// The compose form: introduction, grouping, and for every candidate its
/// id (`candidat`) and rank (`rang`, same order), the ticked ones in
/// `choisies`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ComposeForm {
    introduction: String,
    groupement: String,
    candidat: Vec<String>,
    rang: Vec<String>,
    choisies: Vec<String>,
}

impl ComposeForm {
    /// The chosen action ids, by the rank typed (then the list's order);
    /// or the errors to show.
    fn order(&self, candidates: &[i64]) -> Result<Vec<i64>, FormErrors> {
        let mut errors = FormErrors::default();
        let mut ranked: Vec<(i64, usize, i64)> = Vec::new();
        for (index, id) in self.candidat.iter().enumerate() {
            let Ok(id) = id.trim().parse::<i64>() else {
                continue;
            };
            if !candidates.contains(&id)
                || !self.choisies.iter().any(|c| c.trim() == id.to_string())
            {
                continue;
            }
            let typed = self.rang.get(index).map(|r| r.trim()).unwrap_or_default();
            let rank = if typed.is_empty() {
                i64::MAX
            } else {
                match typed.parse::<i64>() {
                    Ok(n) if (1..=10_000).contains(&n) => n,
                    _ => {
                        errors.add(
                            &format!("rang-{id}"),
                            "Indiquez le rang par un nombre entier (1 pour la première action).",
                        );
                        continue;
                    }
                }
            };
            ranked.push((rank, index, id));
        }
        if self.introduction.chars().count() > INTRODUCTION_MAX {
            errors.add(
                "introduction",
                format!("L’introduction dépasse {INTRODUCTION_MAX} caractères."),
            );
        }
        if Grouping::parse(&self.groupement).is_none() {
            errors.add(
                "groupement",
                "Choisissez un regroupement : par jour ou par établissement.",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        ranked.sort();
        Ok(ranked.into_iter().map(|(_, _, id)| id).collect())
    }
}

/// `POST /editions/{id}/districts/{district}/programme`: saves the working copy.
pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
    CsrfForm(form): CsrfForm<ComposeForm>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    place.require_composer()?;
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
    let candidates: Vec<i64> =
        store::programme_candidates(conn, place.edition.id, place.district.id)
            .await?
            .iter()
            .map(|a| a.id.0)
            .collect();
    match form.order(&candidates) {
        Ok(ids) => {
            let ids: Vec<_> = ids.into_iter().map(crate::domain::ActionId).collect();
            store::set_items(conn, programme.id, &ids).await?;
            let grouping = Grouping::parse(&form.groupement).unwrap_or_default();
            store::save_header(
                conn,
                programme.id,
                form.introduction.trim(),
                grouping.code(),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&Notice::Saved.at(&place.base())).into_response())
        }
        Err(errors) => {
            drop(tx);
            let page = compose_page(
                &state,
                &place,
                ctx,
                Some(&form),
                EventForm::default(),
                errors,
            )
            .await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

/// `POST /editions/{id}/districts/{district}/programme/evenements`
pub(super) async fn add_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
    CsrfForm(form): CsrfForm<EventForm>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    place.require_composer()?;
    match EventInput::parse(
        &form.titre,
        &form.date,
        &form.heure,
        &form.lieu,
        &form.description,
    ) {
        Ok(event) => {
            let base = place.base();
            once::run(&state.db, &form.once, user.id, async |conn| {
                let programme =
                    store::ensure_programme(conn, place.edition.id, place.district.id).await?;
                store::add_event(conn, programme.id, &event).await?;
                Ok(Notice::Created.at(&format!("{base}#evenements")))
            })
            .await
        }
        Err(list) => {
            let mut errors = FormErrors::default();
            for (field, message) in list {
                errors.add(field, message);
            }
            let page = compose_page(&state, &place, ctx, None, form, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OnceForm {
    once: OnceToken,
}

impl OnceForm {
    /// The form's one-time token.
    pub(super) fn once(&self) -> &OnceToken {
        &self.once
    }
}

/// `POST /programmes/evenements/{id}/supprimer`
pub(super) async fn delete_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ProgrammeEventId>,
    CsrfForm(form): CsrfForm<OnceForm>,
) -> AppResult<Response> {
    let (event, programme) = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let event = store::event_by_id(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let programme = store::programme_by_id(conn, event.programme_id)
            .await?
            .ok_or(AppError::NotFound)?;
        (event, programme)
    };
    let place = place(&state, &user, programme.edition_id, programme.district_id).await?;
    place.require_composer()?;
    let base = place.base();
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::delete_event(conn, event.id).await?;
        Ok(Notice::Deleted.at(&format!("{base}#evenements")))
    })
    .await
}

/// The programme as readers see it (the preview, the public page).
#[derive(Template)]
#[template(path = "programmes/show.html")]
pub(super) struct ShowPage {
    pub ctx: PageCtx,
    pub district: String,
    pub edition: String,
    pub introduction: String,
    pub sections: Vec<Section>,
    /// « Aperçu » banner and the way back, for the preview.
    pub preview_of: Option<String>,
    /// « Version 3, publiée le … ».
    pub version: String,
    /// The files' address prefix (public page only).
    pub files: Option<String>,
}

/// `GET /editions/{id}/districts/{district}/programme/apercu`: the working
/// copy as it would be published.
pub(super) async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
    let (content, _) = working_content(conn, &place, &programme).await?;
    render(ShowPage {
        ctx: place.page(
            ctx,
            &format!("Aperçu du programme — {}", place.district.name),
        ),
        district: content.district.clone(),
        edition: content.edition.clone(),
        introduction: content.introduction.clone(),
        sections: programme::sections(&content),
        preview_of: Some(place.base()),
        version: "Aperçu : pas encore publié sous cette forme".into(),
        files: None,
    })
}

/// `POST /editions/{id}/districts/{district}/programme/publier`: freezes the
/// working copy as the next version.
pub(super) async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, district)): Path<(EditionId, DistrictId)>,
    CsrfForm(form): CsrfForm<OnceForm>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    place.require_composer()?;
    let base = place.base();
    once::run(&state.db, &form.once, user.id, async |conn| {
        let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
        let (content, _) = working_content(conn, &place, &programme).await?;
        if content.items.is_empty() && content.events.is_empty() {
            return Err(AppError::BadRequest(
                "Le programme est vide : choisissez au moins une action ou ajoutez un événement \
                 avant de le publier."
                    .into(),
            ));
        }
        let json = serde_json::to_string(&content).map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("writing a programme version"))
        })?;
        store::publish(conn, programme.id, &json, user.id).await?;
        Ok(Notice::Saved.at(&format!("{base}#versions")))
    })
    .await
}

/// Reads the latest version of a place's programme, if published.
pub(super) async fn latest(
    conn: &mut Conn<'_>,
    place: &Place,
) -> AppResult<Option<(store::Version, Content)>> {
    match store::published(conn, place.edition.id, place.district.id).await? {
        Some(v) => {
            let content = content_of(&v)?;
            Ok(Some((v, content)))
        }
        None => Ok(None),
    }
}
