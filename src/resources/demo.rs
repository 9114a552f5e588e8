//! The demo's kit: the three method sheets of the seeds (running the week,
//! taking part in the poster contest, communicating and showcasing an
//! action), written in our own words from Créteil's 2022 sheets, in the
//! 2024 edition and in the current one.

use chrono::NaiveDate;

use super::store::{self, Content, ResourceValues};
use crate::{
    db::{Conn, DbResult},
    domain::{
        EditionId,
        resource::{Audience, ResourceKind},
    },
};

/// Title, summary, body.
pub const METHOD_SHEETS: [(&str, &str, &str); 3] = [
    (
        "Faire vivre la semaine de la persévérance",
        "Pourquoi la semaine, qui peut agir, comment s’y prendre et avec quel appui.",
        "## Ce que la semaine cherche à faire

- Rassembler toute la communauté éducative autour du thème de l’année.
- Lancer une dynamique qui aide chacun à prévenir les sorties précoces du système scolaire.
- Partager les initiatives d’un établissement à l’autre.
- Montrer l’engagement des personnels et les réussites des élèves.
- Installer et partager les gestes d’accrochage qui soutiennent la persévérance.

## Qui peut proposer une action ?

Tout membre de la communauté éducative : direction, enseignants, vie scolaire, référent décrochage scolaire, personnels des dispositifs (relais, MLDS, UPE2A, ULIS, micro-lycée…).

## Comment s’y prendre ?

- Monter un projet en faveur de la persévérance, pour l’établissement ou pour une classe.
- Inscrire une classe au concours d’affiches (voir la fiche « Participer au concours d’affiches »).
- Déclarer chaque action dans Persévérance avant la date limite, tous les champs remplis, en précisant comment elle sera valorisée.

## Sur qui s’appuyer ?

- Dans l’établissement, le référent décrochage scolaire aide à construire le projet.
- Dans le district, le coordonnateur de la MLDS connaît bien l’ingénierie de projet pour les élèves qui décrochent.
- La mallette réunit le kit de communication, les fiches méthode et les fiches mutualisation des éditions passées.

## Pour qui ?

Les élèves, les parents et les personnels.
",
    ),
    (
        "Participer au concours d’affiches",
        "Faire travailler une classe sur le thème de l’année, de la discussion à l’affiche.",
        "## L’idée

Le concours invite les classes à réfléchir et à débattre du thème de l’année, et plus largement de ce qui aide à tenir dans sa scolarité. L’affiche est l’aboutissement de ce travail.

## Étapes proposées

1. **Ouvrir la discussion** : ce que le thème évoque pour les élèves, des exemples vécus, ce qui les fait tenir.
2. **Chercher un message** : une phrase courte, compréhensible par tous, qui donne envie.
3. **Composer l’affiche** : un visuel, le message, la mention de la semaine ; au format demandé par le règlement.
4. **Présenter le travail** : à la classe, à l’établissement, aux parents pendant la semaine.

## Inscrire la classe

L’inscription se fait dans la déclaration de l’action (fiche-action) : indiquez que la classe participe au concours.

## Aller plus loin

Le concours peut être une action de la semaine à lui seul, ou s’intégrer à un projet plus large qui prolonge le travail avec les élèves.
",
    ),
    (
        "Communiquer et valoriser une action",
        "Ce qu’il y a à faire avant, pendant et après la semaine pour faire connaître une action.",
        "## Avant la semaine

- Faire le point sur les projets et les gestes professionnels qui mériteraient d’être connus.
- Préparer la semaine en réunion : GPDS, conseil pédagogique, CVC ou CVL.
- Informer les élèves, les enseignants, les parents et les partenaires.
- Puiser dans la mallette et utiliser les supports de communication de l’académie (affiche, invitation).
- Déclarer chaque action envisagée, en précisant la forme de valorisation proposée.
- Informer le comité de pilotage du réseau FOQUALE du district.

## Pendant la semaine

- Échanger entre professionnels, par exemple lors d’un forum des initiatives.
- Organiser une restitution : exposition, forum, témoignages pour les parents, pour d’autres établissements ou des partenaires.
- Faire témoigner les élèves, en courtes vidéos.
- Prendre des photos pour le site de l’établissement et le site académique.
- Publier sur les réseaux sociaux avec le mot-dièse #PerseveranceScolaire.

## Après la semaine

- Mettre en valeur l’action et les élèves : exposition de photos, vidéos.
- Faire le bilan quantitatif (fréquentation) et qualitatif (questionnaire, retours, points de vigilance, pistes pour l’an prochain), en équipe ou en GPDS.
- Envoyer ce bilan au comité de pilotage du district et au rectorat.
",
    ),
];

/// Writes the three method sheets (public) in `edition`, dated `dated_on`.
pub async fn seed(conn: &mut Conn<'_>, edition: EditionId, dated_on: NaiveDate) -> DbResult<()> {
    for (title, summary, body) in METHOD_SHEETS {
        let values = ResourceValues {
            kind: ResourceKind::Method,
            group_name: "Préparer la semaine".into(),
            title: title.into(),
            summary: summary.into(),
            audience: Audience::Public,
            dated_on,
            source_action_id: None,
        };
        let content = Content {
            body: body.into(),
            ..Content::default()
        };
        store::insert_resource(conn, edition, &values, &content, None).await?;
    }
    Ok(())
}

/// « DU 2 AU 5 AVRIL » (the poster's capitals).
fn week_text(start: NaiveDate, end: NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "JANVIER",
        "FEVRIER",
        "MARS",
        "AVRIL",
        "MAI",
        "JUIN",
        "JUILLET",
        "AOUT",
        "SEPTEMBRE",
        "OCTOBRE",
        "NOVEMBRE",
        "DECEMBRE",
    ];
    let month = |d: NaiveDate| MONTHS[d.month0() as usize];
    if start.month() == end.month() {
        format!("DU {} AU {} {}", start.day(), end.day(), month(end))
    } else {
        format!(
            "DU {} {} AU {} {}",
            start.day(),
            month(start),
            end.day(),
            month(end)
        )
    }
}

/// The communication kit of the demo's Créteil editions that have a kit
/// (method sheets) but no file yet: a poster, an invitation card and the
/// logo, drawn for each edition (`super::drawn`) and stored through the
/// file store like any upload. Run by `serve --demo` after the story (the
/// story itself writes only to the database). Returns the files written.
pub async fn communication_kit(
    db: &crate::db::Db,
    files: &crate::files::FileStore,
) -> anyhow::Result<usize> {
    use super::drawn;
    use crate::{editions::store as editions_store, map::store as map_store};
    let mut written = 0;
    let editions = {
        let mut conn = db.acquire().await?;
        let Some(creteil) = map_store::academy_by_slug(&mut conn.conn(), "creteil").await? else {
            return Ok(0);
        };
        editions_store::editions_of(&mut conn.conn(), creteil.id).await?
    };
    for edition in editions {
        let kit = {
            let mut conn = db.acquire().await?;
            store::resources_of(&mut conn.conn(), edition.id).await?
        };
        if kit.is_empty() || kit.iter().any(|r| r.kind == ResourceKind::Kit) {
            continue;
        }
        let dates = week_text(edition.week_start, edition.week_end);
        let images = [
            (
                "Affiche de la semaine",
                "L’affiche A4 de l’édition, à imprimer et à afficher dans l’établissement.",
                format!("affiche-semaine-{}.png", edition.year),
                drawn::poster(edition.number, edition.year, &edition.theme, &dates),
            ),
            (
                "Carton d’invitation",
                "À envoyer aux familles et aux partenaires pour la restitution de vos actions.",
                format!("invitation-{}.png", edition.year),
                drawn::invitation(edition.year, &dates),
            ),
            (
                "Logo de la semaine",
                "Le logo à reprendre sur vos supports (site, lettre aux familles, diaporama).",
                "logo-perseverance.png".to_string(),
                drawn::logo(),
            ),
        ];
        for (title, summary, name, bytes) in images {
            let hash = {
                use sha2::{Digest, Sha256};
                Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            };
            let size = bytes.len() as i64;
            let key = files.put(bytes.into()).await?;
            let values = ResourceValues {
                kind: ResourceKind::Kit,
                group_name: "Kit de communication".into(),
                title: title.into(),
                summary: summary.into(),
                audience: Audience::Public,
                dated_on: edition.week_start - chrono::Duration::days(60),
                source_action_id: None,
            };
            let content = Content {
                file_key: Some(key.as_str().to_string()),
                file_kind: Some(crate::files::FileKind::Png.code().to_string()),
                file_name: Some(name),
                file_size: Some(size),
                content_hash: Some(hash),
                ..Content::default()
            };
            let mut tx = db.begin().await?;
            store::insert_resource(&mut tx.conn(), edition.id, &values, &content, None).await?;
            tx.commit().await?;
            written += 1;
        }
    }
    Ok(written)
}
