//! Starting the service: database, job worker and HTTP listener.

use std::{net::SocketAddr, sync::Arc};

use tokio::{net::TcpListener, sync::Notify, task::JoinHandle};

use crate::{
    config::Config,
    db::{ConnectOptions, Db},
    web::AppState,
};

/// A running service (used by `serve` and by the tests).
pub struct Running {
    /// The address actually bound (port 0 becomes a real port).
    pub addr: SocketAddr,
    pub state: AppState,
    server: JoinHandle<std::io::Result<()>>,
    worker: JoinHandle<()>,
}

impl Running {
    /// Waits for the server to stop (it stops on Ctrl-C or SIGTERM).
    pub async fn wait(self) -> anyhow::Result<()> {
        let result = self.server.await;
        self.worker.abort();
        result??;
        Ok(())
    }

    /// Stops the server and the worker now.
    pub fn stop(&self) {
        self.server.abort();
        self.worker.abort();
    }
}

/// Connects to the configured database and applies pending migrations.
pub async fn open_db(config: &Config) -> anyhow::Result<Db> {
    let options = ConnectOptions {
        sqlite_synchronous: config.sqlite_synchronous.clone(),
        ..Default::default()
    };
    let db = Db::connect(&config.database_url, &options).await?;
    db.migrate().await?;
    Ok(db)
}

/// Binds the listener and starts the HTTP server and the job worker.
pub async fn start(config: Config, db: Db) -> anyhow::Result<Running> {
    {
        // The search index follows the analyser: rebuilt once when it changed.
        let mut tx = db.begin().await?;
        let indexed = crate::search::ensure_index(&mut tx.conn()).await?;
        tx.commit().await?;
        if indexed > 0 {
            tracing::info!(actions = indexed, "search index rebuilt");
        }
    }
    let listener = TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let mut config = config;
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
    }
    let oidc = match &config.oidc {
        Some(settings) => Some(Arc::new(crate::openid::Provider::new(settings.clone())?)),
        None => None,
    };
    if let Some(provider) = oidc.clone() {
        // A first discovery in the background: a provider that is down or
        // misconfigured is logged now, and never delays or stops start-up.
        tokio::spawn(async move {
            let _ = provider.discovered().await;
        });
    }
    let files = crate::files::FileStore::from_config(&config)?;
    let state = AppState {
        files,
        db: db.clone(),
        config: Arc::new(config),
        jobs: Arc::new(Notify::new()),
        oidc,
        render_cache: Arc::default(),
        public_places: Arc::default(),
        agenda_snapshots: Arc::default(),
        catalogue_snapshots: Arc::default(),
    };
    let jobs = crate::jobs::JobContext::new(state.config.clone(), db)?;
    let worker = tokio::spawn(crate::jobs::worker(
        crate::jobs::Registry::standard(),
        jobs,
        state.jobs.clone(),
    ));
    let app = crate::routes::app(state.clone());
    let server = tokio::spawn(async move {
        // The peer's address reaches handlers (`web::Client`).
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    });
    Ok(Running {
        addr,
        state,
        server,
        worker,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("arrêt demandé");
}
