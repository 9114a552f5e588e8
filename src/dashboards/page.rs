//! The dashboard page (and its printable A4 version), the list of the
//! actions behind a figure, and the national view.

use askama::Template;
use axum::{extract::State, response::Response};
use chrono::Datelike;
use serde::Deserialize;

use super::{
    Level, access,
    store::{self, Behind, FreeText, Indicator, Totals},
    view::{self, Cell, Line, Table, View},
};
use crate::{
    domain::{bilan::BilanState, ids::EditionId},
    web::{
        AppError, AppResult, AppState, CurrentUser, PageCtx,
        extract::{Path, Query},
        render,
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardParams {
    #[serde(default)]
    niveau: String,
    /// Words to find in the bilans' free texts.
    #[serde(default)]
    q: String,
    /// `1`: the printable A4 report.
    #[serde(default)]
    impression: String,
}

#[derive(Template)]
#[template(path = "dashboards/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    edition_id: EditionId,
    edition_title: String,
    levels: Vec<Level>,
    view: View,
    search: String,
    texts: Vec<FreeText>,
    print: bool,
}

impl DashboardPage {
    fn selected(&self, level: &Level) -> bool {
        level.scope == self.view.level.scope
    }

    fn niveau(&self) -> String {
        self.view.level.scope.value()
    }

    fn behind(&self, indicator: &str) -> String {
        format!(
            "/editions/{}/indicateurs/actions?niveau={}&indicateur={indicator}",
            self.edition_id,
            self.niveau()
        )
    }
}

/// `GET /editions/{id}/indicateurs`
pub(super) async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(params): Query<DashboardParams>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    let level = access.level(&params.niveau).clone();
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let view = view::gather(conn, &access, &level).await?;
    let search: String = params.q.trim().chars().take(200).collect();
    let texts = store::free_texts(conn, id, &level.scope, &search).await?;
    let print = params.impression == "1";
    let title = if print {
        format!("Rapport des bilans — {}", level.label)
    } else {
        "Indicateurs et bilans".to_string()
    };
    render(DashboardPage {
        ctx: access.page(ctx, &title),
        edition_id: id,
        edition_title: access.edition.title(),
        levels: access.levels.clone(),
        view,
        search,
        texts,
        print,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct BehindParams {
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    indicateur: String,
}

#[derive(Template)]
#[template(path = "dashboards/behind.html")]
struct BehindPage {
    ctx: PageCtx,
    edition_id: EditionId,
    edition_title: String,
    level: Level,
    actions: Vec<Behind>,
    max: i64,
}

impl BehindPage {
    fn bilan_label(&self, state: &Option<BilanState>) -> &'static str {
        match state {
            None => "Pas de bilan",
            Some(BilanState::Draft) => "Bilan en brouillon",
            Some(s) => s.label(),
        }
    }
}

/// `GET /editions/{id}/indicateurs/actions`: the actions behind a figure.
pub(super) async fn behind(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(params): Query<BehindParams>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    let level = access.level(&params.niveau).clone();
    let indicator = Indicator::parse(&params.indicateur).ok_or_else(|| {
        AppError::BadRequest("Cet indicateur n'existe pas : revenez au tableau de bord.".into())
    })?;
    let mut db = state.db.acquire().await?;
    let actions = store::behind(&mut db.conn(), id, &level.scope, &indicator).await?;
    let title = format!("{} — {}", indicator.label(), level.label);
    let ctx = access.page_under(ctx, &title, &level);
    render(BehindPage {
        ctx,
        edition_id: id,
        edition_title: access.edition.title(),
        level,
        actions,
        max: store::BEHIND_MAX,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NationalParams {
    #[serde(default)]
    annee: String,
}

#[derive(Template)]
#[template(path = "dashboards/national.html")]
struct NationalPage {
    ctx: PageCtx,
    year: i64,
    table: Table,
}

/// `GET /indicateurs/national`: every académie's edition of one year
/// (administrators: the only role above the académies). `?annee=` picks the
/// year; without it, the latest year that has an edition
/// (`store::latest_year`).
pub(super) async fn national(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Query(params): Query<NationalParams>,
) -> AppResult<Response> {
    if !user.rights.is_admin() {
        return Err(AppError::forbidden(
            "La vue nationale est réservée à l'administration de la plateforme.",
        ));
    }
    let mut db = state.db.acquire().await?;
    let asked = params
        .annee
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    // Without a year (or with one that is not a year): the latest year that
    // has an edition, else this one.
    let year = match asked {
        Some(year) => year,
        None => store::latest_year(&mut db.conn())
            .await?
            .unwrap_or_else(|| i64::from(chrono::Utc::now().year())),
    };
    let rows = store::national(&mut db.conn(), year).await?;
    let mut total = Totals::default();
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(t, academy)| {
            total.declared += t.declared;
            total.validated += t.validated;
            total.bilans += t.bilans;
            total.held += t.held;
            for (sum, n) in total.attendance.iter_mut().zip(t.attendance) {
                *sum += n;
            }
            national_line(academy.clone(), t, true)
        })
        .collect();
    lines.push(national_line("Total".into(), &total, false));
    let table = Table {
        sheet: "National".into(),
        caption: format!("Éditions {year} de chaque académie"),
        corner: "Académie".into(),
        head: [
            "Actions transmises",
            "Validées",
            "Bilans transmis",
            "Ont eu lieu",
            "Fréquentation",
        ]
        .map(String::from)
        .to_vec(),
        lines,
    };
    let ctx = ctx.title(format!("Vue nationale {year}")).here();
    render(NationalPage { ctx, year, table })
}

fn national_line(label: String, t: &Totals, linked: bool) -> Line {
    let link = |indicator: &str, value: i64| Cell {
        value: value.to_string(),
        href: linked.then(|| {
            format!(
                "/editions/{}/indicateurs/actions?indicateur={indicator}",
                t.edition_id
            )
        }),
    };
    Line {
        label,
        cells: vec![
            link("declarees", t.declared),
            link("validees", t.validated),
            link("bilans", t.bilans),
            link("tenues", t.held),
            Cell {
                value: t.attendance_total().to_string(),
                href: None,
            },
        ],
    }
}
