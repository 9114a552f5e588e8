//! Moving an action through its workflow: who asks, the deadline, the
//! optimistic version check, the audit trail and the e-mails, in one
//! transaction.

use askama::Template;

use super::store::{self, Action};
use crate::domain::UserId;
use crate::{
    db::Conn,
    domain::{
        ActionFacts,
        action::{self, ActionState, Relation, Transition},
        declaration::{self, FieldError},
        edition::format_paris,
    },
    editions::store::{self as editions_store, Edition},
    jobs::mail::{self, Mail},
    web::{AppError, AppResult, AppState, CurrentUser},
};

/// What the access policy needs to know of a stored action.
pub fn facts(action: &Action) -> ActionFacts {
    ActionFacts {
        author: action.owner_user_id,
        place: action.placement(),
        state: action.state(),
    }
}

/// How the person relates to the action, as the access policy sees it.
pub fn relation(user: &CurrentUser, action: &Action) -> Relation {
    user.rights.relation(&facts(action))
}

/// The conflict message of optimistic versioning.
pub fn conflict() -> AppError {
    AppError::Conflict(
        "Quelqu'un d'autre a modifié cette action pendant que vous la consultiez : rien n'a été enregistré. \
         Rechargez la page pour voir sa version actuelle, puis recommencez."
            .into(),
    )
}

/// The conflict message, saying what the action became in between.
async fn conflict_now(conn: &mut Conn<'_>, action: &Action, user: UserId) -> AppResult<AppError> {
    let Some(last) = store::last_event(conn, action.id).await? else {
        return Ok(conflict());
    };
    let who = if last.user_id == Some(user) {
        "vous-même, depuis une autre page".to_string()
    } else {
        last.email.unwrap_or_else(|| "une autre personne".into())
    };
    Ok(AppError::Conflict(format!(
        "Quelqu'un d'autre a modifié cette action pendant que vous la consultiez : elle est passée à \
         l'état « {} » le {} ({who}). Ce que vous venez d'envoyer n'a pas été enregistré. \
         Rechargez la page pour voir sa version actuelle.",
        last.to_state.label(),
        format_paris(last.at),
    )))
}

/// A mail about an action, to its owner.
#[derive(Template)]
#[template(path = "mail/action.txt")]
struct ActionMail<'a> {
    transition: &'a str,
    title: &'a str,
    place: &'a str,
    comment: &'a str,
    link: &'a str,
}

fn subject(transition: Transition, title: &str) -> String {
    match transition {
        Transition::Submit => {
            format!("Accusé de réception : votre action « {title} » est transmise")
        }
        Transition::Validate => format!("Décision : votre action « {title} » est validée"),
        Transition::RequestChanges => {
            format!("Décision : des modifications sont demandées pour « {title} »")
        }
        Transition::Decline => format!("Décision : votre action « {title} » n'est pas retenue"),
    }
}

/// A move the rule book allows, ready to be written.
pub struct Move {
    transition: Transition,
    from: ActionState,
    to: ActionState,
    comment: String,
    mail: Mail,
}

impl Move {
    /// The state the action moves to.
    pub fn to(&self) -> ActionState {
        self.to
    }
}

/// What a submission still lacks: the fields to fill, each with its
/// message, or nothing.
pub async fn missing_fields(
    conn: &mut Conn<'_>,
    action: &Action,
    edition: &Edition,
) -> AppResult<Vec<FieldError>> {
    let questions = editions_store::questions(conn, edition.id).await?;
    let input = action.input(store::answers(conn, action.id).await?);
    Ok(declaration::examine(&input, &edition.calendar(), &questions, true).errors)
}

/// Asks the rule book, and for a first submission the deadline; builds the
/// mail. The content's completeness is the caller's to check (the form
/// checks what was typed; [`perform`] what is stored), so that a refusal
/// can lead back to the form.
pub async fn prepare(
    state: &AppState,
    user: &CurrentUser,
    action: &Action,
    transition: Transition,
    comment: &str,
) -> AppResult<Move> {
    let from = action.state();
    let to = action::apply(from, transition, relation(user, action), comment)
        .map_err(|e| AppError::forbidden(e.to_string()))?;
    if transition == Transition::Submit {
        let edition = {
            let mut db = state.db.acquire().await?;
            editions_store::edition_by_id(&mut db.conn(), action.edition_id)
                .await?
                .ok_or(AppError::NotFound)?
        };
        if from == ActionState::Draft {
            super::ensure_open(state, &edition, action.school_id, "soumettre cette action").await?;
        }
    }
    let link = format!("{}/actions/{}", state.config.base_url(), action.id);
    let place = action
        .school_name
        .clone()
        .or_else(|| action.district_name.clone())
        .unwrap_or_default();
    let text = ActionMail {
        transition: transition.code(),
        title: &action.title,
        place: &place,
        comment,
        link: &link,
    }
    .render()?;
    Ok(Move {
        transition,
        from,
        to,
        comment: comment.to_string(),
        mail: Mail {
            to: action.owner_email.clone(),
            subject: subject(transition, &action.title),
            text,
            html: None,
        },
    })
}

/// Writes a prepared move on `conn` (a write transaction), if the action is
/// still at `version`: the state, the audit trail, the mail. False on a
/// conflict (nothing written).
pub async fn write(
    conn: &mut Conn<'_>,
    action: &Action,
    step: &Move,
    version: i64,
    by: UserId,
) -> AppResult<bool> {
    if !store::move_state(
        conn,
        action.id,
        version,
        step.from,
        step.to,
        by,
        &step.comment,
    )
    .await?
    {
        return Ok(false);
    }
    mail::enqueue(conn, &step.mail).await?;
    tracing::info!(
        action = action.id.0,
        by = by.0,
        from = step.from.code(),
        to = step.to.code(),
        transition = step.transition.code(),
        "action moved"
    );
    Ok(true)
}

/// What a transition request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The action moved to this state.
    Moved(ActionState),
    /// The same person had already made this very move (another tab, a
    /// resent page): nothing was done twice.
    AlreadyDone(ActionState),
}

/// Makes the transition if the person may, at the version they saw; records
/// it and e-mails the owner. When the version is stale because the same
/// person just made the same move, says so instead of a conflict.
pub async fn perform(
    state: &AppState,
    user: &CurrentUser,
    action: &Action,
    transition: Transition,
    comment: &str,
    version: i64,
) -> AppResult<Outcome> {
    let step = prepare(state, user, action, transition, comment).await?;
    if transition == Transition::Submit {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let edition = editions_store::edition_by_id(conn, action.edition_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !missing_fields(conn, action, &edition).await?.is_empty() {
            return Err(AppError::forbidden(
                "L'action est incomplète : complétez chaque champ du formulaire avant de la soumettre.",
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    if write(conn, action, &step, version, user.id).await? {
        tx.commit().await?;
        state.jobs.notify_one();
        return Ok(Outcome::Moved(step.to));
    }
    drop(tx);
    stale(state, user, action, &step).await
}

/// The answer to a move written at a stale version: « already done » when
/// the action's last move is this very one by this very person (another
/// tab, a resent page), else the conflict, saying what the action became.
/// Whether `transition` by this person, refused on the action as it stands
/// now, is the very move they made last (a second tab or a resent page that
/// read the action before the first move committed): then the truthful
/// answer is « already done », not a refusal.
pub async fn already_done(
    state: &AppState,
    user: &CurrentUser,
    action: &Action,
    transition: Transition,
    comment: &str,
) -> AppResult<bool> {
    let mut db = state.db.acquire().await?;
    let Some(last) = store::last_event(&mut db.conn(), action.id).await? else {
        return Ok(false);
    };
    Ok(last.user_id == Some(user.id)
        && last.to_state == action.state()
        && last.comment == comment.trim()
        && action::apply(last.from_state, transition, relation(user, action), comment)
            == Ok(last.to_state))
}

pub async fn stale(
    state: &AppState,
    user: &CurrentUser,
    action: &Action,
    step: &Move,
) -> AppResult<Outcome> {
    let conn = &mut state.db.acquire().await?;
    let conn = &mut conn.conn();
    if let Some(last) = store::last_event(conn, action.id).await?
        && last.to_state == step.to
        && last.user_id == Some(user.id)
        && last.comment == step.comment.trim()
    {
        return Ok(Outcome::AlreadyDone(step.to));
    }
    Err(conflict_now(conn, action, user.id).await?)
}
