//! The review workflow of an action: its states, who may move it, and where.
//!
//! Pure rules, tested for every transition and every kind of person.

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionState {
    Draft,
    Submitted,
    ChangesRequested,
    Validated,
    Declined,
}

impl ActionState {
    pub const ALL: [ActionState; 5] = [
        ActionState::Draft,
        ActionState::Submitted,
        ActionState::ChangesRequested,
        ActionState::Validated,
        ActionState::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionState::Draft => "draft",
            ActionState::Submitted => "submitted",
            ActionState::ChangesRequested => "changes_requested",
            ActionState::Validated => "validated",
            ActionState::Declined => "declined",
        }
    }

    pub fn parse(code: &str) -> Option<ActionState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionState::Draft => "Brouillon",
            ActionState::Submitted => "Soumise",
            ActionState::ChangesRequested => "Modifications demandées",
            ActionState::Validated => "Validée",
            ActionState::Declined => "Non retenue",
        }
    }

    /// The DSFR badge modifier for the state.
    pub fn badge(self) -> &'static str {
        match self {
            ActionState::Draft => "fr-badge--info",
            ActionState::Submitted => "fr-badge--new",
            ActionState::ChangesRequested => "fr-badge--warning",
            ActionState::Validated => "fr-badge--success",
            ActionState::Declined => "fr-badge--error",
        }
    }
}

/// A move of the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transition {
    Submit,
    Validate,
    RequestChanges,
    Decline,
}

impl Transition {
    pub const ALL: [Transition; 4] = [
        Transition::Submit,
        Transition::Validate,
        Transition::RequestChanges,
        Transition::Decline,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Validate => "validate",
            Transition::RequestChanges => "request_changes",
            Transition::Decline => "decline",
        }
    }

    pub fn parse(code: &str) -> Option<Transition> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The verb, as in « on ne peut pas la valider ».
    fn verb(self) -> &'static str {
        match self {
            Transition::Submit => "soumettre",
            Transition::Validate => "valider",
            Transition::RequestChanges => "renvoyer pour modification",
            Transition::Decline => "refuser",
        }
    }
}

/// How the person asking relates to the action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relation {
    /// They declared it (whatever they hold now): they never decide on it
    /// (issue 7 item 13).
    pub author: bool,
    /// They declared it and may still declare at its place: the owner's
    /// rights come from current grants only (issue 7 item 12).
    pub owner: bool,
    /// They head its school.
    pub school_head: bool,
    /// They hold another role in its school (référent, staff).
    pub school_member: bool,
    /// They coordinate its district.
    pub district_coordinator: bool,
    /// They read its department's figures (DSDEN).
    pub department_viewer: bool,
    /// They coordinate its académie.
    pub academy_coordinator: bool,
    pub admin: bool,
}

impl Relation {
    /// Reviews actions at this place (district or académie coordination, admin).
    pub fn reviewer(self) -> bool {
        self.district_coordinator || self.academy_coordinator || self.admin
    }

    /// May decide on it (validate, send back, decline, flag): a reviewer
    /// who did not declare it. One's own action goes to another coordinator
    /// of the same scope or to the level above (issue 7 item 13).
    pub fn decides(self) -> bool {
        self.reviewer() && !self.author
    }

    /// May read the action in `state`. A draft is private to those who may
    /// edit it (its owner, its school's head): it shows in no one else's
    /// list, so no one else reads it by its address either (issue 7 item 16).
    pub fn can_view(self, state: ActionState) -> bool {
        let editors = self.owner || self.school_head;
        if state == ActionState::Draft {
            return editors;
        }
        editors || self.school_member || self.department_viewer || self.reviewer()
    }

    /// May change its content, in the states where content changes.
    pub fn can_edit(self, state: ActionState) -> bool {
        (self.owner || self.school_head)
            && matches!(state, ActionState::Draft | ActionState::ChangesRequested)
    }

    /// May mark a validated action for the district programme or the showcase.
    pub fn can_flag(self, state: ActionState) -> bool {
        self.decides() && state == ActionState::Validated
    }
}

/// Why a transition is refused (shown on the 403 page or the form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("Votre rôle ne vous permet pas de {0} cette action.")]
    NotAllowed(&'static str),
    #[error(
        "Vous avez déclaré cette action : vous ne pouvez pas la {0} vous-même. La décision revient \
         à une autre personne de la coordination de votre district ou à la coordination académique."
    )]
    OwnAction(&'static str),
    #[error("Cette action est « {0} » : on ne peut pas la {1}.")]
    WrongState(&'static str, &'static str),
    #[error("Expliquez ce qu'il faut modifier : le porteur de l'action recevra votre commentaire.")]
    CommentRequired,
    #[error("Indiquez la raison du refus : le porteur de l'action la recevra.")]
    ReasonRequired,
}

/// The state an action reaches by `transition`, if the person may make it.
/// Deadlines are checked separately (see `actions::deadline`).
pub fn apply(
    state: ActionState,
    transition: Transition,
    who: Relation,
    comment: &str,
) -> Result<ActionState, WorkflowError> {
    use ActionState::*;
    let allowed = match transition {
        Transition::Submit => who.owner || who.school_head,
        _ => who.reviewer(),
    };
    if !allowed {
        return Err(WorkflowError::NotAllowed(transition.verb()));
    }
    if transition != Transition::Submit && who.author {
        return Err(WorkflowError::OwnAction(transition.verb()));
    }
    let next = match (transition, state) {
        (Transition::Submit, Draft | ChangesRequested) => Submitted,
        (Transition::Validate, Submitted) => Validated,
        (Transition::RequestChanges, Submitted | Validated) => ChangesRequested,
        (Transition::Decline, Submitted | Validated) => Declined,
        _ => return Err(WorkflowError::WrongState(state.label(), transition.verb())),
    };
    match transition {
        Transition::RequestChanges if comment.trim().is_empty() => {
            Err(WorkflowError::CommentRequired)
        }
        Transition::Decline if comment.trim().is_empty() => Err(WorkflowError::ReasonRequired),
        _ => Ok(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActionState::*;

    /// One person of each kind.
    fn people() -> Vec<(&'static str, Relation)> {
        let r = Relation::default();
        vec![
            (
                "owner",
                Relation {
                    author: true,
                    owner: true,
                    school_member: true,
                    ..r
                },
            ),
            (
                // A district coordinator's own district action.
                "coordinator_owner",
                Relation {
                    author: true,
                    owner: true,
                    district_coordinator: true,
                    ..r
                },
            ),
            (
                // Declared it, then lost the role that let them.
                "former_owner",
                Relation { author: true, ..r },
            ),
            (
                "school_head",
                Relation {
                    school_head: true,
                    ..r
                },
            ),
            (
                "school_member",
                Relation {
                    school_member: true,
                    ..r
                },
            ),
            (
                "district_coordinator",
                Relation {
                    district_coordinator: true,
                    ..r
                },
            ),
            (
                "department_viewer",
                Relation {
                    department_viewer: true,
                    ..r
                },
            ),
            (
                "academy_coordinator",
                Relation {
                    academy_coordinator: true,
                    ..r
                },
            ),
            ("admin", Relation { admin: true, ..r }),
            ("stranger", r),
        ]
    }

    /// The expected outcome of every transition from every state for every person.
    fn expected(state: ActionState, transition: Transition, who: &str) -> Option<ActionState> {
        let submitter = matches!(who, "owner" | "school_head" | "coordinator_owner");
        let reviewer = matches!(
            who,
            "district_coordinator" | "academy_coordinator" | "admin"
        );
        match (transition, state) {
            (Transition::Submit, Draft | ChangesRequested) if submitter => Some(Submitted),
            (Transition::Validate, Submitted) if reviewer => Some(Validated),
            (Transition::RequestChanges, Submitted | Validated) if reviewer => {
                Some(ChangesRequested)
            }
            (Transition::Decline, Submitted | Validated) if reviewer => Some(Declined),
            _ => None,
        }
    }

    #[test]
    fn every_transition_for_every_role() {
        for state in ActionState::ALL {
            for transition in Transition::ALL {
                for (name, who) in people() {
                    let got = apply(state, transition, who, "un commentaire").ok();
                    assert_eq!(
                        got,
                        expected(state, transition, name),
                        "{state:?} {transition:?} by {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        let staff = Relation {
            school_member: true,
            ..Default::default()
        };
        assert_eq!(
            apply(Submitted, Transition::Validate, staff, ""),
            Err(WorkflowError::NotAllowed("valider"))
        );
        let coordinator = Relation {
            district_coordinator: true,
            ..Default::default()
        };
        assert_eq!(
            apply(Draft, Transition::Validate, coordinator, ""),
            Err(WorkflowError::WrongState("Brouillon", "valider"))
        );
        assert_eq!(
            apply(Submitted, Transition::RequestChanges, coordinator, "  "),
            Err(WorkflowError::CommentRequired)
        );
        assert_eq!(
            apply(Submitted, Transition::Decline, coordinator, ""),
            Err(WorkflowError::ReasonRequired)
        );
        let own = Relation {
            author: true,
            owner: true,
            ..coordinator
        };
        assert_eq!(
            apply(Submitted, Transition::Validate, own, ""),
            Err(WorkflowError::OwnAction("valider"))
        );
        assert!(
            WorkflowError::OwnAction("valider")
                .to_string()
                .contains("coordination académique")
        );
    }

    #[test]
    fn who_sees_edits_and_flags() {
        for (name, who) in people() {
            assert_eq!(
                who.can_view(Submitted),
                !matches!(name, "stranger" | "former_owner"),
                "{name} view"
            );
            assert_eq!(
                who.can_view(Draft),
                matches!(name, "owner" | "school_head" | "coordinator_owner"),
                "{name} view a draft"
            );
            assert_eq!(
                who.can_edit(Draft),
                matches!(name, "owner" | "school_head" | "coordinator_owner"),
                "{name} edit"
            );
            assert!(
                !who.can_edit(Submitted),
                "{name} cannot edit a submitted action"
            );
            assert_eq!(
                who.can_flag(Validated),
                matches!(
                    name,
                    "district_coordinator" | "academy_coordinator" | "admin"
                )
            );
            assert!(!who.can_flag(Submitted));
        }
    }
}
