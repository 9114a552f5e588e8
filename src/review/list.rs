//! The review list of an edition, and its bulk actions: validate the
//! selection, export the selection (or the whole filtered list) as CSV.

use crate::domain::ids::{ActionId, DistrictId, EditionId};
use std::collections::BTreeSet;

use crate::web::extract::{Path, Query};
use askama::Template;
use axum::{extract::State, http::StatusCode, response::Response};
use serde::{Deserialize, Serialize};

use super::{
    Access, access, parse_id,
    store::{self, Reach, ReviewFilter, ReviewRow},
};
use crate::{
    actions::{store as actions_store, workflow},
    domain::{
        action::{ActionState, Transition},
        declaration::{AUDIENCES, Choices, label_of},
    },
    web::{AppError, AppResult, AppState, CsrfForm, CurrentUser, PageCtx, render, render_with},
};

/// Lines per page.
const PAGE_SIZE: i64 = 50;
/// The most actions one bulk request may name (a page shows 50).
const MAX_SELECTION: usize = 500;
/// The longest search text kept.
const MAX_SEARCH: usize = 200;

/// The filters, as typed (in the query string, or repeated in the bulk form).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(super) struct ListParams {
    #[serde(default)]
    etat: String,
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    public: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    pub(super) district: String,
    #[serde(default)]
    tri: String,
    #[serde(default, skip_serializing)]
    page: String,
}

fn search_text(text: &str) -> Option<String> {
    let text: String = text.trim().chars().take(MAX_SEARCH).collect();
    (!text.is_empty()).then_some(text)
}

impl ListParams {
    pub(super) fn filter(&self) -> ReviewFilter {
        ReviewFilter {
            state: ActionState::parse(self.etat.trim()).filter(|s| *s != ActionState::Draft),
            school: search_text(&self.etablissement),
            audience: AUDIENCES
                .iter()
                .find(|(code, _)| *code == self.public.trim())
                .map(|(code, _)| *code),
            text: search_text(&self.q),
            descending: self.tri == "desc",
        }
    }

    fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }

    /// The query string of these filters (without the page), for links.
    fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// The reach narrowed to the district picked in the filter, if the person
/// may see it (otherwise the filter is ignored).
pub(super) async fn narrowed(
    state: &AppState,
    access: &Access,
    district: &str,
) -> AppResult<(Reach, Option<DistrictId>, Vec<store::DistrictName>)> {
    let single = !access.reach.whole
        && access.reach.departments.is_empty()
        && access.reach.districts.len() == 1;
    // A coordinator of one district has nothing to choose: no query.
    let choices = if single {
        Vec::new()
    } else {
        let mut db = state.db.acquire().await?;
        store::districts_in_reach(&mut db.conn(), access.edition.academy_id, &access.reach).await?
    };
    match parse_id(district).filter(|d| choices.iter().any(|c| c.id == *d)) {
        Some(id) => Ok((Reach::districts(vec![id]), Some(id), choices)),
        None => Ok((access.reach.clone(), None, choices)),
    }
}

/// An option of a `<select>`.
pub(super) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(list: Choices, current: &str) -> Vec<Choice> {
    list.iter()
        .map(|(code, label)| Choice {
            value: code.to_string(),
            label: label.to_string(),
            selected: *code == current,
        })
        .collect()
}

/// A line of the table, ready to show.
struct Line {
    id: ActionId,
    title: String,
    date: String,
    school: String,
    uai: String,
    audiences: String,
    state_label: &'static str,
    state_badge: &'static str,
}

pub(super) fn labels(codes: &str, list: Choices) -> String {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| label_of(list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<ReviewRow> for Line {
    fn from(row: ReviewRow) -> Line {
        let state = row.state;
        let date = match row.starts_on {
            Some(d) if row.before_week => format!(
                "{} (avant la semaine)",
                crate::domain::formats::format_date(d)
            ),
            Some(d) => crate::domain::formats::format_date(d),
            None => "Non renseignée".into(),
        };
        let title = if row.title.trim().is_empty() {
            format!("Action n° {} (sans titre)", row.id)
        } else {
            row.title
        };
        Line {
            id: row.id,
            title,
            date,
            school: row
                .school_name
                .or_else(|| {
                    row.district_name
                        .map(|d| format!("Action de district — {d}"))
                })
                .unwrap_or_default(),
            uai: row.uai.unwrap_or_default(),
            audiences: labels(&row.audiences, AUDIENCES),
            state_label: state.label(),
            state_badge: state.badge(),
        }
    }
}

#[derive(Template)]
#[template(path = "review/list.html")]
struct ReviewPage {
    ctx: PageCtx,
    edition_id: EditionId,
    edition_title: String,
    params: ListParams,
    states: Vec<Choice>,
    audiences: Vec<Choice>,
    /// Empty when there is nothing to choose.
    districts: Vec<Choice>,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    previous: Option<String>,
    next: Option<String>,
    can_review: bool,
    error: Option<String>,
}

async fn build_list(
    state: &AppState,
    access: Access,
    ctx: PageCtx,
    params: ListParams,
    error: Option<String>,
) -> AppResult<ReviewPage> {
    let (reach, district, district_list) = narrowed(state, &access, &params.district).await?;
    let filter = params.filter();
    let page = params.page();
    let mut db = state.db.acquire().await?;
    let (rows, total) = store::review_page(
        &mut db.conn(),
        access.edition.id,
        &reach,
        &filter,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let query = params.query();
    let link = |p: i64| format!("/editions/{}/revue?{query}&page={p}", access.edition.id);
    let states = store::REVIEWED_STATES
        .iter()
        .map(|s| Choice {
            value: s.code().into(),
            label: s.label().into(),
            selected: filter.state == Some(*s),
        })
        .collect();
    let districts = if district_list.len() > 1 {
        district_list
            .iter()
            .map(|d| Choice {
                value: d.id.to_string(),
                label: format!("{} ({})", d.name, d.department_code),
                selected: district == Some(d.id),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReviewPage {
        ctx: access.page(ctx, "Revue des actions"),
        edition_id: access.edition.id,
        edition_title: access.edition.title(),
        audiences: choices(AUDIENCES, filter.audience.unwrap_or_default()),
        states,
        districts,
        lines: rows.into_iter().map(Line::from).collect(),
        total,
        previous: (page > 1).then(|| link(page.min(pages + 1) - 1)),
        next: (page < pages).then(|| link(page + 1)),
        page,
        pages,
        can_review: access.can_review,
        error,
        params,
    })
}

/// `GET /editions/{id}/revue`
pub(super) async fn review_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(params): Query<ListParams>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    render(build_list(&state, access, ctx, params, None).await?)
}

/// The bulk form: the ticked actions and the filters of the list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct BulkForm {
    #[serde(default)]
    ids: Vec<ActionId>,
    #[serde(default)]
    etat: String,
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    public: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    tri: String,
    /// `csv` (the default) or `xlsx`, for the export.
    #[serde(default)]
    pub(super) format: String,
}

impl BulkForm {
    pub(super) fn params(&self) -> ListParams {
        ListParams {
            etat: self.etat.clone(),
            etablissement: self.etablissement.clone(),
            public: self.public.clone(),
            q: self.q.clone(),
            district: self.district.clone(),
            tri: self.tri.clone(),
            page: String::new(),
        }
    }

    /// The ticked ids, once each, in order.
    pub(super) fn ids(&self) -> AppResult<Vec<ActionId>> {
        let ids: Vec<ActionId> = self
            .ids
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if ids.len() > MAX_SELECTION {
            return Err(AppError::BadRequest(format!(
                "Sélectionnez au plus {MAX_SELECTION} actions à la fois."
            )));
        }
        Ok(ids)
    }
}

/// An action validated by the bulk request.
struct Done {
    id: ActionId,
    title: String,
}

/// An action the bulk request could not validate, and why.
struct Failure {
    id: ActionId,
    /// Unknown when the action lies outside the person's reach.
    title: Option<String>,
    reason: String,
}

#[derive(Template)]
#[template(path = "review/result.html")]
struct ResultPage {
    ctx: PageCtx,
    back: String,
    done: Vec<Done>,
    /// Validated already, by this person (a request sent twice): nothing
    /// was done again.
    already: Vec<Failure>,
    failures: Vec<Failure>,
}

const ALREADY: &str =
    "Cette action est « Validée » : vous l'aviez déjà validée, rien n'a été refait.";

const OUT_OF_REACH: &str =
    "Cette action est introuvable parmi les actions transmises de votre périmètre.";

/// `POST /editions/{id}/revue/valider`: validates each ticked action through
/// the workflow (rules, audit trail, version check, e-mail), one by one.
pub(super) async fn validate(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> AppResult<Response> {
    let access = access(&state, &user, id).await?;
    if !access.can_review {
        return Err(AppError::forbidden(
            "La DSDEN consulte les actions de son département ; seules les coordinations \
             d'académie et de district les valident.",
        ));
    }
    let ids = form.ids()?;
    let params = form.params();
    if ids.is_empty() {
        let page = build_list(
            &state,
            access,
            ctx,
            params,
            Some("Cochez au moins une action à valider.".into()),
        )
        .await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let mut done = Vec::new();
    let mut already = Vec::new();
    let mut failures = Vec::new();
    for action_id in ids {
        // The connection is given back before the move, which takes its own.
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let action = actions_store::action_by_id(conn, action_id)
            .await?
            .filter(|a| {
                a.edition_id == access.edition.id
                    && a.state() != ActionState::Draft
                    && access.reach.covers(&a.placement())
            });
        let Some(action) = action else {
            failures.push(Failure {
                id: action_id,
                title: None,
                reason: OUT_OF_REACH.into(),
            });
            continue;
        };
        // Sent twice (a double click, a resent page): what this person
        // already validated is reported as such, not as a refusal.
        if action.state() == ActionState::Validated
            && actions_store::last_event(conn, action.id)
                .await?
                .is_some_and(|e| e.user_id == Some(user.id) && e.to_state == ActionState::Validated)
        {
            already.push(Failure {
                id: action.id,
                title: Some(action.title),
                reason: ALREADY.into(),
            });
            continue;
        }
        drop(db);
        let outcome = workflow::perform(
            &state,
            &user,
            &action,
            Transition::Validate,
            "",
            action.version,
        )
        .await;
        let reason = match outcome {
            Ok(workflow::Outcome::Moved(_)) => {
                done.push(Done {
                    id: action.id,
                    title: action.title,
                });
                continue;
            }
            Ok(workflow::Outcome::AlreadyDone(_)) => {
                already.push(Failure {
                    id: action.id,
                    title: Some(action.title),
                    reason: ALREADY.into(),
                });
                continue;
            }
            Err(
                AppError::Forbidden(reason)
                | AppError::Conflict(reason)
                | AppError::BadRequest(reason),
            ) => reason,
            Err(AppError::NotFound) => OUT_OF_REACH.into(),
            Err(err) => {
                tracing::error!(action = action.id.0, error = %format!("{err:#}"), "bulk validation");
                "Erreur inattendue : l'action n'a pas été validée. Réessayez dans quelques instants."
                    .into()
            }
        };
        failures.push(Failure {
            id: action.id,
            title: Some(action.title),
            reason,
        });
    }
    let back = format!("/editions/{}/revue?{}", access.edition.id, params.query());
    let ctx = access.page(ctx, "Validation de la sélection");
    render(ResultPage {
        ctx,
        back,
        done,
        already,
        failures,
    })
}
