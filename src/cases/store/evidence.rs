//! Queries on a case's evidence files.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{case_evidence, evidence_files};
use crate::domain::{CaseId, UserId};

pub fn attach_evidence(
    conn: &mut DbConn,
    case: CaseId,
    sha256: &str,
    size: i64,
    media_type: &str,
    actor: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let known: i64 = evidence_files::table
        .filter(evidence_files::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(evidence_files::table)
            .values((
                evidence_files::sha256.eq(sha256),
                evidence_files::size_bytes.eq(size),
                evidence_files::media_type.eq(media_type),
                evidence_files::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    let linked: i64 = case_evidence::table
        .filter(case_evidence::case_id.eq(case))
        .filter(case_evidence::sha256.eq(sha256))
        .count()
        .get_result(conn)?;
    if linked > 0 {
        return Ok(false);
    }
    diesel::insert_into(case_evidence::table)
        .values((
            case_evidence::case_id.eq(case),
            case_evidence::sha256.eq(sha256),
            case_evidence::added_by.eq(actor),
            case_evidence::added_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (sha256, size, media type) of a case's evidence, in the order added.
pub fn evidence_of(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<(String, i64, String)>> {
    case_evidence::table
        .inner_join(evidence_files::table)
        .filter(case_evidence::case_id.eq(case))
        .order((case_evidence::added_at.asc(), case_evidence::sha256.asc()))
        .select((
            evidence_files::sha256,
            evidence_files::size_bytes,
            evidence_files::media_type,
        ))
        .load(conn)
}
