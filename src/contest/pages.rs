//! The contest's pages: the edition's contest page (settings and jury for
//! the coordination, the entry form for schools, scoring for jurors, the
//! ranking), and the public page.

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;

use super::store::{self, Contest, Entry, NewEntry};
use crate::{
    auth::store as auth_store,
    domain::{
        Ability, EditionId, Email, Placement, SchoolId,
        contest::{DEFAULT_GRID, Grid, may_score, rank, sees_all_scores},
        declaration::too_long,
        edition::{EditionState, paris_date},
        formats,
        media::{Consent, DESCRIPTION_MAX},
    },
    editions::{store as editions_store, visible_edition},
    files::upload::Upload,
    jobs,
    map::store as map_store,
    media::{
        MediaView,
        chosen::{self, Chosen, HeldView},
        pipeline::{self, FORM_MAX_BYTES, ProcessMedia},
        store::{self as media_store, NewMedia},
    },
    videos::{self, Play, VideoView, with_player},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx,
        extract::{Path, Query},
        once::{self, Ran, Step},
        render, render_with,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions/{id}/concours", get(page).post(settings))
        .route("/editions/{id}/concours/jury", post(jury))
        .route("/editions/{id}/concours/participations", post(register))
        .route("/editions/{id}/concours/cloture", post(close))
        .route("/editions/{id}/concours/palmares", post(publish))
        .route("/concours/participations/{id}/note", post(score))
        .route("/a/{slug}/editions/{year}/concours", get(public))
}

const MANAGE: &str = "Seule la coordination académique organise le concours d’affiches.";
const TEXT_MAX: usize = 1_000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct SettingsForm {
    rules: String,
    categories: String,
    grid: String,
    deadline: String,
    entry_mode: String,
    once: OnceToken,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct EntryForm {
    category: String,
    group_name: String,
    title: String,
    statement: String,
    description: String,
    consent: String,
    /// A poster held from a refused submission (`files::held`).
    poster_held: String,
    once: OnceToken,
}

/// An entry as pages show it.
struct EntryView {
    id: i64,
    title: String,
    group_name: String,
    school_name: String,
    category: String,
    statement: String,
    posters: Vec<MediaView>,
    /// Its video testimonies the person may see.
    videos: Vec<VideoView>,
    laureate: Option<i64>,
    /// No poster waiting nor approved (an entry the declaration form
    /// created, or whose poster was refused): to send (`contest::poster`).
    poster_missing: bool,
}

/// An entry a juror scores: their own scores, and the others' once closed.
struct ScoreRow {
    entry: EntryView,
    /// The juror's scores, each with its criterion (« Lien avec le thème :
    /// 4 / 5 ; … »); empty before scoring.
    mine: String,
    /// One field per criterion: its label, weight, maximum and the juror's
    /// score (empty before scoring).
    fields: Vec<(String, u32, u32, String)>,
    /// The other jurors' scores, named the same way (once the jury closed).
    others: Vec<String>,
}

struct RankRow {
    rank: usize,
    tied: bool,
    title: String,
    school_name: String,
    mean: String,
    count: usize,
    spread: String,
}

struct CategoryRanking {
    label: String,
    rows: Vec<RankRow>,
}

#[derive(Template)]
#[template(path = "contest/page.html")]
struct ContestPage {
    ctx: PageCtx,
    edition_id: EditionId,
    contest: Option<Contest>,
    /// « 06/04/2027 »: the last day to register.
    deadline: String,
    coordinator: bool,
    school: Option<(SchoolId, String)>,
    open: bool,
    closed: bool,
    published: bool,
    categories: Vec<(i64, String)>,
    own: Vec<EntryView>,
    to_score: Vec<ScoreRow>,
    ranking: Vec<CategoryRanking>,
    jurors: Vec<store::Juror>,
    settings: SettingsForm,
    entry: EntryForm,
    errors: FormErrors,
    /// The poster received with a refused submission, kept for the next one.
    held: Option<HeldView>,
    here: String,
    consents: [Consent; 2],
    /// The académie's allowed video hosts (the players' `frame-src`).
    hosts: Vec<String>,
    /// « du collège et du lycée »: the categories the person judges.
    juror_categories: String,
    /// Entries of those categories the person has not scored yet.
    left_to_score: usize,
}

impl ContestPage {
    /// « du collège Jean Moulin »: the school in a sentence.
    fn of_school(&self, name: &str) -> String {
        crate::text::of_school(name)
    }

    /// « du collège et du lycée »: what a juror of the list scores.
    fn juror_phrase(&self, juror: &store::Juror) -> String {
        super::categories_phrase(&self.categories, &juror.category_numbers())
    }
}

fn own_school(user: &CurrentUser, academy: crate::domain::AcademyId) -> Option<SchoolId> {
    user.rights
        .declare_places(academy)
        .into_iter()
        .find_map(|p| p.school())
}

async fn entry_view(
    conn: &mut crate::db::Conn<'_>,
    user: Option<&CurrentUser>,
    entry: &Entry,
    categories: &[(i64, String)],
    only_public: bool,
    play: Play,
) -> AppResult<EntryView> {
    let videos = videos::views_of(conn, user, "poster", entry.id, only_public, play).await?;
    let stored = media_store::media_of(conn, "poster", entry.id).await?;
    let posters = stored
        .iter()
        .filter(|m| !only_public || m.is_public())
        .map(MediaView::new)
        .collect();
    Ok(EntryView {
        id: entry.id,
        title: entry.title.clone(),
        group_name: entry.group_name.clone(),
        school_name: entry.school_name.clone(),
        category: category_label(categories, entry.category),
        statement: entry.statement.clone(),
        posters,
        videos,
        laureate: entry.laureate,
        poster_missing: super::poster::poster_missing(&stored),
    })
}

fn category_label(categories: &[(i64, String)], n: i64) -> String {
    categories
        .iter()
        .find(|(i, _)| *i == n)
        .map_or_else(|| format!("catégorie {n}"), |(_, l)| l.clone())
}

/// Each entry's weighted scores, out of 20.
fn weighted(grid: &Grid, scores: &[store::Score], entry: i64) -> Vec<f64> {
    scores
        .iter()
        .filter(|s| s.entry_id == entry)
        .filter_map(|s| grid.score(&s.values()).ok())
        .collect()
}

/// The laureates of each category: (entry, rank) for the entries ranked 1
/// to 3 by the weighted mean of their scores (ties share a rank, so a
/// category may have two first prizes), as the ranking page shows them.
/// Errors: the grid cannot be read (its message, in French).
pub(crate) fn laureates(
    contest: &Contest,
    entries: &[Entry],
    scores: &[store::Score],
) -> Result<Vec<(i64, i64)>, String> {
    let grid = Grid::parse(&contest.grid)?;
    let mut laureates = Vec::new();
    for (n, _) in contest.category_list() {
        let of: Vec<(i64, Vec<f64>)> = entries
            .iter()
            .filter(|e| e.category == n)
            .map(|e| (e.id, weighted(&grid, scores, e.id)))
            .collect();
        for standing in rank(&of) {
            if standing.mean.is_some() && standing.rank <= 3 {
                laureates.push((standing.entry, standing.rank as i64));
            }
        }
    }
    Ok(laureates)
}

fn ranking(contest: &Contest, entries: &[Entry], scores: &[store::Score]) -> Vec<CategoryRanking> {
    let grid = Grid::parse(&contest.grid).unwrap_or(Grid {
        criteria: Vec::new(),
    });
    contest
        .category_list()
        .into_iter()
        .map(|(n, label)| {
            let of: Vec<(i64, Vec<f64>)> = entries
                .iter()
                .filter(|e| e.category == n)
                .map(|e| (e.id, weighted(&grid, scores, e.id)))
                .collect();
            let rows = rank(&of)
                .into_iter()
                .map(|s| {
                    let entry = entries.iter().find(|e| e.id == s.entry);
                    RankRow {
                        rank: s.rank,
                        tied: s.tied,
                        title: entry.map(|e| e.title.clone()).unwrap_or_default(),
                        school_name: entry.map(|e| e.school_name.clone()).unwrap_or_default(),
                        mean: s
                            .mean
                            .map_or("—".into(), |m| format!("{m:.2}").replace('.', ",")),
                        count: s.count,
                        spread: format!("{:.2}", s.spread).replace('.', ","),
                    }
                })
                .collect();
            CategoryRanking { label, rows }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn contest_page(
    state: &AppState,
    user: &CurrentUser,
    ctx: PageCtx,
    id: EditionId,
    settings: Option<SettingsForm>,
    entry: Option<EntryForm>,
    errors: FormErrors,
    play: Play,
) -> AppResult<ContestPage> {
    let (edition, academy) = visible_edition(state, user, id).await?;
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let coordinator = user.rights.manages_academy(academy.id);
    let contest = store::contest_of(conn, edition.id).await?;
    let school = match own_school(user, academy.id) {
        Some(id) => map_store::school_by_id(conn, id)
            .await?
            .map(|s| (s.id, s.name)),
        None => None,
    };
    let categories = contest
        .as_ref()
        .map(Contest::category_list)
        .unwrap_or_default();
    let grid = contest.as_ref().and_then(|c| Grid::parse(&c.grid).ok());
    let entries = store::entries(conn, edition.id).await?;
    let scores = store::scores(conn, edition.id).await?;
    let jurors = store::jurors(conn, edition.id).await?;
    let closed = contest.as_ref().is_some_and(|c| c.jury_closed_at.is_some());
    let mut own = Vec::new();
    if let Some((school_id, _)) = &school {
        for e in entries.iter().filter(|e| e.school_id == *school_id) {
            own.push(entry_view(conn, Some(user), e, &categories, false, play).await?);
        }
    }
    let mine = jurors
        .iter()
        .find(|j| j.user_id == user.id)
        .map(|j| j.category_numbers())
        .unwrap_or_default();
    let named = |values: &[u32]| match &grid {
        Some(g) => g.named_scores(values),
        None => values
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" / "),
    };
    let mut to_score = Vec::new();
    for e in entries.iter().filter(|e| mine.contains(&e.category)) {
        let view = entry_view(conn, Some(user), e, &categories, true, play).await?;
        // Jurors score posters the coordination approved (an entry still
        // without its poster is not theirs to see yet).
        if view.posters.is_empty() {
            continue;
        }
        let mine_scores = scores
            .iter()
            .find(|s| s.entry_id == e.id && s.juror_id == user.id)
            .map(|s| s.values())
            .unwrap_or_default();
        let others = if sees_all_scores(coordinator, closed) {
            scores
                .iter()
                .filter(|s| s.entry_id == e.id && s.juror_id != user.id)
                .map(|s| named(&s.values()))
                .collect()
        } else {
            Vec::new()
        };
        let fields = grid
            .as_ref()
            .map(|g| {
                g.criteria
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let value = mine_scores.get(i).map(u32::to_string).unwrap_or_default();
                        (c.label.clone(), c.weight, c.max, value)
                    })
                    .collect()
            })
            .unwrap_or_default();
        to_score.push(ScoreRow {
            entry: view,
            fields,
            mine: if mine_scores.is_empty() {
                String::new()
            } else {
                named(&mine_scores)
            },
            others,
        });
    }
    let left_to_score = to_score.iter().filter(|r| r.mine.is_empty()).count();
    let juror_categories = super::categories_phrase(&categories, &mine);
    let ranking = match (&contest, coordinator) {
        (Some(c), true) => ranking(c, &entries, &scores),
        _ => Vec::new(),
    };
    let settings = settings.unwrap_or_else(|| match &contest {
        Some(c) => SettingsForm {
            rules: c.rules.clone(),
            categories: c.categories.clone(),
            grid: c.grid.clone(),
            deadline: formats::format_date(c.deadline),
            entry_mode: c.entry_mode.clone(),
            ..SettingsForm::default()
        },
        None => SettingsForm {
            categories: "École\nCollège\nLycée".into(),
            grid: DEFAULT_GRID.into(),
            deadline: formats::format_date(edition.week_start),
            entry_mode: "page".into(),
            ..SettingsForm::default()
        },
    });
    let open = contest
        .as_ref()
        .is_some_and(|c| paris_date(Utc::now()) <= c.deadline);
    Ok(ContestPage {
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(edition.title(), format!("/editions/{}", edition.id))
            .title("Le concours d’affiches")
            .here(),
        edition_id: edition.id,
        published: contest.as_ref().is_some_and(|c| c.published_at.is_some()),
        deadline: contest
            .as_ref()
            .map(|c| formats::format_date(c.deadline))
            .unwrap_or_default(),
        contest,
        coordinator,
        school,
        open,
        closed,
        categories,
        own,
        to_score,
        ranking,
        jurors,
        settings,
        entry: entry.unwrap_or_default(),
        errors,
        held: None,
        here: format!("/editions/{}/concours", edition.id),
        consents: Consent::ALL,
        hosts: videos::allowed_hosts(conn, academy.id).await?,
        juror_categories,
        left_to_score,
    })
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    Query(play): Query<Play>,
) -> AppResult<Response> {
    let page = contest_page(
        &state,
        &user,
        ctx,
        id,
        None,
        None,
        FormErrors::default(),
        play,
    )
    .await?;
    let playing = videos::playing(
        page.own
            .iter()
            .chain(page.to_score.iter().map(|r| &r.entry))
            .flat_map(|e| &e.videos),
    );
    let hosts = page.hosts.clone();
    Ok(with_player(&state, render(page)?, &hosts, playing))
}

/// Opens the contest or changes its settings (coordination).
async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), MANAGE)?;
    let mut errors = FormErrors::default();
    if form.categories.lines().all(|l| l.trim().is_empty()) {
        errors.add(
            "categories",
            "Indiquez au moins une catégorie, une par ligne.",
        );
    }
    if let Err(message) = Grid::parse(&form.grid) {
        errors.add("grid", message);
    }
    let deadline = formats::parse_date(&form.deadline);
    if deadline.is_none() {
        errors.add("deadline", formats::DATE_MESSAGE);
    }
    if form.rules.chars().count() > 5_000 {
        errors.add(
            "rules",
            too_long("Le règlement", 5_000, form.rules.chars().count()),
        );
    }
    let entry_mode = if form.entry_mode == "form" {
        "form"
    } else {
        "page"
    };
    let (Some(deadline), true) = (deadline, errors.is_empty()) else {
        let page = contest_page(
            &state,
            &user,
            ctx,
            edition.id,
            Some(form),
            None,
            errors,
            Play::default(),
        )
        .await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let contest = Contest {
        edition_id: edition.id,
        rules: form.rules.trim().to_string(),
        categories: form.categories.trim().to_string(),
        grid: form.grid.trim().to_string(),
        deadline,
        entry_mode: entry_mode.into(),
        jury_closed_at: None,
        published_at: None,
    };
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::save_contest(conn, &contest).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/concours", edition.id)))
    })
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct JuryForm {
    email: String,
    categories: Vec<String>,
    once: OnceToken,
}

/// Names a juror for some categories (coordination).
async fn jury(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<JuryForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), MANAGE)?;
    let mut db = state.db.acquire().await?;
    let contest = store::contest_of(&mut db.conn(), edition.id)
        .await?
        .ok_or_else(|| AppError::BadRequest("Ouvrez d’abord le concours.".into()))?;
    let found = match Email::parse(&form.email) {
        Ok(email) => auth_store::user_by_email(&mut db.conn(), &email).await?,
        Err(_) => None,
    };
    drop(db);
    let known: Vec<i64> = contest.category_list().iter().map(|(n, _)| *n).collect();
    let chosen: Vec<i64> = form
        .categories
        .iter()
        .filter_map(|c| c.parse().ok())
        .filter(|c| known.contains(c))
        .collect();
    let mut errors = FormErrors::default();
    if found.is_none() {
        errors.add(
            "email",
            "Aucun compte ne porte cette adresse : la personne doit d’abord se connecter une fois.",
        );
    }
    if chosen.is_empty() {
        errors.add("jury-categories", "Cochez au moins une catégorie.");
    }
    let (Some(juror), true) = (found, errors.is_empty()) else {
        let page = contest_page(
            &state,
            &user,
            ctx,
            edition.id,
            None,
            None,
            errors,
            Play::default(),
        )
        .await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let categories = chosen
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::save_juror(conn, edition.id, juror.id, &categories).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/concours#jury", edition.id)))
    })
    .await
}

/// A school registers an entry with its poster (private until approved).
/// A form refused for another field holds the poster (`media::chosen`:
/// stored once, named by a hidden field); the corrected form uses it.
async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<EditionId>,
    upload: Upload<FORM_MAX_BYTES>,
) -> AppResult<Response> {
    let form: EntryForm = upload.form()?;
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    let refusal = "Seuls les personnels d’un établissement l’inscrivent au concours.";
    let school = own_school(&user, academy.id).ok_or_else(|| AppError::forbidden(refusal))?;
    let mut db = state.db.acquire().await?;
    let school = map_store::school_by_id(&mut db.conn(), school)
        .await?
        .ok_or(AppError::NotFound)?;
    user.require(Ability::Declare, &school.placement(), refusal)?;
    let contest = store::contest_of(&mut db.conn(), edition.id).await?;
    drop(db);
    let csrf = ctx.csrf.clone();
    let held = chosen::read_held(&state.db, &form.poster_held, &csrf).await?;
    let mut errors = FormErrors::default();
    let Some(contest) = contest else {
        return Err(AppError::BadRequest(
            "Le concours de cette édition n’est pas ouvert.".into(),
        ));
    };
    if paris_date(Utc::now()) > contest.deadline {
        errors.add(
            "title",
            format!(
                "Les inscriptions sont closes depuis le {}.",
                formats::format_date(contest.deadline)
            ),
        );
    }
    let category = form
        .category
        .parse::<i64>()
        .ok()
        .filter(|c| contest.category_list().iter().any(|(n, _)| n == c));
    if category.is_none() {
        errors.add("category", "Choisissez la catégorie.");
    }
    for (field, what, value, max, required) in [
        (
            "group_name",
            "La classe ou le groupe",
            &form.group_name,
            200,
            true,
        ),
        ("title", "Le titre", &form.title, 200, true),
        (
            "statement",
            "La présentation",
            &form.statement,
            TEXT_MAX,
            false,
        ),
        (
            "description",
            "La description",
            &form.description,
            DESCRIPTION_MAX,
            false,
        ),
    ] {
        let count = value.trim().chars().count();
        if required && count == 0 {
            errors.add(field, format!("{what} est à indiquer (sans nom d’élève)."));
        } else if count > max {
            errors.add(field, too_long(what, max, count));
        }
    }
    // With the consent tick the poster may be published, and no image is
    // published without its text alternative (issue 9), which cannot be
    // added afterwards: asked for now.
    if Consent::parse(&form.consent).is_some() && form.description.trim().is_empty() {
        errors.add("description", "Décrivez l’affiche en une phrase (sans nom d’élève) : avec l’attestation de droit à l’image elle pourra être publiée, et une image publiée a toujours une description qui la remplace pour qui ne la voit pas.");
    }
    let accepted = match upload.file("poster") {
        None => None,
        Some(file) => match pipeline::accept(file, true).await {
            Ok(accepted) => Some(accepted),
            Err(message) => {
                errors.add("poster", message);
                None
            }
        },
    };
    // A file chosen now replaces the one held, if any.
    let replaced = held
        .as_ref()
        .filter(|_| accepted.is_some())
        .map(|h| h.key.clone());
    let poster = Chosen::pick(accepted, held);
    if poster.is_none() && errors.get("poster").is_none() {
        errors.add(
            "poster",
            "Joignez l’affiche (image JPEG, PNG, WebP ou PDF).",
        );
    }
    let (Some(category), Some(poster), true) = (category, &poster, errors.is_empty()) else {
        // The poster is held (stored once) for the corrected form.
        let holding = match &poster {
            Some(poster) => Some(poster.hold(&state.files).await?),
            None => None,
        };
        chosen::tidy(&state.files, None, replaced.as_ref(), true).await;
        let mut page = contest_page(
            &state,
            &user,
            ctx,
            edition.id,
            None,
            Some(form),
            errors,
            Play::default(),
        )
        .await?;
        page.held = holding.as_ref().map(|h| HeldView::new(h, &csrf));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let stored = poster.store(&state.files).await?;
    let consent = Consent::parse(&form.consent);
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        let to = Notice::Created.at(&format!("/editions/{}/concours", edition.id));
        // A held poster makes one entry, whatever the pages sent again.
        if !stored.fresh && media_store::names_file(conn, stored.key.as_str()).await? {
            return Ok(Step::Commit(to.clone(), to));
        }
        let entry = store::insert_entry(
            conn,
            &NewEntry {
                edition_id: edition.id,
                school_id: school.id,
                category,
                group_name: form.group_name.trim(),
                title: form.title.trim(),
                statement: form.statement.trim(),
                created_by: user.id,
            },
        )
        .await?;
        let media = media_store::insert(
            conn,
            &NewMedia {
                edition_id: edition.id,
                school_id: Some(school.id),
                uploader_id: user.id,
                owner_kind: "poster",
                owner_id: entry,
                kind: stored.kind,
                file_name: &stored.file_name,
                byte_size: stored.byte_size,
                master_key: stored.key.as_str(),
                description: form.description.trim(),
                consent,
            },
        )
        .await?;
        jobs::enqueue(conn, &ProcessMedia { media }).await?;
        Ok(Step::Commit(to.clone(), to))
    })
    .await;
    let done = matches!(ran, Ok(Ran::Did(_)));
    let fresh = Some(&stored.key).filter(|_| stored.fresh);
    chosen::tidy(&state.files, fresh, replaced.as_ref(), done).await;
    state.jobs.notify_one();
    Ok(match ran? {
        Ran::Repeat(answer) => answer,
        Ran::Did(to) => {
            axum::response::IntoResponse::into_response(axum::response::Redirect::to(&to))
        }
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct ScoreForm {
    score: Vec<String>,
    once: OnceToken,
}

/// A juror scores an entry of their categories, within the grid, before
/// the jury closes.
async fn score(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ScoreForm>,
) -> AppResult<Response> {
    let entry = store::entry_by_id(&mut state.db.acquire().await?.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (edition, _) = visible_edition(&state, &user, entry.edition_id).await?;
    let mut db = state.db.acquire().await?;
    let contest = store::contest_of(&mut db.conn(), edition.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let jurors = store::jurors(&mut db.conn(), edition.id).await?;
    drop(db);
    let categories = jurors
        .iter()
        .find(|j| j.user_id == user.id)
        .map(|j| j.category_numbers())
        .unwrap_or_default();
    may_score(
        &categories,
        entry.category,
        contest.jury_closed_at.is_some(),
    )
    .map_err(AppError::forbidden)?;
    let mut db = state.db.acquire().await?;
    let shown = media_store::media_of(&mut db.conn(), "poster", entry.id)
        .await?
        .iter()
        .any(|m| m.is_public());
    drop(db);
    if !shown {
        return Err(AppError::forbidden(
            "Cette participation n’a pas encore d’affiche validée : elle sera à noter une fois l’affiche publiée.",
        ));
    }
    let grid = Grid::parse(&contest.grid).map_err(AppError::BadRequest)?;
    let values: Option<Vec<u32>> = form.score.iter().map(|s| s.trim().parse().ok()).collect();
    let values = values.ok_or_else(|| {
        AppError::BadRequest(
            "Chaque note est un nombre entier positif : revenez en arrière et corrigez-la.".into(),
        )
    })?;
    grid.score(&values).map_err(|m| {
        AppError::BadRequest(format!("{m} Revenez en arrière et corrigez la note."))
    })?;
    let text = values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::save_score(conn, id, user.id, &text).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/concours#noter", edition.id)))
    })
    .await
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct OnceForm {
    once: OnceToken,
}

/// Closes the jury: no score changes after; jurors see each other's.
async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<OnceForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), MANAGE)?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::contest_of(conn, edition.id)
            .await?
            .ok_or(AppError::NotFound)?;
        store::close_jury(conn, edition.id).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/concours#classement", edition.id)))
    })
    .await
}

/// Publishes the laureates: the first three ranks of each category (ties
/// share their rank, so an « ex æquo » is a laureate with the other).
async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<EditionId>,
    CsrfForm(form): CsrfForm<OnceForm>,
) -> AppResult<Response> {
    let (edition, academy) = visible_edition(&state, &user, id).await?;
    user.require(Ability::Manage, &Placement::academy(academy.id), MANAGE)?;
    let mut db = state.db.acquire().await?;
    let contest = store::contest_of(&mut db.conn(), edition.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if contest.jury_closed_at.is_none() {
        return Err(AppError::forbidden(
            "Clôturez d’abord le jury : le palmarès suit les notes définitives.",
        ));
    }
    let entries = store::entries(&mut db.conn(), edition.id).await?;
    let scores = store::scores(&mut db.conn(), edition.id).await?;
    drop(db);
    let laureates = laureates(&contest, &entries, &scores).map_err(AppError::BadRequest)?;
    once::run(&state.db, &form.once, user.id, async |conn| {
        store::publish(conn, edition.id, &laureates).await?;
        Ok(Notice::Saved.at(&format!("/editions/{}/concours#classement", edition.id)))
    })
    .await
}

#[derive(Template)]
#[template(path = "contest/public.html")]
struct PublicPage {
    ctx: PageCtx,
    edition_page: String,
    rules: String,
    published: bool,
    laureates: Vec<EntryView>,
    entries: Vec<EntryView>,
    /// The page's own address (for « Lire la vidéo »).
    here: String,
}

impl PublicPage {
    /// « du collège »: a category after « 1er prix ».
    fn of_category(&self, name: &str) -> String {
        crate::text::of_category(name)
    }
}

/// The public page: approved entries, and the laureates once published.
async fn public(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, year)): Path<(String, i64)>,
    Query(play): Query<Play>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let academy = map_store::academy_by_slug(conn, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let edition = editions_store::edition_of_year(conn, academy.id, year)
        .await?
        .filter(|e| e.stored_state() != EditionState::Draft)
        .ok_or(AppError::NotFound)?;
    let contest = store::contest_of(conn, edition.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = contest.category_list();
    let mut entries = Vec::new();
    for e in store::entries(conn, edition.id).await? {
        let view = entry_view(conn, None, &e, &categories, true, play).await?;
        // An entry shows with a public poster or a public video.
        if !view.posters.is_empty() || !view.videos.is_empty() {
            entries.push(view);
        }
    }
    let published = contest.published_at.is_some();
    let mut laureates: Vec<EntryView> = Vec::new();
    if published {
        for e in store::entries(conn, edition.id)
            .await?
            .into_iter()
            .filter(|e| e.laureate.is_some())
        {
            laureates.push(entry_view(conn, None, &e, &categories, true, Play::default()).await?);
        }
        laureates.sort_by_key(|e| (e.category.clone(), e.laureate));
    }
    let playing = videos::playing(entries.iter().flat_map(|e| &e.videos));
    let hosts = videos::allowed_hosts(conn, academy.id).await?;
    let page = PublicPage {
        here: format!("/a/{}/editions/{}/concours", academy.slug, edition.year),
        ctx: ctx
            .academy(academy.name.clone())
            .crumb(
                edition.title(),
                format!("/a/{}/editions/{}", academy.slug, edition.year),
            )
            .title(format!("Concours d’affiches — {}", edition.title()))
            .here(),
        edition_page: format!("/a/{}/editions/{}", academy.slug, edition.year),
        rules: contest.rules,
        published,
        laureates,
        entries,
    };
    Ok(with_player(&state, render(page)?, &hosts, playing))
}
