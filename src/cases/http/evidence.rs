//! A case's evidence files: upload as the raw body, fetch by hash.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::auth::Caller;
use crate::auth::Supervisor;
use crate::cases::evidence::{self, MAX_EVIDENCE_BYTES};
use crate::cases::view::EvidenceView;
use crate::domain::CaseId;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// Attach a photo, video or document to a case: the body is the file, its
/// `Content-Type` one of image/jpeg, image/png, video/mp4,
/// application/pdf, and the bytes must be what it says. Stored once by
/// SHA-256, never altered.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["supervisor", "admin"])),
    params(("id" = i64, Path, description = "Case id")),
    request_body(content(
        (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"),
        (Vec<u8> = "video/mp4"),
        (Vec<u8> = "application/pdf"),
    )),
    responses(
        (status = 201, description = "Attached", body = EvidenceView),
        (status = 200, description = "Already attached", body = EvidenceView),
        (status = 409, description = "`case_finished`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a media type taken as evidence", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`media_type_mismatch`: the bytes are not what Content-Type says", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cases/{id}/evidence")]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    Supervisor(caller): Supervisor,
    id: web::Path<CaseId>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !crate::evidence::media::ACCEPTED.contains(&declared.as_str()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = body
        .to_bytes_limited(MAX_EVIDENCE_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?
        .map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
    let (view, added) = state
        .blocking(move |s| {
            evidence::attach(
                &mut *s.conn()?,
                s.evidence.as_ref(),
                &caller.actor,
                id,
                &declared,
                &bytes,
            )
        })
        .await?;
    Ok(if added {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// One evidence file of a case, checked against its hash as it is read.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = ["officer", "supervisor", "admin", "vendor_keyer", "vendor_verifier", "vendor_supervisor"])),
    params(
        ("id" = i64, Path, description = "Case id"),
        ("sha256" = String, Path, description = "The file's SHA-256, lower-case hex"),
    ),
    responses(
        (status = 200, description = "The file", content(
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "video/mp4"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 403, description = "`claim_required`: vendor staff are served the evidence of a case they hold a claim on", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file of a case within your reach", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cases/{id}/evidence/{sha256}")]
pub async fn get_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(CaseId, String)>,
) -> ApiResult<HttpResponse> {
    let (id, sha256) = path.into_inner();
    let (bytes, media_type) = state
        .blocking(move |s| {
            evidence::read(
                &mut *s.conn()?,
                s.evidence.as_ref(),
                &caller.actor,
                id,
                &sha256,
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        // Content-addressed: the bytes behind this URL never change, but
        // they are personal data, so only the private cache keeps them.
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
