//! Sending the poster of an entry that has none yet: the entries the
//! declaration form creates (Normandie's way, `poster_entries.action_id`)
//! are registered without their poster, « to complete ». The school's staff
//! (those who may declare for the entry's school, as for an entry registered
//! on the contest page) send it here, reached from the action page and from
//! the entry on the contest page, through the same media pipeline: checked
//! and cleaned at upload (`media::pipeline`), the consent tick, private until
//! the coordination approves it.
//!
//! `GET /concours/participations/{id}/affiche`: the entry, its poster's
//! state, and the form while the poster is missing (none waiting nor
//! approved: a refused or withdrawn one may be replaced);
//! `POST` the same address: the poster sent (multipart), back to that page.

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Response, routing::get};
use chrono::Utc;
use serde::Deserialize;

use super::store::{self, Entry};
use crate::{
    domain::{
        Ability, ActionId,
        edition::paris_date,
        formats,
        media::{Consent, DESCRIPTION_MAX, MediaState},
    },
    editions::visible_edition,
    files::upload::Upload,
    jobs,
    map::store as map_store,
    media::{
        MediaView,
        pipeline::{self, FORM_MAX_BYTES, ProcessMedia},
        store::{self as media_store, NewMedia},
    },
    web::{
        AppError, AppResult, AppState, CurrentUser, FormErrors, Notice, OnceToken, PageCtx,
        extract::Path, once, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/concours/participations/{id}/affiche",
        get(page).post(send),
    )
}

/// Who may send it: the refusal shown to the coordination (the others do
/// not see the entry at all).
const REFUSAL: &str =
    "Seuls les personnels de l’établissement envoient l’affiche de sa participation.";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct PosterForm {
    description: String,
    consent: String,
    once: OnceToken,
}

#[derive(Template)]
#[template(path = "contest/poster.html")]
struct PosterPage {
    ctx: PageCtx,
    entry: Entry,
    /// « Collège »: the entry's category as the contest names it.
    category: String,
    /// Its posters so far (refused or withdrawn ones included).
    posters: Vec<MediaView>,
    /// No poster waiting nor approved: the form is shown.
    missing: bool,
    /// Registrations still open (the contest's deadline, jury not closed).
    open: bool,
    /// « 31/03/2027 »: the contest's deadline.
    deadline: String,
    contest_page: String,
    form: PosterForm,
    errors: FormErrors,
    consents: [Consent; 2],
}

/// Whether an entry still waits for its poster: none of `posters` is
/// waiting for the coordination or approved.
pub fn poster_missing(posters: &[media_store::Media]) -> bool {
    !posters
        .iter()
        .any(|m| matches!(m.state, MediaState::Pending | MediaState::Approved))
}

/// The entry `id` for a person who may send its poster: 404 when it does
/// not exist or its edition is out of sight, or when the person neither may
/// declare for its school nor coordinates its académie (then 403).
async fn sendable(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Entry> {
    let mut db = state.db.acquire().await?;
    let entry = store::entry_by_id(&mut db.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let school = map_store::school_by_id(&mut db.conn(), entry.school_id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(db);
    let (_, academy) = visible_edition(state, user, entry.edition_id).await?;
    if user.rights.may(Ability::Declare, &school.placement()) {
        Ok(entry)
    } else if user.rights.manages_academy(academy.id) {
        Err(AppError::forbidden(REFUSAL))
    } else {
        Err(AppError::NotFound)
    }
}

async fn poster_page(
    state: &AppState,
    ctx: PageCtx,
    entry: Entry,
    form: PosterForm,
    errors: FormErrors,
) -> AppResult<PosterPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let contest = store::contest_of(conn, entry.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let posters = media_store::media_of(conn, "poster", entry.id).await?;
    let category = contest
        .category_list()
        .into_iter()
        .find(|(n, _)| *n == entry.category)
        .map_or_else(|| format!("catégorie {}", entry.category), |(_, l)| l);
    let contest_page = format!("/editions/{}/concours", entry.edition_id);
    Ok(PosterPage {
        ctx: ctx
            .crumb("Le concours d’affiches", contest_page.clone())
            .title(format!("L’affiche de « {} »", entry.title))
            .here(),
        category,
        missing: poster_missing(&posters),
        posters: posters.iter().map(MediaView::new).collect(),
        open: contest.jury_closed_at.is_none() && paris_date(Utc::now()) <= contest.deadline,
        deadline: formats::format_date(contest.deadline),
        contest_page,
        entry,
        form,
        errors,
        consents: Consent::ALL,
    })
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let entry = sendable(&state, &user, id).await?;
    let page = poster_page(
        &state,
        ctx,
        entry,
        PosterForm::default(),
        FormErrors::default(),
    )
    .await?;
    render_with(StatusCode::OK, page)
}

/// Sends the poster (multipart: `poster`, `description`, `consent`): kept
/// private until approved, without the consent tick it cannot be approved.
/// Refused with the form again (422, what was typed kept) when the file is
/// missing or bad, a text too long, the contest closed or a poster already
/// waiting or approved.
async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<i64>,
    upload: Upload<FORM_MAX_BYTES>,
) -> AppResult<Response> {
    let form: PosterForm = upload.form()?;
    let entry = sendable(&state, &user, id).await?;
    let page = poster_page(&state, ctx, entry, form, FormErrors::default()).await?;
    let mut errors = FormErrors::default();
    if !page.missing {
        errors.add(
            "poster",
            "L’affiche de cette participation est déjà envoyée : retirez-la d’abord pour en envoyer une autre.",
        );
    } else if !page.open {
        errors.add(
            "poster",
            format!(
                "Le concours est clos depuis le {} : l’affiche ne peut plus être envoyée.",
                page.deadline
            ),
        );
    }
    let description = page.form.description.trim().to_string();
    let count = description.chars().count();
    if count == 0 && Consent::parse(&page.form.consent).is_some() {
        // Publishable: no image is published without its text alternative
        // (issue 9), which cannot be added afterwards.
        errors.add("description", "Décrivez l’affiche en une phrase (sans nom d’élève) : avec l’attestation de droit à l’image elle pourra être publiée, et une image publiée a toujours une description qui la remplace pour qui ne la voit pas.");
    } else if count > DESCRIPTION_MAX {
        errors.add(
            "description",
            crate::domain::declaration::too_long("La description", DESCRIPTION_MAX, count),
        );
    }
    let accepted = if errors.get("poster").is_some() {
        None
    } else {
        match upload.file("poster") {
            None => {
                errors.add(
                    "poster",
                    "Joignez l’affiche (image JPEG, PNG, WebP ou PDF).",
                );
                None
            }
            Some(file) => match pipeline::accept(file, true).await {
                Ok(accepted) => Some(accepted),
                Err(message) => {
                    errors.add("poster", message);
                    None
                }
            },
        }
    };
    let (Some(accepted), true) = (accepted, errors.is_empty()) else {
        let mut page = page;
        page.errors = errors;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let key = state.files.put(accepted.bytes.clone()).await?;
    let consent = Consent::parse(&page.form.consent);
    let entry = &page.entry;
    let here = format!("/concours/participations/{}/affiche", entry.id);
    let response = once::run(&state.db, &page.form.once, user.id, async |conn| {
        let media = media_store::insert(
            conn,
            &NewMedia {
                edition_id: entry.edition_id,
                school_id: Some(entry.school_id),
                uploader_id: user.id,
                owner_kind: "poster",
                owner_id: entry.id,
                kind: accepted.kind,
                file_name: &accepted.file_name,
                byte_size: accepted.bytes.len() as i64,
                master_key: key.as_str(),
                description: &description,
                consent,
            },
        )
        .await?;
        jobs::enqueue(conn, &ProcessMedia { media }).await?;
        Ok(Notice::Created.at(&here))
    })
    .await?;
    state.jobs.notify_one();
    Ok(response)
}

/// The entry created from an action (`poster_entries.action_id`) as the
/// action page tells it: what is missing and where to send it.
pub struct ActionEntry {
    pub entry_id: i64,
    pub category: String,
    /// The poster is still to send (none waiting nor approved).
    pub missing: bool,
    /// The state of the poster sent (« En attente de validation »…).
    pub state_label: &'static str,
    /// The person may send it (declares for the entry's school).
    pub may_send: bool,
}

/// What the action page says about the contest: the entry the action
/// created (`Ok`), or the category of a « oui » given in a draft not yet
/// submitted (`Err`: the entry comes at submission), or nothing.
pub async fn of_action(
    conn: &mut crate::db::Conn<'_>,
    user: &CurrentUser,
    action: ActionId,
) -> AppResult<Option<Result<ActionEntry, String>>> {
    if let Some(entry) = entry_part(conn, user, action).await? {
        return Ok(Some(Ok(entry)));
    }
    let Some(answer) = store::form_answer(conn, action).await?.filter(|n| *n > 0) else {
        return Ok(None);
    };
    let edition = edition_of(conn, action).await?;
    let Some(contest) = store::contest_of(conn, edition).await? else {
        return Ok(None);
    };
    let category = contest
        .category_list()
        .into_iter()
        .find(|(n, _)| *n == answer)
        .map_or_else(|| format!("catégorie {answer}"), |(_, l)| l);
    Ok(Some(Err(category)))
}

async fn edition_of(
    conn: &mut crate::db::Conn<'_>,
    action: ActionId,
) -> AppResult<crate::domain::EditionId> {
    Ok(crate::actions::store::action_by_id(conn, action)
        .await?
        .ok_or(AppError::NotFound)?
        .edition_id)
}

async fn entry_part(
    conn: &mut crate::db::Conn<'_>,
    user: &CurrentUser,
    action: ActionId,
) -> AppResult<Option<ActionEntry>> {
    let Some(entry) = store::entry_of_action(conn, action).await? else {
        return Ok(None);
    };
    let contest = store::contest_of(conn, entry.edition_id).await?;
    let posters = media_store::media_of(conn, "poster", entry.id).await?;
    let school = map_store::school_by_id(conn, entry.school_id).await?;
    let sent = posters
        .iter()
        .find(|m| m.state == MediaState::Approved)
        .or_else(|| posters.iter().find(|m| m.state == MediaState::Pending));
    Ok(Some(ActionEntry {
        entry_id: entry.id,
        category: contest
            .and_then(|c| {
                c.category_list()
                    .into_iter()
                    .find(|(n, _)| *n == entry.category)
            })
            .map_or_else(|| format!("catégorie {}", entry.category), |(_, l)| l),
        missing: sent.is_none(),
        state_label: sent.map_or("", |m| m.state.label()),
        may_send: school.is_some_and(|s| user.rights.may(Ability::Declare, &s.placement())),
    }))
}
