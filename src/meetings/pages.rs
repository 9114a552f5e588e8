//! The sessions of an edition: the list (with registration buttons, and the
//! coordination's form to schedule one) and the coordination's edit page.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    SessionView,
    form::{MeetingForm, add_slot_errors},
    mail::{self, MailKind},
    store::{self, Meeting, MeetingValues},
    visible_meeting,
};
use crate::{
    db::Conn,
    domain::{
        Ability, EditionId, MeetingId, Placement,
        meeting::{Seat, Slot, check_slot},
    },
    editions::{EditionView, store::Edition, visible_edition},
    map::store::Academy,
    web::{
        AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken, PageCtx,
        extract::Path,
        once::{self, Ran, Step},
        render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/rendez-vous", get(list).post(create))
        .route("/rendez-vous/{id}/modifier", get(edit_page).post(update))
        .route("/rendez-vous/{id}/supprimer", post(cancel_session))
}

/// Why only the coordination schedules sessions.
const MANAGE_REASON: &str =
    "Seule la coordination académique programme les rendez-vous de la persévérance.";

fn crumbs(ctx: PageCtx, academy: &Academy, edition: &Edition) -> PageCtx {
    ctx.academy(academy.name.clone())
        .crumb(
            format!("Académie de {}", academy.name),
            format!("/a/{}", academy.slug),
        )
        .crumb(edition.title(), format!("/editions/{}", edition.id))
}

/// The sessions of an edition.
#[derive(Template)]
#[template(path = "meetings/list.html")]
struct ListPage {
    ctx: PageCtx,
    edition: EditionView,
    sessions: Vec<SessionView>,
    /// The coordination: the scheduling form and the attendance lists.
    coordinator: bool,
    /// The person may register.
    can_register: bool,
    form: MeetingForm,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: EditionId,
    form: Option<MeetingForm>,
    errors: FormErrors,
) -> AppResult<ListPage> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let meetings = store::meetings_of(conn, edition.id).await?;
    let seats = store::seats_in_edition(conn, edition.id, user.id).await?;
    let now = Utc::now();
    let sessions = meetings
        .iter()
        .map(|m| {
            let seat = seats.iter().find(|(id, _)| *id == m.id).map(|(_, s)| *s);
            SessionView::new(m, seat, now)
        })
        .collect();
    Ok(ListPage {
        ctx: crumbs(ctx, &academy, &edition)
            .title("Rendez-vous de la persévérance")
            .here(),
        edition: EditionView::new(&edition, now),
        coordinator: user.rights.manages_academy(academy.id),
        can_register: user.rights.may_register_meetings(academy.id),
        sessions,
        form: form.unwrap_or_else(MeetingForm::blank),
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
) -> AppResult<Response> {
    render(list_page(&state, &user, ctx, id, None, FormErrors::default()).await?)
}

/// Checks a session against the clock, the edition's other sessions and its
/// registrations, inside the write transaction (after locking the session
/// being edited, so its count of registered people cannot move).
async fn slot_errors(
    conn: &mut Conn<'_>,
    edition: EditionId,
    values: &MeetingValues,
    previous: Option<&Meeting>,
) -> AppResult<FormErrors> {
    let registered = match previous {
        Some(meeting) => {
            store::lock_meeting(conn, meeting.id).await?;
            store::registered_count(conn, meeting.id).await?
        }
        None => 0,
    };
    let others: Vec<(String, Slot)> = store::meetings_of(conn, edition)
        .await?
        .into_iter()
        .filter(|m| Some(m.id) != previous.map(|p| p.id))
        .map(|m| (m.topic.clone(), m.slot()))
        .collect();
    let slot = Slot {
        starts_at: values.starts_at,
        duration_minutes: values.duration_minutes,
    };
    let mut errors = FormErrors::default();
    add_slot_errors(
        &mut errors,
        check_slot(
            &slot,
            previous.map(Meeting::slot).as_ref(),
            values.capacity,
            registered,
            &others,
            Utc::now(),
        ),
    );
    Ok(errors)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let errors = match form.check() {
        Ok(values) => {
            let to = Notice::Created.at(&format!("/editions/{}/rendez-vous", edition.id));
            let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
                let errors = slot_errors(conn, edition.id, &values, None).await?;
                if !errors.is_empty() {
                    return Ok(Step::Abort(Err(errors)));
                }
                let meeting = store::insert_meeting(conn, edition.id, &values).await?;
                let to = format!("{to}#rdv-{meeting}");
                Ok(Step::Commit(to.clone(), Ok(to)))
            })
            .await?;
            match ran {
                Ran::Repeat(answer) => return Ok(answer),
                Ran::Did(Ok(to)) => return Ok(Redirect::to(&to).into_response()),
                Ran::Did(Err(errors)) => errors,
            }
        }
        Err(errors) => errors,
    };
    let page = list_page(&state, &user, ctx, id, Some(form), errors).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The coordination's page of one session: its fields and materials.
#[derive(Template)]
#[template(path = "meetings/edit.html")]
struct EditPage {
    ctx: PageCtx,
    meeting: SessionView,
    edition_id: EditionId,
    form: MeetingForm,
    errors: FormErrors,
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let (meeting, edition, academy) = visible_meeting(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    render(edit(
        ctx,
        &meeting,
        &edition,
        &academy,
        MeetingForm::of(&meeting),
        FormErrors::default(),
    ))
}

fn edit(
    ctx: PageCtx,
    meeting: &Meeting,
    edition: &Edition,
    academy: &Academy,
    form: MeetingForm,
    errors: FormErrors,
) -> EditPage {
    EditPage {
        ctx: crumbs(ctx, academy, edition)
            .crumb(
                "Rendez-vous de la persévérance",
                format!("/editions/{}/rendez-vous", edition.id),
            )
            .title(format!("Modifier le rendez-vous « {} »", meeting.topic))
            .here(),
        meeting: SessionView::new(meeting, None, Utc::now()),
        edition_id: edition.id,
        form,
        errors,
    }
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<MeetingId>,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> AppResult<Response> {
    let (meeting, edition, academy) = visible_meeting(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let errors = match form.check() {
        Ok(values) => {
            let to = Notice::Saved.at(&format!(
                "/editions/{}/rendez-vous#rdv-{}",
                edition.id, meeting.id
            ));
            let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
                let errors = slot_errors(conn, edition.id, &values, Some(&meeting)).await?;
                if !errors.is_empty() {
                    return Ok(Step::Abort(errors));
                }
                store::update_meeting(conn, meeting.id, &values).await?;
                // More places: the first people waiting take them.
                let registered = store::registered_count(conn, meeting.id).await?;
                let promoted =
                    store::promote_waiting(conn, meeting.id, values.capacity - registered).await?;
                super::seats::tell_promoted(conn, &state, meeting.id, &edition, &promoted).await?;
                Ok(Step::Commit(to.clone(), FormErrors::default()))
            })
            .await?;
            match ran {
                Ran::Repeat(answer) => return Ok(answer),
                Ran::Did(errors) if errors.is_empty() => {
                    return Ok(Redirect::to(&to).into_response());
                }
                Ran::Did(errors) => errors,
            }
        }
        Err(errors) => errors,
    };
    render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        edit(ctx, &meeting, &edition, &academy, form, errors),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CancelForm {
    once: OnceToken,
}

/// Cancels a session: in one transaction under the session's lock, every
/// registered person gets a mail with the invitation's `CANCEL` (same UID, a
/// higher SEQUENCE), every waiting person a mail, then the session and its
/// registrations are deleted (its page then answers 404, and it leaves the
/// personal feeds).
async fn cancel_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<MeetingId>,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> AppResult<Response> {
    let (meeting, edition, academy) = visible_meeting(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        MANAGE_REASON,
    )?;
    let to = Notice::SessionCancelled.at(&format!("/editions/{}/rendez-vous", edition.id));
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        store::lock_meeting(conn, meeting.id).await?;
        // The withdrawal must outrank the last invitation: its SEQUENCE (in
        // minutes of `updated_at`) is at least one more.
        let mut cancelled = meeting.clone();
        cancelled.updated_at = Utc::now().max(meeting.updated_at + chrono::Duration::minutes(1));
        for (email, seat) in store::seated_emails(conn, meeting.id).await? {
            let kind = match seat {
                Seat::Registered => MailKind::SessionCancelled,
                Seat::Waiting => MailKind::SessionCancelledWaiting,
            };
            mail::send(
                conn,
                &state.config,
                &cancelled,
                &edition.contact_email,
                kind,
                &email,
                0,
            )
            .await?;
        }
        store::delete_meeting(conn, meeting.id).await?;
        Ok(Step::Commit(to.clone(), ()))
    })
    .await?;
    Ok(match ran {
        Ran::Repeat(answer) => answer,
        Ran::Did(()) => Redirect::to(&to).into_response(),
    })
}
