//! A vendor contract's caps as plain functions: the price per ticket (at
//! most NT$13 in the plan), yearly caps on tickets and money, warnings at
//! 80% and 95%, and no billing past a cap.

use serde::Serialize;
use utoipa::ToSchema;

/// The highest unit price the plan allows, NT$.
pub const MAX_UNIT_PRICE: i32 = 13;

/// Shares of a cap at which the department is warned.
pub const WARN_AT: [f64; 2] = [0.80, 0.95];

/// What a contract allows and what a year has used of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub unit_price: i32,
    pub ticket_cap: i64,
    pub amount_cap: i64,
    pub tickets: i64,
    pub amount: i64,
}

impl Usage {
    /// Whether one more ticket may be billed.
    pub fn may_bill_one(&self) -> bool {
        self.tickets < self.ticket_cap
            && self.amount + i64::from(self.unit_price) <= self.amount_cap
    }

    /// Whether `more` tickets (cases still being keyed) fit as well.
    pub fn has_room_for(&self, more: i64) -> bool {
        self.tickets + more < self.ticket_cap
            && self.amount + (more + 1) * i64::from(self.unit_price) <= self.amount_cap
    }

    pub fn tickets_left(&self) -> i64 {
        (self.ticket_cap - self.tickets).max(0)
    }

    pub fn amount_left(&self) -> i64 {
        (self.amount_cap - self.amount).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CapWarning {
    /// `tickets` or `amount`.
    pub cap: String,
    /// 0.8 or 0.95.
    pub reached: f64,
}

/// The warnings a year's usage has reached, highest per cap.
pub fn warnings(u: &Usage) -> Vec<CapWarning> {
    let mut out = Vec::new();
    for (cap, used, limit) in [
        ("tickets", u.tickets, u.ticket_cap),
        ("amount", u.amount, u.amount_cap),
    ] {
        if limit <= 0 {
            continue;
        }
        let share = used as f64 / limit as f64;
        if let Some(reached) = WARN_AT.iter().rev().find(|w| share >= **w) {
            out.push(CapWarning {
                cap: cap.into(),
                reached: *reached,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(tickets: i64, amount: i64) -> Usage {
        Usage {
            unit_price: 13,
            ticket_cap: 855_200,
            amount_cap: 12_000_000,
            tickets,
            amount,
        }
    }

    #[test]
    fn the_plans_caps() {
        // 855,200 tickets at NT$13 is NT$11,117,600: the ticket cap binds first.
        let u = usage(855_199, 855_199 * 13);
        assert!(u.may_bill_one());
        let full = usage(855_200, 855_200 * 13);
        assert!(!full.may_bill_one());
        assert_eq!(full.tickets_left(), 0);
        // The money cap binds when the price would carry past it.
        let money = Usage {
            amount: 11_999_990,
            tickets: 10,
            ..usage(0, 0)
        };
        assert!(!money.may_bill_one());
    }

    #[test]
    fn warned_at_eighty_and_ninety_five_per_cent() {
        assert!(warnings(&usage(684_159, 0)).is_empty());
        assert_eq!(
            warnings(&usage(684_160, 0)),
            vec![CapWarning {
                cap: "tickets".into(),
                reached: 0.8
            }]
        );
        assert_eq!(warnings(&usage(812_440, 0))[0].reached, 0.95);
        assert_eq!(warnings(&usage(0, 11_400_000))[0].cap, "amount");
    }

    #[test]
    fn room_counts_the_cases_in_flight() {
        let u = Usage {
            ticket_cap: 10,
            ..usage(8, 0)
        };
        assert!(u.has_room_for(0));
        assert!(u.has_room_for(1));
        assert!(!u.has_room_for(2));
    }
}
