use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do. Police roles act within their unit's subtree;
/// vendor roles act only on their vendor's cases.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Patrol officer: checks in at boxes, writes tickets.
    Officer,
    /// Station, precinct or headquarters supervisor: plans, audits, manages officers.
    Supervisor,
    /// Administrator of units, users, boxes, catalog and keys within a subtree.
    Admin,
    /// Vendor staff keying camera cases and citizen reports into tickets.
    VendorKeyer,
    /// Vendor staff verifying keyed tickets blind.
    VendorVerifier,
    /// The vendor's third person: resolves differences between keying and
    /// verification against the evidence.
    VendorSupervisor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Officer,
        Role::Supervisor,
        Role::Admin,
        Role::VendorKeyer,
        Role::VendorVerifier,
        Role::VendorSupervisor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::VendorKeyer => "vendor_keyer",
            Role::VendorVerifier => "vendor_verifier",
            Role::VendorSupervisor => "vendor_supervisor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_vendor(self) -> bool {
        matches!(
            self,
            Role::VendorKeyer | Role::VendorVerifier | Role::VendorSupervisor
        )
    }

    pub fn is_police(self) -> bool {
        !self.is_vendor()
    }

    /// Which roles an account with this role may create or disable, within
    /// its own unit subtree. Nobody grants more than they hold.
    pub fn may_manage(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Supervisor => other == Role::Officer,
            _ => false,
        }
    }
}

/// Kind of a unit in the tree bureau (警察局) > precinct (分局) > station (派出所);
/// brigades (大隊) hang under the bureau.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Bureau,
    Precinct,
    Station,
    Brigade,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Bureau,
        UnitKind::Precinct,
        UnitKind::Station,
        UnitKind::Brigade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Bureau => "bureau",
            UnitKind::Precinct => "precinct",
            UnitKind::Station => "station",
            UnitKind::Brigade => "brigade",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a unit of this kind may sit directly under `parent`
    /// (`None`: at the top of the tree).
    pub fn fits_under(self, parent: Option<UnitKind>) -> bool {
        matches!(
            (self, parent),
            (UnitKind::Bureau, None)
                | (UnitKind::Precinct, Some(UnitKind::Bureau))
                | (UnitKind::Brigade, Some(UnitKind::Bureau))
                | (UnitKind::Station, Some(UnitKind::Precinct))
                | (UnitKind::Station, Some(UnitKind::Brigade))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        assert!(Role::Admin.may_manage(Role::Supervisor));
        assert!(Role::Supervisor.may_manage(Role::Officer));
        assert!(!Role::Supervisor.may_manage(Role::Admin));
        assert!(!Role::Supervisor.may_manage(Role::Supervisor));
        assert!(!Role::Officer.may_manage(Role::Officer));
    }

    #[test]
    fn unit_tree_shape() {
        assert!(UnitKind::Bureau.fits_under(None));
        assert!(UnitKind::Precinct.fits_under(Some(UnitKind::Bureau)));
        assert!(UnitKind::Station.fits_under(Some(UnitKind::Precinct)));
        assert!(!UnitKind::Station.fits_under(Some(UnitKind::Bureau)));
        assert!(!UnitKind::Bureau.fits_under(Some(UnitKind::Bureau)));
        assert!(!UnitKind::Precinct.fits_under(None));
    }
}

crate::text_enum!(Role);

crate::text_enum!(UnitKind);
