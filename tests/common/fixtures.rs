//! Shared fixtures: builders for the objects tests need, with sensible
//! defaults, written through the real stores.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use perseverance::{
    db::Db,
    domain::ids::{AcademyId, EditionId, QuestionId},
    domain::{
        declaration::{Question, QuestionKind},
        edition::{EditionCalendar, EditionState, paris_date},
    },
    editions::store::{self as editions_store, EditionValues},
    map::store as map_store,
};

/// An edition to write: by default the demo académie's, year 2040, open,
/// the week 40 days from now and the deadline 20 days from now, no question.
pub struct EditionBuilder {
    pub academy_id: Option<AcademyId>,
    pub year: i64,
    pub state: EditionState,
    pub deadline: DateTime<Utc>,
    pub week_start: NaiveDate,
    pub questions: Vec<Question>,
}

impl EditionBuilder {
    pub fn new(year: i64) -> EditionBuilder {
        EditionBuilder {
            academy_id: None,
            year,
            state: EditionState::Open,
            deadline: Utc::now() + Duration::days(20),
            week_start: paris_date(Utc::now()) + Duration::days(40),
            questions: Vec::new(),
        }
    }

    pub fn academy(mut self, id: AcademyId) -> Self {
        self.academy_id = Some(id);
        self
    }

    pub fn state(mut self, state: EditionState) -> Self {
        self.state = state;
        self
    }

    /// The deadline, from now.
    pub fn deadline_in(mut self, delay: Duration) -> Self {
        self.deadline = Utc::now() + delay;
        self
    }

    /// Adds a required yes/no question.
    pub fn yes_no(mut self, label: &str) -> Self {
        self.questions.push(Question {
            id: QuestionId(0),
            kind: QuestionKind::YesNo,
            label: label.into(),
            help: String::new(),
            required: true,
            options: vec![],
        });
        self
    }

    /// Writes the edition and its questions; returns (edition id, question ids).
    pub async fn insert(self, db: &Db) -> (EditionId, Vec<QuestionId>) {
        let mut tx = db.begin().await.unwrap();
        let academy = match self.academy_id {
            Some(id) => id,
            None => {
                map_store::academy_by_slug(&mut tx.conn(), "creteil")
                    .await
                    .unwrap()
                    .expect("the demo académie")
                    .id
            }
        };
        let values = EditionValues {
            year: self.year,
            number: 10,
            theme: "La persévérance, un projet collectif".into(),
            calendar: EditionCalendar {
                week_start: self.week_start,
                week_end: self.week_start + Duration::days(4),
                declaration_deadline: self.deadline,
                bilan_deadline: self.week_start + Duration::days(60),
            },
            circular: "Note".into(),
            contact_email: "ce.saio@ac-creteil.fr".into(),
            reminder_days: "14 7 2".into(),
        };
        let id = editions_store::insert_edition(&mut tx.conn(), academy, &values, None)
            .await
            .unwrap();
        let mut questions = Vec::new();
        for question in &self.questions {
            questions.push(
                editions_store::add_question(&mut tx.conn(), id, question)
                    .await
                    .unwrap(),
            );
        }
        editions_store::set_edition_state(&mut tx.conn(), id, self.state)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (id, questions)
    }
}
