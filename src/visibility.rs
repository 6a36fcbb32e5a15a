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
}
