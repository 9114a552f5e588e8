//! `perseverance import-schools FILE` and `perseverance import-districts FILE`.

use std::{io::IsTerminal, path::PathBuf, time::Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    config::Config,
    map::{
        annuaire,
        import::{self, ImportOptions, ImportReport},
    },
};

/// What `import-schools --help` says after the options.
pub const SCHOOLS_HELP: &str = "Fichier à télécharger : sur data.education.gouv.fr, le jeu de données \
« Annuaire de l'éducation » (fr-en-annuaire-education), onglet Export, format CSV (tout le fichier, \
ou filtré sur une académie). Le fichier peut aussi avoir été ouvert puis réenregistré par un tableur \
(séparateur ; ou , en-têtes « Code postal » ou code_postal, Windows-1252, virgules décimales).

Codes : ils sont remis sous leur forme officielle, même quand un tableur a retiré leurs zéros en tête \
(département 1, 01 ou 001 → 01 ; 2A, 2B ; 971… ; code postal 1000 → 01000 ; académie 024 → 24).

Établissements sur plusieurs lignes : un établissement peut occuper plusieurs lignes de l'Annuaire \
(même UAI, colonne etablissement_multi_lignes ou multi_uai à 1 sur chacune). Elles forment un seul \
établissement : son nom, sa commune, son code postal et sa position viennent de la première de ces \
lignes dont le nom ne contient pas le mot « annexe », sinon de la première ligne. Les autres lignes \
sont comptées à part (« lignes d'un même établissement regroupées »), jamais rejetées. Deux lignes au \
même UAI qui ne portent pas cette marque sont une erreur : la seconde est rejetée, avec les numéros \
des deux lignes.

Départements : l'import crée les académies et départements nouveaux, mais ne déplace jamais un \
département existant ; une ligne qui le place dans une autre académie est rejetée (pour le déplacer : \
perseverance department move CODE --academie CODE).";

#[derive(clap::Args, Debug)]
pub struct SchoolsArgs {
    /// Le fichier CSV de l'Annuaire de l'éducation (fr-en-annuaire-education).
    file: PathBuf,
    /// N'importer que cette académie (code de l'Annuaire, par exemple 24 ou 024).
    #[arg(long = "academie")]
    academy: Option<String>,
    /// Importer aussi les établissements fermés.
    #[arg(long)]
    include_closed: bool,
}

#[derive(clap::Args, Debug)]
pub struct DistrictsArgs {
    /// CSV avec les colonnes uai et district (et, si l'on veut, code_departement, vérifié).
    file: PathBuf,
}

pub async fn schools(config: Config, args: SchoolsArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let academy = args
        .academy
        .as_deref()
        .map(crate::domain::codes::academy_code)
        .transpose()?;
    let bytes = std::fs::read(&args.file)?;
    let db = crate::server::open_db(&config).await?;
    let bar = if std::io::stderr().is_terminal() {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        let bar = ProgressBar::new(lines.saturating_sub(1));
        bar.set_style(ProgressStyle::with_template(
            "{bar:40} {pos}/{len} lignes ({eta})",
        )?);
        bar
    } else {
        ProgressBar::hidden()
    };
    let parsed = annuaire::parse(&bytes, || bar.inc(1))?;
    bar.finish_and_clear();
    let options = ImportOptions {
        academy_code: academy,
        include_closed: args.include_closed,
    };
    let report = import::apply(&db, parsed, &options).await?;
    print_report(&report);
    println!("Durée : {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn districts(config: Config, args: DistrictsArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)?;
    let db = crate::server::open_db(&config).await?;
    let report = import::import_districts(&db, &bytes).await?;
    println!(
        "{} établissement(s) rattaché(s), {} inchangé(s), {} ligne(s) rejetée(s).",
        report.updated,
        report.unchanged,
        report.rejected.len()
    );
    for rejected in &report.rejected {
        println!("  ligne {} : {}", rejected.line, rejected.reason);
    }
    Ok(())
}

fn print_report(report: &ImportReport) {
    println!("Créés : {}", report.created);
    println!("Mis à jour : {}", report.updated);
    println!("Inchangés : {}", report.unchanged);
    println!(
        "Lignes d'un même établissement regroupées : {}",
        report.merged_lines
    );
    println!("Ignorés (fermés) : {}", report.skipped_closed);
    if report.skipped_other_academy > 0 {
        println!(
            "Ignorés (autre académie) : {}",
            report.skipped_other_academy
        );
    }
    println!("Rejetés : {}", report.rejected.len());
    for rejected in &report.rejected {
        println!("  ligne {} : {}", rejected.line, rejected.reason);
    }
}
