//! Roles, the scopes they are granted on, and who may do what where.
//!
//! A person holds any number of [`Grant`]s. Every object (a school, a
//! district…) has a [`Placement`]: the chain of scopes it lives in. A grant
//! covers an object when its scope is on that chain.

use std::fmt;

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
    Academy(i64),
    Department(i64),
    District(i64),
    School(i64),
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

    /// The id stored beside the kind (0 for the platform).
    pub fn id(self) -> i64 {
        match self {
            Scope::Platform => 0,
            Scope::Academy(id)
            | Scope::Department(id)
            | Scope::District(id)
            | Scope::School(id) => id,
        }
    }

    pub fn from_parts(kind: ScopeKind, id: i64) -> Scope {
        match kind {
            ScopeKind::Platform => Scope::Platform,
            ScopeKind::Academy => Scope::Academy(id),
            ScopeKind::Department => Scope::Department(id),
            ScopeKind::District => Scope::District(id),
            ScopeKind::School => Scope::School(id),
        }
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
    pub academy: i64,
    pub department: Option<i64>,
    pub district: Option<i64>,
    pub school: Option<i64>,
}

impl Placement {
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

/// Everything a signed-in person holds, with the questions asked of it.
#[derive(Clone, Debug, Default)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    pub fn is_admin(&self) -> bool {
        self.0.iter().any(|g| g.role == Role::Admin)
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.iter().any(|g| g.role == role)
    }

    /// Whether any grant of one of `roles` covers the place.
    pub fn any_covers(&self, roles: &[Role], place: &Placement) -> bool {
        self.0
            .iter()
            .any(|g| (g.role == Role::Admin || roles.contains(&g.role)) && g.scope.covers(place))
    }

    /// Whether the person may see the object at all (any role covering it).
    pub fn can_view(&self, place: &Placement) -> bool {
        self.any_covers(&Role::ALL, place)
    }

    /// Whether the person may grant or revoke `grant`, whose scope sits at `place`.
    pub fn may_manage(&self, grant: &Grant, place: &Placement) -> Result<(), GrantError> {
        let allowed = self
            .0
            .iter()
            .any(|mine| mine.role.manages().contains(&grant.role) && mine.scope.covers(place));
        if allowed {
            Ok(())
        } else {
            Err(GrantError::NotAllowed)
        }
    }

    /// Whether the person manages anybody at all.
    pub fn manages_anyone(&self) -> bool {
        self.0.iter().any(|g| !g.role.manages().is_empty())
    }

    /// The roles this person could grant somewhere.
    pub fn grantable_roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .0
            .iter()
            .flat_map(|g| g.role.manages())
            .copied()
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHOOL: Placement = Placement {
        academy: 1,
        department: Some(10),
        district: Some(100),
        school: Some(1000),
    };
    const OTHER_ACADEMY_SCHOOL: Placement = Placement {
        academy: 2,
        department: Some(20),
        district: Some(200),
        school: Some(2000),
    };

    fn grants(list: &[(Role, Scope)]) -> Grants {
        Grants(
            list.iter()
                .map(|&(role, scope)| Grant { role, scope })
                .collect(),
        )
    }

    #[test]
    fn scopes_cover_their_descendants_only() {
        assert!(Scope::Academy(1).covers(&SCHOOL));
        assert!(Scope::Department(10).covers(&SCHOOL));
        assert!(Scope::District(100).covers(&SCHOOL));
        assert!(Scope::School(1000).covers(&SCHOOL));
        assert!(!Scope::Academy(2).covers(&SCHOOL));
        assert!(!Scope::School(1001).covers(&SCHOOL));
        assert!(Scope::Platform.covers(&OTHER_ACADEMY_SCHOOL));
    }

    #[test]
    fn roles_fit_one_scope_level() {
        assert!(Grant::new(Role::Staff, Scope::School(1)).is_ok());
        assert_eq!(
            Grant::new(Role::Staff, Scope::District(1)),
            Err(GrantError::WrongScopeKind)
        );
        assert!(Grant::new(Role::Admin, Scope::Platform).is_ok());
    }

    #[test]
    fn another_academy_is_invisible() {
        let coordinator = grants(&[(Role::AcademyCoordinator, Scope::Academy(1))]);
        assert!(coordinator.can_view(&SCHOOL));
        assert!(!coordinator.can_view(&OTHER_ACADEMY_SCHOOL));
        assert!(grants(&[(Role::Admin, Scope::Platform)]).can_view(&OTHER_ACADEMY_SCHOOL));
    }

    #[test]
    fn managers_grant_beneath_them_within_scope() {
        let head = grants(&[(Role::SchoolHead, Scope::School(1000))]);
        let staff_here = Grant {
            role: Role::Staff,
            scope: Scope::School(1000),
        };
        assert!(head.may_manage(&staff_here, &SCHOOL).is_ok());
        let head_here = Grant {
            role: Role::SchoolHead,
            scope: Scope::School(1000),
        };
        assert_eq!(
            head.may_manage(&head_here, &SCHOOL),
            Err(GrantError::NotAllowed)
        );
        let staff_elsewhere = Grant {
            role: Role::Staff,
            scope: Scope::School(2000),
        };
        assert!(
            head.may_manage(&staff_elsewhere, &OTHER_ACADEMY_SCHOOL)
                .is_err()
        );

        let district = grants(&[(Role::DistrictCoordinator, Scope::District(100))]);
        assert!(district.may_manage(&head_here, &SCHOOL).is_ok());
        let staff = grants(&[(Role::Staff, Scope::School(1000))]);
        assert!(staff.may_manage(&staff_here, &SCHOOL).is_err());
        assert!(!staff.manages_anyone());
    }

    #[test]
    fn only_admins_make_admins() {
        let admin_grant = Grant {
            role: Role::Admin,
            scope: Scope::Platform,
        };
        let coordinator = grants(&[(Role::AcademyCoordinator, Scope::Academy(1))]);
        assert!(
            coordinator
                .may_manage(&admin_grant, &Placement::default())
                .is_err()
        );
        let admin = grants(&[(Role::Admin, Scope::Platform)]);
        assert!(
            admin
                .may_manage(&admin_grant, &Placement::default())
                .is_ok()
        );
    }
}
