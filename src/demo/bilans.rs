//! The demo's bilans: each past edition gets a questionnaire (two scales,
//! one free question) and, for most of its validated actions, a bilan —
//! mostly submitted, a few drafts, some actions not held or postponed —
//! so that the dashboards, their comparison with the previous editions and
//! the follow-up of missing bilans show something from the first sign-in.
//! Written in a few statements from the actions already stored; every
//! value follows from the action's id, so the story is the same at each
//! launch and on both engines.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::{
    db::{Conn, DbResult},
    domain::{bilan::BilanQuestionKind, edition::paris_to_utc, ids::EditionId},
    on_conn,
};

/// The questionnaire of every past edition of the demo.
const QUESTIONS: [(BilanQuestionKind, &str, bool); 3] = [
    (
        BilanQuestionKind::Scale,
        "Les élèves se sont-ils sentis acteurs de l'action ?",
        true,
    ),
    (
        BilanQuestionKind::Scale,
        "L'action a-t-elle renforcé le lien avec les familles ?",
        false,
    ),
    (
        BilanQuestionKind::Text,
        "Une parole d'élève à retenir",
        false,
    ),
];

const FEEDBACK: [&str; 5] = [
    "Les élèves ont pris la parole avec plus d'assurance que prévu ; plusieurs familles sont restées échanger après la présentation.",
    "Très bon accueil des collègues ; les anciens élèves invités ont marqué les plus jeunes par leur parcours.",
    "Les élèves de 3e ont apprécié d'être en position d'expert face aux plus jeunes.",
    "Moment convivial, beaucoup de questions sur l'orientation ; les partenaires souhaitent revenir.",
    "Participation inégale selon les classes, mais un vrai enthousiasme des élèves qui ont préparé l'exposition.",
];

const VIGILANCE: [&str; 4] = [
    "Prévoir la salle plus tôt : le CDI était trop petit pour accueillir les familles.",
    "Le créneau de fin de journée a limité la venue des parents qui travaillent.",
    "Anticiper les autorisations de droit à l'image pour les photos.",
    "",
];

const PERSPECTIVES: [&str; 4] = [
    "Reconduire l'action l'an prochain en l'ouvrant aux écoles du secteur.",
    "Associer davantage les délégués de classe à la préparation.",
    "Faire du forum un rendez-vous annuel du district.",
    "",
];

const WORDS: [&str; 3] = [
    "« Je ne savais pas que d'autres avaient eu les mêmes difficultés que moi. »",
    "« Maintenant je sais à qui demander de l'aide. »",
    "« C'était la première fois que je parlais devant des adultes. »",
];

/// Writes the questionnaire and the bilans of `edition`, whose week ended
/// on `week_end` (submissions dated ten days later). Returns the bilans written.
pub async fn write(
    conn: &mut Conn<'_>,
    edition: EditionId,
    week_end: chrono::NaiveDate,
) -> DbResult<u64> {
    let mut question_ids = Vec::new();
    for (kind, label, required) in QUESTIONS {
        question_ids
            .push(crate::bilans::store::add_question(conn, edition, kind, label, required).await?);
    }
    let submitted: DateTime<Utc> = paris_to_utc(
        week_end + Duration::days(10),
        NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
    );
    // One action in twelve has no bilan yet, one in nine a draft; among the
    // others, one in seventeen did not take place, one in eleven was postponed.
    let sql = "INSERT INTO bilans (action_id, edition_id, state, version, took_place, reason, pupils, \
               parents, staff, partners, others, feedback, vigilance, perspectives, submitted_at, \
               created_at, updated_at) \
               SELECT a.id, a.edition_id, \
               CASE WHEN a.id % 9 = 0 THEN 'draft' ELSE 'submitted' END, 2, \
               CASE WHEN a.id % 17 = 0 THEN 'no' WHEN a.id % 11 = 0 THEN 'postponed' ELSE 'yes' END, \
               CASE WHEN a.id % 17 = 0 THEN 'Intervenant absent, action annulée faute de remplaçant.' \
                    WHEN a.id % 11 = 0 THEN 'Reportée au mois de mai en raison d''un conseil de classe.' \
                    ELSE '' END, \
               CASE WHEN a.id % 17 = 0 OR a.id % 11 = 0 THEN NULL \
                    WHEN a.audiences LIKE '%eleves%' \
                    THEN COALESCE(a.expected_participants, 30) * (70 + a.id % 50) / 100 ELSE NULL END, \
               CASE WHEN a.id % 17 = 0 OR a.id % 11 = 0 THEN NULL \
                    WHEN a.audiences LIKE '%parents%' THEN 4 + a.id % 25 ELSE NULL END, \
               CASE WHEN a.id % 17 = 0 OR a.id % 11 = 0 THEN NULL ELSE 2 + a.id % 9 END, \
               CASE WHEN a.id % 17 = 0 OR a.id % 11 = 0 THEN NULL ELSE a.id % 4 END, \
               NULL, \
               CASE a.id % 5 WHEN 0 THEN $2 WHEN 1 THEN $3 WHEN 2 THEN $4 WHEN 3 THEN $5 ELSE $6 END, \
               CASE a.id % 4 WHEN 0 THEN $7 WHEN 1 THEN $8 WHEN 2 THEN $9 ELSE $10 END, \
               CASE a.id % 4 WHEN 0 THEN $11 WHEN 1 THEN $12 WHEN 2 THEN $13 ELSE $14 END, \
               CASE WHEN a.id % 9 = 0 THEN NULL ELSE $15 END, $15, $15 \
               FROM actions a WHERE a.edition_id = $1 AND a.state = 'validated' AND a.id % 12 <> 0";
    let written = on_conn!(conn, |c| {
        let mut q = sqlx::query(sql).bind(edition);
        for text in FEEDBACK.iter().chain(&VIGILANCE).chain(&PERSPECTIVES) {
            q = q.bind(*text);
        }
        q.bind(submitted)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    // The scales lean to the top; the free question is answered by one in three.
    let scale = "INSERT INTO bilan_answers (action_id, question_id, value) \
                 SELECT b.action_id, $2, CASE WHEN b.action_id % 10 = 0 THEN '2' \
                 WHEN b.action_id % 10 < 3 THEN '3' WHEN b.action_id % 10 < 7 THEN '4' ELSE '5' END \
                 FROM bilans b WHERE b.edition_id = $1 AND b.took_place = 'yes' AND b.action_id % $3 <> 1";
    for (question, skip) in [(question_ids[0], 1_000_000_i64), (question_ids[1], 3)] {
        on_conn!(conn, |c| sqlx::query(scale)
            .bind(edition)
            .bind(question)
            .bind(skip)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    let words = "INSERT INTO bilan_answers (action_id, question_id, value) \
                 SELECT b.action_id, $2, CASE b.action_id % 3 WHEN 0 THEN $3 WHEN 1 THEN $4 ELSE $5 END \
                 FROM bilans b WHERE b.edition_id = $1 AND b.took_place = 'yes' AND b.action_id % 3 = 0";
    on_conn!(conn, |c| sqlx::query(words)
        .bind(edition)
        .bind(question_ids[2])
        .bind(WORDS[0])
        .bind(WORDS[1])
        .bind(WORDS[2])
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(written)
}
