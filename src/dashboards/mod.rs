//! Dashboards of an edition (issue 11): what the week achieved, for the
//! académie, each department and each district — actions declared,
//! validated and held, schools taking part, attendance by audience, the
//! spread of showcase kinds and audiences, the questionnaire's answers, the
//! bilans' free texts (searchable), and the previous editions side by side.
//! Charts are SVG drawn by our own templates (`chart.rs`), each beside a
//! table of the same figures; every figure links to the actions behind it
//! (`/editions/{id}/indicateurs/actions`). Exports: a spreadsheet with one
//! sheet per indicator (`export.rs`), and a printable A4 report (the same
//! page, `?impression=1`). The national view sums every académie's edition
//! of one year (administrators).
//!
//! Who sees what: the person's reach with [`Ability::Export`] (the
//! coordinations and the DSDEN), as for the coverage dashboard of
//! `review/`; every figure is counted at each request (`store.rs`).

pub mod chart;
mod export;
mod page;
pub mod store;
mod view;

use axum::{Router, routing::get};

use crate::{
    domain::{
        Ability, Placement,
        ids::{AcademyId, DepartmentId, DistrictId, EditionId},
    },
    editions::store::Edition,
    review::store::{self as review_store, DistrictName, Reach},
    web::{AppError, AppResult, AppState, CurrentUser, PageCtx},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/indicateurs", get(page::dashboard))
        .route("/editions/{id}/indicateurs/actions", get(page::behind))
        .route("/editions/{id}/indicateurs/export", get(export::export))
        .route("/indicateurs/national", get(page::national))
}

/// The level a dashboard looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Academy(AcademyId),
    Department(DepartmentId),
    District(DistrictId),
}

impl Scope {
    /// The `niveau` parameter: `academie`, `departement-ID`, `district-ID`.
    pub fn value(&self) -> String {
        match self {
            Scope::Academy(_) => "academie".into(),
            Scope::Department(id) => format!("departement-{id}"),
            Scope::District(id) => format!("district-{id}"),
        }
    }
}

/// A level the person may pick, with its name.
#[derive(Clone, Debug)]
pub struct Level {
    pub scope: Scope,
    pub label: String,
}

/// What a person may look at in one edition's dashboards.
pub(crate) struct Access {
    pub edition: Edition,
    pub academy_name: String,
    pub academy_slug: String,
    /// The levels within the person's reach, widest first.
    pub levels: Vec<Level>,
    pub districts: Vec<DistrictName>,
}

impl Access {
    /// The level named by `niveau`, if the person may look at it, else the
    /// widest they may.
    pub fn level(&self, niveau: &str) -> &Level {
        self.levels
            .iter()
            .find(|l| l.scope.value() == niveau)
            .unwrap_or(&self.levels[0])
    }

    /// The layout context of a dashboard page.
    pub fn page(&self, ctx: PageCtx, title: &str) -> PageCtx {
        self.trail(ctx, title).here()
    }

    /// The layout context of a page under the dashboard at `level`.
    pub fn page_under(&self, ctx: PageCtx, title: &str, level: &Level) -> PageCtx {
        self.trail(ctx, title)
            .crumb(
                "Indicateurs et bilans",
                format!(
                    "/editions/{}/indicateurs?niveau={}",
                    self.edition.id,
                    level.scope.value()
                ),
            )
            .here()
    }

    fn trail(&self, ctx: PageCtx, title: &str) -> PageCtx {
        ctx.title(title)
            .academy(self.academy_name.clone())
            .crumb(
                format!("Académie de {}", self.academy_name),
                format!("/a/{}", self.academy_slug),
            )
            .crumb(
                self.edition.title(),
                format!("/editions/{}", self.edition.id),
            )
    }
}

/// Loads the edition and the levels the person may look at: 404 if the
/// policy does not let them open the edition, 403 if their role follows no
/// part of it ([`Ability::Export`]).
pub(crate) async fn access(
    state: &AppState,
    user: &CurrentUser,
    edition_id: EditionId,
) -> AppResult<Access> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let found = review_store::edition_in_academy(conn, edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = found.edition;
    let academy = edition.academy_id;
    if !user.rights.sees_edition(academy, edition.stored_state()) {
        return Err(AppError::NotFound);
    }
    let Some(follows) = user.rights.reach(Ability::Export, academy) else {
        return Err(AppError::forbidden(
            "Les tableaux de bord sont réservés aux coordinations (académie, district) et aux DSDEN.",
        ));
    };
    let reach = Reach {
        whole: follows.whole,
        departments: follows.departments.clone(),
        districts: follows.districts.clone(),
    };
    let districts = review_store::districts_in_reach(conn, academy, &reach).await?;
    let departments = store::departments(conn, academy).await?;
    let mut levels = Vec::new();
    if follows.whole {
        levels.push(Level {
            scope: Scope::Academy(academy),
            label: format!("Académie de {}", found.academy_name),
        });
    }
    for d in &departments {
        let place = Placement {
            academy,
            department: Some(d.id),
            district: None,
            school: None,
        };
        if user.rights.may(Ability::Export, &place) {
            levels.push(Level {
                scope: Scope::Department(d.id),
                label: format!("{} ({})", d.name, d.code),
            });
        }
    }
    for d in &districts {
        levels.push(Level {
            scope: Scope::District(d.id),
            label: format!("{} ({})", d.name, d.department_code),
        });
    }
    if levels.is_empty() {
        return Err(AppError::forbidden(
            "Aucun district de cette académie ne relève de votre rôle.",
        ));
    }
    Ok(Access {
        edition,
        academy_name: found.academy_name,
        academy_slug: found.academy_slug,
        levels,
        districts,
    })
}
