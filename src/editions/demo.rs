//! The demo académie's editions: one open for declarations now, one archived.

use crate::domain::ids::{AcademyId, QuestionId};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use super::store::{self, EditionValues};
use crate::{
    db::{Conn, DbResult},
    domain::{
        declaration::{Question, QuestionKind},
        edition::{EditionCalendar, EditionState, paris_to_utc},
    },
};

const CONTACT: &str = "ce.saio@ac-creteil.fr";

const CIRCULAR: &str = "La **10e Semaine de la persévérance scolaire** aura pour thème *la persévérance, un projet collectif*.

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
";

const PAST_CIRCULAR: &str = "La **9e Semaine de la persévérance scolaire** a pour thème *le projet*.

Au-delà des gestes d'accrochage, interrogeons la notion de projet pour développer des pédagogies innovantes au service des élèves.

- Déclarez vos actions avant la date limite.
- Participez au concours d'affiches.

Contact : [ce.saio@ac-creteil.fr](mailto:ce.saio@ac-creteil.fr)
";

fn poster_question() -> Question {
    Question {
        id: QuestionId(0),
        kind: QuestionKind::YesNo,
        label: "Participez-vous au concours d'affiches ?".into(),
        help: "Les classes réalisent une affiche sur le thème de l'année.".into(),
        required: true,
        options: Vec::new(),
    }
}

/// Adds the demo editions to the académie; `today` is the date in Paris.
pub async fn seed(conn: &mut Conn<'_>, academy_id: AcademyId, today: NaiveDate) -> DbResult<()> {
    let week_start = today + Duration::days(42);
    let week_end = week_start + Duration::days(4);
    let year = i64::from(week_start.year());
    let evening = NaiveTime::from_hms_opt(23, 59, 0).expect("a valid time");
    let open = EditionValues {
        year,
        number: 10,
        theme: "La persévérance, un projet collectif".into(),
        calendar: EditionCalendar {
            week_start,
            week_end,
            declaration_deadline: paris_to_utc(today + Duration::days(21), evening),
            bilan_deadline: week_end + Duration::days(60),
        },
        circular: CIRCULAR.into(),
        contact_email: CONTACT.into(),
        reminder_days: "14 7 2".into(),
    };
    let past_year = week_start.year() - 1;
    let day = |month, day| NaiveDate::from_ymd_opt(past_year, month, day).expect("a valid date");
    let past = EditionValues {
        year: year - 1,
        number: 9,
        theme: "Le projet".into(),
        calendar: EditionCalendar {
            week_start: day(4, 17),
            week_end: day(4, 21),
            declaration_deadline: paris_to_utc(day(3, 17), evening),
            bilan_deadline: day(6, 30),
        },
        circular: PAST_CIRCULAR.into(),
        contact_email: CONTACT.into(),
        reminder_days: "14 7 2".into(),
    };
    let past_id = store::insert_edition(conn, academy_id, &past, None).await?;
    store::set_edition_state(conn, past_id, EditionState::Archived).await?;
    store::add_question(conn, past_id, &poster_question()).await?;

    let open_id = store::insert_edition(conn, academy_id, &open, None).await?;
    store::set_edition_state(conn, open_id, EditionState::Open).await?;
    store::add_question(conn, open_id, &poster_question()).await?;
    store::add_question(
        conn,
        open_id,
        &Question {
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
        },
    )
    .await?;
    Ok(())
}
