//! Near misses counted: mistakes that validation, the registry check or a
//! verification caught before a ticket was issued.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::NearMiss;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NearMissDimension {
    Unit,
    Vendor,
    Keyer,
    /// validation, registry or verification.
    CaughtBy,
    Field,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CountLine {
    pub key: String,
    pub count: i64,
}

/// Counts by `dim`, most first.
pub fn counts(misses: &[NearMiss], dim: NearMissDimension) -> Vec<CountLine> {
    let mut groups: BTreeMap<String, i64> = BTreeMap::new();
    for m in misses {
        let key = match dim {
            NearMissDimension::Unit => m.unit.to_string(),
            NearMissDimension::Vendor => m.vendor.map_or("police".into(), |v| v.to_string()),
            NearMissDimension::Keyer => m.user.map_or("rule".into(), |u| u.to_string()),
            NearMissDimension::CaughtBy => m.caught_by.clone(),
            NearMissDimension::Field => m.field.clone(),
        };
        *groups.entry(key).or_default() += 1;
    }
    let mut lines: Vec<CountLine> = groups
        .into_iter()
        .map(|(key, count)| CountLine { key, count })
        .collect();
    lines.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{UnitId, UserId, VendorId};

    #[test]
    fn most_first() {
        let m = |user: i64, by: &str| NearMiss {
            unit: UnitId(1),
            vendor: Some(VendorId(2)),
            user: Some(UserId(user)),
            caught_by: by.into(),
            field: "plate".into(),
        };
        let misses = [m(7, "registry"), m(8, "verification"), m(8, "verification")];
        assert_eq!(
            counts(&misses, NearMissDimension::Keyer),
            vec![
                CountLine {
                    key: "8".into(),
                    count: 2
                },
                CountLine {
                    key: "7".into(),
                    count: 1
                }
            ]
        );
        assert_eq!(
            counts(&misses, NearMissDimension::CaughtBy)[0].key,
            "verification"
        );
    }
}
