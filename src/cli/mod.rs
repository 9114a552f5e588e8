//! The command line: one subcommand per file.

mod academy;
mod department;
mod import;
mod serve;
mod user;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// Persévérance — la Semaine de la persévérance scolaire, de bout en bout.
#[derive(Parser, Debug)]
#[command(name = "perseverance", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Démarre le service web (et applique les migrations).
    Serve(serve::ServeArgs),
    /// Applique les migrations de la base de données.
    Migrate,
    /// Importe l'Annuaire de l'éducation (CSV open data).
    #[command(after_help = import::SCHOOLS_HELP)]
    ImportSchools(import::SchoolsArgs),
    /// Rattache des établissements à des districts depuis un CSV (uai;district).
    ImportDistricts(import::DistrictsArgs),
    /// Gère les académies.
    #[command(subcommand)]
    Academy(academy::AcademyCommand),
    /// Gère les départements (les déplacer d'une académie à l'autre).
    #[command(subcommand)]
    Department(department::DepartmentCommand),
    /// Gère les comptes.
    #[command(subcommand)]
    User(user::UserCommand),
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve(args) => serve::run(config, args).await,
        Command::Migrate => {
            crate::server::open_db(&config).await?;
            println!("Migrations appliquées.");
            Ok(())
        }
        Command::ImportSchools(args) => import::schools(config, args).await,
        Command::ImportDistricts(args) => import::districts(config, args).await,
        Command::Academy(command) => academy::run(config, command).await,
        Command::Department(command) => department::run(config, command).await,
        Command::User(command) => user::run(config, command).await,
    }
}

impl Cli {
    pub fn parse_args() -> Cli {
        Cli::parse()
    }
}
