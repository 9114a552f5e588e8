//! The reuse catalogue (fiches mutualisation): every published action of
//! the académie's past editions, searched in French (`crate::search`),
//! with facets and their counts, ranked by relevance (featured sheets
//! first); each shown as a reuse sheet with the lessons of its bilan. The
//! coordination features or hides a sheet.

use std::collections::BTreeMap;

use askama::Template;
use axum::{extract::State, response::Response};
use serde::Deserialize;

use super::{
    agenda::{AgendaQuery, academy, published_editions},
    store::{self, AgendaFilter, FacetRow, Lessons, PAGE_SIZE},
    view::ActionView,
};
use crate::{
    actions::{store as actions_store, workflow},
    domain::{
        declaration::{self, AUDIENCES, Choices, LEVELS, SCHEMES, SHOWCASE_KINDS},
        ids::{ActionId, EditionId},
    },
    editions::store::Edition,
    map::store::Academy,
    search,
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, PageCtx,
        extract::Path,
        extract::Query,
        notice::Notice,
        once::{self, OnceToken},
        render,
    },
};

/// One facet: its parameter, its title, and `(value, label, count)`.
pub struct Facet {
    pub param: &'static str,
    pub title: &'static str,
    pub values: Vec<(String, String, usize)>,
}

fn count_list(
    rows: &[&FacetRow],
    pick: fn(&FacetRow) -> &str,
    choices: Choices,
) -> Vec<(String, String, usize)> {
    // One pass over the rows: each stored code counted where it stands in
    // the vocabulary.
    let mut counts = vec![0usize; choices.len()];
    let mut counted_for = vec![usize::MAX; choices.len()];
    for (n, r) in rows.iter().enumerate() {
        for code in pick(r).split(',') {
            if let Some(i) = choices.iter().position(|(c, _)| *c == code) {
                // A code listed twice counts the action once.
                if counted_for[i] != n {
                    counted_for[i] = n;
                    counts[i] += 1;
                }
            }
        }
    }
    choices
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((code, label), n)| (code.to_string(), label.to_string(), n))
        .collect()
}

/// The matches that pass every filter of `f` but the facet `param`'s own:
/// a facet's counts are what choosing each of its values would list (the
/// choice replaces the facet's value, it does not narrow it; the trial found
/// « 5e (28) » leading to 64 sheets when 6e was chosen).
fn rows_without<'a>(all: &'a [FacetRow], f: &AgendaFilter, param: &str) -> Vec<&'a FacetRow> {
    let mut f = f.clone();
    match param {
        "edition" => f.edition = None,
        "public" => f.audience = None,
        "niveau" => f.level = None,
        "dispositif" => f.scheme = None,
        "valorisation" => f.showcase = None,
        _ => f.district = None,
    }
    all.iter().filter(|r| f.admits_sheet(r)).collect()
}

/// Counts the facets of `all` (the sheets matching the text and the places,
/// before the facets' own filters) as [`rows_without`] says; `editions`
/// (the académie's published ones) and `districts` (`(id, name)`) name their
/// values.
pub fn facets(
    all: &[FacetRow],
    f: &AgendaFilter,
    editions: &[Edition],
    districts: &[(i64, String)],
) -> Vec<Facet> {
    let mut by_year: BTreeMap<i64, (String, usize)> = BTreeMap::new();
    for r in rows_without(all, f, "edition") {
        if let Some(e) = editions.iter().find(|e| e.id == r.edition_id) {
            by_year.entry(e.year).or_insert((e.theme.clone(), 0)).1 += 1;
        }
    }
    let mut by_district: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows_without(all, f, "district_nom") {
        let name = r
            .district_id
            .and_then(|d| districts.iter().find(|(id, _)| *id == d.0));
        if let Some((_, name)) = name {
            *by_district.entry(name.clone()).or_insert(0) += 1;
        }
    }
    let (editions, districts) = (by_year, by_district);
    vec![
        Facet {
            param: "edition",
            title: "Édition et thème",
            values: editions
                .into_iter()
                .rev()
                .map(|(year, (theme, n))| (year.to_string(), format!("{year} — {theme}"), n))
                .collect(),
        },
        Facet {
            param: "public",
            title: "Public",
            values: count_list(&rows_without(all, f, "public"), |r| &r.audiences, AUDIENCES),
        },
        Facet {
            param: "niveau",
            title: "Niveau",
            values: count_list(&rows_without(all, f, "niveau"), |r| &r.levels, LEVELS),
        },
        Facet {
            param: "dispositif",
            title: "Dispositif",
            values: count_list(&rows_without(all, f, "dispositif"), |r| &r.scheme, SCHEMES),
        },
        Facet {
            param: "valorisation",
            title: "Valorisation",
            values: count_list(
                &rows_without(all, f, "valorisation"),
                |r| &r.showcase_kinds,
                SHOWCASE_KINDS,
            ),
        },
        Facet {
            param: "district_nom",
            title: "District",
            values: districts
                .into_iter()
                .map(|(d, n)| (d.clone(), d, n))
                .collect(),
        },
    ]
}

/// The catalogue page.
#[derive(Template)]
#[template(path = "public/catalogue.html")]
struct CataloguePage {
    ctx: PageCtx,
    academy: Academy,
    query: AgendaQuery,
    facets: Vec<Facet>,
    sheets: Vec<ActionView>,
    total: i64,
    page: i64,
    pages: i64,
}

impl CataloguePage {
    fn results_word(&self) -> String {
        match self.total {
            0 => "Aucune fiche ne correspond.".into(),
            1 => "1 fiche".into(),
            n => format!("{} fiches", declaration::french_count(n as usize)),
        }
    }
    /// The link that sets `param` to `value`, keeping the other filters.
    fn with(&self, param: &str, value: &str) -> String {
        let mut q = self.query.clone();
        match param {
            "edition" => q.edition = value.into(),
            "public" => q.public = value.into(),
            "niveau" => q.niveau = value.into(),
            "dispositif" => q.dispositif = value.into(),
            "valorisation" => q.valorisation = value.into(),
            _ => q.commune = String::new(),
        }
        if param == "district_nom" {
            return format!("?{}&district_nom={}", q.at_page(1), urlenc(value));
        }
        format!("?{}", q.at_page(1))
    }
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DistrictName {
    district_nom: String,
}

/// `GET /a/{slug}/mutualisation`
pub async fn catalogue(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(mut query): Query<AgendaQuery>,
    Query(district): Query<DistrictName>,
) -> AppResult<Response> {
    query.cap_text();
    let page = query.page()?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, &slug).await?;
    let editions = published_editions(conn, &academy).await?;
    let mut filter = query.filter(None);
    filter.catalogue = true;
    // Past editions: all but the latest published one.
    filter.before_year = Some(editions.first().map(|e| e.year).unwrap_or(i64::MIN));
    match query.edition.trim() {
        "" => {}
        year => match editions.iter().find(|e| e.year.to_string() == year) {
            Some(e) => filter.edition = Some(e.id),
            None => filter.impossible = true,
        },
    }
    let places = state
        .public_places
        .places(conn, academy.id, crate::domain::ids::EditionId(0))
        .await?;
    if !district.district_nom.trim().is_empty() {
        match places
            .districts
            .iter()
            .find(|(_, n)| *n == district.district_nom.trim())
        {
            Some((id, _)) => filter.district = Some(crate::domain::ids::DistrictId(*id)),
            None => filter.impossible = true,
        }
    }
    filter.text = search::resolve(conn, &query.q).await?;
    // The sheets matching the text and the places; the facets' own filters
    // are applied in Rust, so that each facet can be counted without its own.
    let before_facets = AgendaFilter {
        edition: None,
        district: None,
        audience: None,
        level: None,
        scheme: None,
        showcase: None,
        ..filter.clone()
    };
    let all = match state
        .catalogue_snapshots
        .matching(conn, academy.id, &before_facets)
        .await?
    {
        Some(rows) => rows,
        None => store::facet_rows(conn, academy.id, &before_facets).await?,
    };
    let mut facet_rows: Vec<&FacetRow> = all.iter().filter(|r| filter.admits_sheet(r)).collect();
    let total = facet_rows.len() as i64;
    let year = |id: EditionId| editions.iter().find(|e| e.id == id).map_or(0, |e| e.year);
    // Featured first, then by relevance, latest edition, id: in Rust, so
    // that both engines give the same order.
    facet_rows.sort_by(|a, b| {
        b.catalogue_rank
            .cmp(&a.catalogue_rank)
            .then(b.score.cmp(&a.score))
            .then(year(b.edition_id).cmp(&year(a.edition_id)))
            .then(a.id.cmp(&b.id))
    });
    let ids: Vec<ActionId> = facet_rows
        .iter()
        .skip(((page.clamp(1, store::MAX_PAGE) - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .map(|r| r.id)
        .collect();
    let rows = store::public_actions(conn, academy.id, &ids).await?;
    render(CataloguePage {
        ctx: ctx
            .academy(academy.name.clone())
            .title(format!(
                "Fiches mutualisation — académie de {}",
                academy.name
            ))
            .here(),
        facets: facets(&all, &filter, &editions, &places.districts),
        sheets: rows
            .into_iter()
            .map(|a| ActionView::new(a, &academy.slug))
            .collect(),
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        total,
        page,
        academy,
        query,
    })
}

/// A reuse sheet.
#[derive(Template)]
#[template(path = "public/sheet.html")]
struct SheetPage {
    ctx: PageCtx,
    academy: Academy,
    sheet: ActionView,
    lessons: Option<Lessons>,
    canonical: String,
}

/// `GET /a/{slug}/mutualisation/{id}`
pub async fn sheet(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, id)): Path<(String, ActionId)>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = academy(conn, &slug).await?;
    let action = store::public_action(conn, academy.id, id)
        .await?
        .filter(|a| a.catalogue_rank >= 0)
        .ok_or(AppError::NotFound)?;
    let lessons = store::lessons(conn, id).await?;
    let mut sheet = ActionView::new(action, &academy.slug);
    sheet.path = format!("/a/{}/mutualisation/{}", academy.slug, id);
    render(SheetPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(
                "Fiches mutualisation",
                format!("/a/{}/mutualisation", academy.slug),
            )
            .title(format!("Fiche mutualisation : {}", sheet.a.title))
            .here(),
        canonical: format!("{}{}", state.config.base_url(), sheet.path),
        sheet,
        lessons,
        academy,
    })
}

#[derive(Deserialize)]
pub struct RankForm {
    /// `mettre-en-avant`, `masquer` or `normal`.
    #[serde(default)]
    rank: String,
    #[serde(default)]
    once: OnceToken,
}

/// `POST /actions/{id}/mutualisation`: feature or hide the sheet.
pub async fn rank(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<RankForm>,
) -> AppResult<Response> {
    let action = {
        let mut db = state.db.acquire().await?;
        actions_store::action_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let relation = workflow::relation(&user, &action);
    if !relation.can_view(action.state()) {
        return Err(AppError::NotFound);
    }
    if !relation.can_flag(action.state()) {
        return Err(AppError::forbidden(
            "Seule la coordination peut mettre en avant ou masquer une fiche mutualisation.",
        ));
    }
    let rank = match form.rank.as_str() {
        "mettre-en-avant" => 1,
        "normal" => 0,
        "masquer" => -1,
        _ => {
            return Err(AppError::BadRequest(
                "Choix inconnu pour la fiche mutualisation.".into(),
            ));
        }
    };
    let show = format!("/actions/{id}");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::set_catalogue_rank(conn, id, rank).await?;
        Ok(Notice::Saved.at(&show))
    })
    .await
}
