//! Moving an action through its workflow: who asks, the deadline, the
//! optimistic version check, the audit trail and the e-mails, in one
//! transaction.

use askama::Template;

use super::store::{self, Action};
use crate::{
    domain::{
        ActionFacts,
        action::{self, ActionState, Relation, Transition},
        declaration,
    },
    editions::store as editions_store,
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

/// Makes the transition if the person may, at the version they saw; records
/// it and e-mails the owner. Returns the new state.
pub async fn perform(
    state: &AppState,
    user: &CurrentUser,
    action: &Action,
    transition: Transition,
    comment: &str,
    version: i64,
) -> AppResult<ActionState> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let from = action.state();
    let to = action::apply(from, transition, relation(user, action), comment)
        .map_err(|e| AppError::forbidden(e.to_string()))?;
    if transition == Transition::Submit {
        let edition = editions_store::edition_by_id(conn, action.edition_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if from == ActionState::Draft {
            super::ensure_open(state, &edition, action.school_id, "soumettre cette action").await?;
        }
        let questions = editions_store::questions(conn, edition.id).await?;
        let input = action.input(store::answers(conn, action.id).await?);
        if declaration::check(&input, &edition.calendar(), &questions, true).is_err() {
            return Err(AppError::forbidden(
                "L'action est incomplète : complétez chaque champ du formulaire avant de la soumettre.",
            ));
        }
    }
    let link = format!("{}/actions/{}", state.config.base_url(), action.id);
    let place = action
        .school_name
        .clone()
        .or_else(|| action.district_name.clone())
        .unwrap_or_default();
    let body = ActionMail {
        transition: transition.code(),
        title: &action.title,
        place: &place,
        comment,
        link: &link,
    }
    .render()?;
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    if !store::move_state(conn, action.id, version, from, to, user.id, comment).await? {
        return Err(conflict());
    }
    let mail = Mail {
        to: action.owner_email.clone(),
        subject: subject(transition, &action.title),
        text: body,
        html: None,
    };
    mail::enqueue(conn, &mail).await?;
    tx.commit().await?;
    state.jobs.notify_one();
    tracing::info!(
        action = action.id.0,
        by = user.id.0,
        from = from.code(),
        to = to.code(),
        "action moved"
    );
    Ok(to)
}
