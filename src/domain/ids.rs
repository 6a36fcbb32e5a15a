//! Id newtypes, so a unit id cannot be passed where a user id is wanted.

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, DieselNewType, ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Id of a unit (bureau, precinct, station, brigade).
    UnitId
);
id_type!(
    /// Id of a user account.
    UserId
);
id_type!(
    /// Id of an outside vendor.
    VendorId
);
id_type!(
    /// Id of a camera case or citizen report on its way to a ticket.
    CaseId
);
id_type!(
    /// Id of a patrol box (巡邏箱).
    BoxId
);
id_type!(
    /// Id of a check-in (巡簽).
    CheckinId
);
id_type!(
    /// Id of a patrol plan (勤務表).
    PlanId
);
id_type!(
    /// Id of one ticket version (a correction is a new version, with its own id).
    TicketId
);
