//! Typed settings: defaults, overridden by environment variables.
//!
//! A bad setting stops start-up with a French message naming the variable.
//! Secrets (the SMTP URL) never appear in `Debug` output.

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
    }
}
