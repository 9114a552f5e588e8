//! The OpenID Connect client (ProConnect or any provider by configuration):
//! the provider's discovery document and keys, the authorization and logout
//! addresses, the code exchange and the userinfo call. One per process,
//! held by `AppState`; the sign-in pages are in `auth::oidc`.
//!
//! Discovery is lazy: tried once in the background at start-up, then again
//! when someone needs it, at most every `retry_seconds` (30 by default), so that a
//! provider that is down or misconfigured never stops the service; its
//! failure is logged once (until it works again), and the sign-in button
//! leads to a French page. The document and the keys are a cache: nothing
//! here must be shared between instances. Keys are fetched again when a
//! token names a key we do not have (the provider rotated them).
//!
//! HTTP goes through ureq (blocking, run on tokio's blocking threads: a
//! sign-in makes four calls) on rustls with `ring` (no aws-lc, no native
//! TLS) and the Mozilla roots (`webpki-roots`); 10 s per call at most, no
//! redirect followed.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use crate::{
    config::OidcConfig,
    domain::id_token::{self, Expected, IdClaims, Jwk, JwkSet, TokenError},
};

/// The scopes asked for (ProConnect's: the agent's address, names, id,
/// organisation).
pub const SCOPES: &str = "openid email given_name usual_name uid siret organizational_unit";

/// How long after fetching the keys an unknown key makes us fetch them again.
const KEYS_REFRESH_SECONDS: u64 = 60;

/// What went wrong with the provider (French: shown in logs and the
/// security log, never to the person).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider cannot be reached or its documents are unusable.
    #[error("fournisseur injoignable ou mal configuré : {0}")]
    Unavailable(String),
    /// The provider answered, but not with what a sign-in needs.
    #[error("{0}")]
    Refused(String),
    /// A token did not pass its checks.
    #[error("jeton refusé : {0}")]
    Token(#[from] TokenError),
}

/// The part of the provider's discovery document we use.
#[derive(Clone, Debug, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
}

/// The provider as discovered: its document and keys.
#[derive(Debug)]
pub struct Discovered {
    pub metadata: Metadata,
    keys: Vec<Jwk>,
    fetched_at: Instant,
}

/// The token endpoint's answer.
#[derive(Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: String,
}

/// What the provider says of the person (ProConnect's claims).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserInfo {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub usual_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub organizational_unit: Option<String>,
    #[serde(default)]
    pub iss: Option<String>,
    #[serde(default)]
    pub aud: Option<id_token::Audience>,
}

impl UserInfo {
    /// « Prénom Nom », or empty.
    pub fn display_name(&self) -> String {
        let family = self.usual_name.as_ref().or(self.family_name.as_ref());
        [self.given_name.as_ref(), family]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The provider and our client there.
pub struct Provider {
    pub config: OidcConfig,
    http: ureq::Agent,
    cache: Mutex<Cache>,
    /// The last failure was logged; cleared when discovery works again.
    reported: AtomicBool,
}

#[derive(Default)]
struct Cache {
    discovered: Option<Arc<Discovered>>,
    failed_at: Option<Instant>,
    last_error: String,
}

/// A PKCE verifier's challenge (`S256`, RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl Provider {
    /// The client for `config`; nothing is fetched yet.
    pub fn new(config: OidcConfig) -> anyhow::Result<Provider> {
        let http = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent("perseverance")
            .build()
            .into();
        Ok(Provider {
            config,
            http,
            cache: Mutex::new(Cache::default()),
            reported: AtomicBool::new(false),
        })
    }

    /// One HTTP call on a blocking thread: its status, content type and body.
    async fn call(&self, request: Request) -> Result<Reply, String> {
        let agent = self.http.clone();
        let what = request.what;
        let done = tokio::task::spawn_blocking(move || {
            let response = match request.form {
                Some(form) => agent
                    .post(&request.url)
                    .header("accept", "application/json")
                    .send_form(form.iter().map(|(k, v)| (*k, v.as_str()))),
                None => {
                    let get = agent.get(&request.url).header("accept", "application/json");
                    match &request.bearer {
                        Some(token) => get
                            .header("authorization", format!("Bearer {token}"))
                            .call(),
                        None => get.call(),
                    }
                }
            };
            let mut response = response.map_err(|e| e.to_string())?;
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let body = response
                .body_mut()
                .with_config()
                .limit(1024 * 1024)
                .read_to_string()
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(Reply {
                status: response.status().as_u16(),
                content_type,
                body,
            })
        })
        .await
        .map_err(|e| e.to_string())?;
        done.map_err(|e| format!("{what} : {e}"))
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The provider's document and keys: cached, else fetched (at most every
    /// `retry_seconds` after a failure, which is logged once).
    pub async fn discovered(&self) -> Result<Arc<Discovered>, OidcError> {
        {
            let cache = self.cache();
            if let Some(found) = &cache.discovered {
                return Ok(found.clone());
            }
            if let Some(at) = cache.failed_at
                && at.elapsed() < Duration::from_secs(self.config.retry_seconds)
            {
                return Err(OidcError::Unavailable(cache.last_error.clone()));
            }
        }
        match self.discover().await {
            Ok(found) => {
                let found = Arc::new(found);
                let mut cache = self.cache();
                cache.discovered = Some(found.clone());
                cache.failed_at = None;
                drop(cache);
                if self.reported.swap(false, Ordering::Relaxed) {
                    tracing::info!(issuer = %self.config.issuer, "OpenID provider reachable again");
                }
                Ok(found)
            }
            Err(err) => {
                let text = err.to_string();
                {
                    let mut cache = self.cache();
                    cache.failed_at = Some(Instant::now());
                    cache.last_error = text.clone();
                }
                if !self.reported.swap(true, Ordering::Relaxed) {
                    tracing::error!(
                        issuer = %self.config.issuer,
                        error = %text,
                        "OpenID provider unusable: its sign-in button shows an error page \
                         until discovery works (retried on use)"
                    );
                }
                Err(OidcError::Unavailable(text))
            }
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        what: &'static str,
    ) -> Result<T, String> {
        let reply = self.call(Request::get(url, what)).await?;
        if !(200..300).contains(&reply.status) {
            return Err(format!("{what} : HTTP {}", reply.status));
        }
        serde_json::from_str(&reply.body).map_err(|e| format!("{what} illisible : {e}"))
    }

    async fn discover(&self) -> Result<Discovered, String> {
        let issuer = self.config.issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let metadata: Metadata = self.get_json(&url, "document de découverte").await?;
        if metadata.issuer.trim_end_matches('/') != issuer {
            return Err(format!(
                "le document de découverte annonce l'émetteur {:?}, pas {issuer:?}",
                metadata.issuer
            ));
        }
        let alg = self.config.alg.name();
        if !metadata.id_token_signing_alg_values_supported.is_empty()
            && !metadata
                .id_token_signing_alg_values_supported
                .iter()
                .any(|a| a == alg)
        {
            return Err(format!("le fournisseur ne signe pas ses jetons en {alg}"));
        }
        for endpoint in [&metadata.authorization_endpoint, &metadata.token_endpoint] {
            url::Url::parse(endpoint).map_err(|_| format!("adresse invalide : {endpoint:?}"))?;
        }
        let keys: JwkSet = self.get_json(&metadata.jwks_uri, "clés (JWKS)").await?;
        Ok(Discovered {
            metadata,
            keys: keys.keys,
            fetched_at: Instant::now(),
        })
    }

    /// Fetches the keys again (the provider rotated them), at most every
    /// minute; returns the document with the keys now known.
    async fn refresh_keys(&self, old: &Arc<Discovered>) -> Result<Arc<Discovered>, OidcError> {
        if old.fetched_at.elapsed() < Duration::from_secs(KEYS_REFRESH_SECONDS) {
            return Ok(old.clone());
        }
        let keys: JwkSet = self
            .get_json(&old.metadata.jwks_uri, "clés (JWKS)")
            .await
            .map_err(OidcError::Unavailable)?;
        let fresh = Arc::new(Discovered {
            metadata: old.metadata.clone(),
            keys: keys.keys,
            fetched_at: Instant::now(),
        });
        self.cache().discovered = Some(fresh.clone());
        Ok(fresh)
    }

    /// Checks a token's signature with the pinned algorithm, fetching the
    /// keys again once if it names a key we do not know.
    async fn verified<T: DeserializeOwned>(
        &self,
        found: &Arc<Discovered>,
        token: &str,
    ) -> Result<T, OidcError> {
        match id_token::verify(token, self.config.alg, &found.keys) {
            Err(TokenError::UnknownKey) => {
                let fresh = self.refresh_keys(found).await?;
                Ok(id_token::verify(token, self.config.alg, &fresh.keys)?)
            }
            other => Ok(other?),
        }
    }

    /// Where to send the person to sign in: the authorization endpoint with
    /// our client, the scopes, `state`, `nonce` and the PKCE challenge.
    pub fn authorization_url(
        &self,
        found: &Discovered,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> String {
        let mut url =
            url::Url::parse(&found.metadata.authorization_endpoint).expect("checked at discovery");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", SCOPES)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &pkce_challenge(pkce_verifier))
            .append_pair("code_challenge_method", "S256");
        url.to_string()
    }

    /// The provider's logout address for a session opened with `id_token`,
    /// if it has one.
    pub fn logout_url(
        &self,
        found: &Discovered,
        id_token: &str,
        post_logout_redirect_uri: &str,
        state: &str,
    ) -> Option<String> {
        let mut url = url::Url::parse(found.metadata.end_session_endpoint.as_deref()?).ok()?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("state", state)
            .append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
        Some(url.to_string())
    }

    /// Exchanges the code (with its PKCE verifier) for tokens, then checks
    /// the ID token: signature (pinned algorithm, provider's keys), issuer,
    /// audience, expiry, nonce. Returns the tokens and the ID token's claims.
    pub async fn exchange(
        &self,
        found: &Arc<Discovered>,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<(Tokens, IdClaims), OidcError> {
        let form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.to_string()),
            ("redirect_uri", redirect_uri.to_string()),
            ("client_id", self.config.client_id.clone()),
            ("client_secret", self.config.client_secret.clone()),
            ("code_verifier", pkce_verifier.to_string()),
        ];
        let request = Request {
            form: Some(form),
            ..Request::get(&found.metadata.token_endpoint, "jetons")
        };
        let reply = self.call(request).await.map_err(OidcError::Unavailable)?;
        if !(200..300).contains(&reply.status) {
            let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
            let code = body["error"]
                .as_str()
                .unwrap_or("?")
                .chars()
                .take(60)
                .collect::<String>();
            return Err(OidcError::Refused(format!(
                "échange du code refusé (HTTP {}, {code})",
                reply.status
            )));
        }
        let tokens: Tokens = serde_json::from_str(&reply.body)
            .map_err(|e| OidcError::Refused(format!("réponse de jetons illisible : {e}")))?;
        let claims: IdClaims = self.verified(found, &tokens.id_token).await?;
        let expected = Expected {
            issuer: &found.metadata.issuer,
            client_id: &self.config.client_id,
            nonce,
            now: chrono::Utc::now().timestamp(),
        };
        id_token::check_claims(&claims, &expected)?;
        Ok((tokens, claims))
    }

    /// What the provider says of the person whose ID token said `sub`:
    /// userinfo as JSON, or (ProConnect) as a JWT signed like the ID token,
    /// whose issuer and audience are checked too.
    pub async fn userinfo(
        &self,
        found: &Arc<Discovered>,
        access_token: &str,
        sub: &str,
    ) -> Result<UserInfo, OidcError> {
        let Some(endpoint) = &found.metadata.userinfo_endpoint else {
            return Ok(UserInfo {
                sub: sub.to_string(),
                ..UserInfo::default()
            });
        };
        let request = Request {
            bearer: Some(access_token.to_string()),
            ..Request::get(endpoint, "userinfo")
        };
        let reply = self.call(request).await.map_err(OidcError::Unavailable)?;
        if !(200..300).contains(&reply.status) {
            return Err(OidcError::Refused(format!(
                "userinfo refusé (HTTP {})",
                reply.status
            )));
        }
        let signed = reply.content_type.starts_with("application/jwt");
        let body = reply.body;
        let info: UserInfo = if signed {
            let info: UserInfo = self.verified(found, body.trim()).await?;
            if info
                .iss
                .as_deref()
                .is_some_and(|iss| iss != found.metadata.issuer)
            {
                return Err(TokenError::Issuer.into());
            }
            if let Some(aud) = &info.aud
                && !matches!(aud, id_token::Audience::One(a) if *a == self.config.client_id)
                && !matches!(aud, id_token::Audience::Many(all) if all.contains(&self.config.client_id))
            {
                return Err(TokenError::Audience.into());
            }
            info
        } else {
            serde_json::from_str(&body)
                .map_err(|e| OidcError::Refused(format!("userinfo illisible : {e}")))?
        };
        if info.sub != sub {
            return Err(TokenError::Subject.into());
        }
        Ok(info)
    }
}

/// One HTTP call to the provider: a GET (with a bearer token or not) or a
/// form POST.
struct Request {
    url: String,
    what: &'static str,
    bearer: Option<String>,
    form: Option<Vec<(&'static str, String)>>,
}

impl Request {
    fn get(url: &str, what: &'static str) -> Request {
        Request {
            url: url.to_string(),
            what,
            bearer: None,
            form: None,
        }
    }
}

/// The provider's answer.
struct Reply {
    status: u16,
    content_type: String,
    body: String,
}
