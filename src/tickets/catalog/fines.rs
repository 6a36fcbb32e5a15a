//! What a version says a fine should be: the Act's range bounds it, the
//! 基準表 fixes the amount (one per class, or one per band of speed over
//! the limit). Plain functions over the catalog's data.

use super::{ArticleVersion, Fine, Schedule};
use crate::error::FieldErrors;

/// What is wrong with the speed given for a speeding provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeedProblem {
    /// The provision depends on the speed, and none was given.
    Required,
    /// The speed over the limit is not one this provision covers (e.g. 45
    /// km/h over under §40, which stops at 40 since 2023-06-30).
    Outside { from: i32, to: Option<i32> },
}

/// The km/h over the limit this version covers, if it is about speed:
/// its declared span, else the span of its bands.
pub fn speed_span(a: &ArticleVersion) -> Option<(i32, Option<i32>)> {
    if a.speed_over.is_some() {
        return a.speed_over;
    }
    let bands: Vec<_> = a
        .fines
        .values()
        .filter_map(|f| match &f.schedule {
            Some(Schedule::Bands { bands }) => Some(bands),
            _ => None,
        })
        .collect();
    let from = bands
        .iter()
        .filter_map(|b| b.first())
        .map(|b| b.over.0)
        .min()?;
    let to = bands
        .iter()
        .filter_map(|b| b.last())
        .map(|b| b.over.1)
        .try_fold(0, |acc, t| t.map(|t| acc.max(t)));
    Some((from, to))
}

/// Whether `over` km/h over the limit is within a span.
pub fn covers((from, to): (i32, Option<i32>), over: i32) -> bool {
    over >= from && to.is_none_or(|t| over <= t)
}

/// Checks the speed against what the version covers.
pub fn check_speed(a: &ArticleVersion, over: Option<i32>) -> Result<(), SpeedProblem> {
    let Some(span) = speed_span(a) else {
        return Ok(());
    };
    match over {
        None => Err(SpeedProblem::Required),
        Some(o) if !covers(span, o) => Err(SpeedProblem::Outside {
            from: span.0,
            to: span.1,
        }),
        Some(_) => Ok(()),
    }
}

/// The 基準表 amount for this class at this speed, when the table in force
/// was read; `None` when it was not, or the speed falls in no band.
pub fn scheduled(fine: &Fine, over: Option<i32>) -> Option<i32> {
    match fine.schedule.as_ref()? {
        Schedule::Amount(a) => Some(*a),
        Schedule::Bands { bands } => {
            let over = over?;
            bands
                .iter()
                .find(|b| covers(b.over, over))
                .map(|b| b.amount)
        }
    }
}

/// Whether an amount is within the Act's range.
pub fn within_range(fine: &Fine, amount: i32) -> bool {
    let [min, max] = fine.range;
    (min..=max).contains(&amount)
}

/// Checks one class's fine of a catalog file: a sound range, and 基準表
/// amounts (or bands, in order, without gap) inside it.
pub(super) fn check_fine(at: &str, fine: &Fine, errors: &mut FieldErrors) {
    let [min, max] = fine.range;
    if min <= 0 || min > max {
        errors.add(format!("{at}.range"), "range", "0 < min ≤ max");
    }
    let within = |amount: i32| (min..=max).contains(&amount);
    match &fine.schedule {
        None => {}
        Some(Schedule::Amount(a)) if !within(*a) => errors.add(
            format!("{at}.schedule"),
            "outside_range",
            "the 基準表 amount lies outside the Act's range",
        ),
        Some(Schedule::Amount(_)) => {}
        Some(Schedule::Bands { bands }) => {
            let mut next_from: Option<i32> = None;
            for (k, b) in bands.iter().enumerate() {
                let bf = format!("{at}.schedule.bands[{k}]");
                let (from, to) = b.over;
                if from < 1 || to.is_some_and(|t| t < from) {
                    errors.add(
                        format!("{bf}.over"),
                        "range",
                        "1 ≤ from ≤ to km/h over the limit",
                    );
                }
                if next_from.is_some_and(|n| n != from) {
                    errors.add(
                        format!("{bf}.over"),
                        "gap",
                        "bands follow each other without gap or overlap",
                    );
                }
                next_from = match to {
                    Some(t) => Some(t.saturating_add(1)),
                    None if k + 1 < bands.len() => {
                        errors.add(format!("{bf}.over"), "open", "only the last band is open");
                        None
                    }
                    None => None,
                };
                if !within(b.amount) {
                    errors.add(
                        format!("{bf}.amount"),
                        "outside_range",
                        "the 基準表 amount lies outside the Act's range",
                    );
                }
            }
            if bands.is_empty() {
                errors.add(
                    format!("{at}.schedule.bands"),
                    "required",
                    "at least one band",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;

    use super::*;
    use crate::tickets::catalog::{Band, Status, TicketKind};
    use crate::tickets::plate::VehicleClass;

    fn version(
        fines: BTreeMap<VehicleClass, Fine>,
        speed_over: Option<(i32, Option<i32>)>,
    ) -> ArticleVersion {
        ArticleVersion {
            code: "43-1-2".into(),
            article: "第43條第1項第2款".into(),
            description: "行車速度，超過規定之最高時速四十公里".into(),
            major: None,
            ticket_kinds: vec![TicketKind::OnTheSpot],
            repeat_group: None,
            speed_over,
            effective_from: NaiveDate::MIN,
            effective_to: None,
            amendment: "test".into(),
            status: Status::Unconfirmed,
            cites: vec![],
            note: None,
            fines,
            citizen_reporting: None,
        }
    }

    fn banded() -> Fine {
        Fine {
            range: [6000, 36000],
            schedule: Some(Schedule::Bands {
                bands: vec![
                    Band {
                        over: (41, Some(60)),
                        amount: 12000,
                    },
                    Band {
                        over: (61, Some(80)),
                        amount: 16000,
                    },
                    Band {
                        over: (81, None),
                        amount: 36000,
                    },
                ],
            }),
        }
    }

    #[test]
    fn bands_pick_the_amount_by_speed_over_the_limit_ends_included() {
        let f = banded();
        assert_eq!(scheduled(&f, Some(41)), Some(12000));
        assert_eq!(scheduled(&f, Some(60)), Some(12000));
        assert_eq!(scheduled(&f, Some(61)), Some(16000));
        assert_eq!(scheduled(&f, Some(200)), Some(36000));
        assert_eq!(scheduled(&f, Some(40)), None);
        assert_eq!(scheduled(&f, None), None);
        let one = Fine {
            range: [1800, 5400],
            schedule: Some(Schedule::Amount(2700)),
        };
        assert_eq!(scheduled(&one, None), Some(2700));
        let unread = Fine {
            range: [1800, 5400],
            schedule: None,
        };
        assert_eq!(scheduled(&unread, Some(50)), None);
    }

    #[test]
    fn a_speeding_provision_needs_the_speed_and_covers_only_its_span() {
        let mut fines = BTreeMap::new();
        fines.insert(VehicleClass::Car, banded());
        let from_bands = version(fines.clone(), None);
        assert_eq!(speed_span(&from_bands), Some((41, None)));
        assert_eq!(check_speed(&from_bands, None), Err(SpeedProblem::Required));
        assert_eq!(
            check_speed(&from_bands, Some(30)),
            Err(SpeedProblem::Outside { from: 41, to: None })
        );
        assert_eq!(check_speed(&from_bands, Some(41)), Ok(()));
        // A declared span wins, even where no table was read.
        let mut unread = BTreeMap::new();
        unread.insert(
            VehicleClass::Car,
            Fine {
                range: [1200, 2400],
                schedule: None,
            },
        );
        let s40 = version(unread, Some((1, Some(40))));
        assert_eq!(check_speed(&s40, Some(40)), Ok(()));
        assert_eq!(
            check_speed(&s40, Some(41)),
            Err(SpeedProblem::Outside {
                from: 1,
                to: Some(40)
            })
        );
        // Not about speed: nothing asked.
        let mut plain = BTreeMap::new();
        plain.insert(
            VehicleClass::Car,
            Fine {
                range: [1800, 5400],
                schedule: Some(Schedule::Amount(2700)),
            },
        );
        assert_eq!(check_speed(&version(plain, None), None), Ok(()));
    }
}
