//! Signing in through the OpenID Connect provider (ProConnect): the
//! button's POST sends the person to the provider (authorization code flow
//! with `state`, `nonce` and PKCE), and the provider sends them back to
//! [`CALLBACK`], where the ID token is checked (`openid`), the person is
//! found by the provider's subject, else by e-mail, else given an account
//! with no role (roles still come from coordinators), and a session opens
//! exactly as with an e-mail link (`auth::open_session`).
//!
//! The `state` is bound to the browser that started the sign-in (a cookie
//! that lives [`LOGIN_MINUTES`]) and to one row of `oidc_logins`, deleted
//! by the callback that uses it: a callback replayed, or sent to another
//! browser, is refused. The callback is the one GET that changes something
//! (the provider redirects there); everything it does is guarded by that
//! state. Sign-ins and refusals go to the security log.

pub mod store;

use std::sync::Arc;

use askama::Template;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::Duration;
use serde::Deserialize;

use crate::{
    domain::Email,
    openid::{self, Discovered, Provider},
    web::{
        AppResult, AppState, CsrfForm, PageCtx, cookies,
        extract::Query,
        redirect, render_with,
        security::{self, Kind, Origin},
        tokens,
    },
};

/// Where the provider sends the person back (the redirect URI to register).
pub const CALLBACK: &str = "/connexion/oidc/retour";
/// How long a sign-in may stay at the provider, in minutes.
pub const LOGIN_MINUTES: i64 = 10;

pub fn router() -> Router<AppState> {
    // Literal paths: tests/permissions.rs reads them from this call.
    Router::new()
        .route("/connexion/oidc", post(start))
        .route("/connexion/oidc/retour", get(callback))
}

/// The cookie that binds a sign-in's `state` to the browser that started it.
fn binding_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-perseverance_oidc"
    } else {
        "perseverance_oidc"
    }
}

/// The redirect URI registered at the provider.
pub fn redirect_uri(state: &AppState) -> String {
    format!("{}{CALLBACK}", state.config.base_url())
}

/// A sign-in through the provider that did not work: what the person reads.
#[derive(Template)]
#[template(path = "auth/oidc_error.html")]
struct FailedPage {
    ctx: PageCtx,
    /// The provider's name (« ProConnect »).
    provider: String,
    /// The provider could not be reached or is misconfigured (rather than a
    /// sign-in refused).
    unavailable: bool,
    /// The person stopped at the provider (or the provider refused them):
    /// it answered `access_denied`.
    cancelled: bool,
}

fn failed(
    ctx: PageCtx,
    provider: &Provider,
    unavailable: bool,
    cancelled: bool,
) -> AppResult<Response> {
    let status = if unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if unavailable {
        format!("{} est indisponible", provider.config.name)
    } else {
        "La connexion n’a pas abouti".to_string()
    };
    render_with(
        status,
        FailedPage {
            ctx: ctx.title(title).crumb("Connexion", "/connexion").here(),
            provider: provider.config.name.clone(),
            unavailable,
            cancelled,
        },
    )
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    suite: String,
}

/// The button: remembers the sign-in (state, nonce, PKCE verifier, where to
/// go next) and sends the person to the provider.
async fn start(
    State(state): State<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<StartForm>,
) -> AppResult<Response> {
    let Some(provider) = state.oidc.clone() else {
        return Err(crate::web::AppError::NotFound);
    };
    let found = match provider.discovered().await {
        Ok(found) => found,
        Err(_) => return failed(ctx, &provider, true, false),
    };
    let login_state = tokens::random_token();
    let login = store::PendingLogin {
        nonce: tokens::random_token(),
        pkce_verifier: tokens::random_token(),
        next_path: redirect::after_sign_in(&form.suite),
    };
    {
        let mut db = state.db.acquire().await?;
        store::start_login(
            &mut db.conn(),
            &tokens::hash(&login_state),
            &login,
            Duration::minutes(LOGIN_MINUTES),
        )
        .await?;
    }
    let url = provider.authorization_url(
        &found,
        &redirect_uri(&state),
        &login_state,
        &login.nonce,
        &login.pkce_verifier,
    );
    let secure = state.config.secure_cookies();
    let mut response = redirect::see_other_external(&url);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            binding_cookie(secure),
            &login_state,
            Some(LOGIN_MINUTES * 60),
            secure,
        ),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
    /// The issuer that answers (RFC 9207), when the provider says it.
    #[serde(default)]
    iss: String,
}

/// The provider's answer: checks it, finds or creates the account, opens
/// the session; any refusal is logged and shown as a French page.
async fn callback(
    State(state): State<AppState>,
    ctx: PageCtx,
    origin: Origin,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let Some(provider) = state.oidc.clone() else {
        return Err(crate::web::AppError::NotFound);
    };
    let secure = state.config.secure_cookies();
    let outcome = sign_in(&state, &provider, &headers, &q).await;
    let mut response = match outcome {
        Ok(Ok(signed_in)) => {
            let detail = format!("connexion par {} ({})", provider.config.name, signed_in.how);
            crate::auth::open_session(
                &state,
                &origin,
                signed_in.user_id,
                &detail,
                &signed_in.next,
                Some(&signed_in.id_token),
            )
            .await?
        }
        Ok(Err(refusal)) => {
            let detail = format!("{} : {refusal}", provider.config.name);
            let event = origin.event(Kind::SignInRefused, None, security::clean(&detail, 300));
            security::record_now(&state.db, &event).await;
            let unavailable = matches!(refusal, Refusal::Unavailable(_));
            let cancelled = matches!(&refusal, Refusal::ProviderError(e) if e == "access_denied");
            failed(ctx, &provider, unavailable, cancelled)?
        }
        Err(err) => return Err(err),
    };
    // The binding cookie has served.
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(binding_cookie(secure), "", Some(0), secure),
    );
    Ok(response)
}

/// A sign-in that went through.
struct SignedIn {
    user_id: crate::domain::ids::UserId,
    how: &'static str,
    next: String,
    id_token: String,
}

/// Why a callback was refused (for the security log).
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("le fournisseur a répondu « {0} »")]
    ProviderError(String),
    #[error("state absent ou différent de celui de ce navigateur")]
    StateMismatch,
    #[error("state inconnu, expiré ou déjà utilisé")]
    StateUnknown,
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Provider(String),
    #[error("adresse électronique absente ou invalide")]
    NoEmail,
}

impl From<openid::OidcError> for Refusal {
    fn from(err: openid::OidcError) -> Self {
        match err {
            openid::OidcError::Unavailable(_) => Refusal::Unavailable(err.to_string()),
            other => Refusal::Provider(other.to_string()),
        }
    }
}

async fn sign_in(
    state: &AppState,
    provider: &Arc<Provider>,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> AppResult<Result<SignedIn, Refusal>> {
    // The state is checked first, errors included: an `error=` that does
    // not carry this browser's state was not sent by the provider for it.
    let bound = cookies::read(headers, binding_cookie(state.config.secure_cookies()));
    if q.state.is_empty() || bound.as_deref() != Some(q.state.as_str()) {
        return Ok(Err(Refusal::StateMismatch));
    }
    let pending = {
        let mut db = state.db.acquire().await?;
        store::take_login(&mut db.conn(), &tokens::hash(&q.state)).await?
    };
    let Some(pending) = pending else {
        return Ok(Err(Refusal::StateUnknown));
    };
    if !q.error.is_empty() {
        let error = q.error.chars().take(60).collect();
        return Ok(Err(Refusal::ProviderError(error)));
    }
    let found: Arc<Discovered> = match provider.discovered().await {
        Ok(found) => found,
        Err(err) => return Ok(Err(err.into())),
    };
    if !q.iss.is_empty() && q.iss != found.metadata.issuer {
        return Ok(Err(Refusal::Provider(
            "réponse d'un autre émetteur (paramètre iss)".into(),
        )));
    }
    let exchanged = provider
        .exchange(
            &found,
            &q.code,
            &redirect_uri(state),
            &pending.pkce_verifier,
            &pending.nonce,
        )
        .await;
    let (tokens, claims) = match exchanged {
        Ok(pair) => pair,
        Err(err) => return Ok(Err(err.into())),
    };
    let info = match provider
        .userinfo(&found, &tokens.access_token, &claims.sub)
        .await
    {
        Ok(info) => info,
        Err(err) => return Ok(Err(err.into())),
    };
    let address = info
        .email
        .clone()
        .or(claims.email.clone())
        .unwrap_or_default();
    let Ok(email) = Email::parse(&address) else {
        return Ok(Err(Refusal::NoEmail));
    };
    let mut tx = state.db.begin().await?;
    let (user_id, matched) = store::account_for(
        &mut tx.conn(),
        &found.metadata.issuer,
        &claims.sub,
        &email,
        &info.display_name(),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(SignedIn {
        user_id,
        how: matched.describe(),
        next: pending.next_path,
        id_token: tokens.id_token,
    }))
}

/// Where sign-out sends a person whose session was opened through the
/// provider: the provider's logout (which comes back to the home page), if
/// it can be reached.
pub async fn logout_target(state: &AppState, id_token: &str) -> Option<String> {
    let provider = state.oidc.as_ref()?;
    let found = provider.discovered().await.ok()?;
    provider.logout_url(
        &found,
        id_token,
        &format!("{}/", state.config.base_url()),
        &tokens::random_token(),
    )
}
