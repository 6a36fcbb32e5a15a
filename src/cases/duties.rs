//! Who may do which step of a case, as plain functions: vendor staff work
//! their own vendor's cases, each role its own step; police key the cases
//! no vendor holds (beyond a contract's cap, nothing stalls); only police
//! review; and nobody does two steps of the same case.

use super::status::Step;
use crate::domain::{Actor, Role, UserId, VendorId};

/// Whether `role` does `step` of any case at all: the queues a role is
/// offered. The same as [`may_do`] for some case (a vendor's, or one the
/// police key).
pub fn role_does(role: Role, step: Step) -> bool {
    match role {
        Role::VendorKeyer => step == Step::Keying,
        Role::VendorVerifier => step == Step::Verification,
        Role::VendorSupervisor => step == Step::Resolution,
        Role::Supervisor | Role::Admin => true,
        Role::Officer => step != Step::Review,
    }
}

/// Whether `role` may look at the queue of `step`: the steps it does, and
/// for a vendor supervisor every step of the vendor's cases it answers
/// for (a case its verifiers cannot take is named there).
pub fn role_sees_queue(role: Role, step: Step) -> bool {
    role_does(role, step) || (role == Role::VendorSupervisor && step != Step::Review)
}

/// Whether `actor`'s role does `step` on a case held by `case_vendor`
/// (`None`: keyed by the police). Unit reach is checked apart.
pub fn may_do(actor: &Actor, step: Step, case_vendor: Option<VendorId>) -> bool {
    match (actor.role, case_vendor) {
        (Role::VendorKeyer, Some(v)) => step == Step::Keying && actor.vendor_id == Some(v),
        (Role::VendorVerifier, Some(v)) => step == Step::Verification && actor.vendor_id == Some(v),
        (Role::VendorSupervisor, Some(v)) => step == Step::Resolution && actor.vendor_id == Some(v),
        (Role::Supervisor | Role::Admin, _) if step == Step::Review => true,
        (Role::Officer | Role::Supervisor | Role::Admin, None) => step != Step::Review,
        _ => false,
    }
}

/// Separation of duties: `actor` may not do a step of a case on which
/// `done_by` already did one.
pub fn is_fresh_pair_of_hands(actor: UserId, done_by: &[UserId]) -> bool {
    !done_by.contains(&actor)
}

/// Whether `actor` must not see the keying of a case awaiting its
/// verification: anyone who may verify it and has done no step of this
/// round (`done_by`: who made the entries since the latest keying) —
/// vendor verifier or police alike — until their own verification is in
/// (the verification is blind).
pub fn blind_to(
    actor: &Actor,
    awaiting_verification: bool,
    case_vendor: Option<VendorId>,
    done_by: &[UserId],
) -> bool {
    awaiting_verification
        && may_do(actor, Step::Verification, case_vendor)
        && actor
            .user_id
            .is_none_or(|me| is_fresh_pair_of_hands(me, done_by))
}

/// Whether an account may close a case without a ticket: police of the
/// unit, and the vendor supervisor for the vendor's cases.
pub fn may_close(actor: &Actor, case_vendor: Option<VendorId>) -> bool {
    match actor.role {
        Role::Supervisor | Role::Admin => true,
        Role::VendorSupervisor => case_vendor.is_some() && actor.vendor_id == case_vendor,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, vendor: Option<i64>) -> Actor {
        Actor {
            role,
            vendor_id: vendor.map(VendorId),
            user_id: Some(UserId(1)),
            ..Actor::system()
        }
    }

    #[test]
    fn a_role_is_offered_the_queues_of_the_steps_it_may_do() {
        let steps = [
            Step::Keying,
            Step::Verification,
            Step::Resolution,
            Step::Review,
        ];
        for role in Role::ALL {
            for step in steps {
                let vendor = role.is_vendor().then_some(7);
                let some_case = [None, Some(VendorId(7))]
                    .into_iter()
                    .any(|case| may_do(&actor(role, vendor), step, case));
                assert_eq!(role_does(role, step), some_case, "{role:?} {step:?}");
                assert!(!role_does(role, step) || role_sees_queue(role, step));
            }
        }
    }

    #[test]
    fn each_vendor_role_its_own_step_of_its_own_vendor() {
        let v = Some(VendorId(7));
        assert!(may_do(&actor(Role::VendorKeyer, Some(7)), Step::Keying, v));
        assert!(!may_do(
            &actor(Role::VendorKeyer, Some(7)),
            Step::Verification,
            v
        ));
        assert!(!may_do(&actor(Role::VendorKeyer, Some(8)), Step::Keying, v));
        assert!(may_do(
            &actor(Role::VendorVerifier, Some(7)),
            Step::Verification,
            v
        ));
        assert!(may_do(
            &actor(Role::VendorSupervisor, Some(7)),
            Step::Resolution,
            v
        ));
        assert!(!may_do(
            &actor(Role::VendorSupervisor, Some(7)),
            Step::Review,
            v
        ));
        // Vendor staff never touch a case the police key.
        assert!(!may_do(
            &actor(Role::VendorKeyer, Some(7)),
            Step::Keying,
            None
        ));
    }

    #[test]
    fn police_review_everything_and_key_what_no_vendor_holds() {
        let v = Some(VendorId(7));
        assert!(may_do(&actor(Role::Supervisor, None), Step::Review, v));
        assert!(!may_do(&actor(Role::Officer, None), Step::Review, v));
        assert!(!may_do(&actor(Role::Supervisor, None), Step::Keying, v));
        assert!(may_do(&actor(Role::Officer, None), Step::Keying, None));
        assert!(may_do(
            &actor(Role::Officer, None),
            Step::Verification,
            None
        ));
    }

    #[test]
    fn whoever_may_verify_sees_nothing_of_the_keying_until_done() {
        let v = Some(VendorId(7));
        let keyer = UserId(9);
        // A vendor's verifier, and the police of a case no vendor holds.
        assert!(blind_to(
            &actor(Role::VendorVerifier, Some(7)),
            true,
            v,
            &[keyer]
        ));
        assert!(blind_to(&actor(Role::Officer, None), true, None, &[keyer]));
        assert!(blind_to(
            &actor(Role::Supervisor, None),
            true,
            None,
            &[keyer]
        ));
        // The keyer sees their own keying; after verification nobody is blind.
        assert!(!blind_to(
            &actor(Role::Officer, None),
            true,
            None,
            &[UserId(1)]
        ));
        assert!(!blind_to(
            &actor(Role::VendorVerifier, Some(7)),
            false,
            v,
            &[keyer]
        ));
        // Those who cannot verify it are not blinded (the police reviewer of
        // a vendor's case, the vendor supervisor).
        assert!(!blind_to(&actor(Role::Supervisor, None), true, v, &[keyer]));
        assert!(!blind_to(
            &actor(Role::VendorSupervisor, Some(7)),
            true,
            v,
            &[keyer]
        ));
    }

    #[test]
    fn nobody_does_two_steps() {
        assert!(is_fresh_pair_of_hands(UserId(3), &[UserId(1), UserId(2)]));
        assert!(!is_fresh_pair_of_hands(UserId(2), &[UserId(1), UserId(2)]));
    }

    #[test]
    fn closing_is_for_police_and_the_vendor_supervisor() {
        let v = Some(VendorId(7));
        assert!(may_close(&actor(Role::Supervisor, None), v));
        assert!(may_close(&actor(Role::VendorSupervisor, Some(7)), v));
        assert!(!may_close(&actor(Role::VendorSupervisor, Some(8)), v));
        assert!(!may_close(&actor(Role::VendorKeyer, Some(7)), v));
        assert!(!may_close(&actor(Role::Officer, None), None));
    }
}
