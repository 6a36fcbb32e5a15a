//! Group commit of single check-ins. Handhelds upload one scan per request,
//! and each committed alone costs a transaction, a WAL write and an fsync
//! (on SQLite, behind the one writer). Uploads arriving together are
//! instead recorded by a writer thread in one transaction: each judged as
//! before and in arrival order (so a later scan sees the earlier ones of the
//! same group), the audit chain extended once for all of them, one commit,
//! and only then is each upload answered. If the group's transaction fails,
//! its uploads are recorded again one by one, so one bad upload fails alone.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use diesel::r2d2::R2D2Connection;
use tokio::sync::oneshot;

use super::input::{CheckinInput, CheckinResult};
use super::upload::{Checked, Scan, check, record_scans};
use crate::admission::Admitted;
use crate::db::{DbConn, Pool, PooledConn, plan_generically, write_txn};
use crate::domain::{Actor, UserId};
use crate::error::{ApiError, ApiResult};
use crate::signing::SigningKeys;

/// Uploads recorded in one transaction at most.
const MAX_GROUP: usize = 64;
/// Uploads waiting for a writer at most; past that they are refused at once.
const QUEUE: usize = 4096;

struct Job {
    actor: Actor,
    officer: UserId,
    input: CheckinInput,
    /// What the scan is before anything is read, found by the sending
    /// request rather than by the writer.
    checked: Checked,
    admitted: Admitted,
    reply: oneshot::Sender<ApiResult<CheckinResult>>,
}

/// What the writers need; not the application state, so that they end
/// when the last handle to the queue is dropped.
#[derive(Clone)]
pub struct WriterContext {
    pub pool: Pool,
    pub keys: Arc<SigningKeys>,
    pub clock: crate::clock::Clock,
}

pub struct GroupCommit {
    queue: SyncSender<Job>,
    keys: Arc<SigningKeys>,
}

impl GroupCommit {
    /// Starts `writers` writer threads (one for SQLite, which has one
    /// writer anyway; several for PostgreSQL).
    pub fn start(context: WriterContext, writers: usize) -> anyhow::Result<Arc<Self>> {
        let (queue, jobs) = std::sync::mpsc::sync_channel(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        let keys = context.keys.clone();
        for n in 0..writers.max(1) {
            let (context, jobs) = (context.clone(), jobs.clone());
            std::thread::Builder::new()
                .name(format!("checkin-writer-{n}"))
                .spawn(move || write_groups(&context, &jobs))?;
        }
        Ok(Arc::new(GroupCommit { queue, keys }))
    }

    /// Records one scan with the others arriving now; answered once its
    /// group has committed.
    pub async fn record(
        &self,
        actor: Actor,
        officer: UserId,
        input: CheckinInput,
        admitted: Admitted,
    ) -> ApiResult<CheckinResult> {
        let (reply, answer) = oneshot::channel();
        let checked = check(&self.keys, &input, None);
        let job = Job {
            actor,
            officer,
            input,
            checked,
            admitted,
            reply,
        };
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::Overloaded {
                    retry_after_secs: crate::admission::RETRY_AFTER_SECS,
                });
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::Unavailable(
                    "the check-in writers have stopped".into(),
                ));
            }
        }
        answer
            .await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("a check-in writer stopped")))?
    }
}

/// Takes the next group: waits for one upload, then takes whoever else is
/// already waiting. `None` once the queue is closed.
fn next_group(jobs: &Mutex<Receiver<Job>>) -> Option<Vec<Job>> {
    let jobs = jobs.lock().ok()?;
    let first = jobs.recv().ok()?;
    let mut group = vec![first];
    while group.len() < MAX_GROUP {
        match jobs.try_recv() {
            Ok(job) => group.push(job),
            Err(_) => break,
        }
    }
    Some(group)
}

/// Each writer keeps its connection from group to group: taking one from
/// the pool checks it with a round trip, which on PostgreSQL cost as much
/// as a statement of every group. A group that meets any error gives its
/// connection up. If the connection was lost (the database restarted, a
/// network cut, the backend ended), the uploads that failed are written
/// once more on a fresh one rather than answered with an error: the
/// handheld would only send them again. Any whose commit went through
/// before the loss are then found by client id and answered as replays.
fn write_groups(context: &WriterContext, jobs: &Mutex<Receiver<Job>>) {
    let mut held: Option<PooledConn> = None;
    while let Some(mut group) = next_group(jobs) {
        let (results, lost) = write_on_held(context, &mut held, &mut group);
        let mut answers: Vec<(Job, ApiResult<CheckinResult>)> =
            group.into_iter().zip(results).collect();
        if lost {
            tracing::warn!("the check-in writer's connection was lost; writing its uploads again");
            let (failed, done): (Vec<_>, Vec<_>) =
                answers.into_iter().partition(|(_, r)| r.is_err());
            let mut again: Vec<Job> = failed.into_iter().map(|(job, _)| job).collect();
            let (results, _) = write_on_held(context, &mut held, &mut again);
            answers = done;
            answers.extend(again.into_iter().zip(results));
        }
        for (job, result) in answers {
            // An upload whose client went away is committed all the same.
            let _ = job.reply.send(result);
        }
    }
}

/// Writes `group` on the held connection or a fresh one, keeping it if
/// every upload was written; and whether the connection was lost.
fn write_on_held(
    context: &WriterContext,
    held: &mut Option<PooledConn>,
    group: &mut [Job],
) -> (Vec<ApiResult<CheckinResult>>, bool) {
    let conn = match held.take() {
        Some(c) => Ok(c),
        None => context
            .pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                plan_generically(&mut c, true).map_err(|e| e.to_string())?;
                Ok(c)
            }),
    };
    match conn {
        Ok(mut conn) => {
            let results = context.clock.scope(|| write_group(&mut conn, group));
            if results.iter().all(Result::is_ok) {
                *held = Some(conn);
                return (results, false);
            }
            let lost = conn.is_broken();
            if !lost {
                // Back to the pool as it came.
                let _ = plan_generically(&mut conn, false);
            }
            (results, lost)
        }
        Err(e) => (
            group
                .iter()
                .map(|_| Err(ApiError::Unavailable(format!("database: {e}"))))
                .collect(),
            false,
        ),
    }
}

fn write_group(conn: &mut DbConn, group: &mut [Job]) -> Vec<ApiResult<CheckinResult>> {
    for job in group.iter_mut() {
        job.admitted.writing();
    }
    if group.len() > 1 {
        match write_txn(conn, |c| record_all(c, group)) {
            Ok(results) => return results.into_iter().map(Ok).collect(),
            Err(e) => {
                tracing::warn!(error = %e, uploads = group.len(), "group of check-ins failed; recording them one by one")
            }
        }
    }
    group
        .iter()
        .map(|job| {
            write_txn(conn, |c| record_all(c, std::slice::from_ref(job))).and_then(|mut r| {
                r.pop()
                    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no result")))
            })
        })
        .collect()
}

/// Records every upload of the group in the caller's transaction, in
/// arrival order, with one extension of the audit chain.
fn record_all(c: &mut DbConn, group: &[Job]) -> ApiResult<Vec<CheckinResult>> {
    let scans: Vec<Scan<'_>> = group
        .iter()
        .map(|job| Scan {
            actor: &job.actor,
            officer: job.officer,
            input: &job.input,
            sent: None,
            checked: &job.checked,
        })
        .collect();
    record_scans(c, &scans)
}
