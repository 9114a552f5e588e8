//! The public agenda of an académie (no account): the published actions of
//! an edition with filters and a free-text search, 50 a page; each action's
//! public page and its `.ics`.
//!
//! Nothing a visitor types can cause a 500: every parameter is read as text
//! ([`AgendaQuery`]); an unknown code or place gives an empty list, a page
//! beyond the last an empty page that says so, a page number that is not a
//! number a French 400.

use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    cache::PlacesCache,
    store::{self, AgendaFilter, FILTER_CHOICES, FilterPlaces, PAGE_SIZE, choice},
    view::ActionView,
};
use crate::{
    db::Conn,
    domain::{
        declaration::{AUDIENCES, Choices, LEVELS, SCHEMES, SHOWCASE_KINDS},
        edition::EditionState,
        formats::parse_date,
        ids::{ActionId, DistrictId},
        meeting::{CalendarMethod, calendar},
    },
    editions::store::{self as editions_store, Edition},
    map::store::{self as map_store, Academy},
    search,
    videos::{self, Play, VideoView, with_player},
    web::{AppError, AppResult, AppState, PageCtx, extract::Path, extract::Query, render},
};

/// The agenda's query string, every value as typed (never refused for its
/// content, so a bad value cannot turn into an error page).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AgendaQuery {
    pub q: String,
    pub edition: String,
    pub departement: String,
    pub district: String,
    pub commune: String,
    pub etablissement: String,
    pub jour: String,
    pub public: String,
    pub niveau: String,
    pub dispositif: String,
    pub valorisation: String,
    /// `toutes` for every date; anything else (by default) the current
    /// edition's actions from today on (undated ones kept).
    pub periode: String,
    #[serde(skip_serializing)]
    pub page: String,
}

/// Longest value read from a filter (longer cannot name anything).
const MAX_VALUE: usize = 200;

impl AgendaQuery {
    /// The filter, with the edition already chosen; the free text is
    /// resolved separately. A value naming nothing makes it impossible.
    pub fn filter(&self, edition: Option<&Edition>) -> AgendaFilter {
        let mut f = AgendaFilter {
            edition: edition.map(|e| e.id),
            ..Default::default()
        };
        let text = |v: &str, impossible: &mut bool| -> Option<String> {
            let v = v.trim();
            if v.is_empty() {
                None
            } else if v.chars().count() > MAX_VALUE || v.chars().any(char::is_control) {
                *impossible = true;
                None
            } else {
                Some(v.to_string())
            }
        };
        let mut impossible = false;
        f.department = text(&self.departement, &mut impossible);
        f.commune = text(&self.commune, &mut impossible);
        f.school = text(&self.etablissement, &mut impossible).map(|u| u.to_uppercase());
        if let Some(d) = text(&self.district, &mut impossible) {
            match d.parse::<i64>() {
                Ok(id) => f.district = Some(DistrictId(id)),
                Err(_) => impossible = true,
            }
        }
        if let Some(day) = text(&self.jour, &mut impossible) {
            match parse_date(&day) {
                Some(d) => f.day = Some(d),
                None => impossible = true,
            }
        }
        f.audience = choice(AUDIENCES, self.public.trim(), &mut impossible);
        f.level = choice(LEVELS, self.niveau.trim(), &mut impossible);
        f.scheme = choice(SCHEMES, self.dispositif.trim(), &mut impossible);
        f.showcase = choice(SHOWCASE_KINDS, self.valorisation.trim(), &mut impossible);
        f.impossible = impossible;
        f
    }

    /// Keeps only what the search reads of the free text
    /// ([`search::MAX_QUERY_CHARS`] characters), so that the page's links do
    /// not repeat a visitor's 10,000 characters fifty times.
    pub fn cap_text(&mut self) {
        if self.q.chars().count() > search::MAX_QUERY_CHARS {
            self.q = self.q.chars().take(search::MAX_QUERY_CHARS).collect();
        }
    }

    /// The page asked for: 1 when absent; a French 400 when not a number.
    pub fn page(&self) -> AppResult<i64> {
        let p = self.page.trim();
        if p.is_empty() {
            return Ok(1);
        }
        match p.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n.min(store::MAX_PAGE + 1)),
            _ => Err(AppError::BadRequest(
                "Le numéro de page doit être un nombre entier, 1 ou plus.".into(),
            )),
        }
    }

    /// The query string of this search at `page` (for the pagination links).
    pub fn at_page(&self, page: i64) -> String {
        let mut s = serde_urlencoded::to_string(self).unwrap_or_default();
        s.push_str("&page=");
        s.push_str(&page.to_string());
        s
    }
}

/// The académie named by the slug, or 404.
pub async fn academy(conn: &mut Conn<'_>, slug: &str) -> AppResult<Academy> {
    map_store::academy_by_slug(conn, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// The académie's published editions, latest first.
pub async fn published_editions(conn: &mut Conn<'_>, academy: &Academy) -> AppResult<Vec<Edition>> {
    let mut editions: Vec<Edition> = editions_store::editions_of(conn, academy.id)
        .await?
        .into_iter()
        .filter(|e| e.stored_state() != EditionState::Draft)
        .collect();
    editions.sort_by(|a, b| b.year.cmp(&a.year));
    Ok(editions)
}

/// The filter form shared by the agenda and the map
/// (`templates/public/filters.html`).
pub struct Filters {
    /// Where the form goes (`/a/{slug}/agenda`, `/a/{slug}/carte`).
    pub action: String,
    pub edition: Option<Edition>,
    pub editions: Vec<Edition>,
    pub query: AgendaQuery,
    pub places: FilterPlaces,
    /// Whether « à venir » applies (the default on the current edition).
    pub upcoming: bool,
}

impl Filters {
    pub fn choices(&self, name: &str) -> Choices {
        FILTER_CHOICES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .unwrap_or(&[])
    }
    pub fn selected(&self, name: &str) -> &str {
        match name {
            "public" => &self.query.public,
            "niveau" => &self.query.niveau,
            "dispositif" => &self.query.dispositif,
            "valorisation" => &self.query.valorisation,
            _ => "",
        }
    }
    pub fn filter_label(&self, name: &str) -> &'static str {
        match name {
            "public" => "Public",
            "niveau" => "Niveau",
            "dispositif" => "Dispositif",
            _ => "Valorisation",
        }
    }
    pub fn filter_names(&self) -> [&'static str; 4] {
        ["public", "niveau", "dispositif", "valorisation"]
    }
    pub fn edition_year(&self) -> String {
        self.edition
            .as_ref()
            .map(|e| e.year.to_string())
            .unwrap_or_default()
    }
    /// Whether a filter beyond the text is set (the « Filtres » open).
    pub fn any_set(&self) -> bool {
        let q = &self.query;
        [
            &q.departement,
            &q.district,
            &q.commune,
            &q.jour,
            &q.public,
            &q.niveau,
            &q.dispositif,
            &q.valorisation,
            &q.etablissement,
            &q.periode,
        ]
        .iter()
        .any(|v| !v.is_empty())
    }
    /// The same search with every date (the « voir toutes » link).
    pub fn all_dates(&self) -> String {
        let mut q = self.query.clone();
        q.periode = "toutes".into();
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
}

/// Reads the query against the académie: its published editions, the
/// edition asked for (the latest by default), the places of the filters and
/// the filter itself, free text resolved. On the latest edition, without a
/// day and unless `periode=toutes`, only the actions from today on (Paris).
pub async fn resolve(
    conn: &mut Conn<'_>,
    cache: &PlacesCache,
    academy: &Academy,
    mut query: AgendaQuery,
    action: String,
) -> AppResult<(Filters, AgendaFilter)> {
    query.cap_text();
    let editions = published_editions(conn, academy).await?;
    let edition = match query.edition.trim() {
        "" => editions.first().cloned(),
        year => editions
            .iter()
            .find(|e| e.year.to_string() == year)
            .cloned(),
    };
    let mut filter = query.filter(edition.as_ref());
    if edition.is_none() {
        filter.impossible = true;
    }
    let current = edition
        .as_ref()
        .zip(editions.first())
        .is_some_and(|(e, first)| e.id == first.id);
    // « À venir » only while the week is not over: an académie whose
    // latest edition is past shows it whole (issue 8's trial: Normandie's
    // agenda was empty by default).
    let upcoming = current
        && edition.as_ref().is_some_and(|e| e.week_end >= today())
        && query.jour.trim().is_empty()
        && query.periode.trim() != "toutes";
    if upcoming {
        filter.from = Some(today());
    }
    filter.text = search::resolve(conn, &query.q).await?;
    let places = match &edition {
        Some(e) => cache.places(conn, academy.id, e.id).await?,
        None => FilterPlaces::default(),
    };
    Ok((
        Filters {
            action,
            edition,
            editions,
            query,
            places,
            upcoming,
        },
        filter,
    ))
}

/// The agenda page.
#[derive(Template)]
#[template(path = "public/agenda.html")]
struct AgendaPage {
    ctx: PageCtx,
    academy: Academy,
    filters: Filters,
    actions: Vec<ActionView>,
    total: i64,
    page: i64,
    pages: i64,
    base: String,
}

impl AgendaPage {
    fn results_word(&self) -> String {
        match self.total {
            0 => "Aucune action ne correspond.".into(),
            1 => "1 action".into(),
            n => format!(
                "{} actions",
                crate::domain::declaration::french_count(n as usize)
            ),
        }
    }
}

/// `GET /a/{slug}/agenda`
pub async fn agenda(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(query): Query<AgendaQuery>,
) -> AppResult<Response> {
    let page = query.page()?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, &slug).await?;
    let (filters, filter) = resolve(
        conn,
        &state.public_places,
        &academy,
        query,
        format!("/a/{}/agenda", academy.slug),
    )
    .await?;
    let snapshot = state
        .agenda_snapshots
        .page(conn, academy.id, &filter, page, PAGE_SIZE)
        .await?;
    let (rows, total) = match snapshot {
        Some(found) => found,
        None => store::agenda(conn, academy.id, &filter, page, PAGE_SIZE).await?,
    };
    let title = match &filters.edition {
        Some(e) => format!(
            "Agenda des actions {} — académie de {}",
            e.year, academy.name
        ),
        None => format!("Agenda des actions — académie de {}", academy.name),
    };
    render(AgendaPage {
        ctx: ctx.academy(academy.name.clone()).title(title).here(),
        actions: rows
            .into_iter()
            .map(|a| ActionView::new(a, &academy.slug))
            .collect(),
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        total,
        page,
        base: state.config.base_url(),
        academy,
        filters,
    })
}

/// An action's public page.
#[derive(Template)]
#[template(path = "public/action.html")]
struct ActionPage {
    ctx: PageCtx,
    academy: Academy,
    action: ActionView,
    canonical: String,
    json_ld: String,
    share: Vec<(&'static str, String)>,
    /// The action's approved video testimonies (« Lire la vidéo » loads
    /// the player of the one asked for with `?video=<id>`).
    videos: Vec<VideoView>,
}

async fn published(
    state: &AppState,
    slug: &str,
    id: ActionId,
) -> AppResult<(Academy, ActionView, Edition)> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, slug).await?;
    let action = store::public_action(conn, academy.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = ActionView::new(action, &academy.slug);
    Ok((academy, view, edition))
}

/// `GET /a/{slug}/actions/{id}`
pub async fn action_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, id)): Path<(String, ActionId)>,
    Query(play): Query<Play>,
) -> AppResult<Response> {
    let (academy, action, edition) = published(&state, &slug, id).await?;
    let base = state.config.base_url();
    let organizer = format!("Académie de {}", academy.name);
    let (videos, hosts) = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        (
            videos::views_of(conn, None, "action", action.a.id.into(), true, play).await?,
            videos::allowed_hosts(conn, academy.id).await?,
        )
    };
    let playing = videos::playing(videos.iter());
    let page = render(ActionPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(
                format!("Agenda {}", edition.year),
                format!("/a/{}/agenda?edition={}", academy.slug, edition.year),
            )
            .title(action.a.title.clone())
            .here(),
        canonical: format!("{base}{}", action.path),
        json_ld: action.json_ld(&base, &organizer),
        share: action.share_links(&base),
        academy,
        action,
        videos,
    })?;
    // The page that plays a video carries its own `frame-src` (and is not
    // kept by the render cache: see `cache::serve`).
    Ok(with_player(&state, page, &hosts, playing))
}

/// `GET /a/{slug}/actions/{id}/agenda.ics`: « Ajouter à mon agenda ».
pub async fn action_ics(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, ActionId)>,
) -> AppResult<Response> {
    let (academy, action, edition) = published(&state, &slug, id).await?;
    let event = action
        .calendar_event(&state.config.base_url(), &edition.contact_email)
        .ok_or(AppError::NotFound)?;
    let text = calendar(
        &format!("Persévérance — académie de {}", academy.name),
        CalendarMethod::Publish,
        &[event],
        Utc::now(),
    );
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"action-{}.ics\"", action.a.id),
            ),
        ],
        text,
    )
        .into_response();
    // A publication, not an export: no security-log row per download.
    response
        .extensions_mut()
        .insert(crate::web::security::Publication);
    Ok(response)
}

/// Today in Paris (for « à venir »).
pub fn today() -> NaiveDate {
    crate::domain::edition::paris_date(Utc::now())
}
