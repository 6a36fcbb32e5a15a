//! A case's evidence: attached by the police who took the case in, read by
//! whoever may read the case (the vendor staff whose step needs it, the
//! unit's police). The bytes are stored first, durably, under their hash;
//! then the case names them.

use super::store;
use super::view::{EvidenceView, get_readable};
use crate::db::{DbConn, now, write_txn};
use crate::domain::{Actor, CaseId, Role};
use crate::error::{ApiError, ApiResult};
use crate::evidence::media::{self, MediaProblem};
use crate::evidence::{EvidenceStore, ReadError, is_sha256, read_checked, sha256_hex};

/// Largest evidence file taken: a few minutes of phone video.
pub const MAX_EVIDENCE_BYTES: usize = 64 * 1024 * 1024;

fn refuse(problem: MediaProblem) -> ApiError {
    match problem {
        MediaProblem::NotAccepted => ApiError::UnsupportedMediaType,
        MediaProblem::TooLarge { .. } => ApiError::PayloadTooLarge,
        MediaProblem::Empty => ApiError::field("body", "required", "the file is empty"),
        MediaProblem::Mismatch { found } => ApiError::Rejected {
            code: "media_type_mismatch".into(),
            detail: match found {
                Some(t) => format!(
                    "the file is {t}, not what Content-Type says: send it with Content-Type: {t}"
                ),
                None => format!("the file is none of {}", media::ACCEPTED.join(", ")),
            },
        },
    }
}

/// Stores a file and attaches it to a case (201 when new to the case).
pub fn attach(
    conn: &mut DbConn,
    files: &dyn EvidenceStore,
    actor: &Actor,
    id: CaseId,
    declared_type: &str,
    bytes: &[u8],
) -> ApiResult<(EvidenceView, bool)> {
    if !matches!(actor.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden("role_not_allowed"));
    }
    let (case, _) = get_readable(conn, actor, id)?;
    if !case.status.is_open() {
        return Err(ApiError::conflict(
            "case_finished",
            "the case is ticketed or closed: its evidence is fixed",
        ));
    }
    let media_type = media::check(declared_type, bytes, MAX_EVIDENCE_BYTES).map_err(refuse)?;
    let sha256 = sha256_hex(bytes);
    files.put(&sha256, bytes)?;
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let added = write_txn(conn, |conn| -> ApiResult<bool> {
        let added =
            store::attach_evidence(conn, id, &sha256, size, media_type, actor.user_id, now())?;
        if added {
            crate::audit::append(
                conn,
                actor
                    .audit("case.evidence", "case")
                    .object(id)
                    .unit(case.unit_id)
                    .details(serde_json::json!({"sha256": sha256, "size": size})),
            )?;
        }
        Ok(added)
    })?;
    Ok((
        EvidenceView {
            href: format!("/api/v1/cases/{id}/evidence/{sha256}"),
            sha256,
            size_bytes: size,
            media_type: media_type.to_owned(),
        },
        added,
    ))
}

/// The bytes and media type of one of a case's files, checked against
/// their hash.
pub fn read(
    conn: &mut DbConn,
    files: &dyn EvidenceStore,
    actor: &Actor,
    id: CaseId,
    sha256: &str,
) -> ApiResult<(Vec<u8>, String)> {
    if !is_sha256(sha256) {
        return Err(ApiError::NotFound("evidence"));
    }
    let (case, _) = get_readable(conn, actor, id)?;
    // Evidence is for the step that needs it: the police of the case's unit
    // (and administrators) and whoever holds a live claim on the case;
    // other vendor staff, and the claimant once the claim is over, are not
    // served it.
    let holds_claim = case.claimed_by.is_some()
        && case.claimed_by == actor.user_id
        && case.claim_expires_at.is_some_and(|t| t > crate::db::now());
    if !(actor.role.is_police() || holds_claim) {
        return Err(ApiError::Forbidden("claim_required"));
    }
    let media_type = store::evidence_of(conn, id)?
        .into_iter()
        .find(|(h, _, _)| h == sha256)
        .map(|(_, _, t)| t)
        .ok_or(ApiError::NotFound("evidence"))?;
    match read_checked(files, sha256) {
        Ok(bytes) => {
            // Who read which file is part of the record.
            crate::db::write_txn::<_, ApiError, _>(conn, |c| {
                Ok(crate::audit::append(
                    c,
                    actor
                        .audit("case.evidence_read", "case")
                        .object(id)
                        .unit(case.unit_id)
                        .details(serde_json::json!({"sha256": sha256})),
                )?)
            })?;
            Ok((bytes, media_type))
        }
        Err(ReadError::Missing(h)) | Err(ReadError::Corrupt(h)) => {
            tracing::error!(evidence.sha256 = %h, "evidence file missing or altered in the store");
            Err(ApiError::Unavailable(
                "the evidence file cannot be read back intact; the operators are told".into(),
            ))
        }
        Err(ReadError::Store(e)) => Err(ApiError::Internal(e)),
    }
}
