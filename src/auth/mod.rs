//! Signing in with a one-time link sent by e-mail, demo sign-in, signing out.
//!
//! Asking for a link always gives the same answer, whether or not the address
//! has an account, and whether or not a rate limit held the mail back (see
//! `web::limits`: per address and per client). A link is single-use and
//! expires; opening it shows a button, so that mail scanners that follow
//! links do not use it up (and no GET changes anything). Signing in renews
//! the session and its anti-forgery token, and offers back the forms kept
//! while the person was signed out (`web::kept`). Every sign-in, refused
//! link, link asked for and sign-out goes to the security log. Signing in
//! through an OpenID provider (ProConnect) is in [`oidc`]; it opens its
//! session through the same [`open_session`].

pub mod oidc;
pub mod store;
pub use crate::web::tokens;

use crate::domain::ids::UserId;
use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::Duration;
use serde::Deserialize;

use crate::{
    db::Conn,
    domain::Email,
    jobs::mail::{self, Mail},
    map::store as map_store,
    web::{
        AppError, AppResult, AppState, Client, CsrfForm, FormErrors, PageCtx, cookies, csrf, kept,
        limits, redirect, render, render_with,
        security::{self, Kind, Origin},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(login_page).post(request_link))
        .route("/connexion/lien", get(link_page).post(use_link))
        .route("/connexion/demo", post(demo_login))
        .route("/deconnexion", get(logout_page).post(logout))
        .merge(oidc::router())
}

/// The page an address typed or followed to `/deconnexion` opens: signing
/// out changes state, so it takes the button (a form with the anti-forgery
/// token), never a bare link.
#[derive(Template)]
#[template(path = "auth/logout.html")]
struct LogoutPage {
    ctx: PageCtx,
}

/// `GET /deconnexion`: offers the sign-out button (or says that no one is
/// signed in on this browser).
async fn logout_page(ctx: PageCtx) -> AppResult<Response> {
    render(LogoutPage {
        ctx: ctx.title("Se déconnecter"),
    })
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
    /// A form was kept while the person was signed out: say so.
    kept_notice: bool,
    /// The OpenID provider's name (« ProConnect »), when one is configured:
    /// its button shows.
    oidc_name: Option<String>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    suite: String,
    #[serde(default)]
    conservee: String,
}

/// Where to go after signing in: a local path only (no open redirect).
fn safe_next(next: &str) -> String {
    redirect::after_sign_in(next)
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
        kept_notice: !q.conservee.is_empty(),
        oidc_name: oidc_name(&state),
    })
}

fn oidc_name(state: &AppState) -> Option<String> {
    state.oidc.as_ref().map(|p| p.config.name.clone())
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
    client: Client,
    origin: Origin,
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
                kept_notice: false,
                oidc_name: oidc_name(&state),
            };
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    // Every request counts, for the address and for the client; over a
    // limit the mail is not sent, and the page says the same as always.
    let over = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let factor = state.config.rate_limit_factor;
        let by_client =
            limits::hit(conn, &limits::LINK_PER_CLIENT, &client.limit_key(), factor).await?;
        let by_address =
            limits::hit(conn, &limits::LINK_PER_ADDRESS, email.as_str(), factor).await?;
        by_client.or(by_address)
    };
    let detail = match over {
        Some(limit) => format!(
            "{email} : lien non envoyé, limite {} ({})",
            limit.name,
            limit.describe()
        ),
        None => format!("{email} : lien demandé"),
    };
    let kind = if over.is_some() {
        Kind::RateLimited
    } else {
        Kind::LinkRequested
    };
    security::record_now(&state.db, &origin.event(kind, None, detail)).await;
    if over.is_none() {
        send_link(&state, &email, &safe_next(&form.suite)).await?;
    }
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
    let (known, may_register) = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let known = store::user_by_email(conn, email).await?;
        let may_register = known.is_none()
            && !map_store::academies_allowing(conn, email.domain())
                .await?
                .is_empty();
        (known, may_register)
    };
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
    origin: Origin,
    CsrfForm(form): CsrfForm<LinkQuery>,
) -> AppResult<Response> {
    // The link is used up and the session opened in one transaction.
    let mut tx = state.db.begin().await?;
    let conn = &mut tx.conn();
    match store::consume_login_token(conn, &tokens::hash(&form.jeton)).await? {
        Some(user_id) => {
            let response = open_session_in(
                conn,
                &state,
                &origin,
                user_id,
                "connexion par lien",
                &safe_next(&form.suite),
                None,
            )
            .await?;
            tx.commit().await?;
            Ok(response)
        }
        None => {
            let event = origin.event(
                Kind::SignInRefused,
                None,
                "lien de connexion déjà utilisé, expiré ou inconnu",
            );
            security::record(conn, &event).await?;
            tx.commit().await?;
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

/// Starts a fresh session (never reusing an old id) with a fresh
/// anti-forgery token, logs the sign-in, and redirects: to the forms kept
/// for the person while they were signed out if there are any, else to
/// `next`. `how` is the security log's detail (« connexion par lien »…);
/// `id_token` is the ID token of a sign-in through the OpenID provider,
/// kept with the session for the provider's logout.
pub(crate) async fn open_session(
    state: &AppState,
    origin: &Origin,
    user_id: UserId,
    how: &str,
    next: &str,
    id_token: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let response =
        open_session_in(&mut tx.conn(), state, origin, user_id, how, next, id_token).await?;
    tx.commit().await?;
    Ok(response)
}

/// [`open_session`] within the caller's write transaction `conn` (which
/// must commit for the session to exist), so that what led to the sign-in
/// (a consumed link) and the session are written together.
async fn open_session_in(
    conn: &mut Conn<'_>,
    state: &AppState,
    origin: &Origin,
    user_id: UserId,
    how: &str,
    next: &str,
    id_token: Option<&str>,
) -> AppResult<Response> {
    let token = tokens::random_token();
    let hours = state.config.session_hours;
    // The session row, the last-login date and the log entry together.
    store::start_session(conn, user_id, &token, Duration::hours(hours)).await?;
    if let Some(id_token) = id_token {
        oidc::store::keep_id_token(conn, &tokens::hash(&token), id_token).await?;
    }
    let event = origin.event(Kind::SignIn, Some(user_id), how.to_string());
    security::record(conn, &event).await?;
    let waiting = !kept::kept_for(conn, user_id).await?.is_empty();
    let secure = state.config.secure_cookies();
    // The browser drops the cookie when the session can live no longer; the
    // server ends it sooner when it is left idle.
    let max_age = state.config.session_max_days * 24 * 3600;
    let session = cookies::set(cookies::session_name(secure), &token, Some(max_age), secure);
    let form_token = cookies::set(
        cookies::csrf_name(secure),
        &csrf::for_session(&token),
        None,
        secure,
    );
    let target = if waiting {
        format!("{}?suite={}", kept::PAGE, crate::web::urlencode(next))
    } else {
        next.to_string()
    };
    let mut response = redirect::see_other(&target);
    response.headers_mut().append(header::SET_COOKIE, session);
    response
        .headers_mut()
        .append(header::SET_COOKIE, form_token);
    Ok(response)
}

#[derive(Deserialize)]
struct DemoForm {
    email: String,
}

async fn demo_login(
    State(state): State<AppState>,
    origin: Origin,
    CsrfForm(form): CsrfForm<DemoForm>,
) -> AppResult<Response> {
    if !state.config.demo {
        return Err(AppError::NotFound);
    }
    let user = {
        let mut db = state.db.acquire().await?;
        let conn = &mut db.conn();
        let accounts = crate::demo::accounts(conn).await?;
        if !accounts.iter().any(|a| a.email == form.email) {
            return Err(AppError::NotFound);
        }
        let email = Email::parse(&form.email).map_err(|_| AppError::NotFound)?;
        store::user_by_email(conn, &email)
            .await?
            .ok_or(AppError::NotFound)?
    };
    open_session(
        &state,
        &origin,
        user.id,
        "connexion par compte de démonstration",
        redirect::DEFAULT_TARGET,
        None,
    )
    .await
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    origin: Origin,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let secure = state.config.secure_cookies();
    let session = cookies::session_name(secure);
    let mut id_token = None;
    if let Some(token) = cookies::read(&headers, session).filter(|t| !t.is_empty()) {
        let mut tx = state.db.begin().await?;
        let conn = &mut tx.conn();
        id_token = oidc::store::id_token_of(conn, &tokens::hash(&token)).await?;
        if let Some(user_id) = store::end_session(conn, &tokens::hash(&token)).await? {
            let detail = if id_token.is_some() {
                "déconnexion (et déconnexion du fournisseur d’identité)"
            } else {
                "déconnexion"
            };
            let event = origin.event(Kind::SignOut, Some(user_id), detail);
            security::record(conn, &event).await?;
        }
        tx.commit().await?;
    }
    // A session opened through the provider ends there too.
    let provider_logout = match &id_token {
        Some(id_token) => oidc::logout_target(&state, id_token).await,
        None => None,
    };
    let mut response = match provider_logout {
        Some(url) => redirect::see_other_external(&url),
        None => redirect::see_other("/"),
    };
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(session, "", Some(0), secure),
    );
    // A new anonymous token: the signed-out session's one is worthless now.
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            cookies::csrf_name(secure),
            &tokens::random_token(),
            None,
            secure,
        ),
    );
    Ok(response)
}
