//! The action page: its content, its audit trail, and the review decisions.

use crate::domain::ids::{ActionId, QuestionId};
use crate::web::extract::{Path, Query};
use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    form, store,
    workflow::{self, Outcome},
};
use crate::{
    contest::poster,
    domain::{
        action::{ActionState, Relation, Transition},
        declaration::{self, Question},
        edition::EditionState,
    },
    editions::store::{self as editions_store, Edition},
    videos::{self, Play, VideoView, with_player},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, notice,
        once::{self, Ran, Step},
        render, render_with,
    },
};

/// One action, everything about it.
#[derive(Template)]
#[template(path = "actions/show.html")]
struct ShowPage {
    ctx: PageCtx,
    action: store::Action,
    edition: Edition,
    /// The edition's questions with this action's answer.
    answers: Vec<(Question, String)>,
    events: Vec<store::Event>,
    relation: Relation,
    /// The open edition this action can be duplicated into, if any.
    duplicate_into: Option<Edition>,
    /// The decision comment as typed (kept on error).
    comment: String,
    /// The unpublishing reason as typed (kept on error, `public::manage`).
    reason: String,
    errors: FormErrors,
    /// Its video testimonies (issue 9), those the person may see.
    videos: Vec<VideoView>,
    /// The person may add a video link (the owner, the school's head).
    may_add_video: bool,
    /// The contest entry this action's declaration form created (its
    /// poster to send while missing: `contest::poster`).
    contest_entry: Option<poster::ActionEntry>,
    /// The category of the contest answered « oui » in a draft not yet
    /// submitted (the entry is created at submission).
    contest_asked: Option<String>,
}

impl ShowPage {
    fn labels(&self, choices: declaration::Choices, list: Vec<String>) -> String {
        list.iter()
            .map(|c| declaration::label_of(choices, c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn audiences(&self) -> String {
        self.labels(declaration::AUDIENCES, self.action.audience_list())
    }

    fn levels(&self) -> String {
        self.labels(declaration::LEVELS, self.action.level_list())
    }

    fn showcase(&self) -> String {
        self.labels(declaration::SHOWCASE_KINDS, self.action.showcase_list())
    }

    fn scheme(&self) -> String {
        if self.action.scheme.is_empty() {
            String::new()
        } else {
            declaration::label_of(declaration::SCHEMES, &self.action.scheme)
        }
    }

    fn date(&self) -> String {
        self.action
            .starts_on
            .map(|d| crate::domain::formats::format_date(d))
            .unwrap_or_default()
    }

    fn state(&self) -> ActionState {
        self.action.state()
    }

    fn can_edit(&self) -> bool {
        self.relation.can_edit(self.action.state())
    }

    fn can_review(&self) -> bool {
        self.relation.decides()
            && matches!(
                self.action.state(),
                ActionState::Submitted | ActionState::Validated
            )
    }

    fn can_submit(&self) -> bool {
        (self.relation.owner || self.relation.school_head)
            && matches!(
                self.action.state(),
                ActionState::Draft | ActionState::ChangesRequested
            )
    }

    /// A validated action has a bilan, read or written by those the policy says.
    fn has_bilan(&self) -> bool {
        crate::domain::BilanRights::of(self.relation, self.action.state()).read
    }

    fn can_flag(&self) -> bool {
        self.relation.can_flag(self.action.state())
    }

    /// A reviewer looking at an action they declared: the decision is not theirs.
    fn own_action_under_review(&self) -> bool {
        self.relation.reviewer()
            && self.relation.author
            && matches!(
                self.action.state(),
                ActionState::Submitted | ActionState::Validated
            )
    }
}

async fn visible(
    state: &AppState,
    user: &CurrentUser,
    id: ActionId,
) -> AppResult<(store::Action, Relation)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action = store::action_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = workflow::relation(user, &action);
    if relation.can_view(action.state()) {
        Ok((action, relation))
    } else {
        Err(AppError::NotFound)
    }
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    action: store::Action,
    relation: Relation,
    comment: String,
    errors: FormErrors,
) -> AppResult<ShowPage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored: Vec<(QuestionId, String)> = store::answers(conn, action.id).await?;
    let answers = editions_store::questions(conn, edition.id)
        .await?
        .into_iter()
        .map(|q| {
            let values: Vec<String> = stored
                .iter()
                .filter(|(id, _)| *id == q.id)
                .map(|(_, v)| v.clone())
                .collect();
            let answer = q.display(&values);
            (q, answer)
        })
        .collect();
    let events = store::events(conn, action.id).await?;
    let (contest_entry, contest_asked) = match poster::of_action(conn, user, action.id).await? {
        Some(Ok(entry)) => (Some(entry), None),
        Some(Err(category)) => (None, Some(category)),
        None => (None, None),
    };
    let videos = videos::views_of(
        conn,
        Some(user),
        "action",
        i64::from(action.id),
        false,
        Play::default(),
    )
    .await?;
    drop(db);
    let duplicate_into = if relation.owner {
        open_edition_for_copy(state, &edition).await?
    } else {
        None
    };
    let title = if action.title.is_empty() {
        "Action sans titre".to_string()
    } else {
        action.title.clone()
    };
    let ctx = ctx
        .title(title)
        .crumb(edition.title(), format!("/editions/{}", edition.id))
        .here();
    Ok(ShowPage {
        ctx,
        action,
        edition,
        answers,
        events,
        relation,
        duplicate_into,
        comment,
        reason: String::new(),
        errors,
        videos,
        may_add_video: relation.owner || relation.school_head,
        contest_entry,
        contest_asked,
    })
}

/// The action page again (422) with the unpublishing form's `message` on
/// its reason and the reason as typed: used by `public::manage` when the
/// reason is empty or too long. 404 when the person does not see the action.
pub async fn publication_refused(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: ActionId,
    reason: String,
    message: String,
) -> AppResult<Response> {
    let (action, relation) = visible(state, user, id).await?;
    let mut errors = FormErrors::default();
    errors.add("reason", message);
    let mut page = show_page(state, user, ctx, action, relation, String::new(), errors).await?;
    page.reason = reason;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// Another edition of the académie that is open for declarations.
async fn open_edition_for_copy(state: &AppState, edition: &Edition) -> AppResult<Option<Edition>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let now = chrono::Utc::now();
    Ok(editions_store::editions_of(conn, edition.academy_id)
        .await?
        .into_iter()
        .find(|e| e.id != edition.id && e.state_at(now) == EditionState::Open))
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    Query(play): Query<Play>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    let academy = show_academy(&state, &action).await?;
    let mut page = show_page(
        &state,
        &user,
        ctx,
        action,
        relation,
        String::new(),
        FormErrors::default(),
    )
    .await?;
    if play.video.is_none() {
        return render(page);
    }
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    page.videos = videos::views_of(conn, Some(&user), "action", i64::from(id), false, play).await?;
    let playing = videos::playing(page.videos.iter());
    let hosts = videos::allowed_hosts(conn, academy).await?;
    drop(db);
    Ok(with_player(&state, render(page)?, &hosts, playing))
}

/// The académie of an action's edition.
async fn show_academy(
    state: &AppState,
    action: &store::Action,
) -> AppResult<crate::domain::AcademyId> {
    let mut db = state.db.acquire().await?;
    Ok(
        editions_store::edition_by_id(&mut db.conn(), action.edition_id)
            .await?
            .ok_or(AppError::NotFound)?
            .academy_id,
    )
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    transition: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    once: OnceToken,
}

/// The longest decision comment, in characters.
const COMMENT_MAX: usize = 5_000;

pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    let transition = Transition::parse(&form.transition)
        .ok_or_else(|| AppError::BadRequest("Décision inconnue.".into()))?;
    if let Some(message) = comment_error(transition, relation, &form.comment) {
        let mut errors = FormErrors::default();
        errors.add("comment", message);
        let page = show_page(&state, &user, ctx, action, relation, form.comment, errors).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    if transition == Transition::Submit
        && let Some(answer) = incomplete(&state, ctx.clone(), &action).await?
    {
        return Ok(answer);
    }
    let show = format!("/actions/{id}");
    let notice = if transition == Transition::Submit {
        Notice::Submitted
    } else {
        Notice::Decided
    };
    let step = match workflow::prepare(&state, &user, &action, transition, &form.comment).await {
        Ok(step) => step,
        // Read after another tab's identical move committed: say so.
        Err(AppError::Forbidden(_))
            if form.version < action.version
                && workflow::already_done(&state, &user, &action, transition, &form.comment)
                    .await? =>
        {
            return Ok(Redirect::to(&notice::repeated(&notice.at(&show))).into_response());
        }
        Err(err) => return Err(err),
    };
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        Ok(
            if workflow::write(conn, &action, &step, form.version, user.id).await? {
                Step::Commit(notice.at(&show), true)
            } else {
                Step::Abort(false)
            },
        )
    })
    .await?;
    match ran {
        Ran::Repeat(answer) => Ok(answer),
        Ran::Did(true) => {
            state.jobs.notify_one();
            Ok(Redirect::to(&notice.at(&show)).into_response())
        }
        // The version was stale: say what happened rather than « conflict »
        // when it was this very move by this very person.
        Ran::Did(false) => match workflow::stale(&state, &user, &action, &step).await? {
            Outcome::AlreadyDone(_) | Outcome::Moved(_) => {
                Ok(Redirect::to(&notice::repeated(&notice.at(&show))).into_response())
            }
        },
    }
}

/// What is wrong with a decision's comment, if anything.
fn comment_error(transition: Transition, relation: Relation, comment: &str) -> Option<String> {
    let count = comment.trim().chars().count();
    if count > COMMENT_MAX {
        return Some(declaration::too_long("Le commentaire", COMMENT_MAX, count));
    }
    let needs_comment = matches!(transition, Transition::RequestChanges | Transition::Decline);
    (needs_comment && relation.decides() && count == 0).then(|| {
        if transition == Transition::Decline {
            "Indiquez la raison du refus : le porteur de l'action la recevra.".into()
        } else {
            "Expliquez ce qu'il faut modifier : le porteur de l'action recevra votre commentaire."
                .into()
        }
    })
}

/// A submission from the action page of an action that lacks fields: the
/// form, with each missing field flagged (issue 7 item 17), when the
/// person may edit it.
async fn incomplete(
    state: &AppState,
    ctx: PageCtx,
    action: &store::Action,
) -> AppResult<Option<Response>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let missing = workflow::missing_fields(conn, action, &edition).await?;
    drop(db);
    if missing.is_empty() {
        return Ok(None);
    }
    let shown = form::Shown {
        alert: Some(form::FormAlert::incomplete()),
        ..form::Shown::flagged(missing)
    };
    Ok(Some(
        form::form_response(
            state,
            ctx,
            action.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
        )
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct FlagsForm {
    #[serde(default)]
    featured: Option<String>,
    #[serde(default)]
    proposed: Option<String>,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    once: OnceToken,
}

pub async fn flags(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<FlagsForm>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    if !relation.can_flag(action.state()) {
        return Err(AppError::forbidden(
            "Seule la coordination peut signaler une action validée pour le programme ou la vitrine.",
        ));
    }
    once::run(&state.db, &form.once, user.id, async |conn| {
        let (featured, proposed) = (form.featured.is_some(), form.proposed.is_some());
        if store::set_flags(conn, id, form.version, featured, proposed).await? {
            return Ok(Notice::Saved.at(&format!("/actions/{id}")));
        }
        // Already as asked (the same form, resent): nothing to do.
        match store::action_by_id(conn, id).await? {
            Some(now)
                if now.featured_in_programme == featured
                    && now.proposed_for_showcase == proposed =>
            {
                Ok(notice::repeated(&format!("/actions/{id}")))
            }
            _ => Err(workflow::conflict()),
        }
    })
    .await
}

#[derive(Deserialize)]
pub struct DuplicateForm {
    #[serde(default)]
    once: OnceToken,
}

pub async fn duplicate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<DuplicateForm>,
) -> AppResult<Response> {
    let (action, relation) = visible(&state, &user, id).await?;
    if !relation.owner {
        return Err(AppError::forbidden(
            "Seul le porteur d'une action peut la dupliquer.",
        ));
    }
    let edition =
        editions_store::edition_by_id(&mut state.db.acquire().await?.conn(), action.edition_id)
            .await?
            .ok_or(AppError::NotFound)?;
    let target = open_edition_for_copy(&state, &edition)
        .await?
        .ok_or_else(|| {
            AppError::forbidden(
                "Aucune autre édition n'est ouverte aux déclarations pour le moment.",
            )
        })?;
    super::ensure_open(&state, &target, action.school_id, "déclarer une action").await?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        let copy = store::duplicate(conn, action.id, target.id, user.id).await?;
        Ok(format!("/actions/{copy}/modifier"))
    })
    .await
}
