//! Who is acting, as the services see it: role and reach in the unit tree.

use super::{Role, UnitId, UserId, VendorId};

#[derive(Debug, Clone)]
pub struct Actor {
    /// `None` for the command line run by an operator on the server.
    pub user_id: Option<UserId>,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    /// Materialised path of the actor's unit; `None` reaches every unit.
    pub unit_path: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub device: Option<String>,
}

impl Actor {
    /// The operator at the server's command line: an administrator of everything.
    pub fn system() -> Self {
        Actor {
            user_id: None,
            role: Role::Admin,
            unit_id: None,
            unit_path: None,
            vendor_id: None,
            device: Some("cli".into()),
        }
    }

    /// Whether the unit with this materialised path lies in the actor's subtree.
    pub fn reaches(&self, unit_path: &str) -> bool {
        match &self.unit_path {
            None => true,
            Some(own) => unit_path.starts_with(own.as_str()),
        }
    }

    /// Whether the actor reaches every unit (headquarters or the command line).
    pub fn reaches_all(&self) -> bool {
        match &self.unit_path {
            None => true,
            // A root unit's path has a single id: "/1/".
            Some(own) => own.matches('/').count() == 2,
        }
    }

    /// Whether the actor administers the whole city: an administrator at
    /// headquarters (or the command line). City-wide matters (vendors, the
    /// violation catalog, box-code keys, the audit log) are theirs alone.
    pub fn is_headquarters_admin(&self) -> bool {
        self.role == Role::Admin && self.reaches_all()
    }

    /// `Ok` for a headquarters administrator, else 403 `headquarters_admin_only`.
    pub fn ensure_headquarters_admin(&self) -> Result<(), crate::error::ApiError> {
        if self.is_headquarters_admin() {
            Ok(())
        } else {
            Err(crate::error::ApiError::Forbidden("headquarters_admin_only"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(path: &str) -> Actor {
        Actor {
            unit_path: Some(path.into()),
            ..Actor::system()
        }
    }

    #[test]
    fn reach_is_the_subtree() {
        let precinct = actor("/1/5/");
        assert!(precinct.reaches("/1/5/"));
        assert!(precinct.reaches("/1/5/23/"));
        assert!(!precinct.reaches("/1/6/"));
        assert!(!precinct.reaches("/1/"));
        // "/1/5/" must not reach "/1/55/".
        assert!(!precinct.reaches("/1/55/"));
        assert!(Actor::system().reaches("/9/"));
        assert!(actor("/1/").reaches_all());
        assert!(!precinct.reaches_all());
    }
}
