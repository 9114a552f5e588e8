//! `perseverance academy add|list`

use crate::{config::Config, map::store, text::slug};

#[derive(clap::Subcommand, Debug)]
pub enum AcademyCommand {
    /// Ajoute une académie.
    Add {
        /// Code de l'académie dans l'Annuaire de l'éducation (24 pour Créteil).
        #[arg(long)]
        code: String,
        /// Nom de l'académie (Créteil).
        #[arg(long)]
        name: String,
        /// Domaines de messagerie autorisés à créer un compte (ac-creteil.fr).
        #[arg(long, default_value = "")]
        domains: String,
    },
    /// Liste les académies.
    List,
}

pub async fn run(config: Config, command: AcademyCommand) -> anyhow::Result<()> {
    let db = crate::server::open_db(&config).await?;
    match command {
        AcademyCommand::Add {
            code,
            name,
            domains,
        } => {
            let domains = crate::access::parse_domains(&domains).map_err(anyhow::Error::msg)?;
            let code = code.trim().trim_start_matches('0').to_string();
            let mut tx = db.begin().await?;
            let conn = &mut tx.conn();
            let id = store::ensure_academy(conn, &code, &slug(&name), name.trim()).await?;
            store::set_email_domains(conn, id, &domains).await?;
            tx.commit().await?;
            println!("Académie {name} (code {code}) enregistrée.");
        }
        AcademyCommand::List => {
            let academies = store::academies(&mut db.acquire().await?.conn()).await?;
            for academy in academies {
                println!(
                    "{}\t{}\t{}\t{}",
                    academy.code, academy.slug, academy.name, academy.email_domains
                );
            }
        }
    }
    Ok(())
}
