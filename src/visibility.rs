//! Who may see whose records: one decision for check-ins, tickets and,
//! next, cases. Officers see what they wrote; supervisors and
//! administrators see what belongs to the units they reach; nobody else
//! sees police records. A record out of reach answers 404 (not 403), so
//! ids cannot be probed across units.

use crate::domain::{Actor, Role, UserId};

/// Which records of a kind an actor may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Only records this user wrote.
    Own(UserId),
    /// Records of units within this materialised path; `None` is every unit.
    Units(Option<String>),
    /// None at all.
    Nothing,
}

impl Scope {
    /// The unit path to filter by, for `Units`.
    pub fn within_path(&self) -> Option<&str> {
        match self {
            Scope::Units(path) => path.as_deref(),
            _ => None,
        }
    }

    /// The author to filter by, for `Own`.
    pub fn author(&self) -> Option<UserId> {
        match self {
            Scope::Own(user) => Some(*user),
            _ => None,
        }
    }
}

/// What `actor` may list of police records (check-ins, tickets); refused
/// (403) for those who may list none, so a list can never mistake "no
/// scope" for "no filter".
pub fn police_list_scope(actor: &Actor) -> Result<Scope, crate::error::ApiError> {
    match police_records(actor) {
        Scope::Nothing => Err(crate::error::ApiError::Forbidden("role_not_allowed")),
        scope => Ok(scope),
    }
}

/// What `actor` may see of police records (check-ins, tickets).
pub fn police_records(actor: &Actor) -> Scope {
    match (actor.role, actor.user_id) {
        (Role::Officer, Some(user)) => Scope::Own(user),
        (Role::Supervisor | Role::Admin, _) => Scope::Units(actor.unit_path.clone()),
        _ => Scope::Nothing,
    }
}

/// Whether `actor` may read one police record written by `author` in the
/// unit with materialised path `unit_path`.
pub fn may_read(actor: &Actor, author: UserId, unit_path: &str) -> bool {
    match police_records(actor) {
        Scope::Own(user) => user == author,
        Scope::Units(_) => actor.reaches(unit_path),
        Scope::Nothing => false,
    }
}

/// Which cases (camera cases, citizen reports) an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// The cases of units within this path (`None`: every unit); police.
    Units(Option<String>),
    /// Only the cases assigned to this vendor; its staff.
    Vendor(crate::domain::VendorId),
    Nothing,
}

/// What `actor` may see of cases: police their units' cases, vendor staff
/// only their vendor's.
pub fn case_scope(actor: &Actor) -> CaseScope {
    match (actor.role, actor.vendor_id) {
        (Role::Officer | Role::Supervisor | Role::Admin, _) => {
            CaseScope::Units(actor.unit_path.clone())
        }
        (r, Some(v)) if r.is_vendor() => CaseScope::Vendor(v),
        _ => CaseScope::Nothing,
    }
}

/// Whether `actor` may read one case of `vendor` in the unit with
/// materialised path `unit_path`.
pub fn may_read_case(
    actor: &Actor,
    vendor: Option<crate::domain::VendorId>,
    unit_path: &str,
) -> bool {
    match case_scope(actor) {
        CaseScope::Units(_) => actor.reaches(unit_path),
        CaseScope::Vendor(v) => vendor == Some(v),
        CaseScope::Nothing => false,
    }
}

/// Whether `actor` may see the personal data of a case's people (the
/// reporter's contact, the registered owner's ID and address): police
/// only, never vendor screens.
pub fn sees_case_personal_data(actor: &Actor) -> bool {
    actor.role.is_police()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitId;

    fn actor(role: Role, user: i64, path: &str) -> Actor {
        Actor {
            user_id: Some(UserId(user)),
            role,
            unit_id: Some(UnitId(1)),
            unit_path: Some(path.into()),
            vendor_id: None,
            device: None,
        }
    }

    #[test]
    fn officers_their_own_supervisors_their_units_vendors_nothing() {
        let officer = actor(Role::Officer, 5, "/1/2/3/");
        assert!(may_read(&officer, UserId(5), "/1/2/3/"));
        assert!(!may_read(&officer, UserId(6), "/1/2/3/"));
        let sup = actor(Role::Supervisor, 9, "/1/2/");
        assert!(may_read(&sup, UserId(6), "/1/2/3/"));
        assert!(!may_read(&sup, UserId(6), "/1/4/"));
        let keyer = actor(Role::VendorKeyer, 11, "/1/");
        assert!(!may_read(&keyer, UserId(11), "/1/"));
        assert_eq!(police_records(&keyer), Scope::Nothing);
    }

    #[test]
    fn vendors_see_their_own_cases_and_no_personal_data() {
        use crate::domain::VendorId;
        let mut keyer = actor(Role::VendorKeyer, 11, "/1/");
        keyer.vendor_id = Some(VendorId(3));
        assert!(may_read_case(&keyer, Some(VendorId(3)), "/1/2/"));
        assert!(!may_read_case(&keyer, Some(VendorId(4)), "/1/2/"));
        assert!(!may_read_case(&keyer, None, "/1/2/"));
        assert!(!sees_case_personal_data(&keyer));
        let sup = actor(Role::Supervisor, 9, "/1/2/");
        assert!(may_read_case(&sup, Some(VendorId(3)), "/1/2/3/"));
        assert!(!may_read_case(&sup, Some(VendorId(3)), "/1/4/"));
        assert!(sees_case_personal_data(&sup));
        // A vendor account without a vendor sees nothing.
        let orphan = actor(Role::VendorVerifier, 12, "/1/");
        assert_eq!(case_scope(&orphan), CaseScope::Nothing);
    }
}
