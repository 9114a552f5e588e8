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
