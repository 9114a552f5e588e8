//! A real OpenID provider for the tests: npm `oidc-provider`, run by
//! `tests/oidc/provider.mjs` on 127.0.0.1 with our service as its one
//! client, and stopped with the test. Without node (or the npm packages),
//! [`TestProvider::start`] says so and returns `None`: the test is skipped.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use perseverance::{config::OidcConfig, domain::id_token::SigningAlg};

/// Our client at the test provider.
pub const CLIENT_ID: &str = "perseverance-test";
pub const CLIENT_SECRET: &str = "secret-de-test-0123456789-abcdefghijklmnop";

/// The provider process and its issuer (`http://127.0.0.1:PORT`).
pub struct TestProvider {
    pub issuer: String,
    child: Child,
    /// Kept open: the provider may write more, and a closed pipe stops it.
    _stdout: BufReader<std::process::ChildStdout>,
    http: reqwest::Client,
}

/// A free port on 127.0.0.1 for the service: the provider must know our
/// redirect URI before the service starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl TestProvider {
    /// Starts the provider for a service that will listen on `app_port`.
    pub fn start(app_port: u16) -> Option<TestProvider> {
        Self::start_on(app_port, 0)
    }

    /// The same, the provider listening on `port` (0: any free port).
    pub fn start_on(app_port: u16, port: u16) -> Option<TestProvider> {
        let root = env!("CARGO_MANIFEST_DIR");
        if !std::path::Path::new(root)
            .join("node_modules/oidc-provider")
            .exists()
        {
            eprintln!("SKIPPED: node_modules/oidc-provider is missing (run npm ci)");
            return None;
        }
        let app = format!("http://127.0.0.1:{app_port}");
        let spawned = Command::new("node")
            .arg("tests/oidc/provider.mjs")
            .current_dir(root)
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", format!("{app}/connexion/oidc/retour"))
            .env("OIDC_POST_LOGOUT_URI", format!("{app}/"))
            .env("OIDC_PORT", port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => {
                eprintln!("SKIPPED: node cannot be started ({err}); the OpenID tests need it");
                return None;
            }
        };
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let issuer = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the test provider did not start: {line:?}"))
            .to_string();
        Some(TestProvider {
            issuer,
            child,
            _stdout: stdout,
            http: reqwest::Client::new(),
        })
    }

    /// The service's settings for this provider.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            name: "ProConnect".into(),
            alg: SigningAlg::Rs256,
            retry_seconds: 30,
        }
    }

    /// The next sign-in at the provider is this person's (no login page).
    pub async fn next_login(&self, email: &str, given_name: &str, usual_name: &str) {
        let url = url::Url::parse_with_params(
            &format!("{}/_test/next-login", self.issuer),
            [
                ("email", email),
                ("given_name", given_name),
                ("usual_name", usual_name),
            ],
        )
        .unwrap();
        let response = self.http.post(url).send().await.unwrap();
        assert!(response.status().is_success());
    }

    /// Rewrites the ID tokens of the next token responses (see provider.mjs).
    pub async fn tamper(&self, mode: &str) {
        let url =
            url::Url::parse_with_params(&format!("{}/_test/tamper", self.issuer), [("mode", mode)])
                .unwrap();
        let response = self.http.post(url).send().await.unwrap();
        assert!(response.status().is_success());
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
