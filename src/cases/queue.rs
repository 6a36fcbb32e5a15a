//! Work queues: each person claims the next case of their step, nearest
//! deadline first, and holds it alone until they submit, release it or
//! the claim expires. On PostgreSQL concurrent claimers skip each other's
//! rows (`FOR UPDATE SKIP LOCKED`); on SQLite the single writer orders them.

use crate::db::LiteralLimitDsl;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::duties::may_do;
use super::status::{CaseStatus, CloseReason, Step};
use super::store;
use super::view::{CaseView, get_readable, view};
use crate::db::schema::{case_entries, case_events, cases, units};
use crate::db::{DbConn, now, write_txn};
use crate::domain::time::taiwan_date;
use crate::domain::{Actor, CaseId, UserId, VendorId};
use crate::error::{ApiError, ApiResult};

/// How long a claim holds a case for one person: long enough to key a
/// hard case, short enough that an abandoned one comes back the same hour.
pub const CLAIM_MINUTES: i64 = 15;

/// Free cases looked at per claim, more than there are people claiming at
/// once: each claimer then finds one no other is locking.
const CANDIDATES: i64 = 128;

/// Which cases an actor's queue for `step` draws from.
struct QueueScope {
    /// `Some(v)`: only vendor v's; `None` with `vendorless`: only cases
    /// no vendor holds; `None` without: any vendor's (review).
    vendor: Option<VendorId>,
    vendorless: bool,
    within_path: Option<String>,
}

fn queue_scope(actor: &Actor, step: Step) -> ApiResult<QueueScope> {
    let refused = ApiError::Forbidden("role_not_allowed");
    if actor.role.is_vendor() {
        let vendor = actor.vendor_id.ok_or(refused)?;
        if !may_do(actor, step, Some(vendor)) {
            return Err(ApiError::Forbidden("role_not_allowed"));
        }
        return Ok(QueueScope {
            vendor: Some(vendor),
            vendorless: false,
            within_path: None,
        });
    }
    let review = step == Step::Review;
    let allowed = if review {
        may_do(actor, step, Some(VendorId(0)))
    } else {
        may_do(actor, step, None)
    };
    if !allowed {
        return Err(refused);
    }
    Ok(QueueScope {
        vendor: None,
        vendorless: !review,
        within_path: actor.unit_path.clone(),
    })
}

/// No one holds the case at `at`: never claimed, released, or the claim expired.
type Free = diesel::dsl::Or<
    diesel::dsl::IsNull<cases::claimed_by>,
    diesel::dsl::LtEq<cases::claim_expires_at, NaiveDateTime>,
>;

fn free_at(at: NaiveDateTime) -> Free {
    cases::claimed_by
        .is_null()
        .or(cases::claim_expires_at.le(at))
}

/// Closes the cases of `status` whose Article 90 period has ended: they can
/// no longer be ticketed, and a queue must not hand them out.
fn close_expired(conn: &mut DbConn, status: CaseStatus, at: NaiveDateTime) -> ApiResult<()> {
    let today = taiwan_date(at);
    let expired: Vec<CaseId> = cases::table
        .filter(cases::status.eq(status))
        .filter(cases::deadline.lt(today))
        .select(cases::id)
        .literal_limit(500)
        .load(conn)?;
    for id in expired {
        store::set_closed(conn, id, CloseReason::OutOfTime, None, at)?;
        store::insert_event(
            conn,
            id,
            "closed",
            CaseStatus::Closed,
            None,
            Some(CloseReason::OutOfTime.as_str()),
            at,
        )?;
    }
    Ok(())
}

/// The case this person already holds for `step`, if any.
fn held(
    conn: &mut DbConn,
    me: UserId,
    status: CaseStatus,
    at: NaiveDateTime,
) -> ApiResult<Option<CaseId>> {
    Ok(cases::table
        .filter(cases::status.eq(status))
        .filter(cases::claimed_by.eq(me))
        .filter(cases::claim_expires_at.gt(at))
        .select(cases::id)
        .first_row(conn)
        .optional()?)
}

/// The first free case of the queue, nearest deadline first, on which this
/// person did no *other* step (nobody does two steps of a case). The same
/// step again is theirs to do: after a send-back the verifier of the first
/// keying verifies the new one, blind like the first time — what
/// separation of duties forbids is one person keying and verifying, not
/// verifying twice — so a vendor with one verifier is never stuck.
macro_rules! next_free {
    ($scope:expr, $step:expr, $me:expr, $at:expr) => {{
        let mut q = cases::table
            .filter(cases::status.eq($step.works_on()))
            .filter(free_at($at))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                case_entries::table
                    .filter(case_entries::case_id.eq(cases::id))
                    .filter(case_entries::user_id.eq($me))
                    .filter(case_entries::step.ne($step)),
            )))
            .select(cases::id)
            .order((cases::deadline.asc(), cases::id.asc()))
            .into_boxed();
        if $step != Step::Review {
            // A reviewer keys and verifies nothing they reviewed.
            q = q.filter(diesel::dsl::not(diesel::dsl::exists(
                case_events::table
                    .filter(case_events::case_id.eq(cases::id))
                    .filter(case_events::actor_id.eq($me))
                    .filter(case_events::event.eq_any(["approved", "sent_back"])),
            )));
        }
        if let Some(v) = $scope.vendor {
            q = q.filter(cases::vendor_id.eq(v));
        } else if $scope.vendorless {
            q = q.filter(cases::vendor_id.is_null());
        }
        if let Some(path) = &$scope.within_path {
            q = q.filter(
                cases::unit_id.eq_any(
                    units::table
                        .filter(units::path.like(format!("{path}%")))
                        .select(units::id),
                ),
            );
        }
        q
    }};
}

/// Moves the vendor's cases not yet keyed to police keying when its
/// contract's caps leave no room for them: nothing waits on a vendor that
/// cannot bill.
fn hand_back_over_cap(conn: &mut DbConn, vendor: VendorId, at: NaiveDateTime) -> ApiResult<()> {
    if crate::contracts::takes_more(conn, vendor, at)? {
        return Ok(());
    }
    for id in store::unkeyed_of_vendor(conn, vendor)? {
        store::hand_to_police(conn, id, at)?;
    }
    Ok(())
}

/// Claims the next case of `step` for `actor` (the one already held, if
/// any); `None` when the queue is empty.
pub fn claim_next(conn: &mut DbConn, actor: &Actor, step: Step) -> ApiResult<Option<CaseView>> {
    let me = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    let scope = queue_scope(actor, step)?;
    let status = step.works_on();
    let at = now();
    let claimed = write_txn(conn, |conn| -> ApiResult<Option<CaseId>> {
        close_expired(conn, status, at)?;
        if let (Step::Keying, Some(vendor)) = (step, scope.vendor) {
            hand_back_over_cap(conn, vendor, at)?;
        }
        if let Some(id) = held(conn, me, status, at)? {
            return Ok(Some(id));
        }
        let candidates: Vec<CaseId> = next_free!(scope, step, me, at)
            .literal_limit(CANDIDATES)
            .load(conn)?;
        // Of those, the first nobody else is claiming this instant: on
        // PostgreSQL a concurrent claimer's row is skipped, not waited for.
        let first_free = cases::table
            .filter(cases::id.eq_any(&candidates))
            .filter(cases::status.eq(status))
            .filter(free_at(at))
            .select(cases::id)
            .order((cases::deadline.asc(), cases::id.asc()));
        let candidate: Option<CaseId> = match conn {
            DbConn::Pg(pg) => first_free
                .limit(1)
                .for_update()
                .skip_locked()
                .get_result(pg)
                .optional()?,
            DbConn::Sqlite(sq) => first_free.first_row(sq).optional()?,
        };
        let Some(id) = candidate else {
            return Ok(None);
        };
        let taken = diesel::update(
            cases::table
                .filter(cases::id.eq(id))
                .filter(cases::status.eq(status))
                .filter(free_at(at)),
        )
        .set((
            cases::claimed_by.eq(Some(me)),
            cases::claim_expires_at.eq(Some(at + Duration::minutes(CLAIM_MINUTES))),
        ))
        .execute(conn)?;
        Ok((taken == 1).then_some(id))
    })?;
    match claimed {
        None => Ok(None),
        Some(id) => {
            let (row, _) = get_readable(conn, actor, id)?;
            Ok(Some(view(conn, actor, row)?))
        }
    }
}

/// Gives a claimed case back to its queue.
pub fn release(conn: &mut DbConn, actor: &Actor, id: CaseId) -> ApiResult<CaseView> {
    let me = actor
        .user_id
        .ok_or(ApiError::Forbidden("role_not_allowed"))?;
    write_txn(conn, |conn| {
        let (row, _) = get_readable(conn, actor, id)?;
        if row.claimed_by != Some(me) {
            return Err(ApiError::conflict(
                "not_claimed",
                "you do not hold this case",
            ));
        }
        diesel::update(cases::table.filter(cases::id.eq(id)))
            .set((
                cases::claimed_by.eq(None::<UserId>),
                cases::claim_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        let (row, _) = get_readable(conn, actor, id)?;
        view(conn, actor, row)
    })
}

/// Checks that `actor` holds a live claim on the case.
pub fn ensure_claimed(row: &store::CaseRow, me: UserId, at: NaiveDateTime) -> ApiResult<()> {
    let live = row.claimed_by == Some(me) && row.claim_expires_at.is_some_and(|t| t > at);
    if live {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "not_claimed",
            "claim the case first (or again: your claim expired)",
        ))
    }
}
