//! The demo's editions, as the seeds tell them.
//!
//! Créteil: the 8th week (2022, « Autonomies, Mobilités et Persévérance »,
//! 11–16 April, declarations until 1 April), the 9th (2023, « le projet »,
//! 17–22 April, until 17 March), the 2024 week of the totem (2–5 April, the
//! six « rendez-vous » in its note), and the current edition, open for
//! declarations now. Normandie: 2023, « l'engagement, clé de la réussite »
//! (3–7 April, until 10 March), the year of its first poster contest.
//!
//! Only the current edition depends on the date: its week starts six weeks
//! from `today` and its deadline is three weeks away.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use super::store::{self, EditionValues};
use crate::{
    db::{Conn, DbResult},
    domain::{
        declaration::{Question, QuestionKind},
        edition::{EditionCalendar, EditionState, paris_to_utc},
        ids::{AcademyId, EditionId, QuestionId},
    },
    on_conn,
};

/// An edition written by the demo, with its questions as stored.
#[derive(Clone, Debug)]
pub struct DemoEdition {
    pub id: EditionId,
    pub year: i64,
    pub calendar: EditionCalendar,
    pub questions: Vec<Question>,
}

/// Créteil's editions: 2022, 2023, 2024 and the current one.
#[derive(Clone, Debug)]
pub struct CreteilEditions {
    pub y2022: DemoEdition,
    pub y2023: DemoEdition,
    pub y2024: DemoEdition,
    pub current: DemoEdition,
}

const CRETEIL_2022: &str = "La **8e Semaine de la persévérance scolaire** se déroule du lundi 11 au samedi 16 avril 2022, sur le thème *Autonomies, Mobilités et Persévérance*.

## Objectifs de la semaine

- Mobiliser la communauté éducative autour du thème de l'année.
- Créer une dynamique qui implique chacun dans la prévention des sorties précoces du système scolaire.
- Mutualiser les initiatives.
- Faire connaître et valoriser l'engagement des personnels et les réussites des élèves.
- Mettre en place et partager les gestes d'accrochage qui favorisent la persévérance scolaire.

## Qui peut initier ou valoriser une action ?

Tout membre de la communauté éducative : personnel de direction, enseignant, personnel de vie scolaire, référent décrochage scolaire, personnel d'un dispositif spécifique (Relais, MLDS, UPE2A, ULIS, micro-lycée, Nouvelle Chance…).

## Comment faire ?

- Mener un projet en faveur de la persévérance scolaire, dans l'établissement ou en classe (fiche méthode « Ingénierie de projet autour de la persévérance scolaire »).
- Participer au concours académique d'affiches (fiche méthode « Participer au concours académique d'affiches »).
- Déclarer chaque action **avant le 1er avril 2022**, en complétant tous les champs et en précisant la valorisation proposée : présentation lors d'un évènement de l'établissement ou du district, temps festif…
- Informer le comité de pilotage du réseau FOQUALE de son district.

## Sur quelles ressources s'appuyer ?

La mallette de la persévérance scolaire 2022 réunit un kit de communication (affiches, invitations), des fiches méthode pour mettre en place une action et des fiches mutualisation qui recensent les actions des éditions précédentes.

Dans l'établissement, le référent décrochage scolaire aide à monter le projet ; dans le district, le coordonnateur MLDS est spécialisé dans l'ingénierie de projet pour les élèves en situation de décrochage.

Contact : [ce.saio-decrochage@ac-creteil.fr](mailto:ce.saio-decrochage@ac-creteil.fr)
";

const CRETEIL_2023: &str = "La **9e Semaine de la persévérance scolaire** aura pour thème *le projet*. Elle se déroulera du 17 au 22 avril 2023.

Au-delà des gestes d'accrochage, une des priorités de la prévention du décrochage scolaire est cette année d'interroger la notion de projet, pour développer des pédagogies innovantes au service des élèves.

Pour mettre en lumière les initiatives locales qui soutiennent chaque jour la persévérance des élèves, et pour sensibiliser la communauté scolaire, les parents et les partenaires, le service académique d'information et d'orientation soutient et encourage les projets pédagogiques fédérateurs, ambitieux et novateurs.

## Organisation

Coordonnée au niveau du district, relayée au niveau départemental et académique, la semaine est organisée par chaque comité de pilotage de réseau FOQUALE : il en élabore le programme et le diffuse aux établissements, aux partenaires, à la DSDEN et au rectorat.

## Déclarer une action

Tous les personnels sont invités à faire connaître leurs actions et leurs projets en remplissant la fiche-action **avant le 17 mars 2023**. Des supports de communication et des outils d'aide à l'organisation sont disponibles dans la mallette.

Contact : [ce.saio-decrochage@ac-creteil.fr](mailto:ce.saio-decrochage@ac-creteil.fr)
";

const CRETEIL_2024: &str = "La Semaine de la persévérance scolaire se déroulera **du 2 au 5 avril 2024**.

Comme chaque année, les initiatives qui sensibilisent la communauté scolaire, les parents et les partenaires sont impulsées et coordonnées par les réseaux FOQUALE, au plus près des priorités de chaque territoire.

## Le totem de la persévérance

Dans la perspective des Jeux olympiques et paralympiques, chaque établissement réalise, sous la coordination de son référent décrochage scolaire, son **totem de la persévérance**, qui réunit les valeurs de l'olympisme et celles de la persévérance scolaire.

Action commune à toute l'académie, le totem associe tous les élèves et tous les personnels : il symbolise la dynamique collective et fait de la persévérance scolaire une compétition de chaque jour. Il représente ce qui porte les élèves vers la réussite et le bien-être à l'école, et les valeurs de l'olympisme résumées par sa devise : « Plus vite, plus haut, plus fort, ensemble ». Il met en avant ses symboles : drapeau, devise, emblèmes, hymne…

Envoyez une photo de votre totem au Pôle persévérance et lutte contre le décrochage scolaire : une mise en avant des réalisations sera programmée.

## Les rendez-vous de la persévérance

Avant la semaine, des rendez-vous hebdomadaires à distance sont proposés aux référents décrochage scolaire, le mercredi à 14 h :

- 28 février : comment mobiliser les équipes pour construire une culture commune ?
- 6 mars : les partenaires du référent décrochage scolaire ;
- 13 mars : les dispositifs partenariaux ;
- 20 mars : l'accompagnement individualisé ;
- 27 mars : la classe coopérative ;
- 3 avril : lancement du Vademecum de la persévérance.

Contact : [ce.saio@ac-creteil.fr](mailto:ce.saio@ac-creteil.fr)
";

const NORMANDIE_2023: &str = "La persévérance scolaire se nourrit des valeurs d'effort, d'estime de soi, d'autonomie, de solidarité et du plaisir de progresser. La mobilisation de tous autour de cet objectif permet de construire des actions et des dispositifs cohérents, et installe dans chaque établissement une culture de la lutte contre le décrochage scolaire.

La Semaine de la persévérance scolaire se tiendra **du 3 au 7 avril 2023**, sur le thème *l'engagement, clé de la réussite*. Temps fort de l'année, elle sensibilise la communauté scolaire, les parents et les partenaires à la persévérance et à la prévention du décrochage. Elle valorise l'engagement des élèves dans leur parcours, les encourage et les félicite pour leurs progrès, et met en lumière l'engagement des équipes pédagogiques et éducatives.

## Recenser vos actions

Recensez les actions et projets menés dans votre établissement et dans votre réseau FoQualE cette année, ainsi que celles que vous prévoyez pendant la semaine. Toutes les actions seront publiées sur le site académique, pour leur donner de la visibilité et mutualiser les initiatives.

Renseignez une fiche-action par action **avant le 10 mars 2023**.

## Concours d'affiches

Pour la première fois, la DRAIO organise un concours d'affiches, ouvert à tous les établissements. Il encourage des temps de réflexion et de débat avec les élèves autour du thème de l'année et, plus largement, de la persévérance scolaire. Les classes s'inscrivent au concours dans la fiche-action.

Contact : [draio-perserverance-scolaire@ac-normandie.fr](mailto:draio-perserverance-scolaire@ac-normandie.fr)
";

/// The current edition's note (its number is written in).
fn current_circular(number: i64) -> String {
    format!(
        "La **{number}e Semaine de la persévérance scolaire** aura pour thème *la persévérance, un projet collectif*.

Afin de mettre en lumière les initiatives locales qui participent chaque jour à la persévérance de nos élèves, et de sensibiliser la communauté scolaire, les parents et les partenaires, toutes les initiatives sont impulsées et coordonnées par les réseaux FOQUALE.

## Qui peut déclarer une action ?

Tout membre de la communauté éducative : personnel de direction, enseignant, personnel de vie scolaire, référent décrochage scolaire, personnel d'un dispositif (Relais, MLDS, UPE2A, ULIS, micro-lycée, Nouvelle Chance…).

## Comment faire ?

- Déclarez **chaque action envisagée** avant la date limite, en complétant tous les champs de la fiche-action.
- Précisez la forme de valorisation proposée : présentation lors d'un évènement de l'établissement ou du district, temps festif, exposition, témoignages d'élèves…
- Informez le comité de pilotage du réseau FOQUALE de votre district.
- Inscrivez vos classes au concours d'affiches sur le thème de l'année.

Pendant la semaine, échangez entre professionnels, montrez, témoignez, et partagez vos temps forts avec #PerseveranceScolaire.

Pour toute question : [ce.saio@ac-creteil.fr](mailto:ce.saio@ac-creteil.fr)
"
    )
}

fn yes_no(label: &str, help: &str) -> Question {
    Question {
        id: QuestionId(0),
        kind: QuestionKind::YesNo,
        label: label.into(),
        help: help.into(),
        required: true,
        options: Vec::new(),
    }
}

fn poster_question() -> Question {
    yes_no(
        "Participez-vous au concours d'affiches ?",
        "Les classes réalisent une affiche sur le thème de l'année.",
    )
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

fn evening() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).expect("a valid time")
}

/// A past edition's values: week, deadline (23:59 in Paris), bilans by 30 June.
#[allow(clippy::too_many_arguments)]
fn past(
    year: i32,
    number: i64,
    theme: &str,
    week: (NaiveDate, NaiveDate),
    deadline: NaiveDate,
    circular: &str,
    contact: &str,
) -> EditionValues {
    EditionValues {
        year: i64::from(year),
        number,
        theme: theme.into(),
        calendar: EditionCalendar {
            week_start: week.0,
            week_end: week.1,
            declaration_deadline: paris_to_utc(deadline, evening()),
            bilan_deadline: date(year, 6, 30),
        },
        circular: circular.into(),
        contact_email: contact.into(),
        reminder_days: "14 7 2".into(),
    }
}

/// Writes an edition in `state` with its questions; `opened` is when the
/// académie opened it (its creation time).
async fn write(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    values: &EditionValues,
    state: EditionState,
    questions: &[Question],
    opened: DateTime<Utc>,
) -> DbResult<DemoEdition> {
    let id = store::insert_edition(conn, academy_id, values, None).await?;
    store::set_edition_state(conn, id, state).await?;
    for question in questions {
        store::add_question(conn, id, question).await?;
    }
    let sql = "UPDATE editions SET created_at = $2, updated_at = $2 WHERE id = $1";
    on_conn!(conn, |c| sqlx::query(sql)
        .bind(id)
        .bind(opened)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(DemoEdition {
        id,
        year: values.year,
        calendar: values.calendar,
        questions: store::questions(conn, id).await?,
    })
}

/// When a past edition was opened: two months before its deadline.
fn opened(values: &EditionValues) -> DateTime<Utc> {
    values.calendar.declaration_deadline - Duration::days(60)
}

/// Adds Créteil's editions to the académie; `today` is the date in Paris.
pub async fn seed(
    conn: &mut Conn<'_>,
    academy_id: AcademyId,
    today: NaiveDate,
) -> DbResult<CreteilEditions> {
    let saio = "ce.saio-decrochage@ac-creteil.fr";
    let v2022 = past(
        2022,
        8,
        "Autonomies, Mobilités et Persévérance",
        (date(2022, 4, 11), date(2022, 4, 16)),
        date(2022, 4, 1),
        CRETEIL_2022,
        saio,
    );
    let v2023 = past(
        2023,
        9,
        "Le projet",
        (date(2023, 4, 17), date(2023, 4, 22)),
        date(2023, 3, 17),
        CRETEIL_2023,
        saio,
    );
    // The 2024 note gives no deadline for declarations: the demo closes
    // them two weeks before the week.
    let v2024 = past(
        2024,
        10,
        "Le totem de la persévérance",
        (date(2024, 4, 2), date(2024, 4, 5)),
        date(2024, 3, 22),
        CRETEIL_2024,
        "ce.saio@ac-creteil.fr",
    );
    let archived = EditionState::Archived;
    let y2022 = write(
        conn,
        academy_id,
        &v2022,
        archived,
        &[poster_question()],
        opened(&v2022),
    )
    .await?;
    let project_stage = Question {
        id: QuestionId(0),
        kind: QuestionKind::SingleChoice,
        label: "Où en est le projet pendant la semaine ?".into(),
        help: "Le thème de l'année est le projet : situez l'action dans le vôtre.".into(),
        required: true,
        options: vec![
            "Lancement du projet".into(),
            "Projet en cours de réalisation".into(),
            "Restitution du projet".into(),
        ],
    };
    let y2023 = write(
        conn,
        academy_id,
        &v2023,
        archived,
        &[project_stage],
        opened(&v2023),
    )
    .await?;
    let totem = yes_no(
        "Votre établissement réalise-t-il son totem de la persévérance ?",
        "La photo du totem est à envoyer au Pôle persévérance du rectorat.",
    );
    let y2024 = write(conn, academy_id, &v2024, archived, &[totem], opened(&v2024)).await?;

    let week_start = today + Duration::days(42);
    // The current edition is never before 2025 (2024 is in the story).
    let year = i64::from(week_start.year().max(2025));
    let number = year - 2014;
    let current = EditionValues {
        year,
        number,
        theme: "La persévérance, un projet collectif".into(),
        calendar: EditionCalendar {
            week_start,
            week_end: week_start + Duration::days(4),
            declaration_deadline: paris_to_utc(today + Duration::days(21), evening()),
            bilan_deadline: week_start + Duration::days(64),
        },
        circular: current_circular(number),
        contact_email: "ce.saio@ac-creteil.fr".into(),
        reminder_days: "14 7 2".into(),
    };
    let heard_of = Question {
        id: QuestionId(0),
        kind: QuestionKind::SingleChoice,
        label: "Comment avez-vous connu la semaine ?".into(),
        help: String::new(),
        required: false,
        options: vec![
            "Note de service".into(),
            "Réseau FOQUALE".into(),
            "Collègues".into(),
        ],
    };
    let current = write(
        conn,
        academy_id,
        &current,
        EditionState::Open,
        &[poster_question(), heard_of],
        paris_to_utc(
            today - Duration::days(25),
            NaiveTime::MIN + Duration::hours(9),
        ),
    )
    .await?;
    Ok(CreteilEditions {
        y2022,
        y2023,
        y2024,
        current,
    })
}

/// Adds Normandie's 2023 edition to the académie.
pub async fn seed_normandie(conn: &mut Conn<'_>, academy_id: AcademyId) -> DbResult<DemoEdition> {
    // The note does not number this edition. The académie de Normandie,
    // one académie since 2020, held a week that February: 2023 is counted
    // as its 4th (an assumption of the demo).
    let values = past(
        2023,
        4,
        "L'engagement, clé de la réussite",
        (date(2023, 4, 3), date(2023, 4, 7)),
        date(2023, 3, 10),
        NORMANDIE_2023,
        "draio-perserverance-scolaire@ac-normandie.fr",
    );
    let poster = yes_no(
        "Inscrivez-vous une classe au concours d'affiches ?",
        "Premier concours d'affiches de la DRAIO, sur le thème de l'année.",
    );
    let class = Question {
        id: QuestionId(0),
        kind: QuestionKind::ShortText,
        label: "Classe inscrite au concours d'affiches".into(),
        help: "Par exemple : 4e B, 2de pro MRC.".into(),
        required: false,
        options: Vec::new(),
    };
    write(
        conn,
        academy_id,
        &values,
        EditionState::Archived,
        &[poster, class],
        opened(&values),
    )
    .await
}
