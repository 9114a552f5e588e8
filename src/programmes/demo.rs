//! The demo's district programmes: the home district's programme of 2024,
//! composed from its validated actions (those retained first), with an
//! introduction and two district events, published twice (the second
//! version moves an action and adds the closing forum); the current
//! edition's programme in preparation; the district's partners; each
//! Créteil department's DSDEN address.

use chrono::{NaiveDate, NaiveTime};

use super::store;
use crate::{
    db::Conn,
    domain::{
        ActionId, DistrictId, EditionId, UserId,
        edition::paris_to_utc,
        programme::{Content, EventInput, Grouping},
    },
};

const PARTNERS: [(&str, &str, &str); 3] = [
    (
        "Mission locale de Bobigny",
        "contact@mission-locale.demo.test",
        "mission locale",
    ),
    (
        "Association Reussir ensemble",
        "bonjour@reussir-ensemble.demo.test",
        "association",
    ),
    (
        "Ville — service jeunesse",
        "jeunesse@ville.demo.test",
        "collectivité",
    ),
];

/// Writes the home district's programmes, partners and the DSDEN addresses.
pub async fn seed(
    conn: &mut Conn<'_>,
    district: DistrictId,
    district_name: &str,
    past: (EditionId, String, NaiveDate),
    current: EditionId,
    coordinator: UserId,
    departments: &[(crate::domain::DepartmentId, &str)],
) -> anyhow::Result<()> {
    for (id, code) in departments {
        store::set_department_contact(conn, *id, &format!("ce.dsden{code}@demo.test")).await?;
    }
    for (name, email, kind) in PARTNERS {
        store::add_partner(conn, district, name, email, kind).await?;
    }
    let (edition, title, week_start) = past;
    let programme = store::ensure_programme(conn, edition, district).await?;
    let introduction = "Du collège au lycée, les établissements du district se mobilisent \
        pour la persévérance scolaire : ateliers, expositions, forums et témoignages. \
        Bonne semaine à toutes et à tous !";
    store::save_header(conn, programme.id, introduction, Grouping::Day.code()).await?;
    let candidates = store::programme_candidates(conn, edition, district).await?;
    let chosen: Vec<ActionId> = candidates.iter().take(10).map(|a| a.id).collect();
    store::set_items(conn, programme.id, &chosen).await?;
    let launch = EventInput {
        title: "Lancement de la semaine du district".into(),
        date: week_start,
        time: "09:00".into(),
        place: "Salle des fêtes de Bobigny".into(),
        description: "Ouverture par le comité de pilotage, en présence des chefs d’établissement \
                      et des partenaires."
            .into(),
    };
    store::add_event(conn, programme.id, &launch).await?;
    let content = |items: &[ActionId], events: Vec<crate::domain::programme::Event>| Content {
        district: district_name.to_string(),
        edition: title.clone(),
        introduction: introduction.into(),
        grouping: Grouping::Day,
        items: items
            .iter()
            .filter_map(|id| candidates.iter().find(|a| a.id == *id))
            .map(super::compose::item_of)
            .collect(),
        events,
    };
    let launch_event = crate::domain::programme::Event {
        id: 1,
        title: launch.title.clone(),
        date: launch.date,
        time: launch.time.clone(),
        place: launch.place.clone(),
        description: launch.description.clone(),
    };
    let at = |day: i64| paris_to_utc(week_start - chrono::Duration::days(day), NaiveTime::MIN);
    let first = content(
        &chosen[..chosen.len().saturating_sub(1)],
        vec![launch_event.clone()],
    );
    store::publish_at(
        conn,
        programme.id,
        &serde_json::to_string(&first)?,
        coordinator,
        at(14),
    )
    .await?;
    // The second version: the last action joins, the closing forum is added.
    let forum = EventInput {
        title: "Forum de clôture : ce que nous avons appris".into(),
        date: week_start + chrono::Duration::days(3),
        time: "17:00".into(),
        place: "Lycée du district, amphithéâtre".into(),
        description: "Restitution des actions par les élèves.".into(),
    };
    let forum_id = store::add_event(conn, programme.id, &forum).await?;
    let mut events = vec![launch_event];
    events.push(crate::domain::programme::Event {
        id: forum_id.0,
        title: forum.title,
        date: forum.date,
        time: forum.time,
        place: forum.place,
        description: forum.description,
    });
    let second = content(&chosen, events);
    store::publish_at(
        conn,
        programme.id,
        &serde_json::to_string(&second)?,
        coordinator,
        at(7),
    )
    .await?;
    // The current edition: a programme in preparation.
    let draft = store::ensure_programme(conn, current, district).await?;
    store::save_header(
        conn,
        draft.id,
        "Programme en préparation : les actions validées rejoindront la liste.",
        Grouping::School.code(),
    )
    .await?;
    Ok(())
}
