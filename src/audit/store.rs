//! Appending to and reading back the audit chain.

use crate::db::LiteralLimitDsl;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::chain::{Break, GENESIS, Link, Verifier};
use crate::db::fixed_chunks::fixed_chunks;
use crate::db::schema::audit_log;
use crate::db::{DbConn, now};
use crate::domain::{UnitId, UserId};

/// One state change to record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor_id: Option<UserId>,
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: Option<String>,
    pub unit_id: Option<UnitId>,
    pub device: Option<String>,
    pub details: serde_json::Value,
}

impl Entry {
    pub fn new(action: &'static str, object_type: &'static str) -> Self {
        Entry {
            actor_id: None,
            action,
            object_type,
            object_id: None,
            unit_id: None,
            device: None,
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn actor(mut self, actor_id: UserId, device: Option<String>) -> Self {
        self.actor_id = Some(actor_id);
        self.device = device;
        self
    }

    pub fn object(mut self, id: impl ToString) -> Self {
        self.object_id = Some(id.to_string());
        self
    }

    pub fn unit(mut self, unit_id: UnitId) -> Self {
        self.unit_id = Some(unit_id);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

// Defined here, not in `domain`: value types know nothing of the log.
impl crate::domain::Actor {
    /// Starts an audit entry attributed to this actor.
    pub fn audit(&self, action: &'static str, object_type: &'static str) -> Entry {
        let mut entry = Entry::new(action, object_type);
        entry.actor_id = self.user_id;
        entry.device = self.device.clone();
        entry
    }
}

#[derive(Insertable, Queryable, Selectable, Debug)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub(super) struct AuditRow {
    pub(super) seq: i64,
    #[diesel(serialize_as = crate::db::stored_time::StoredTime)]
    pub(super) at: chrono::NaiveDateTime,
    pub(super) actor_id: Option<i64>,
    pub(super) action: String,
    pub(super) object_type: String,
    pub(super) object_id: Option<String>,
    pub(super) unit_id: Option<i64>,
    pub(super) device: Option<String>,
    pub(super) details: String,
    pub(super) prev_hash: String,
    pub(super) hash: String,
    /// Id of the audit key that made `hash`; `None` for entries written
    /// before the chain was keyed.
    pub(super) mac_key: Option<String>,
}

impl AuditRow {
    fn link(&self) -> Link<'_> {
        Link {
            seq: self.seq,
            at: self.at,
            actor_id: self.actor_id,
            action: &self.action,
            object_type: &self.object_type,
            object_id: self.object_id.as_deref(),
            unit_id: self.unit_id,
            device: self.device.as_deref(),
            details: &self.details,
            prev_hash: &self.prev_hash,
        }
    }
}

/// Appends `entry` to the chain. Call it inside the transaction that makes
/// the change, as its last statement: on PostgreSQL it takes a transaction
/// lock that serialises appenders until commit, and the shorter that is held
/// the better. (On SQLite the write transaction already serialises.)
pub fn append(conn: &mut DbConn, entry: Entry) -> QueryResult<i64> {
    append_all(conn, vec![entry]).map(|last| last.unwrap_or(0))
}

/// Appends several entries in order with one lock, one read of the chain's
/// head and batched inserts; returns the last sequence number.
pub fn append_all(conn: &mut DbConn, entries: Vec<Entry>) -> QueryResult<Option<i64>> {
    if entries.is_empty() {
        return Ok(None);
    }
    // Without the key nothing is appended, and so nothing is changed.
    let key = super::key::current().ok_or_else(|| {
        diesel::result::Error::QueryBuilderError("the audit key is not loaded".into())
    })?;
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(80110001)").execute(pg)?;
    }
    let last = head(conn)?;
    let (mut seq, mut prev_hash) = match last {
        Some((seq, hash)) => (seq, hash),
        None => (0, GENESIS.to_owned()),
    };
    let at = now();
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let mut row = AuditRow {
            seq,
            at,
            actor_id: entry.actor_id.map(|a| a.0),
            action: entry.action.to_owned(),
            object_type: entry.object_type.to_owned(),
            object_id: entry.object_id,
            unit_id: entry.unit_id.map(|u| u.0),
            device: entry.device,
            details: entry.details.to_string(),
            prev_hash: std::mem::take(&mut prev_hash),
            hash: String::new(),
            mac_key: Some(key.id().to_owned()),
        };
        row.hash = row.link().mac(&key);
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    match conn {
        DbConn::Pg(pg) => {
            super::rows_unnest::AuditRowsUnnest::new(&rows).execute(pg)?;
        }
        DbConn::Sqlite(c) => {
            for chunk in fixed_chunks(rows) {
                crate::each_chunk!(chunk, |rows| diesel::insert_into(audit_log::table)
                    .values(rows)
                    .execute(c)?);
            }
        }
    }
    Ok(Some(seq))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerifyReport {
    /// Entries checked before the first break (all of them when intact).
    pub checked: u64,
    /// Signed checkpoints of the head, kept outside the database, that the
    /// chain was compared with.
    pub checkpoints_checked: u64,
    pub intact: bool,
    /// The first broken link, if any.
    pub first_break: Option<Break>,
}

/// Walks the whole chain in order, compares it with the signed checkpoints
/// in `checkpoints` (a cut tail or a rewritten chain does not match them)
/// and reports the first break.
pub fn verify(conn: &mut DbConn, checkpoints: &std::path::Path) -> anyhow::Result<VerifyReport> {
    const BATCH: i64 = 5_000;
    let key =
        super::key::current().ok_or_else(|| anyhow::anyhow!("the audit key is not loaded"))?;
    let marks = match super::checkpoint::read(checkpoints, &key)? {
        Ok(marks) => marks,
        Err(forged) => {
            return Ok(VerifyReport {
                checked: 0,
                checkpoints_checked: 0,
                intact: false,
                first_break: Some(forged),
            });
        }
    };
    let mut verifier = Verifier::new(&key);
    let mut matched = 0u64;
    let mut after = 0i64;
    let broken = |verifier: &Verifier<'_>, matched, first_break| VerifyReport {
        checked: verifier.checked,
        checkpoints_checked: matched,
        intact: false,
        first_break: Some(first_break),
    };
    loop {
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::seq.gt(after))
            .order(audit_log::seq.asc())
            .select(AuditRow::as_select())
            .literal_limit(BATCH)
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if let Err(first_break) = verifier.check(&row.link(), row.mac_key.as_deref(), &row.hash)
            {
                return Ok(broken(&verifier, matched, first_break));
            }
            if let Some(hash) = marks.get(&row.seq) {
                if *hash != row.hash {
                    let at = Break {
                        seq: row.seq,
                        reason: "checkpoint_mismatch".into(),
                    };
                    return Ok(broken(&verifier, matched, at));
                }
                matched += 1;
            }
        }
        if (rows.len() as i64) < BATCH {
            break;
        }
    }
    if let Some((&seq, _)) = marks.range(after + 1..).next() {
        let at = Break {
            seq,
            reason: "tail_missing".into(),
        };
        return Ok(broken(&verifier, matched, at));
    }
    Ok(VerifyReport {
        checked: verifier.checked,
        checkpoints_checked: matched,
        intact: true,
        first_break: None,
    })
}

/// The chain's head: the last sequence number and its link.
pub fn head(conn: &mut DbConn) -> QueryResult<Option<(i64, String)>> {
    audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first_row(conn)
        .optional()
}

/// One audit entry as shown to administrators.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub unit_id: Option<i64>,
    pub device: Option<String>,
    pub details: serde_json::Value,
    pub hash: String,
}

/// Entries newest first, optionally for one object, before `before_seq`.
pub fn list(
    conn: &mut DbConn,
    object_type: Option<&str>,
    object_id: Option<&str>,
    before_seq: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditView>> {
    let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(t) = object_type {
        query = query.filter(audit_log::object_type.eq(t.to_owned()));
    }
    if let Some(id) = object_id {
        query = query.filter(audit_log::object_id.eq(id.to_owned()));
    }
    if let Some(before) = before_seq {
        query = query.filter(audit_log::seq.lt(before));
    }
    let rows: Vec<AuditRow> = query.order(audit_log::seq.desc()).limit(limit).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| AuditView {
            seq: r.seq,
            at: r.at.and_utc(),
            actor_id: r.actor_id,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            unit_id: r.unit_id,
            device: r.device,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            hash: r.hash,
        })
        .collect())
}
