//! Typed ids: the id of each table is its own type, so that an edition id
//! cannot be passed where a school id is expected. Each is an `i64` on the
//! wire, in the database (sqlx `transparent`, the only trace of storage here)
//! and in URLs.

/// Declares an id type over `i64`.
macro_rules! decl_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

decl_id!(
    /// `academies.id`
    AcademyId,
    /// `departments.id`
    DepartmentId,
    /// `districts.id`
    DistrictId,
    /// `schools.id`
    SchoolId,
    /// `users.id`
    UserId,
    /// `editions.id`
    EditionId,
    /// `actions.id`
    ActionId,
    /// `edition_questions.id`
    QuestionId,
    /// `question_options.id`
    OptionId,
    /// `role_grants.id`
    GrantId,
    /// `bilan_questions.id`
    BilanQuestionId,
    /// `meetings.id` (a rendez-vous de la persévérance)
    MeetingId,
    /// `resources.id` (a resource of an edition's kit)
    ResourceId,
    /// `checklist_steps.id` (a step of a school's checklist)
    StepId,
    /// `media.id` (a photo or a PDF poster sent through the media pipeline)
    MediaId,
    /// `totem_entries.id` (a school's totem entry of an edition)
    TotemEntryId,
    /// `programmes.id` (a district programme of an edition)
    ProgrammeId,
    /// `programme_events.id` (an event of the district in its programme)
    ProgrammeEventId,
    /// `partners.id` (a partner of a district, who receives its programme)
    PartnerId,
    /// `programme_diffusions.id` (one sending of a programme version)
    DiffusionId,
    /// `diffusion_recipients.id` (one address of a diffusion, and its status)
    RecipientId,
);
