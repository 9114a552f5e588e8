//! `perseverance serve [--addr HOST:PORT] [--demo]`

use std::{io::Write, net::SocketAddr, time::Instant};

use crate::config::Config;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Adresse d'écoute (par défaut 127.0.0.1:8080, ou PERSEVERANCE_ADDR).
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Mode démonstration : données de démo et connexion en un clic.
    #[arg(long)]
    demo: bool,
}

pub async fn run(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    config.demo = args.demo;
    let db = crate::server::open_db(&config).await?;
    if config.demo
        && let Some(seeded) = crate::demo::seed_story(&db).await?
    {
        println!("Données de démonstration créées : {seeded}.");
        let files = crate::files::FileStore::from_config(&config)?;
        let drawn = crate::resources::demo::communication_kit(&db, &files).await?;
        println!("Kit de communication de la démo : {drawn} images dessinées.");
        let drawing = std::time::Instant::now();
        let pictures = crate::media::demo::pictures(&db, &files).await?;
        println!(
            "Concours d’affiches de Normandie 2023 et galerie des totems de Créteil 2024 : {pictures} images dessinées, en {:.1} s.",
            drawing.elapsed().as_secs_f64()
        );
    }
    let running = crate::server::start(config, db).await?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "prêt");
    println!("Persévérance écoute sur http://{}/", running.addr);
    std::io::stdout().flush()?;
    running.wait().await
}
