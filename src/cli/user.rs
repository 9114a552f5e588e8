//! `perseverance user add EMAIL --role ROLE --scope SCOPE`

use crate::{
    auth::store as auth_store,
    config::Config,
    db::Conn,
    domain::{Email, Grant, Role, Scope, codes},
    map::store as map_store,
    web::security::{self, Kind, Origin},
};

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Crée le compte s'il n'existe pas et lui attribue un rôle.
    Add {
        email: String,
        /// admin, academy_coordinator, department_viewer, district_coordinator,
        /// school_head, school_referent ou staff.
        #[arg(long)]
        role: String,
        /// platform, academy:CODE_OU_SLUG, department:CODE, district:ID ou school:UAI.
        #[arg(long, default_value = "platform")]
        scope: String,
    },
}

pub async fn run(config: Config, command: UserCommand) -> anyhow::Result<()> {
    let db = crate::server::open_db(&config).await?;
    match command {
        UserCommand::Add { email, role, scope } => {
            let email = Email::parse(&email)?;
            let role =
                Role::parse(&role).ok_or_else(|| anyhow::anyhow!("rôle inconnu : {role}"))?;
            let scope = resolve_scope(&mut db.acquire().await?.conn(), &scope).await?;
            let grant = Grant::new(role, scope)?;
            let mut tx = db.begin().await?;
            let conn = &mut tx.conn();
            let user = auth_store::ensure_user(conn, &email, "").await?;
            let new = auth_store::insert_grant(conn, user, grant, None).await?;
            if let Some(id) = new {
                let detail = security::grant_detail(id, email.as_str(), user, &grant);
                let event =
                    Origin::cli("perseverance user add").event(Kind::RoleGranted, None, detail);
                security::record(conn, &event).await?;
            }
            tx.commit().await?;
            println!(
                "{email} : {} {}",
                role.label(),
                if new.is_some() {
                    "attribué"
                } else {
                    "déjà attribué"
                }
            );
        }
    }
    Ok(())
}

/// Reads `academy:24`, `department:93`, `district:7`, `school:0930001W`…
async fn resolve_scope(conn: &mut Conn<'_>, text: &str) -> anyhow::Result<Scope> {
    let (kind, key) = text.split_once(':').unwrap_or((text, ""));
    let missing = || anyhow::anyhow!("niveau introuvable : {text}");
    Ok(match kind {
        "platform" => Scope::Platform,
        "academy" => Scope::Academy(
            map_store::academy_by_slug(conn, &codes::academy_code(key).unwrap_or(key.to_string()))
                .await?
                .ok_or_else(missing)?
                .id,
        ),
        "department" => Scope::Department(
            map_store::department_by_code(
                conn,
                &codes::department_code(key).unwrap_or(key.to_string()),
            )
            .await?
            .ok_or_else(missing)?
            .id,
        ),
        "district" => Scope::District(
            map_store::district_by_id(conn, key.parse()?)
                .await?
                .ok_or_else(missing)?
                .id,
        ),
        "school" => Scope::School(
            map_store::school_by_uai(conn, &key.to_uppercase())
                .await?
                .ok_or_else(missing)?
                .id,
        ),
        _ => anyhow::bail!(
            "niveau inconnu : {text} (platform, academy:…, department:…, district:…, school:…)"
        ),
    })
}
