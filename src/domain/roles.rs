//! Roles, the scopes they are granted on, and the places objects live at.
//!
//! A person holds any number of [`Grant`]s. Every object (a school, a
//! district…) has a [`Placement`]: the chain of scopes it lives in. A grant
//! covers an object when its scope is on that chain. Who may do what where
//! is decided from these in [`super::policy`].

use std::fmt;

use super::ids::{AcademyId, DepartmentId, DistrictId, SchoolId};

/// The roles of `DOMAIN.md`, plus the platform administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    AcademyCoordinator,
    DepartmentViewer,
    DistrictCoordinator,
    SchoolHead,
    SchoolReferent,
    Staff,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::AcademyCoordinator,
        Role::DepartmentViewer,
        Role::DistrictCoordinator,
        Role::SchoolHead,
        Role::SchoolReferent,
        Role::Staff,
    ];

    /// The code name, as stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::AcademyCoordinator => "academy_coordinator",
            Role::DepartmentViewer => "department_viewer",
            Role::DistrictCoordinator => "district_coordinator",
            Role::SchoolHead => "school_head",
            Role::SchoolReferent => "school_referent",
            Role::Staff => "staff",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrateur de la plateforme",
            Role::AcademyCoordinator => "Coordination académique (SAIO / DRAIO)",
            Role::DepartmentViewer => "DSDEN / IEN-IO",
            Role::DistrictCoordinator => "Coordination de district (réseau FOQUALE)",
            Role::SchoolHead => "Chef d'établissement",
            Role::SchoolReferent => "Référent décrochage scolaire",
            Role::Staff => "Personnel de l'établissement",
        }
    }

    /// The only kind of scope this role can be granted on.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Admin => ScopeKind::Platform,
            Role::AcademyCoordinator => ScopeKind::Academy,
            Role::DepartmentViewer => ScopeKind::Department,
            Role::DistrictCoordinator => ScopeKind::District,
            Role::SchoolHead | Role::SchoolReferent | Role::Staff => ScopeKind::School,
        }
    }

    /// Roles that manage others (grant and revoke roles beneath them).
    pub fn manages(self) -> &'static [Role] {
        match self {
            Role::Admin => &Role::ALL,
            Role::AcademyCoordinator => &[
                Role::AcademyCoordinator,
                Role::DepartmentViewer,
                Role::DistrictCoordinator,
                Role::SchoolHead,
                Role::SchoolReferent,
                Role::Staff,
            ],
            Role::DistrictCoordinator => &[Role::SchoolHead, Role::SchoolReferent, Role::Staff],
            Role::SchoolHead => &[Role::SchoolReferent, Role::Staff],
            Role::DepartmentViewer | Role::SchoolReferent | Role::Staff => &[],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The levels a role can be granted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKind {
    Platform,
    Academy,
    Department,
    District,
    School,
}

impl ScopeKind {
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Platform => "platform",
            ScopeKind::Academy => "academy",
            ScopeKind::Department => "department",
            ScopeKind::District => "district",
            ScopeKind::School => "school",
        }
    }

    pub fn parse(code: &str) -> Option<ScopeKind> {
        [
            ScopeKind::Platform,
            ScopeKind::Academy,
            ScopeKind::Department,
            ScopeKind::District,
            ScopeKind::School,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One scope: the platform, or one académie, department, district or school (by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Platform,
    Academy(AcademyId),
    Department(DepartmentId),
    District(DistrictId),
    School(SchoolId),
}

impl Scope {
    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::Platform => ScopeKind::Platform,
            Scope::Academy(_) => ScopeKind::Academy,
            Scope::Department(_) => ScopeKind::Department,
            Scope::District(_) => ScopeKind::District,
            Scope::School(_) => ScopeKind::School,
        }
    }

    /// The id stored beside the kind in `role_grants.scope_id` (0 for the
    /// platform): the one place a scope's typed id becomes a bare number.
    pub fn id(self) -> i64 {
        match self {
            Scope::Platform => 0,
            Scope::Academy(id) => id.0,
            Scope::Department(id) => id.0,
            Scope::District(id) => id.0,
            Scope::School(id) => id.0,
        }
    }

    /// The scope stored as (`scope_kind`, `scope_id`); the inverse of
    /// [`Scope::kind`] and [`Scope::id`].
    pub fn from_parts(kind: ScopeKind, id: i64) -> Scope {
        match kind {
            ScopeKind::Platform => Scope::Platform,
            ScopeKind::Academy => Scope::Academy(AcademyId(id)),
            ScopeKind::Department => Scope::Department(DepartmentId(id)),
            ScopeKind::District => Scope::District(DistrictId(id)),
            ScopeKind::School => Scope::School(SchoolId(id)),
        }
    }

    /// The form value naming this scope: `platform`, `academy:ID`,
    /// `department:ID`, `district:ID` or `school:ID` (see [`Scope::parse_value`]).
    pub fn value(self) -> String {
        match self {
            Scope::Platform => "platform".into(),
            other => format!("{}:{}", other.kind().code(), other.id()),
        }
    }

    /// Reads a form value written by [`Scope::value`]; anything else is `None`.
    /// This is the one place such values are parsed.
    pub fn parse_value(text: &str) -> Option<Scope> {
        let text = text.trim();
        if text == "platform" {
            return Some(Scope::Platform);
        }
        let (kind, id) = text.split_once(':')?;
        let kind = ScopeKind::parse(kind).filter(|k| *k != ScopeKind::Platform)?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        Some(Scope::from_parts(kind, id))
    }

    /// Whether an object placed at `place` lies within this scope.
    pub fn covers(self, place: &Placement) -> bool {
        match self {
            Scope::Platform => true,
            Scope::Academy(id) => place.academy == id,
            Scope::Department(id) => place.department == Some(id),
            Scope::District(id) => place.district == Some(id),
            Scope::School(id) => place.school == Some(id),
        }
    }
}

/// Where an object lives: its académie and, when it has them, its
/// department, district and school.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    pub academy: AcademyId,
    pub department: Option<DepartmentId>,
    pub district: Option<DistrictId>,
    pub school: Option<SchoolId>,
}

impl Placement {
    /// The placement of an académie itself.
    pub const fn academy(id: AcademyId) -> Placement {
        Placement {
            academy: id,
            department: None,
            district: None,
            school: None,
        }
    }

    /// The placement of a department itself.
    pub const fn department(academy: AcademyId, id: DepartmentId) -> Placement {
        Placement {
            academy,
            department: Some(id),
            district: None,
            school: None,
        }
    }

    /// The placement of a district itself.
    pub const fn district(
        academy: AcademyId,
        department: DepartmentId,
        id: DistrictId,
    ) -> Placement {
        Placement {
            academy,
            department: Some(department),
            district: Some(id),
            school: None,
        }
    }

    /// The same place, one level up when it is a school: the school's
    /// district (or department, for a school outside any district).
    pub fn without_school(&self) -> Placement {
        Placement {
            school: None,
            ..*self
        }
    }

    /// Whether `inner` lies within this place (a place contains itself).
    pub fn contains(&self, inner: &Placement) -> bool {
        self.of_scope().covers(inner)
    }

    /// The placement of a scope itself (needs the ids of the levels above it).
    pub fn of_scope(&self) -> Scope {
        if let Some(id) = self.school {
            Scope::School(id)
        } else if let Some(id) = self.district {
            Scope::District(id)
        } else if let Some(id) = self.department {
            Scope::Department(id)
        } else {
            Scope::Academy(self.academy)
        }
    }
}

/// A role held on a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
}

/// Why a role cannot be granted (shown to users).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("ce rôle ne s'attribue pas à ce niveau")]
    WrongScopeKind,
    #[error("vous n'avez pas le droit d'attribuer ce rôle à ce niveau")]
    NotAllowed,
}

impl Grant {
    /// Builds a grant, checking that the role fits the scope's level.
    pub fn new(role: Role, scope: Scope) -> Result<Grant, GrantError> {
        if role.scope_kind() == scope.kind() {
            Ok(Grant { role, scope })
        } else {
            Err(GrantError::WrongScopeKind)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::ids::*;

    const SCHOOL: Placement = Placement {
        academy: AcademyId(1),
        department: Some(DepartmentId(10)),
        district: Some(DistrictId(100)),
        school: Some(SchoolId(1000)),
    };
    const OTHER_ACADEMY_SCHOOL: Placement = Placement {
        academy: AcademyId(2),
        department: Some(DepartmentId(20)),
        district: Some(DistrictId(200)),
        school: Some(SchoolId(2000)),
    };

    #[test]
    fn scopes_cover_their_descendants_only() {
        assert!(Scope::Academy(AcademyId(1)).covers(&SCHOOL));
        assert!(Scope::Department(DepartmentId(10)).covers(&SCHOOL));
        assert!(Scope::District(DistrictId(100)).covers(&SCHOOL));
        assert!(Scope::School(SchoolId(1000)).covers(&SCHOOL));
        assert!(!Scope::Academy(AcademyId(2)).covers(&SCHOOL));
        assert!(!Scope::School(SchoolId(1001)).covers(&SCHOOL));
        assert!(Scope::Platform.covers(&OTHER_ACADEMY_SCHOOL));
    }

    #[test]
    fn roles_fit_one_scope_level() {
        assert!(Grant::new(Role::Staff, Scope::School(SchoolId(1))).is_ok());
        assert_eq!(
            Grant::new(Role::Staff, Scope::District(DistrictId(1))),
            Err(GrantError::WrongScopeKind)
        );
        assert!(Grant::new(Role::Admin, Scope::Platform).is_ok());
    }

    #[test]
    fn scope_values_round_trip_and_nothing_else_parses() {
        for scope in [
            Scope::Platform,
            Scope::Academy(AcademyId(1)),
            Scope::Department(DepartmentId(10)),
            Scope::District(DistrictId(100)),
            Scope::School(SchoolId(1000)),
        ] {
            assert_eq!(Scope::parse_value(&scope.value()), Some(scope));
        }
        for bad in [
            "",
            "academy",
            "academy:",
            "academy:x",
            "academy:-1",
            "platform:1",
            "ville:3",
            "school:0",
        ] {
            assert_eq!(Scope::parse_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn places_contain_what_lies_beneath_them() {
        let district = Placement::district(AcademyId(1), DepartmentId(10), DistrictId(100));
        assert!(district.contains(&SCHOOL));
        assert!(district.contains(&district));
        assert!(Placement::academy(AcademyId(1)).contains(&SCHOOL));
        assert!(Placement::department(AcademyId(1), DepartmentId(10)).contains(&district));
        assert!(!SCHOOL.contains(&district));
        assert!(
            !Placement::district(AcademyId(1), DepartmentId(10), DistrictId(101)).contains(&SCHOOL)
        );
        assert_eq!(SCHOOL.without_school(), district);
    }
}
