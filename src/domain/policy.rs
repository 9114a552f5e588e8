//! The access policy: who may see, declare, review, export, manage and grant,
//! and at which place. These rules live here and nowhere else: features ask
//! [`Rights`] and never re-derive them from roles.
//!
//! **In**: a person's *current* grants, each beside the placement of its
//! scope ([`Rights`], read from the `grant_placements` view at every request,
//! so a revoked grant stops counting at the next request), and the typed
//! place of what they ask about: a [`Placement`], a [`DeclarePlace`], an
//! action's [`ActionFacts`], an edition's académie and state.
//! **Out**: yes/no answers, refusals that say why, [`Reach`]es (the part of
//! an académie a person follows) and the person's [`Relation`] to an action.
//! Pure: no I/O.
//!
//! How features answer: an object the person may not [see](Ability::See)
//! answers 404 (its existence is not revealed); a deed their role does not
//! allow on an object they see answers 403 with the reason; a refusal about
//! a value typed in a form goes back to the form (422) next to the field.
//!
//! Where the rules come from:
//! - `DOMAIN.md` « Who is who »: the académie coordination (SAIO / DRAIO)
//!   opens each edition and receives every programme and bilan; the DSDEN
//!   receives district programmes and reads its department's figures; the
//!   district coordination (réseau FOQUALE) reviews its schools' actions and
//!   builds the district programme; any member of a school's staff may
//!   declare an action; the school head oversees the school's actions.
//! - The circulars in `seeds/` (Créteil and Normandie, 2022–2024): one
//!   fiche-action per action, filled in by the staff who carry it; the
//!   district steering committee « est informé de chaque action » and
//!   reviews them, then diffuses the programme to the schools, partners,
//!   DSDEN and rectorat.
//! - Issue 6 « Access » (one policy, typed places) and issue 7 items 10
//!   (links only where they lead), 11 (attaching checks both scopes),
//!   12 (current grants only), 13 (nobody decides on what they declared)
//!   and 16 (drafts and editions in preparation are private).

use super::ids::{AcademyId, DepartmentId, DistrictId, SchoolId, UserId};
use std::fmt;

use super::{
    Grant, Placement, Role, Scope,
    action::{ActionState, Relation},
    edition::EditionState,
    roles::GrantError,
};

/// What a person may do at a place. Each role carries some abilities
/// ([`role_may`]) at the scope it is granted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ability {
    /// Read a place's pages and what is published there. A role sees the
    /// places its scope covers, and the places it lies in: the staff of a
    /// school see their district's page (its coordinators and programme,
    /// issue 7 item 10) and their académie's.
    See,
    /// Declare an action (fiche-action) exactly at the grant's own place:
    /// school roles at their school, district coordinators at their district
    /// (a district action). Not the académie, the DSDEN or the admin.
    Declare,
    /// Decide on submitted actions placed there (validate, send back,
    /// decline, flag for the programme or the showcase): the district
    /// committee and the académie coordination.
    Review,
    /// Follow every submitted action placed there: review list, coverage
    /// dashboard, CSV export, school directory. Coordinations and the DSDEN.
    Export,
    /// Shape the place: editions, their questions and deadlines, districts
    /// and self-registration domains (académie); the schools of a district
    /// (district).
    Manage,
    /// Grant and revoke the roles beneath one's own ([`Role::manages`]).
    Grant,
}

impl Ability {
    pub const ALL: [Ability; 6] = [
        Ability::See,
        Ability::Declare,
        Ability::Review,
        Ability::Export,
        Ability::Manage,
        Ability::Grant,
    ];

    /// The French verb, for documents and messages.
    pub fn label(self) -> &'static str {
        match self {
            Ability::See => "consulter",
            Ability::Declare => "déclarer une action",
            Ability::Review => "examiner les actions",
            Ability::Export => "suivre et exporter les actions",
            Ability::Manage => "administrer",
            Ability::Grant => "attribuer des rôles",
        }
    }
}

/// Whether `role` carries `ability` (at the scope it is granted on).
///
/// From `DOMAIN.md` « Who is who »: the académie coordination opens and
/// shapes the edition, receives and reviews everything, but declares no
/// action itself; the DSDEN reads its department's actions and figures; the
/// district coordination reviews its district, shapes its list of schools,
/// appoints school roles and may declare a district action; the school head
/// declares, oversees and appoints the school's référents and staff; any
/// staff member (référent included) declares. The admin does everything but
/// declare.
pub fn role_may(role: Role, ability: Ability) -> bool {
    use Ability::*;
    match role {
        Role::Admin | Role::AcademyCoordinator => ability != Declare,
        Role::DepartmentViewer => matches!(ability, See | Export),
        Role::DistrictCoordinator => true,
        Role::SchoolHead => matches!(ability, See | Declare | Grant),
        Role::SchoolReferent | Role::Staff => matches!(ability, See | Declare),
    }
}

/// Where an action is declared: a school, or a district (a district
/// action). Parsed once from the form value (`school:ID`, `district:ID`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclarePlace {
    School(SchoolId),
    District(DistrictId),
}

impl DeclarePlace {
    /// The place a grant lets its holder declare at, if any.
    pub fn of_grant(grant: &Grant) -> Option<DeclarePlace> {
        if !role_may(grant.role, Ability::Declare) {
            return None;
        }
        match grant.scope {
            Scope::School(id) => Some(DeclarePlace::School(id)),
            Scope::District(id) => Some(DeclarePlace::District(id)),
            _ => None,
        }
    }

    /// The place of an object placed at `place`: its school, else its district.
    pub fn of_placement(place: &Placement) -> Option<DeclarePlace> {
        match (place.school, place.district) {
            (Some(id), _) => Some(DeclarePlace::School(id)),
            (None, Some(id)) => Some(DeclarePlace::District(id)),
            (None, None) => None,
        }
    }

    /// Reads the form value written by [`DeclarePlace::value`].
    pub fn parse(text: &str) -> Option<DeclarePlace> {
        match Scope::parse_value(text)? {
            Scope::School(id) => Some(DeclarePlace::School(id)),
            Scope::District(id) => Some(DeclarePlace::District(id)),
            _ => None,
        }
    }

    /// The form value: `school:ID` or `district:ID`.
    pub fn value(self) -> String {
        self.scope().value()
    }

    pub fn scope(self) -> Scope {
        match self {
            DeclarePlace::School(id) => Scope::School(id),
            DeclarePlace::District(id) => Scope::District(id),
        }
    }

    /// The school, for a school's action.
    pub fn school(self) -> Option<SchoolId> {
        match self {
            DeclarePlace::School(id) => Some(id),
            DeclarePlace::District(_) => None,
        }
    }

    /// The district, for a district action.
    pub fn district(self) -> Option<DistrictId> {
        match self {
            DeclarePlace::School(_) => None,
            DeclarePlace::District(id) => Some(id),
        }
    }
}

impl fmt::Display for DeclarePlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value())
    }
}

/// The part of one académie a person follows with an ability: the whole of
/// it, or some departments, districts and schools.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub whole: bool,
    pub departments: Vec<DepartmentId>,
    pub districts: Vec<DistrictId>,
    pub schools: Vec<SchoolId>,
}

impl Reach {
    /// Whether an object of the académie placed at `place` lies within the reach.
    pub fn covers(&self, place: &Placement) -> bool {
        self.whole
            || place
                .department
                .is_some_and(|d| self.departments.contains(&d))
            || place.district.is_some_and(|d| self.districts.contains(&d))
            || place.school.is_some_and(|s| self.schools.contains(&s))
    }

    fn is_empty(&self) -> bool {
        !self.whole
            && self.departments.is_empty()
            && self.districts.is_empty()
            && self.schools.is_empty()
    }
}

/// What the policy needs to know of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActionFacts {
    /// The user who declared it.
    pub author: UserId,
    /// Its school's placement, or its district's for a district action.
    pub place: Placement,
    pub state: ActionState,
}

/// Why a school cannot be attached to a district (shown to the person).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    /// 403: the person does not coordinate the target district.
    #[error("Seules les coordinations rattachent des établissements à un district.")]
    NotCoordinator,
    #[error("Cet établissement n'est pas dans le département du district.")]
    OtherDepartment,
    /// Issue 7 item 11: taking a school from another district needs a
    /// coordinator who covers both (académie level, or both districts).
    #[error(
        "Cet établissement est rattaché à un autre district : seule une coordination qui couvre \
         les deux districts (la coordination académique) peut l'en déplacer."
    )]
    HeldByAnotherDistrict,
}

/// A person's current grants, and every question asked of them.
#[derive(Clone, Debug, Default)]
pub struct Rights {
    user_id: UserId,
    held: Vec<(Grant, Placement)>,
}

impl Rights {
    /// `held`: each current grant beside the placement of its scope.
    pub fn new(user_id: UserId, held: Vec<(Grant, Placement)>) -> Rights {
        Rights { user_id, held }
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// Each grant with the placement of its scope.
    pub fn held(&self) -> &[(Grant, Placement)] {
        &self.held
    }

    /// The roles held, each once, in [`Role`] order.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self.held.iter().map(|(g, _)| g.role).collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// The scopes where the person holds `role`.
    pub fn scopes_of(&self, role: Role) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = self
            .held
            .iter()
            .filter(|(g, _)| g.role == role)
            .map(|(g, _)| g.scope)
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }

    pub fn is_admin(&self) -> bool {
        self.held.iter().any(|(g, _)| g.role == Role::Admin)
    }

    /// The académies where the person holds a role (not the platform).
    pub fn academies(&self) -> Vec<AcademyId> {
        let mut ids: Vec<AcademyId> = self
            .held
            .iter()
            .map(|(_, p)| p.academy)
            .filter(|a| a.0 > 0)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The one rule: whether a grant of a role carrying `ability` applies at
    /// `place`. [`Ability::See`] also looks upwards (a role sees the places
    /// it lies in); [`Ability::Declare`] applies only at the grant's own place.
    pub fn may(&self, ability: Ability, place: &Placement) -> bool {
        self.held.iter().any(|(grant, at)| {
            role_may(grant.role, ability)
                && match ability {
                    Ability::See => grant.scope.covers(place) || place.contains(at),
                    Ability::Declare => DeclarePlace::of_grant(grant)
                        .is_some_and(|own| Some(own) == DeclarePlace::of_placement(place)),
                    _ => grant.scope.covers(place),
                }
        })
    }

    /// Whether the person may look into the académie at all (else 404).
    pub fn sees_academy(&self, academy: AcademyId) -> bool {
        self.may(Ability::See, &Placement::academy(academy))
    }

    /// The académie coordination (or the admin): editions, questions,
    /// deadlines, districts, self-registration domains.
    pub fn manages_academy(&self, academy: AcademyId) -> bool {
        self.may(Ability::Manage, &Placement::academy(academy))
    }

    /// Whether the person may open an edition of `academy` whose stored
    /// state is `state`: an edition in preparation is seen only by those who
    /// prepare it (issue 7 item 16), the others by everyone in the académie.
    pub fn sees_edition(&self, academy: AcademyId, state: EditionState) -> bool {
        self.sees_academy(academy)
            && (state != EditionState::Draft || self.manages_academy(academy))
    }

    /// The « rendez-vous de la persévérance » (issue 10): whether the person
    /// may register for the sessions of the académie's editions. They are
    /// held for the référents, and open to anyone with a role placed in the
    /// académie (staff, heads, coordinations, DSDEN); not to the platform's
    /// admin, who holds no place there.
    pub fn may_register_meetings(&self, academy: AcademyId) -> bool {
        self.held
            .iter()
            .any(|(_, at)| at.academy == academy && academy.0 > 0)
    }

    /// Whether the person may read a resource of the kit of an edition of
    /// `academy` whose stored state is `state` (issue 10): a public resource
    /// of a published edition (not in preparation) is open to anyone, even
    /// without an account; a staff-only one to those who see the edition.
    pub fn reads_resource(&self, academy: AcademyId, state: EditionState, public: bool) -> bool {
        (public && state != EditionState::Draft) || self.sees_edition(academy, state)
    }

    /// Where the person may declare actions in `academy`, from their current
    /// grants (school roles at their school, district coordinators at their
    /// district).
    pub fn declare_places(&self, academy: AcademyId) -> Vec<DeclarePlace> {
        let mut places: Vec<DeclarePlace> = self
            .held
            .iter()
            .filter(|(_, at)| at.academy == academy)
            .filter_map(|(g, _)| DeclarePlace::of_grant(g))
            .collect();
        places.sort();
        places.dedup();
        places
    }

    /// The part of `academy` where the person holds `ability`; `None` if nowhere.
    pub fn reach(&self, ability: Ability, academy: AcademyId) -> Option<Reach> {
        let mut reach = Reach::default();
        for (grant, at) in &self.held {
            if !role_may(grant.role, ability) {
                continue;
            }
            match grant.scope {
                Scope::Platform => reach.whole = true,
                Scope::Academy(id) => reach.whole |= id == academy,
                Scope::Department(id) if at.academy == academy => reach.departments.push(id),
                Scope::District(id) if at.academy == academy => reach.districts.push(id),
                Scope::School(id) if at.academy == academy => reach.schools.push(id),
                _ => {}
            }
        }
        if reach.whole {
            return Some(Reach {
                whole: true,
                ..Reach::default()
            });
        }
        reach.departments.sort_unstable();
        reach.departments.dedup();
        reach.districts.sort_unstable();
        reach.districts.dedup();
        reach.schools.sort_unstable();
        reach.schools.dedup();
        (!reach.is_empty()).then_some(reach)
    }

    /// How the person relates to an action, from their current grants only:
    /// having declared it gives the owner's rights only while they may still
    /// declare at its place (issue 7 item 12).
    pub fn relation(&self, action: &ActionFacts) -> Relation {
        let place = &action.place;
        let holds = |role: Role| {
            self.held
                .iter()
                .any(|(g, _)| g.role == role && g.scope.covers(place))
        };
        let school_action = place.school.is_some();
        let author = action.author == self.user_id;
        Relation {
            author,
            owner: author && self.may(Ability::Declare, place),
            school_head: school_action && holds(Role::SchoolHead),
            school_member: school_action && (holds(Role::SchoolReferent) || holds(Role::Staff)),
            district_coordinator: holds(Role::DistrictCoordinator),
            department_viewer: holds(Role::DepartmentViewer),
            academy_coordinator: holds(Role::AcademyCoordinator),
            admin: self.is_admin(),
        }
    }

    /// Whether the person may attach the school placed at `school` to the
    /// district placed at `district`. Checks the target *and* the school's
    /// current district (issue 7 item 11): a district coordinator attaches
    /// a school of their department that belongs to no district, but only a
    /// coordinator covering both districts moves a school between districts.
    pub fn may_attach_school(
        &self,
        school: &Placement,
        district: &Placement,
    ) -> Result<(), AttachError> {
        if !self.may(Ability::Manage, district) {
            return Err(AttachError::NotCoordinator);
        }
        if school.academy != district.academy || school.department != district.department {
            return Err(AttachError::OtherDepartment);
        }
        match school.district {
            Some(current)
                if Some(current) != district.district
                    && !self.may(Ability::Manage, &school.without_school()) =>
            {
                Err(AttachError::HeldByAnotherDistrict)
            }
            _ => Ok(()),
        }
    }

    /// Whether the person manages anybody at all (the access page).
    pub fn manages_anyone(&self) -> bool {
        self.held
            .iter()
            .any(|(g, _)| role_may(g.role, Ability::Grant))
    }

    /// The roles this person could grant somewhere.
    pub fn grantable_roles(&self) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .held
            .iter()
            .flat_map(|(g, _)| g.role.manages())
            .copied()
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Whether the person may grant or revoke `grant`, whose scope sits at
    /// `place`: one of their roles manages that role, on a scope covering it.
    pub fn may_grant(&self, grant: &Grant, place: &Placement) -> Result<(), GrantError> {
        let allowed = self
            .held
            .iter()
            .any(|(mine, _)| mine.role.manages().contains(&grant.role) && mine.scope.covers(place));
        if allowed {
            Ok(())
        } else {
            Err(GrantError::NotAllowed)
        }
    }

    /// Whether a grant at `place` is within sight of the access page (else 404).
    pub fn sees_grants_at(&self, place: &Placement) -> bool {
        self.may(Ability::Grant, place)
    }

    /// Whether the access form should offer `scope` (placed at `place`):
    /// the person may grant some role of that scope's level there.
    pub fn offers_scope(&self, scope: Scope, place: &Placement) -> bool {
        Role::ALL.into_iter().any(|role| {
            role.scope_kind() == scope.kind()
                && self.may_grant(&Grant { role, scope }, place).is_ok()
        })
    }
}

/// What a person may do with an action's bilan (issue 11), from their
/// [`Relation`] to the action and its state.
///
/// From seeds/004 (« communiquer le bilan au comité de pilotage du réseau
/// FOQUALE et au rectorat ») and `DOMAIN.md` (the académie « receives every
/// bilan »): only a validated action has a bilan; those who may edit the
/// action (its owner, its school's head) write it; the district committee
/// and the académie read it and may send it back for completion (not on an
/// action they declared themselves, issue 7 item 13); the DSDEN and the
/// school's other members read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BilanRights {
    pub read: bool,
    pub write: bool,
    pub send_back: bool,
}

impl BilanRights {
    pub fn of(relation: Relation, state: ActionState) -> BilanRights {
        if state != ActionState::Validated {
            return BilanRights::default();
        }
        let write = relation.owner || relation.school_head;
        BilanRights {
            read: write || relation.can_view(state),
            write,
            send_back: relation.decides(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::ids::*;

    // Académie 1: department 10 with districts 100 (school 1000, 1001) and
    // 101 (school 1010); department 11 with district 110. Académie 2 apart.
    const ACADEMY: Placement = Placement::academy(AcademyId(1));
    const DEPARTMENT: Placement = Placement::department(AcademyId(1), DepartmentId(10));
    const DISTRICT_A: Placement =
        Placement::district(AcademyId(1), DepartmentId(10), DistrictId(100));
    const DISTRICT_B: Placement =
        Placement::district(AcademyId(1), DepartmentId(10), DistrictId(101));
    const SCHOOL_A: Placement = school(100, 1000);
    const SCHOOL_A2: Placement = school(100, 1001);
    const SCHOOL_B: Placement = school(101, 1010);
    const ORPHAN: Placement = Placement {
        academy: AcademyId(1),
        department: Some(DepartmentId(10)),
        district: None,
        school: Some(SchoolId(1099)),
    };
    const ELSEWHERE: Placement = Placement {
        academy: AcademyId(2),
        department: Some(DepartmentId(20)),
        district: Some(DistrictId(200)),
        school: Some(SchoolId(2000)),
    };

    const fn school(district: i64, id: i64) -> Placement {
        let (district, id) = (DistrictId(district), SchoolId(id));
        Placement {
            academy: AcademyId(1),
            department: Some(DepartmentId(10)),
            district: Some(district),
            school: Some(id),
        }
    }

    /// A person (user 7) holding `role` at the level of `place` the role fits.
    fn one(role: Role, place: Placement) -> Rights {
        use super::super::ScopeKind;
        let (academy, department, district) = (
            place.academy,
            place.department.unwrap_or_default(),
            place.district.unwrap_or_default(),
        );
        let (scope, at) = match role.scope_kind() {
            ScopeKind::Platform => (Scope::Platform, Placement::default()),
            ScopeKind::Academy => (Scope::Academy(academy), Placement::academy(academy)),
            ScopeKind::Department => (
                Scope::Department(department),
                Placement::department(academy, department),
            ),
            ScopeKind::District => (
                Scope::District(district),
                Placement::district(academy, department, district),
            ),
            ScopeKind::School => (place.of_scope(), place),
        };
        Rights::new(UserId(7), vec![(Grant::new(role, scope).unwrap(), at)])
    }

    fn staff_a() -> Rights {
        one(Role::Staff, SCHOOL_A)
    }

    #[test]
    fn grant_ability_matches_the_roles_that_manage_others() {
        for role in Role::ALL {
            assert_eq!(
                role_may(role, Ability::Grant),
                !role.manages().is_empty(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn scopes_see_beneath_them_and_the_places_they_lie_in() {
        let staff = staff_a();
        assert!(staff.may(Ability::See, &SCHOOL_A));
        assert!(staff.may(Ability::See, &DISTRICT_A), "their district");
        assert!(staff.may(Ability::See, &ACADEMY), "their académie");
        assert!(!staff.may(Ability::See, &SCHOOL_A2), "another school");
        assert!(!staff.may(Ability::See, &DISTRICT_B), "another district");
        let district = one(Role::DistrictCoordinator, DISTRICT_A);
        assert!(district.may(Ability::See, &SCHOOL_A2));
        assert!(!district.may(Ability::See, &SCHOOL_B));
        assert!(!district.may(Ability::See, &DISTRICT_B));
        let coordinator = one(Role::AcademyCoordinator, ACADEMY);
        assert!(coordinator.sees_academy(AcademyId(1)));
        assert!(!coordinator.sees_academy(AcademyId(2)));
        assert!(!coordinator.may(Ability::See, &ELSEWHERE));
        let admin = one(Role::Admin, Placement::default());
        assert!(admin.may(Ability::See, &ELSEWHERE));
        assert!(admin.sees_academy(AcademyId(2)));
    }

    #[test]
    fn declaring_happens_at_the_grant_own_place_only() {
        let staff = staff_a();
        assert!(staff.may(Ability::Declare, &SCHOOL_A));
        assert!(!staff.may(Ability::Declare, &DISTRICT_A));
        assert_eq!(
            staff.declare_places(AcademyId(1)),
            vec![DeclarePlace::School(SchoolId(1000))]
        );
        assert!(staff.declare_places(AcademyId(2)).is_empty());
        let district = one(Role::DistrictCoordinator, DISTRICT_A);
        assert!(district.may(Ability::Declare, &DISTRICT_A));
        assert!(
            !district.may(Ability::Declare, &SCHOOL_A),
            "not in a school's name"
        );
        assert_eq!(
            district.declare_places(AcademyId(1)),
            vec![DeclarePlace::District(DistrictId(100))]
        );
        for role in [
            Role::Admin,
            Role::AcademyCoordinator,
            Role::DepartmentViewer,
        ] {
            let rights = one(role, DEPARTMENT);
            assert!(rights.declare_places(AcademyId(1)).is_empty(), "{role:?}");
            assert!(!rights.may(Ability::Declare, &SCHOOL_A), "{role:?}");
        }
    }

    #[test]
    fn declare_places_parse_once_from_their_form_value() {
        assert_eq!(
            DeclarePlace::parse("school:12"),
            Some(DeclarePlace::School(SchoolId(12)))
        );
        assert_eq!(
            DeclarePlace::parse("district:3"),
            Some(DeclarePlace::District(DistrictId(3)))
        );
        for bad in [
            "",
            "academy:1",
            "school:",
            "school:x",
            "platform",
            "school:-2",
        ] {
            assert_eq!(DeclarePlace::parse(bad), None, "{bad}");
        }
        assert_eq!(DeclarePlace::School(SchoolId(12)).value(), "school:12");
        assert_eq!(
            DeclarePlace::of_placement(&DISTRICT_A),
            Some(DeclarePlace::District(DistrictId(100)))
        );
    }

    #[test]
    fn reaches_follow_the_roles_that_export() {
        assert_eq!(
            one(Role::AcademyCoordinator, ACADEMY).reach(Ability::Export, AcademyId(1)),
            Some(Reach {
                whole: true,
                ..Default::default()
            })
        );
        assert_eq!(
            one(Role::AcademyCoordinator, ACADEMY).reach(Ability::Export, AcademyId(2)),
            None
        );
        let dsden = one(Role::DepartmentViewer, DEPARTMENT);
        let reach = dsden.reach(Ability::Export, AcademyId(1)).unwrap();
        assert_eq!(reach.departments, vec![DepartmentId(10)]);
        assert!(reach.covers(&SCHOOL_B) && !reach.covers(&ELSEWHERE));
        assert_eq!(
            dsden.reach(Ability::Review, AcademyId(1)),
            None,
            "the DSDEN reads only"
        );
        let district = one(Role::DistrictCoordinator, DISTRICT_A);
        assert_eq!(
            district
                .reach(Ability::Review, AcademyId(1))
                .unwrap()
                .districts,
            vec![DistrictId(100)]
        );
        assert_eq!(staff_a().reach(Ability::Export, AcademyId(1)), None);
        assert!(
            one(Role::Admin, Placement::default())
                .reach(Ability::Review, AcademyId(2))
                .unwrap()
                .whole
        );
    }

    #[test]
    fn editions_in_preparation_are_for_those_who_prepare_them() {
        for state in EditionState::ALL {
            let open = state != EditionState::Draft;
            assert_eq!(
                staff_a().sees_edition(AcademyId(1), state),
                open,
                "{state:?}"
            );
            assert_eq!(
                one(Role::DistrictCoordinator, DISTRICT_A).sees_edition(AcademyId(1), state),
                open
            );
            assert_eq!(
                one(Role::DepartmentViewer, DEPARTMENT).sees_edition(AcademyId(1), state),
                open
            );
            assert!(one(Role::AcademyCoordinator, ACADEMY).sees_edition(AcademyId(1), state));
            assert!(one(Role::Admin, Placement::default()).sees_edition(AcademyId(1), state));
            assert!(!one(Role::AcademyCoordinator, ACADEMY).sees_edition(AcademyId(2), state));
        }
    }

    fn action(author: i64, place: Placement, state: ActionState) -> ActionFacts {
        ActionFacts {
            author: UserId(author),
            place,
            state,
        }
    }

    #[test]
    fn rights_come_from_current_grants_only() {
        let facts = action(7, SCHOOL_A, ActionState::Draft);
        let relation = staff_a().relation(&facts);
        assert!(relation.author && relation.owner);
        assert!(relation.can_view(ActionState::Draft));
        // The same person, their staff role revoked: still the author, no longer the owner.
        let revoked = Rights::new(UserId(7), Vec::new()).relation(&facts);
        assert!(revoked.author && !revoked.owner);
        assert!(!revoked.can_view(ActionState::Draft));
        assert!(!revoked.can_view(ActionState::Validated));
        assert!(!revoked.can_edit(ActionState::Draft));
        // Moved to another school: their old school's actions are no longer theirs.
        let moved = one(Role::Staff, SCHOOL_B).relation(&facts);
        assert!(!moved.owner && !moved.can_view(ActionState::Submitted));
    }

    #[test]
    fn nobody_decides_on_what_they_declared() {
        let coordinator = one(Role::DistrictCoordinator, DISTRICT_A);
        let own = coordinator.relation(&action(7, DISTRICT_A, ActionState::Submitted));
        assert!(own.owner && own.reviewer() && !own.decides());
        let colleague = Rights::new(
            UserId(8),
            vec![(
                Grant::new(Role::DistrictCoordinator, Scope::District(DistrictId(100))).unwrap(),
                DISTRICT_A,
            )],
        )
        .relation(&action(7, DISTRICT_A, ActionState::Submitted));
        assert!(colleague.decides(), "another coordinator of the same scope");
        let above = Rights::new(
            UserId(9),
            vec![(
                Grant::new(Role::AcademyCoordinator, Scope::Academy(AcademyId(1))).unwrap(),
                ACADEMY,
            )],
        )
        .relation(&action(7, DISTRICT_A, ActionState::Submitted));
        assert!(above.decides(), "the level above");
    }

    #[test]
    fn drafts_are_private_to_those_who_may_edit_them() {
        let draft = action(8, SCHOOL_A, ActionState::Draft);
        let submitted = action(8, SCHOOL_A, ActionState::Submitted);
        let head = one(Role::SchoolHead, SCHOOL_A);
        assert!(head.relation(&draft).can_view(ActionState::Draft));
        for rights in [
            one(Role::DistrictCoordinator, DISTRICT_A),
            one(Role::DepartmentViewer, DEPARTMENT),
            one(Role::AcademyCoordinator, ACADEMY),
            one(Role::Admin, Placement::default()),
            staff_a(),
        ] {
            assert!(!rights.relation(&draft).can_view(ActionState::Draft));
            assert!(rights.relation(&submitted).can_view(ActionState::Submitted));
        }
        assert!(
            !one(Role::DistrictCoordinator, DISTRICT_B)
                .relation(&submitted)
                .can_view(ActionState::Submitted)
        );
    }

    #[test]
    fn attaching_a_school_checks_where_it_is_now() {
        let district_a = one(Role::DistrictCoordinator, DISTRICT_A);
        assert_eq!(
            district_a.may_attach_school(&ORPHAN, &DISTRICT_A),
            Ok(()),
            "a school of no district"
        );
        assert_eq!(district_a.may_attach_school(&SCHOOL_A, &DISTRICT_A), Ok(()));
        assert_eq!(
            district_a.may_attach_school(&SCHOOL_B, &DISTRICT_A),
            Err(AttachError::HeldByAnotherDistrict)
        );
        assert_eq!(
            district_a.may_attach_school(&SCHOOL_A, &DISTRICT_B),
            Err(AttachError::NotCoordinator)
        );
        let other_department = Placement {
            department: Some(DepartmentId(11)),
            district: Some(DistrictId(110)),
            ..SCHOOL_B
        };
        assert_eq!(
            district_a.may_attach_school(&other_department, &DISTRICT_A),
            Err(AttachError::OtherDepartment)
        );
        let both = Rights::new(
            UserId(7),
            vec![
                (
                    Grant::new(Role::DistrictCoordinator, Scope::District(DistrictId(100)))
                        .unwrap(),
                    DISTRICT_A,
                ),
                (
                    Grant::new(Role::DistrictCoordinator, Scope::District(DistrictId(101)))
                        .unwrap(),
                    DISTRICT_B,
                ),
            ],
        );
        assert_eq!(both.may_attach_school(&SCHOOL_B, &DISTRICT_A), Ok(()));
        let academy = one(Role::AcademyCoordinator, ACADEMY);
        assert_eq!(academy.may_attach_school(&SCHOOL_B, &DISTRICT_A), Ok(()));
        assert_eq!(
            one(Role::DepartmentViewer, DEPARTMENT).may_attach_school(&ORPHAN, &DISTRICT_A),
            Err(AttachError::NotCoordinator)
        );
    }

    #[test]
    fn managers_grant_beneath_them_within_scope() {
        let head = one(Role::SchoolHead, SCHOOL_A);
        let staff_here = Grant::new(Role::Staff, Scope::School(SchoolId(1000))).unwrap();
        assert!(head.may_grant(&staff_here, &SCHOOL_A).is_ok());
        let head_here = Grant::new(Role::SchoolHead, Scope::School(SchoolId(1000))).unwrap();
        assert_eq!(
            head.may_grant(&head_here, &SCHOOL_A),
            Err(GrantError::NotAllowed)
        );
        let staff_elsewhere = Grant::new(Role::Staff, Scope::School(SchoolId(2000))).unwrap();
        assert!(head.may_grant(&staff_elsewhere, &ELSEWHERE).is_err());
        let district = one(Role::DistrictCoordinator, DISTRICT_A);
        assert!(district.may_grant(&head_here, &SCHOOL_A).is_ok());
        assert!(
            !district.offers_scope(Scope::District(DistrictId(100)), &DISTRICT_A),
            "no district-level role to grant"
        );
        assert!(staff_a().may_grant(&staff_here, &SCHOOL_A).is_err());
        assert!(!staff_a().manages_anyone());
        let coordinator = one(Role::AcademyCoordinator, ACADEMY);
        assert!(coordinator.offers_scope(Scope::Department(DepartmentId(10)), &DEPARTMENT));
        assert!(!coordinator.offers_scope(Scope::Platform, &Placement::default()));
    }

    #[test]
    fn only_admins_make_admins() {
        let admin_grant = Grant::new(Role::Admin, Scope::Platform).unwrap();
        let coordinator = one(Role::AcademyCoordinator, ACADEMY);
        assert!(
            coordinator
                .may_grant(&admin_grant, &Placement::default())
                .is_err()
        );
        let admin = one(Role::Admin, Placement::default());
        assert!(admin.may_grant(&admin_grant, &Placement::default()).is_ok());
        assert!(admin.offers_scope(Scope::Platform, &Placement::default()));
    }

    #[test]
    fn bilans_are_written_by_the_editors_of_a_validated_action_and_sent_back_by_reviewers() {
        let owner = Relation {
            author: true,
            owner: true,
            ..Relation::default()
        };
        let coordinator = Relation {
            district_coordinator: true,
            ..Relation::default()
        };
        let dsden = Relation {
            department_viewer: true,
            ..Relation::default()
        };
        let rights = BilanRights::of(owner, ActionState::Validated);
        assert!(rights.read && rights.write && !rights.send_back);
        assert_eq!(
            BilanRights::of(owner, ActionState::Submitted),
            BilanRights::default()
        );
        let rights = BilanRights::of(coordinator, ActionState::Validated);
        assert!(rights.read && !rights.write && rights.send_back);
        let own = Relation {
            author: true,
            ..coordinator
        };
        assert!(!BilanRights::of(own, ActionState::Validated).send_back);
        let rights = BilanRights::of(dsden, ActionState::Validated);
        assert!(rights.read && !rights.write && !rights.send_back);
        assert!(!BilanRights::of(Relation::default(), ActionState::Validated).read);
    }

    #[test]
    fn rendez_vous_are_for_the_academie_and_the_kit_follows_its_audience() {
        let academy = AcademyId(1);
        for role in [
            Role::Staff,
            Role::SchoolReferent,
            Role::SchoolHead,
            Role::DistrictCoordinator,
            Role::DepartmentViewer,
            Role::AcademyCoordinator,
        ] {
            assert!(
                one(role, SCHOOL_A).may_register_meetings(academy),
                "{role:?}"
            );
            assert!(
                !one(role, ELSEWHERE).may_register_meetings(academy),
                "{role:?}"
            );
        }
        // The platform's admin holds no place in the académie.
        assert!(!one(Role::Admin, ACADEMY).may_register_meetings(academy));
        let nobody = Rights::default();
        let staff = one(Role::Staff, SCHOOL_A);
        let other = one(Role::Staff, ELSEWHERE);
        let coordination = one(Role::AcademyCoordinator, ACADEMY);
        // Public resources of a published edition: anyone, even without an account.
        assert!(nobody.reads_resource(academy, EditionState::Open, true));
        assert!(other.reads_resource(academy, EditionState::Archived, true));
        // Staff-only: the académie's people.
        assert!(!nobody.reads_resource(academy, EditionState::Open, false));
        assert!(!other.reads_resource(academy, EditionState::Open, false));
        assert!(staff.reads_resource(academy, EditionState::Open, false));
        // An edition in preparation: its coordination only.
        assert!(!nobody.reads_resource(academy, EditionState::Draft, true));
        assert!(!staff.reads_resource(academy, EditionState::Draft, true));
        assert!(coordination.reads_resource(academy, EditionState::Draft, false));
    }
}
