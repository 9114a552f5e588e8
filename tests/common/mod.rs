//! Test harness: starts the real service on port 0 with a fresh database
//! (a temporary SQLite file, or a fresh schema on the PostgreSQL server named
//! by `PERSEVERANCE_TEST_PG_URL`) and talks HTTP to it.
#![allow(dead_code)]

pub mod fixtures;
pub mod html;
pub mod oidc;
pub mod people;

use std::{path::PathBuf, sync::Arc, time::Duration};

use perseverance::{
    config::Config,
    db::{ConnectOptions, Db},
    server::{self, Running},
};
use reqwest::{Response, StatusCode, cookie::CookieStore};

/// Which engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Declares each test function once per engine: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::Engine::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(pg_tests), ignore = "PostgreSQL : définir PERSEVERANCE_TEST_PG_URL pour lancer cette suite")]
                async fn $name() {
                    super::$name($crate::common::Engine::Postgres).await
                }
            )*
        }
    };
}

/// An HTTP client with its own cookie jar, never following redirects (the
/// tests look at each answer).
pub fn cookie_client() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

/// The anti-forgery token in `jar` for the site at `url` (empty if none yet).
pub fn csrf_cookie(jar: &reqwest::cookie::Jar, url: &str) -> String {
    let cookies = jar
        .cookies(&url.parse().unwrap())
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("perseverance_csrf="))
        .map(str::to_string)
        .unwrap_or_default()
}

/// The pool size the tests run with: `PERSEVERANCE_TEST_POOL` when set
/// (e.g. `1`, which makes any path that holds a pooled connection while it
/// takes another wait for itself and fail after the acquire timeout), else
/// the service's own default.
pub fn test_pool_size() -> u32 {
    std::env::var("PERSEVERANCE_TEST_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ConnectOptions::default().max_connections)
}

/// A fresh, migrated database for one test.
pub async fn fresh_db(engine: Engine, dir: &tempfile::TempDir) -> (Db, String) {
    fresh_db_with(engine, dir, test_pool_size()).await
}

/// [`fresh_db`] with a pool of at most `pool` connections.
pub async fn fresh_db_with(engine: Engine, dir: &tempfile::TempDir, pool: u32) -> (Db, String) {
    match engine {
        Engine::Sqlite => {
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let options = ConnectOptions {
                max_connections: pool,
                ..Default::default()
            };
            let db = Db::connect(&url, &options).await.expect("sqlite opens");
            db.migrate().await.expect("migrations apply");
            (db, url)
        }
        Engine::Postgres => {
            let url =
                std::env::var("PERSEVERANCE_TEST_PG_URL").expect("PERSEVERANCE_TEST_PG_URL is set");
            let schema = format!(
                "t_{}",
                &perseverance::auth::tokens::random_token()
                    .to_lowercase()
                    .replace(['-', '_'], "")[..16]
            );
            let admin = sqlx::PgPool::connect(&url).await.expect("postgres answers");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
                .expect("schema created");
            admin.close().await;
            let options = ConnectOptions {
                pg_schema: Some(schema),
                max_connections: pool.min(8),
                ..Default::default()
            };
            let db = Db::connect(&url, &options).await.expect("postgres opens");
            db.migrate().await.expect("migrations apply");
            (db, url)
        }
    }
}

/// The service under test, its database and an HTTP client with cookies.
pub struct TestApp {
    pub url: String,
    pub db: Db,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub outbox: PathBuf,
    pub running: Running,
    pub dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts the app in demo mode (demo académie, one-click sign-in).
    pub async fn spawn(engine: Engine) -> TestApp {
        Self::spawn_with(engine, true).await
    }

    /// Starts the app in demo mode on a pool of at most `pool` connections
    /// (`1`: a path that holds a connection while it takes another waits for
    /// itself, and fails after the acquire timeout).
    pub async fn spawn_with_pool(engine: Engine, pool: u32) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = fresh_db_with(engine, &dir, pool).await;
        perseverance::demo::seed(&db).await.expect("demo data");
        Self::serve(db, url, dir, true, |_| {}).await
    }

    pub async fn spawn_with(engine: Engine, demo: bool) -> TestApp {
        Self::spawn_configured(engine, demo, |_| {}).await
    }

    /// Starts the app with settings of the test's own (`configure` runs last).
    pub async fn spawn_configured(
        engine: Engine,
        demo: bool,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (db, url) = fresh_db(engine, &dir).await;
        if demo {
            perseverance::demo::seed(&db).await.expect("demo data");
        }
        Self::serve(db, url, dir, demo, configure).await
    }

    /// Starts the service on a database already filled (`db_url` names it),
    /// with its outbox in `dir`.
    pub async fn serve(
        db: Db,
        db_url: String,
        dir: tempfile::TempDir,
        demo: bool,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        if std::env::var_os("RUST_LOG").is_some() {
            // The server's log in the test's output (`RUST_LOG=error`, …).
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .with_test_writer()
                .try_init();
        }
        let url = db_url;
        let outbox = dir.path().join("outbox");
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.database_url = url;
        config.addr = "127.0.0.1:0".parse().unwrap();
        config.outbox_dir = outbox.clone();
        config.files_dir = dir.path().join("files");
        config.demo = demo;
        configure(&mut config);
        let running = server::start(config, db.clone())
            .await
            .expect("server starts");
        let (client, jar) = cookie_client();
        TestApp {
            url: format!("http://{}", running.addr),
            db,
            client,
            jar,
            outbox,
            running,
            dir,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
    }

    /// The anti-forgery token the site gave this client (after any GET).
    pub fn csrf(&self) -> String {
        csrf_cookie(&self.jar, &self.url)
    }

    /// Posts owned pairs (see [`TestApp::post`]).
    pub async fn post_pairs(&self, path: &str, pairs: &[(String, String)]) -> Response {
        let fields: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(path, &fields).await
    }

    /// Posts a form with the client's anti-forgery token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.csrf().is_empty() {
            self.get("/healthz").await;
        }
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.url))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Signs in as a demo account through the demo button.
    pub async fn sign_in_demo(&self, email: &str) {
        let response = self.post("/connexion/demo", &[("email", email)]).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "demo sign-in of {email}"
        );
    }

    /// Starts a draft as the signed-in person, at the first place the
    /// declaration page offers them; returns its id.
    pub async fn start_draft(
        &self,
        edition: perseverance::domain::EditionId,
    ) -> perseverance::domain::ActionId {
        let page = body(
            self.get(&format!("/editions/{edition}/actions/nouvelle"))
                .await,
        )
        .await;
        let place = html::Page::parse(&page)
            .attr("input[name=\"place\"]", "value")
            .expect("a place to choose");
        let response = self
            .post(
                &format!("/editions/{edition}/actions"),
                &[("place", &place)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        response.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/actions/")
            .split(['/', '?'])
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Waits until the outbox holds at least `count` mails (up to 20 s: the
    /// job worker sends them, and a loaded CI machine can take seconds),
    /// and returns them all.
    pub async fn mails(&self, count: usize) -> Vec<String> {
        for _ in 0..400 {
            let mut mails: Vec<(PathBuf, String)> = std::fs::read_dir(&self.outbox)
                .map(|dir| {
                    dir.filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                        .map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap()))
                        .collect()
                })
                .unwrap_or_default();
            if mails.len() >= count {
                mails.sort();
                return mails.into_iter().map(|(_, m)| decode_mail(&m)).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} mail(s) in the outbox");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.running.stop();
    }
}

/// A `multipart/form-data` body: the anti-forgery token first, then the
/// fields, then the file if any. Returns the content type and the body.
pub fn multipart_body(
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "perseverance-test-boundary-7d2f";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    field("csrf", csrf);
    for (name, value) in fields {
        field(name, value);
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The text of a response body.
pub async fn body(response: Response) -> String {
    response.text().await.unwrap()
}

/// The mail with its base64 and quoted-printable parts decoded, so tests
/// can read links and text.
pub fn decode_mail(raw: &str) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    let mut lines = raw.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let encoding = line.to_ascii_lowercase();
        let (base64, qp) = (
            encoding == "content-transfer-encoding: base64",
            encoding == "content-transfer-encoding: quoted-printable",
        );
        if !(base64 || qp) {
            continue;
        }
        for l in lines.by_ref() {
            if l.trim().is_empty() {
                break;
            }
        }
        let mut encoded = Vec::new();
        while let Some(l) = lines.peek() {
            if l.starts_with("--") {
                break;
            }
            encoded.push(l.to_string());
            lines.next();
        }
        let bytes = if base64 {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.concat().replace(char::is_whitespace, ""))
                .unwrap_or_default()
        } else {
            decode_quoted_printable(&encoded.join("\n"))
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        out.push('\n');
    }
    out
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}
