//! Pupils' video testimonies (« capsules vidéos », issue 9): an action, a
//! totem entry or a poster entry carries links to videos hosted on PeerTube
//! instances the académie allows (by default the « tubes » of
//! apps.education.fr). Videos are never uploaded to us and nothing is
//! fetched from the host when a link is given.
//!
//! A link shows its title (typed by the school) and a « Lire la vidéo »
//! button: a link to the same page with `?video=<id>`, which renders the
//! PeerTube player (`https://host/videos/embed/<id>`) server-side, so that
//! no request leaves for the host before the visitor asks for it, with or
//! without JavaScript. Only that answer carries a CSP `frame-src` naming
//! the académie's allowed hosts; every other page says `frame-src 'none'`.
//!
//! The same consent tick and the same review as photos
//! (`domain::media::decide`): private until the coordination approves,
//! withdrawable at once by the school or the coordination.
//!
//! - `store.rs`: the table, the académie's list of hosts, the owners.
//! - `pages.rs`: the form that adds a link, decisions, the list of hosts.
//!
//! The rules (link forms, hosts, embed address) are `domain::video`.

pub mod store;

mod pages;

use axum::{Router, http::header, response::Response};
use serde::Deserialize;

use crate::{
    db::Conn,
    domain::{
        Ability, AcademyId,
        media::MediaRelation,
        video::{self, VideoLink},
    },
    web::{AppResult, AppState, CurrentUser},
};

pub fn router() -> Router<AppState> {
    pages::router()
}

/// How `user` stands towards a video: the coordination of its académie, or
/// its school's side (the one who gave it, the school's staff).
pub fn relation(user: Option<&CurrentUser>, video: &store::Video) -> MediaRelation {
    let Some(user) = user else {
        return MediaRelation {
            coordinator: false,
            school_side: false,
        };
    };
    MediaRelation {
        coordinator: user.rights.manages_academy(video.academy_id),
        school_side: video.uploader_id == Some(user.id)
            || (video.school_id.is_some() && user.rights.may(Ability::Declare, &video.placement())),
    }
}

/// The `?video=<id>` of a page: the player the visitor asked to load.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Play {
    #[serde(deserialize_with = "lenient_id")]
    pub video: Option<i64>,
}

fn lenient_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text = String::deserialize(d)?;
    Ok(text.trim().parse().ok())
}

/// A video as pages show it.
#[derive(Clone, Debug)]
pub struct VideoView {
    pub id: i64,
    pub title: String,
    pub host: String,
    /// The video's page on its instance (a plain link, opened by the visitor).
    pub watch_url: String,
    /// Set only when the visitor asked to play it: the player's address.
    pub embed_url: Option<String>,
    pub state_label: &'static str,
    pub state_code: &'static str,
    pub consent_label: &'static str,
    pub public: bool,
    pub school_side: bool,
    pub coordinator: bool,
}

impl VideoView {
    pub fn new(video: &store::Video, who: MediaRelation, play: Play) -> VideoView {
        let link = VideoLink {
            host: video.host.clone(),
            video: video.video_ref.clone(),
        };
        VideoView {
            id: video.id,
            title: video.title.clone(),
            host: video.host.clone(),
            watch_url: link.watch_url(),
            embed_url: (play.video == Some(video.id)).then(|| link.embed_url()),
            state_label: video.state.label(),
            state_code: video.state.code(),
            consent_label: video.consent().map_or(
                "Attestation de droit à l'image non cochée : la vidéo reste privée.",
                |c| c.label(),
            ),
            public: video.is_public(),
            school_side: who.school_side,
            coordinator: who.coordinator,
        }
    }

    /// The address of the « Lire la vidéo » link: `page` with this video
    /// asked for, back at its place in the page.
    pub fn play_href(&self, page: &str) -> String {
        format!("{page}?video={}#video-{}", self.id, self.id)
    }
}

/// The videos of one object that `user` may see (the public ones, and the
/// private ones for the coordination and the school's side), as shown.
pub async fn views_of(
    conn: &mut Conn<'_>,
    user: Option<&CurrentUser>,
    owner_kind: &str,
    owner_id: i64,
    only_public: bool,
    play: Play,
) -> AppResult<Vec<VideoView>> {
    Ok(store::videos_of(conn, owner_kind, owner_id)
        .await?
        .iter()
        .filter_map(|v| {
            let who = relation(user, v);
            let shown = v.is_public() || (!only_public && who.sees_private());
            shown.then(|| VideoView::new(v, who, play))
        })
        .collect())
}

/// The hosts an académie allows.
pub async fn allowed_hosts(conn: &mut Conn<'_>, academy: AcademyId) -> AppResult<Vec<String>> {
    Ok(video::allowed_hosts(
        store::hosts_setting(conn, academy).await?.as_deref(),
    ))
}

/// Whether one of `shown` is played on this answer.
pub fn playing<'a>(mut shown: impl Iterator<Item = &'a VideoView>) -> bool {
    shown.any(|v| v.embed_url.is_some())
}

/// Puts the player's CSP on a page's answer when a video is `playing`
/// (`frame-src` the académie's allowed hosts); the page keeps
/// `frame-src 'none'` otherwise.
pub fn with_player(
    state: &AppState,
    mut response: Response,
    hosts: &[String],
    playing: bool,
) -> Response {
    if playing {
        let policy =
            crate::web::content_security_policy_framing(&state.config, &video::frame_src(hosts));
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}
