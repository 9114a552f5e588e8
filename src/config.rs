//! Typed settings: defaults, overridden by environment variables.
//!
//! A bad setting stops start-up with a French message naming the variable.
//! Secrets (the SMTP URL, the OpenID client secret) never appear in `Debug` output.

use std::{fmt, net::SocketAddr, path::PathBuf};

/// Every setting of the service. See `README.md` for the variables.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` (default) or `postgres://…`.
    pub database_url: String,
    /// Where `serve` listens.
    pub addr: SocketAddr,
    /// The address people use to reach the site, for links in e-mails.
    pub public_url: String,
    /// Folder where mail is written as `.eml` files when no SMTP is set.
    pub outbox_dir: PathBuf,
    /// Folder where uploaded files are kept under random names (never
    /// served as a folder: `files::download` answers each file).
    pub files_dir: PathBuf,
    /// `smtp://user:pass@host:port` or `smtps://…`; mail goes to `outbox_dir` when absent.
    pub smtp_url: Option<String>,
    /// The `From:` of every mail.
    pub mail_from: String,
    /// The DSFR `dist/` folder installed by npm.
    pub dsfr_dir: PathBuf,
    /// Show the Marianne / « République française » block (State services only).
    pub state_brand: bool,
    /// Demo mode: demo data and one-click sign-in.
    pub demo: bool,
    /// SQLite `synchronous` pragma: `NORMAL` (default) or `FULL`.
    pub sqlite_synchronous: String,
    /// How long a session lasts without activity, in hours.
    pub session_hours: i64,
    /// How long a session lasts at most, however active, in days.
    pub session_max_days: i64,
    /// How many reverse proxies (load balancers) stand in front of the service
    /// and append the client's address to `X-Forwarded-For`; 0 (default) reads
    /// the client from the connection.
    pub trusted_proxies: usize,
    /// How long a login link stays valid, in minutes.
    pub login_link_minutes: i64,
    /// Multiplies every rate limit of `web::limits` (default 1). Only for
    /// load tests on 127.0.0.1, where one account makes thousands of requests:
    /// the counters are still written, so the cost is still measured.
    pub rate_limit_factor: i64,
    /// Signing in through an OpenID Connect provider (ProConnect); `None`
    /// when `PERSEVERANCE_OIDC_ISSUER` is not set (no button).
    pub oidc: Option<OidcConfig>,
    /// Uploaded files in an S3-compatible bucket instead of `files_dir`
    /// (issue 9); `None` when `PERSEVERANCE_S3_BUCKET` is not set.
    pub s3: Option<S3Config>,
}

/// An S3-compatible bucket shared by every instance. The secret key is
/// hidden from `Debug`.
#[derive(Clone)]
pub struct S3Config {
    /// `PERSEVERANCE_S3_BUCKET`.
    pub bucket: String,
    /// `PERSEVERANCE_S3_ENDPOINT`: `https://s3.example.fr` (empty: AWS).
    pub endpoint: String,
    /// `PERSEVERANCE_S3_REGION` (default `us-east-1`).
    pub region: String,
    /// `PERSEVERANCE_S3_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `PERSEVERANCE_S3_SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<S3Config>, ConfigError> {
        let Some(bucket) = get("PERSEVERANCE_S3_BUCKET").filter(|b| !b.trim().is_empty()) else {
            return Ok(None);
        };
        let need = |name: &'static str| {
            get(name).filter(|v| !v.is_empty()).ok_or(ConfigError {
                name,
                value: String::new(),
                reason: "requis quand PERSEVERANCE_S3_BUCKET est défini",
            })
        };
        Ok(Some(S3Config {
            bucket: bucket.trim().to_string(),
            endpoint: get("PERSEVERANCE_S3_ENDPOINT").unwrap_or_default(),
            region: get("PERSEVERANCE_S3_REGION")
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "us-east-1".into()),
            access_key_id: need("PERSEVERANCE_S3_ACCESS_KEY_ID")?,
            secret_access_key: need("PERSEVERANCE_S3_SECRET_ACCESS_KEY")?,
        }))
    }
}

/// The OpenID Connect provider and our client there. The secret is hidden
/// from `Debug`.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer, exactly as the provider names itself (its discovery
    /// document is at `ISSUER/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The provider's name on the button and pages (« ProConnect »).
    pub name: String,
    /// The one algorithm its ID tokens may be signed with.
    pub alg: crate::domain::id_token::SigningAlg,
    /// After a failed discovery, how long before the next try, in seconds.
    pub retry_seconds: u64,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("name", &self.name)
            .field("alg", &self.alg)
            .field("retry_seconds", &self.retry_seconds)
            .finish()
    }
}

impl OidcConfig {
    /// The issuer's origin (`https://host[:port]`): forms may lead there
    /// (the sign-in and sign-out redirects, see the CSP `form-action`).
    pub fn origin(&self) -> String {
        url::Url::parse(&self.issuer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// Reads `PERSEVERANCE_OIDC_*`: all of issuer, client id and secret, or
    /// none of them.
    fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<OidcConfig>, ConfigError> {
        let read = |name| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let issuer = read("PERSEVERANCE_OIDC_ISSUER");
        let client_id = read("PERSEVERANCE_OIDC_CLIENT_ID");
        let client_secret = read("PERSEVERANCE_OIDC_CLIENT_SECRET");
        let (issuer, client_id, client_secret) = match (issuer, client_id, client_secret) {
            (None, None, None) => return Ok(None),
            (Some(i), Some(c), Some(s)) => (i, c, s),
            (issuer, client_id, _) => {
                let name = if issuer.is_none() {
                    "PERSEVERANCE_OIDC_ISSUER"
                } else if client_id.is_none() {
                    "PERSEVERANCE_OIDC_CLIENT_ID"
                } else {
                    "PERSEVERANCE_OIDC_CLIENT_SECRET"
                };
                return Err(ConfigError {
                    name,
                    value: String::new(),
                    reason: "les trois réglages PERSEVERANCE_OIDC_ISSUER, _CLIENT_ID et \
                             _CLIENT_SECRET vont ensemble",
                });
            }
        };
        let url = url::Url::parse(&issuer).ok();
        let loopback = url
            .as_ref()
            .and_then(|u| u.host_str())
            .is_some_and(|h| h == "localhost" || h == "[::1]" || h.starts_with("127."));
        let scheme_ok = url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https" || (u.scheme() == "http" && loopback));
        if !scheme_ok
            || url
                .as_ref()
                .is_some_and(|u| u.query().is_some() || u.fragment().is_some())
        {
            return Err(ConfigError {
                name: "PERSEVERANCE_OIDC_ISSUER",
                value: issuer,
                reason: "attendu une adresse https://… (http:// seulement sur 127.0.0.1), sans paramètres",
            });
        }
        let alg_text = read("PERSEVERANCE_OIDC_ALG").unwrap_or_else(|| "RS256".into());
        let alg = crate::domain::id_token::SigningAlg::parse(&alg_text).ok_or(ConfigError {
            name: "PERSEVERANCE_OIDC_ALG",
            value: alg_text,
            reason: "attendu RS256 ou ES256",
        })?;
        Ok(Some(OidcConfig {
            issuer,
            client_id,
            client_secret,
            name: read("PERSEVERANCE_OIDC_NAME").unwrap_or_else(|| "ProConnect".into()),
            alg,
            retry_seconds: parse_int(
                "PERSEVERANCE_OIDC_RETRY_SECONDS",
                read("PERSEVERANCE_OIDC_RETRY_SECONDS"),
                30,
            )? as u64,
        }))
    }
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("réglage invalide {name} = {value:?} : {reason}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    reason: &'static str,
}

impl Config {
    /// Reads the settings from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`, so tests can pass their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let addr_text = get("PERSEVERANCE_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr = addr_text.parse().map_err(|_| ConfigError {
            name: "PERSEVERANCE_ADDR",
            value: addr_text.clone(),
            reason: "attendu une adresse et un port, par exemple 127.0.0.1:8080",
        })?;
        let sqlite_synchronous = get("PERSEVERANCE_SQLITE_SYNCHRONOUS")
            .unwrap_or_else(|| "NORMAL".into())
            .to_uppercase();
        if !["NORMAL", "FULL"].contains(&sqlite_synchronous.as_str()) {
            return Err(ConfigError {
                name: "PERSEVERANCE_SQLITE_SYNCHRONOUS",
                value: sqlite_synchronous,
                reason: "attendu NORMAL ou FULL",
            });
        }
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/perseverance.db".into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(ConfigError {
                name: "DATABASE_URL",
                value: database_url,
                reason: "attendu sqlite://… ou postgres://…",
            });
        }
        Ok(Config {
            database_url,
            public_url: get("PERSEVERANCE_PUBLIC_URL").unwrap_or_default(),
            addr,
            outbox_dir: get("PERSEVERANCE_OUTBOX_DIR")
                .unwrap_or_else(|| "data/outbox".into())
                .into(),
            files_dir: get("PERSEVERANCE_FILES_DIR")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "data/files".into())
                .into(),
            smtp_url: get("SMTP_URL").filter(|s| !s.is_empty()),
            mail_from: get("PERSEVERANCE_MAIL_FROM")
                .unwrap_or_else(|| "Persévérance <ne-pas-repondre@localhost>".into()),
            dsfr_dir: get("PERSEVERANCE_DSFR_DIR")
                .unwrap_or_else(|| "node_modules/@gouvfr/dsfr/dist".into())
                .into(),
            state_brand: parse_bool(
                "PERSEVERANCE_STATE_BRAND",
                get("PERSEVERANCE_STATE_BRAND"),
                true,
            )?,
            demo: false,
            sqlite_synchronous,
            session_hours: parse_int(
                "PERSEVERANCE_SESSION_HOURS",
                get("PERSEVERANCE_SESSION_HOURS"),
                12,
            )?,
            session_max_days: parse_int(
                "PERSEVERANCE_SESSION_MAX_DAYS",
                get("PERSEVERANCE_SESSION_MAX_DAYS"),
                7,
            )?,
            trusted_proxies: parse_count(
                "PERSEVERANCE_TRUSTED_PROXIES",
                get("PERSEVERANCE_TRUSTED_PROXIES"),
            )?,
            login_link_minutes: parse_int(
                "PERSEVERANCE_LOGIN_LINK_MINUTES",
                get("PERSEVERANCE_LOGIN_LINK_MINUTES"),
                30,
            )?,
            rate_limit_factor: parse_int(
                "PERSEVERANCE_RATE_LIMIT_FACTOR",
                get("PERSEVERANCE_RATE_LIMIT_FACTOR"),
                1,
            )?,
            oidc: OidcConfig::from_lookup(&get)?,
            s3: S3Config::from_lookup(&get)?,
        })
    }

    /// The public address, defaulting to the listening address.
    pub fn base_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.addr)
        } else {
            self.public_url.trim_end_matches('/').to_string()
        }
    }

    /// Whether the site is served over HTTPS: then cookies get the `Secure`
    /// flag and the `__Host-` prefix, and responses carry HSTS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url().starts_with("https://")
    }
}

fn parse_bool(
    name: &'static str,
    value: Option<String>,
    default: bool,
) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::to_lowercase).as_deref() {
        None | Some("") => Ok(default),
        Some("1" | "true" | "oui" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "non" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError {
            name,
            value: other.into(),
            reason: "attendu true ou false",
        }),
    }
}

fn parse_int(name: &'static str, value: Option<String>, default: i64) -> Result<i64, ConfigError> {
    match value {
        None => Ok(default),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError {
                name,
                value: text,
                reason: "attendu un nombre entier positif",
            }),
        },
    }
}

fn parse_count(name: &'static str, value: Option<String>) -> Result<usize, ConfigError> {
    match value {
        None => Ok(0),
        Some(text) => text.trim().parse::<usize>().map_err(|_| ConfigError {
            name,
            value: text,
            reason: "attendu un nombre entier (0 ou plus)",
        }),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("outbox_dir", &self.outbox_dir)
            .field("files_dir", &self.files_dir)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("state_brand", &self.state_brand)
            .field("demo", &self.demo)
            .field("session_hours", &self.session_hours)
            .field("session_max_days", &self.session_max_days)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("rate_limit_factor", &self.rate_limit_factor)
            .field("oidc", &self.oidc)
            .field("s3", &self.s3)
            .finish_non_exhaustive()
    }
}

/// Hides the password of a URL such as `smtp://user:secret@host`.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            format!("{}://***@{}", &url[..start], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.starts_with("sqlite:"));
        assert!(!config.secure_cookies());
        assert_eq!(config.session_max_days, 7);
        assert_eq!(config.trusted_proxies, 0);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = Config::from_lookup(|n| (n == "PERSEVERANCE_ADDR").then(|| "nowhere".into()))
            .unwrap_err();
        assert!(err.to_string().contains("PERSEVERANCE_ADDR"));
        let err =
            Config::from_lookup(|n| (n == "DATABASE_URL").then(|| "mysql://x".into())).unwrap_err();
        assert!(err.to_string().contains("DATABASE_URL"));
    }

    #[test]
    fn debug_hides_secrets() {
        let config = Config::from_lookup(|n| {
            (n == "SMTP_URL").then(|| "smtp://me:hunter2@mail.example".into())
        })
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("mail.example"));
        let oidc = |n: &str| match n {
            "PERSEVERANCE_OIDC_ISSUER" => Some("https://auth.example.gouv.fr/api/v2".into()),
            "PERSEVERANCE_OIDC_CLIENT_ID" => Some("client".into()),
            "PERSEVERANCE_OIDC_CLIENT_SECRET" => Some("s3cr3t-oidc".into()),
            _ => None,
        };
        let config = Config::from_lookup(oidc).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cr3t-oidc"), "{shown}");
        assert!(shown.contains("auth.example.gouv.fr"));
        assert_eq!(
            config.oidc.unwrap().origin(),
            "https://auth.example.gouv.fr"
        );
    }

    #[test]
    fn openid_settings_go_together_and_need_https() {
        assert!(Config::from_lookup(|_| None).unwrap().oidc.is_none());
        let err = Config::from_lookup(|n| {
            (n == "PERSEVERANCE_OIDC_ISSUER").then(|| "https://idp.example".into())
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("PERSEVERANCE_OIDC_CLIENT_ID"),
            "{err}"
        );
        let with_issuer = |issuer: &'static str| {
            move |n: &str| match n {
                "PERSEVERANCE_OIDC_ISSUER" => Some(issuer.to_string()),
                "PERSEVERANCE_OIDC_CLIENT_ID" | "PERSEVERANCE_OIDC_CLIENT_SECRET" => {
                    Some("x".into())
                }
                _ => None,
            }
        };
        assert!(Config::from_lookup(with_issuer("http://idp.example")).is_err());
        assert!(Config::from_lookup(with_issuer("http://127.0.0.1:9000")).is_ok());
        assert!(Config::from_lookup(with_issuer("https://idp.example/?a=1")).is_err());
    }
}
