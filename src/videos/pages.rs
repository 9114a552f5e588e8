//! Adding a video link (with its title and the consent tick), deciding on
//! it, and the académie's list of allowed hosts.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

use super::{relation, store};
use crate::{
    domain::{
        Ability, EditionId, Placement,
        media::{Consent, Decision, decide},
        video::{self, EDUCATION_TUBES, TITLE_MAX},
    },
    editions::visible_edition,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx,
        extract::{Path, Query},
        once, redirect, render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/videos/nouvelle", get(new_page).post(create))
        .route("/videos/{id}/decision", post(decision))
        .route("/editions/{id}/medias/plateformes", post(hosts))
}

const ADD_REASON: &str = "Seuls les personnels de l’établissement ajoutent une vidéo à sa participation ou à son action.";

/// The object a link is for: `objet` (`action`, `totem`, `affiche`) and its id.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct For {
    objet: String,
    id: String,
}

impl For {
    /// The stored owner kind, and the id.
    fn owner(&self) -> Option<(&'static str, i64)> {
        let kind = match self.objet.trim() {
            "action" => "action",
            "totem" => "totem",
            "affiche" => "poster",
            _ => return None,
        };
        Some((kind, self.id.trim().parse().ok()?))
    }
}

/// The form as typed (kept when it comes back).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct VideoForm {
    objet: String,
    id: String,
    url: String,
    title: String,
    consent: String,
    once: OnceToken,
}

#[derive(Template)]
#[template(path = "videos/new.html")]
struct NewPage {
    ctx: PageCtx,
    form: VideoForm,
    errors: FormErrors,
    back: String,
    hosts: Vec<String>,
    consents: [Consent; 2],
}

/// Where the owner is shown: the action's page, the totem or contest page.
fn owner_page(kind: &str, id: i64, edition: EditionId) -> String {
    match kind {
        "action" => format!("/actions/{id}"),
        "totem" => format!("/editions/{edition}/totem"),
        _ => format!("/editions/{edition}/concours"),
    }
}

/// The owner, once the person is allowed to add a link to it: 404 when it
/// does not exist or its edition is out of sight, 403 without the right.
async fn allowed_owner(
    state: &AppState,
    user: &CurrentUser,
    wanted: &For,
) -> AppResult<(&'static str, i64, store::Owner, String)> {
    let (kind, id) = wanted.owner().ok_or(AppError::NotFound)?;
    let owner = store::owner(&mut state.db.acquire().await?.conn(), kind, id)
        .await?
        .ok_or(AppError::NotFound)?;
    visible_edition(state, user, owner.edition_id).await?;
    let own_action = owner.owner_user_id == Some(user.id);
    if !own_action && !user.rights.may(Ability::Declare, &owner.placement()) {
        return Err(AppError::forbidden(ADD_REASON));
    }
    let back = owner_page(kind, id, owner.edition_id);
    Ok((kind, id, owner, back))
}

async fn new_page_of(
    state: &AppState,
    ctx: PageCtx,
    owner: &store::Owner,
    form: VideoForm,
    errors: FormErrors,
    back: String,
) -> AppResult<NewPage> {
    let hosts =
        super::allowed_hosts(&mut state.db.acquire().await?.conn(), owner.academy_id).await?;
    Ok(NewPage {
        ctx: ctx
            .crumb("Retour", back.clone())
            .title("Ajouter une capsule vidéo")
            .here(),
        form,
        errors,
        back,
        hosts,
        consents: Consent::ALL,
    })
}

/// The form: the video's address on an allowed PeerTube instance, its title,
/// the consent tick.
async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Query(wanted): Query<For>,
) -> AppResult<Response> {
    let (_, _, owner, back) = allowed_owner(&state, &user, &wanted).await?;
    let form = VideoForm {
        objet: wanted.objet.trim().to_string(),
        id: wanted.id.trim().to_string(),
        ..VideoForm::default()
    };
    render(new_page_of(&state, ctx, &owner, form, FormErrors::default(), back).await?)
}

/// Adds the link: its host checked against the académie's list, nothing
/// fetched; private until the coordination approves it.
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<VideoForm>,
) -> AppResult<Response> {
    let wanted = For {
        objet: form.objet.clone(),
        id: form.id.clone(),
    };
    let (kind, id, owner, back) = allowed_owner(&state, &user, &wanted).await?;
    let hosts =
        super::allowed_hosts(&mut state.db.acquire().await?.conn(), owner.academy_id).await?;
    let mut errors = FormErrors::default();
    let link = match video::parse_link(&form.url, &hosts) {
        Ok(link) => Some(link),
        Err(message) => {
            errors.add("url", message);
            None
        }
    };
    let title = form.title.trim();
    let count = title.chars().count();
    if count == 0 {
        errors.add(
            "title",
            "Donnez un titre à la vidéo (il s’affiche avec le bouton « Lire la vidéo » ; aucun nom d’élève).",
        );
    } else if count > TITLE_MAX {
        errors.add(
            "title",
            crate::domain::declaration::too_long("Le titre", TITLE_MAX, count),
        );
    } else if title.chars().any(char::is_control) {
        errors.add(
            "title",
            "Le titre contient des caractères invisibles : retapez-le.",
        );
    }
    let (Some(link), true) = (link, errors.is_empty()) else {
        let page = new_page_of(&state, ctx, &owner, form, errors, back).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let consent = Consent::parse(&form.consent);
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::insert(
            conn,
            &store::NewVideo {
                edition_id: owner.edition_id,
                school_id: owner.school_id,
                uploader_id: user.id,
                owner_kind: kind,
                owner_id: id,
                host: &link.host,
                video_ref: &link.video,
                title,
                consent,
            },
        )
        .await?;
        Ok(Notice::Saved.at(&back))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DecisionForm {
    decision: String,
    suite: String,
    once: OnceToken,
}

/// Approve, reject or withdraw a video (the rules of photos:
/// `domain::media::decide`, a title standing for the description).
async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let video = store::video_by_id(&mut state.db.acquire().await?.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = relation(Some(&user), &video);
    if !who.sees_private() && !video.is_public() {
        return Err(AppError::NotFound);
    }
    let wanted = Decision::parse(&form.decision)
        .ok_or_else(|| AppError::BadRequest("Décision inconnue.".into()))?;
    let next = decide(
        video.state,
        wanted,
        who,
        !video.title.trim().is_empty(),
        video.consent(),
    )
    .map_err(|reason| AppError::forbidden(reason.replace("image", "vidéo")))?;
    let back = redirect::local_target(&form.suite)
        .unwrap_or_else(|| format!("/editions/{}/medias", video.edition_id));
    once::run(&state.db, &form.once, user.id, async |conn| {
        if !store::set_state(conn, id, video.state, next, user.id).await? {
            return Err(AppError::Conflict(
                "Une autre décision a été prise sur cette vidéo entre-temps : rechargez la page."
                    .into(),
            ));
        }
        Ok(Notice::Saved.at(&back))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HostsForm {
    hosts: String,
    once: OnceToken,
}

/// The académie's list of allowed PeerTube hosts (one a line); empty: back
/// to the tubes of apps.education.fr. Links already given keep their host;
/// a host taken off the list is no longer accepted for new links and no
/// longer in the players' `frame-src`.
async fn hosts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<HostsForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(
        Ability::Manage,
        &Placement::academy(academy.id),
        "Seule la coordination académique choisit les plateformes vidéo autorisées.",
    )?;
    let hosts = video::parse_hosts(&form.hosts).map_err(AppError::BadRequest)?;
    let default: Vec<String> = EDUCATION_TUBES.iter().map(|h| h.to_string()).collect();
    let setting = (!hosts.is_empty() && hosts != default).then(|| hosts.join("\n"));
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_hosts(conn, academy.id, setting.as_deref()).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/medias#plateformes", edition.id)))
    })
    .await
}
