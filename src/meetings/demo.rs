//! The demo's rendez-vous: Créteil's six sessions of 2024 as its note lists
//! them (Wednesdays at 14:00, 28 February to 3 April), with their materials
//! and attendance, and six sessions for the current edition on the
//! Wednesdays before its week, the demo référent registered for two.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use super::store::{self, MeetingValues};
use crate::{
    auth::store as auth_store,
    db::{Conn, DbResult},
    domain::{EditionId, Email, edition::paris_to_utc, meeting::Seat},
};

/// The topics of Créteil's 2024 note, with a presentation in our words.
const TOPICS: [(&str, &str); 6] = [
    (
        "Mobiliser les équipes pour construire une culture commune",
        "Comment associer direction, enseignants, vie scolaire et santé-social autour de la persévérance : repères, exemples de temps d'équipe, premiers pas.",
    ),
    (
        "Les partenaires du référent décrochage scolaire",
        "Qui solliciter autour de l'établissement : CIO, MLDS, mission locale, associations, collectivités. Comment les réunir.",
    ),
    (
        "Les dispositifs partenariaux",
        "Les dispositifs relais, les micro-lycées, les structures de retour à l'école : à qui ils s'adressent et comment y orienter un élève.",
    ),
    (
        "L'accompagnement individualisé",
        "Le GPDS, l'entretien de situation, le tutorat : suivre un élève qui décroche, pas à pas.",
    ),
    (
        "La classe coopérative",
        "Conseils d'élèves, travail en îlots, responsabilités partagées : la coopération comme levier d'accrochage.",
    ),
    (
        "Lancement du Vademecum de la persévérance",
        "Présentation du Vademecum académique : ce qu'il contient, comment s'en servir dans l'établissement.",
    ),
];

fn values(date: NaiveDate, (topic, description): (&str, &str), materials: &str) -> MeetingValues {
    MeetingValues {
        starts_at: paris_to_utc(date, NaiveTime::from_hms_opt(14, 0, 0).expect("14:00")),
        duration_minutes: 90,
        topic: topic.into(),
        description: description.into(),
        speakers: "Pôle persévérance et lutte contre le décrochage scolaire (SAIO)".into(),
        visio_url: "https://webconf.example.fr/perseverance/rendez-vous".into(),
        link_opens_minutes: 30,
        capacity: 200,
        materials: materials.into(),
    }
}

/// Writes the sessions of the 2024 edition and of the current one (whose
/// week starts on `week_start`), after `today`.
pub async fn seed(
    conn: &mut Conn<'_>,
    y2024: EditionId,
    current: EditionId,
    week_start: NaiveDate,
    today: NaiveDate,
) -> DbResult<()> {
    let referent = auth_store::user_by_email(
        conn,
        &Email::parse("referent@demo.test").expect("an address"),
    )
    .await?;
    let staff = auth_store::user_by_email(
        conn,
        &Email::parse("personnel@demo.test").expect("an address"),
    )
    .await?;
    let first_2024 = NaiveDate::from_ymd_opt(2024, 2, 28).expect("a date");
    for (i, topic) in TOPICS.into_iter().enumerate() {
        let date = first_2024 + Duration::weeks(i as i64);
        let materials = "- Le diaporama de la séance : https://example.fr/rendez-vous/diaporama.pdf\n- L'enregistrement : https://example.fr/rendez-vous/enregistrement";
        let id = store::insert_meeting(conn, y2024, &values(date, topic, materials)).await?;
        store::mark_sent(conn, id).await?;
        for person in [&referent, &staff].into_iter().flatten() {
            store::insert_registration(conn, id, person.id, Seat::Registered).await?;
        }
        if let Some(person) = &referent {
            let present: Vec<_> = if i % 2 == 0 { vec![person.id] } else { vec![] };
            store::set_attendance(conn, id, &present).await?;
        }
    }
    // The current edition: the six Wednesdays before its week, from today on.
    let mut date = week_start - Duration::days(1);
    while date.weekday() != Weekday::Wed {
        date -= Duration::days(1);
    }
    let mut dates: Vec<NaiveDate> = (0..6)
        .map(|i| date - Duration::weeks(i))
        .filter(|d| *d > today)
        .collect();
    dates.reverse();
    for (i, (date, topic)) in dates.into_iter().zip(TOPICS).enumerate() {
        let id = store::insert_meeting(conn, current, &values(date, topic, "")).await?;
        if i < 2
            && let Some(person) = &referent
        {
            store::insert_registration(conn, id, person.id, Seat::Registered).await?;
        }
    }
    Ok(())
}
