//! Cases nobody can take: waiting for a step that no active account both
//! may do and is free to do (separation of duties). Such a case would wait
//! silently in its queue until its Article 90 period ran out, so it is
//! named, with the reason, on the queue pages and in the accounting.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::duties::may_do;
use super::status::{CaseStatus, Step};
use crate::db::schema::{case_entries, case_events, cases, units, users};
use crate::db::{DbConn, LiteralLimitDsl, now};
use crate::domain::{Actor, CaseId, Role, UserId, VendorId};

/// Why a case cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// No active account of the right role (and vendor, and unit) exists.
    NoAccount,
    /// Every account that may do the step already did another step of the
    /// case, and nobody does two.
    AllDidAnotherStep,
}

impl BlockReason {
    pub fn words(self, step: Step) -> String {
        match self {
            BlockReason::NoAccount => format!(
                "no active account may do the {} of this case: create or enable one",
                step.as_str()
            ),
            BlockReason::AllDidAnotherStep => format!(
                "everyone who may do the {} of this case already did another step of it: \
                 another account of that role is needed",
                step.as_str()
            ),
        }
    }
}

/// A case that waits for a step nobody can take.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlockedCase {
    pub case_id: CaseId,
    pub step: Step,
    pub reason: BlockReason,
    /// The reason in words, with what would unblock it.
    pub detail: String,
}

/// An active account as the workflow sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    pub role: Role,
    pub vendor: Option<VendorId>,
    pub unit_path: String,
}

/// A case waiting for `step`, and who did which step of it.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub id: CaseId,
    pub step: Step,
    pub vendor: Option<VendorId>,
    pub unit_path: String,
    pub done: Vec<(UserId, Step)>,
}

/// Why `case` cannot be taken by any of `accounts`, if it cannot.
pub fn block_reason(case: &Waiting, accounts: &[&Account]) -> Option<BlockReason> {
    let mut eligible = accounts.iter().filter(|a| {
        let actor = Actor {
            user_id: Some(a.id),
            role: a.role,
            unit_id: None,
            unit_path: Some(a.unit_path.clone()),
            vendor_id: a.vendor,
            device: None,
        };
        may_do(&actor, case.step, case.vendor)
            && (a.role.is_vendor() || actor.reaches(&case.unit_path))
    });
    let mut any = false;
    let free = eligible.any(|a| {
        any = true;
        !case
            .done
            .iter()
            .any(|(who, step)| *who == a.id && *step != case.step)
    });
    match (any, free) {
        (_, true) => None,
        (false, _) => Some(BlockReason::NoAccount),
        (true, false) => Some(BlockReason::AllDidAnotherStep),
    }
}

/// The prefixes of a unit path, itself included: "/1/4/9/" gives "/1/",
/// "/1/4/" and "/1/4/9/".
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|(i, c)| *c == '/' && *i > 0)
        .map(move |(i, _)| &path[..=i])
}

/// How many waiting cases are examined at most: more than any city has
/// unclaimed at once; the rest are found when those are settled.
const EXAMINED: i64 = 5_000;

/// The cases within reach (`within_path`, or one vendor's) that wait for
/// `only` (every step when `None`) and that nobody can take, oldest first.
pub fn blocked_cases(
    conn: &mut DbConn,
    within_path: Option<&str>,
    vendor: Option<VendorId>,
    only: Option<Step>,
) -> QueryResult<Vec<BlockedCase>> {
    let steps: Vec<Step> = only.map_or_else(|| Step::ALL.to_vec(), |s| vec![s]);
    let statuses: Vec<CaseStatus> = steps.iter().map(|s| s.works_on()).collect();
    let at = now();
    let mut q = cases::table
        .inner_join(units::table)
        .filter(cases::status.eq_any(&statuses))
        .filter(
            cases::claimed_by
                .is_null()
                .or(cases::claim_expires_at.le(at)),
        )
        .select((cases::id, cases::status, cases::vendor_id, units::path))
        .order(cases::id.asc())
        .into_boxed();
    if let Some(path) = within_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(v) = vendor {
        q = q.filter(cases::vendor_id.eq(v));
    }
    let rows: Vec<(CaseId, CaseStatus, Option<VendorId>, String)> =
        q.literal_limit(EXAMINED).load(conn)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut done: HashMap<CaseId, Vec<(UserId, Step)>> = HashMap::new();
    for chunk in rows.chunks(500) {
        let ids: Vec<CaseId> = chunk.iter().map(|r| r.0).collect();
        let entries: Vec<(CaseId, UserId, Step)> = case_entries::table
            .filter(case_entries::case_id.eq_any(&ids))
            .select((
                case_entries::case_id,
                case_entries::user_id,
                case_entries::step,
            ))
            .load(conn)?;
        let reviews: Vec<(CaseId, Option<UserId>)> = case_events::table
            .filter(case_events::case_id.eq_any(&ids))
            .filter(case_events::event.eq_any(["approved", "sent_back"]))
            .select((case_events::case_id, case_events::actor_id))
            .load(conn)?;
        for (case, user, step) in entries {
            done.entry(case).or_default().push((user, step));
        }
        for (case, user) in reviews {
            if let Some(user) = user {
                done.entry(case).or_default().push((user, Step::Review));
            }
        }
    }
    let accounts = active_accounts(conn)?;
    let mut by_unit: HashMap<&str, Vec<&Account>> = HashMap::new();
    let mut by_vendor: HashMap<VendorId, Vec<&Account>> = HashMap::new();
    for a in &accounts {
        match a.vendor {
            Some(v) if a.role.is_vendor() => by_vendor.entry(v).or_default().push(a),
            _ => by_unit.entry(a.unit_path.as_str()).or_default().push(a),
        }
    }
    let mut out = Vec::new();
    for (id, status, case_vendor, unit_path) in rows {
        let Some(step) = steps.iter().copied().find(|s| s.works_on() == status) else {
            continue;
        };
        // Police above the case's unit, and the case's vendor's staff: the
        // only accounts that could ever take it.
        let mut candidates: Vec<&Account> = prefixes(&unit_path)
            .filter_map(|p| by_unit.get(p))
            .flatten()
            .copied()
            .collect();
        if let Some(v) = case_vendor.and_then(|v| by_vendor.get(&v)) {
            candidates.extend(v.iter().copied());
        }
        let waiting = Waiting {
            id,
            step,
            vendor: case_vendor,
            unit_path,
            done: done.remove(&id).unwrap_or_default(),
        };
        if let Some(reason) = block_reason(&waiting, &candidates) {
            out.push(BlockedCase {
                case_id: id,
                step,
                reason,
                detail: reason.words(step),
            });
        }
    }
    Ok(out)
}

/// Accounts that can sign in: not disabled, in a unit not disabled.
fn active_accounts(conn: &mut DbConn) -> QueryResult<Vec<Account>> {
    let rows: Vec<(UserId, Role, Option<VendorId>, String)> = users::table
        .inner_join(units::table.on(units::id.eq(users::unit_id)))
        .filter(users::disabled_at.is_null())
        .filter(units::disabled_at.is_null())
        .select((users::id, users::role, users::vendor_id, units::path))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, role, vendor, unit_path)| Account {
            id,
            role,
            vendor,
            unit_path,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: i64, role: Role, vendor: Option<i64>, path: &str) -> Account {
        Account {
            id: UserId(id),
            role,
            vendor: vendor.map(VendorId),
            unit_path: path.into(),
        }
    }

    fn waiting(step: Step, vendor: Option<i64>, done: &[(i64, Step)]) -> Waiting {
        Waiting {
            id: CaseId(1),
            step,
            vendor: vendor.map(VendorId),
            unit_path: "/1/2/3/".into(),
            done: done.iter().map(|(u, s)| (UserId(*u), *s)).collect(),
        }
    }

    #[test]
    fn a_vendor_with_one_verifier_is_not_blocked_after_a_send_back() {
        let v = account(2, Role::VendorVerifier, Some(7), "/1/");
        let case = waiting(
            Step::Verification,
            Some(7),
            &[
                (1, Step::Keying),
                (2, Step::Verification),
                (9, Step::Review),
                (1, Step::Keying),
            ],
        );
        assert_eq!(block_reason(&case, &[&v]), None);
    }

    #[test]
    fn police_who_all_did_another_step_block_the_case() {
        let o1 = account(1, Role::Officer, None, "/1/2/3/");
        let o2 = account(2, Role::Officer, None, "/1/2/3/");
        let case = waiting(
            Step::Resolution,
            None,
            &[(1, Step::Keying), (2, Step::Verification)],
        );
        assert_eq!(
            block_reason(&case, &[&o1, &o2]),
            Some(BlockReason::AllDidAnotherStep)
        );
        let sup = account(3, Role::Supervisor, None, "/1/2/");
        assert_eq!(block_reason(&case, &[&o1, &o2, &sup]), None);
        // Police of another station never could.
        let elsewhere = account(4, Role::Supervisor, None, "/1/5/");
        assert_eq!(
            block_reason(&case, &[&o1, &o2, &elsewhere]),
            Some(BlockReason::AllDidAnotherStep)
        );
    }

    #[test]
    fn a_vendor_without_a_verifier_has_nobody() {
        let keyer = account(1, Role::VendorKeyer, Some(7), "/1/");
        let other_vendor = account(2, Role::VendorVerifier, Some(8), "/1/");
        let case = waiting(Step::Verification, Some(7), &[(1, Step::Keying)]);
        assert_eq!(
            block_reason(&case, &[&keyer, &other_vendor]),
            Some(BlockReason::NoAccount)
        );
        assert_eq!(block_reason(&case, &[]), Some(BlockReason::NoAccount));
    }

    #[test]
    fn prefixes_walk_down_the_tree() {
        assert_eq!(
            prefixes("/1/4/9/").collect::<Vec<_>>(),
            vec!["/1/", "/1/4/", "/1/4/9/"]
        );
    }
}
