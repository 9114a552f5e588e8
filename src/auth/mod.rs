//! Signing in with a one-time link sent by e-mail, demo sign-in, signing out.
//!
//! Asking for a link always gives the same answer, whether or not the address
//! has an account. A link is single-use and expires; opening it shows a
//! button, so that mail scanners that follow links do not use it up (and no
//! GET changes anything).

pub mod store;
pub use crate::web::tokens;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Duration;
use serde::Deserialize;

use crate::{
    domain::Email,
    jobs::mail::{self, Mail},
    map::store as map_store,
    web::{
        AppError, AppResult, AppState, CsrfForm, FormErrors, PageCtx, cookies, render, render_with,
        session,
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(login_page).post(request_link))
        .route("/connexion/lien", get(link_page).post(use_link))
        .route("/connexion/demo", post(demo_login))
        .route("/deconnexion", post(logout))
}

/// A demo account offered for one-click sign-in.
pub struct DemoAccount {
    pub email: String,
    pub label: String,
}

/// The login page: ask for a link (and, in demo mode, pick a demo account).
#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    /// What the person typed.
    email: String,
    /// Where to go after signing in.
    next: String,
    errors: FormErrors,
    /// Demo accounts (demo mode only).
    demo_accounts: Vec<DemoAccount>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    suite: String,
}

/// Where to go after signing in: a local path only (no open redirect).
fn safe_next(next: &str) -> String {
    crate::web::redirect::after_sign_in(next)
}

async fn login_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let demo_accounts = demo_accounts(&state).await?;
    render(LoginPage {
        ctx: ctx.title("Connexion").here(),
        email: String::new(),
        next: safe_next(&q.suite),
        errors: FormErrors::default(),
        demo_accounts,
    })
}

async fn demo_accounts(state: &AppState) -> AppResult<Vec<DemoAccount>> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if state.config.demo {
        Ok(crate::demo::accounts(conn).await?)
    } else {
        Ok(Vec::new())
    }
}

#[derive(Deserialize)]
struct LinkRequest {
    #[serde(default)]
    email: String,
    #[serde(default)]
    suite: String,
}

/// The page shown after a link was asked for, whatever happened.
#[derive(Template)]
#[template(path = "auth/link_sent.html")]
struct LinkSentPage {
    ctx: PageCtx,
    minutes: i64,
}

async fn request_link(
    State(state): State<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<LinkRequest>,
) -> AppResult<Response> {
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(err) => {
            let mut errors = FormErrors::default();
            errors.add("email", err.to_string());
            let page = LoginPage {
                ctx: ctx.title("Connexion").here(),
                email: form.email,
                next: safe_next(&form.suite),
                errors,
                demo_accounts: demo_accounts(&state).await?,
            };
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    send_link(&state, &email, &safe_next(&form.suite)).await?;
    render(LinkSentPage {
        ctx: ctx.title("Vérifiez votre messagerie").here(),
        minutes: state.config.login_link_minutes,
    })
}

/// The login link mail, as text.
#[derive(Template)]
#[template(path = "mail/login_link.txt")]
struct LinkMailText<'a> {
    link: &'a str,
    minutes: i64,
}

/// The login link mail, as HTML.
#[derive(Template)]
#[template(path = "mail/login_link.html")]
struct LinkMailHtml<'a> {
    link: &'a str,
    minutes: i64,
}

/// Sends a login link if the address has an account, or may create one
/// because its domain belongs to an académie that allows self-registration.
async fn send_link(state: &AppState, email: &Email, next: &str) -> AppResult<()> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let known = store::user_by_email(conn, email).await?;
    let may_register = known.is_none()
        && !map_store::academies_allowing(conn, email.domain())
            .await?
            .is_empty();
    if known.is_none() && !may_register {
        tracing::info!("login link asked for an unknown address");
        return Ok(());
    }
    let token = tokens::random_token();
    let minutes = state.config.login_link_minutes;
    let link = format!(
        "{}/connexion/lien?jeton={token}&suite={}",
        state.config.base_url(),
        crate::web::urlencode(next)
    );
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    let user_id = match known {
        Some(user) => user.id,
        None => store::ensure_user(conn, email, "").await?,
    };
    store::create_login_token(
        conn,
        user_id,
        &tokens::hash(&token),
        Duration::minutes(minutes),
    )
    .await?;
    let mail = Mail {
        to: email.to_string(),
        subject: "Votre lien de connexion à Persévérance".into(),
        text: LinkMailText {
            link: &link,
            minutes,
        }
        .render()?,
        html: Some(
            LinkMailHtml {
                link: &link,
                minutes,
            }
            .render()?,
        ),
    };
    mail::enqueue(conn, &mail).await?;
    tx.commit().await?;
    state.jobs.notify_one();
    Ok(())
}

#[derive(Deserialize)]
struct LinkQuery {
    #[serde(default)]
    jeton: String,
    #[serde(default)]
    suite: String,
}

/// The page a login link opens: one button to finish signing in.
#[derive(Template)]
#[template(path = "auth/link.html")]
struct LinkPage {
    ctx: PageCtx,
    token: String,
    next: String,
    valid: bool,
}

async fn link_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<LinkQuery>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let valid =
        !q.jeton.is_empty() && store::login_token_is_valid(conn, &tokens::hash(&q.jeton)).await?;
    let page = LinkPage {
        ctx: ctx.title("Connexion").here(),
        token: q.jeton,
        next: safe_next(&q.suite),
        valid,
    };
    if valid {
        render(page)
    } else {
        render_with(StatusCode::GONE, page)
    }
}

async fn use_link(
    State(state): State<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<LinkQuery>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    match store::consume_login_token(conn, &tokens::hash(&form.jeton)).await? {
        Some(user_id) => open_session(&state, user_id, &safe_next(&form.suite)).await,
        None => {
            let page = LinkPage {
                ctx: ctx.title("Connexion").here(),
                token: String::new(),
                next: String::new(),
                valid: false,
            };
            render_with(StatusCode::GONE, page)
        }
    }
}

/// Starts a fresh session (never reusing an old id) and redirects.
async fn open_session(state: &AppState, user_id: i64, next: &str) -> AppResult<Response> {
    let token = tokens::random_token();
    let hours = state.config.session_hours;
    // The session row and the last-login date together.
    let mut tx = state.db.begin().await?;
    store::create_session(
        &mut tx.conn(),
        user_id,
        &tokens::hash(&token),
        Duration::hours(hours),
    )
    .await?;
    tx.commit().await?;
    let cookie = cookies::set(
        session::COOKIE,
        &token,
        hours * 3600,
        state.config.secure_cookies(),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        crate::web::redirect::see_other(next),
    )
        .into_response())
}

#[derive(Deserialize)]
struct DemoForm {
    email: String,
}

async fn demo_login(
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<DemoForm>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    let accounts = crate::demo::accounts(conn).await?;
    if !accounts.iter().any(|a| a.email == form.email) {
        return Err(AppError::NotFound);
    }
    let email = Email::parse(&form.email).map_err(|_| AppError::NotFound)?;
    let user = store::user_by_email(conn, &email)
        .await?
        .ok_or(AppError::NotFound)?;
    open_session(&state, user.id, "/mon-espace").await
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    if let Some(token) = cookies::read(&headers, session::COOKIE) {
        store::delete_session(conn, &tokens::hash(&token)).await?;
    }
    let cookie = cookies::set(session::COOKIE, "", 0, state.config.secure_cookies());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}
