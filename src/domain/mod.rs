//! The pure domain core: plain Rust types and rules, no I/O.
//!
//! Input from forms, files and the command line becomes one of these types at
//! the boundary (`Uai::parse`, `Email::parse`, `Role::parse`…), so the rest of
//! the code can trust it.

pub mod codes;
pub mod email;
pub mod formats;
pub mod id_token;
pub mod ids;
pub mod roles;
pub mod school;
pub mod uai;

pub use email::Email;
pub use ids::{
    AcademyId, ActionId, DepartmentId, DistrictId, EditionId, GrantId, MediaId, MeetingId,
    OptionId, QuestionId, ResourceId, SchoolId, StepId, TotemEntryId, UserId,
};
pub use roles::{Grant, Placement, Role, Scope, ScopeKind};
pub use school::{SchoolKind, Sector};
pub use uai::Uai;
pub mod action;
pub mod bilan;
pub mod checklist;
pub mod contest;
pub mod declaration;
pub mod edition;
pub mod media;
pub mod meeting;
pub mod policy;
pub mod programme;
pub mod resource;
pub mod video;

pub use policy::{Ability, ActionFacts, BilanRights, DeclarePlace, Rights};
