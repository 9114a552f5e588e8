//! `perseverance department list|move|contact`

use crate::{config::Config, domain::codes, map::store};

#[derive(clap::Subcommand, Debug)]
pub enum DepartmentCommand {
    /// Liste les départements, avec leur académie.
    List,
    /// Rattache un département, ses districts et ses établissements à une autre académie.
    ///
    /// Un import de l'Annuaire ne déplace jamais un département : une ligne qui
    /// place un établissement dans un département d'une autre académie est
    /// rejetée. Si le département a vraiment changé d'académie, c'est cette
    /// commande qui le déplace ; les rôles donnés sur le département, ses
    /// districts et ses établissements le suivent ; les actions déjà déclarées
    /// restent dans les éditions de leur académie.
    Move {
        /// Code du département (93, 093, 2A, 971…).
        code: String,
        /// Code de l'académie d'arrivée dans l'Annuaire (25, 025…) ; elle doit exister.
        #[arg(long = "academie")]
        academy: String,
    },
    /// Enregistre l'adresse de la DSDEN du département : elle reçoit les
    /// programmes des districts à chaque diffusion.
    Contact {
        /// Code du département (93, 093, 2A, 971…).
        code: String,
        /// Adresse électronique de la DSDEN (vide : aucune).
        email: String,
    },
}

pub async fn run(config: Config, command: DepartmentCommand) -> anyhow::Result<()> {
    let db = crate::server::open_db(&config).await?;
    match command {
        DepartmentCommand::List => {
            let mut pooled = db.acquire().await?;
            let conn = &mut pooled.conn();
            for academy in store::academies(conn).await? {
                for department in store::departments(conn, academy.id).await? {
                    println!(
                        "{}\t{}\t{}\t{}",
                        department.code, department.name, academy.code, academy.name
                    );
                }
            }
        }
        DepartmentCommand::Contact { code, email } => {
            let code = codes::department_code(&code)?;
            let email = if email.trim().is_empty() {
                String::new()
            } else {
                crate::domain::Email::parse(&email)
                    .map_err(|_| anyhow::anyhow!("adresse électronique invalide : {email}"))?
                    .as_str()
                    .to_string()
            };
            let mut pooled = db.acquire().await?;
            let conn = &mut pooled.conn();
            let department = store::department_by_code(conn, &code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("département {code} inconnu"))?;
            crate::programmes::store::set_department_contact(conn, department.id, &email).await?;
            println!("{}\t{}\t{}", department.code, department.name, email);
        }
        DepartmentCommand::Move { code, academy } => {
            let code = codes::department_code(&code)?;
            let academy_code = codes::academy_code(&academy)?;
            // Read and move in one write transaction.
            let mut tx = db.begin().await?;
            let conn = &mut tx.conn();
            let department = store::department_by_code(conn, &code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("département {code} inconnu"))?;
            let target = store::academy_by_slug(conn, &academy_code)
                .await?
                .filter(|a| a.code == academy_code)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "académie {academy_code} inconnue : créez-la d'abord (perseverance academy add --code {academy_code} --name …)"
                    )
                })?;
            let source = store::academy_by_id(conn, department.academy_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("académie du département {code} introuvable"))?;
            if source.id == target.id {
                println!(
                    "Le département {code} ({}) est déjà dans l'académie {} ({}) : rien à faire.",
                    department.name, target.code, target.name
                );
                return Ok(());
            }
            let moved = store::move_department(conn, department.id, target.id).await?;
            tx.commit().await?;
            println!(
                "Département {code} ({}) rattaché à l'académie {} ({}), au lieu de {} ({}).",
                department.name, target.code, target.name, source.code, source.name
            );
            println!(
                "Le suivent : {} établissement(s), {} district(s), {} rôle(s) donnés sur eux.",
                moved.schools, moved.districts, moved.grants
            );
            if moved.actions_left_behind > 0 {
                println!(
                    "{} action(s) déclarée(s) dans les éditions de l'académie {} y restent.",
                    moved.actions_left_behind, source.name
                );
            }
        }
    }
    Ok(())
}
