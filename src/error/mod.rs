//! The one error type of the HTTP layer and its mapping to RFC 9457 problem
//! details. Every status code the API answers with is chosen here.

mod extractors;
pub mod fault;
pub use extractors::{json_error, path_error, plain_words, query_error};
pub use fault::Fault;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One bad field of a request; validation answers list all of them at once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field, e.g. `badge` or `items[3].position.lat`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `too_long`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The explanation in Traditional Chinese, for the console's pages,
    /// where a rule has one; the API's answers keep to `message`.
    #[serde(skip)]
    pub zh: Option<String>,
}

/// Two field errors are the same when they say the same thing in the API.
impl PartialEq for FieldError {
    fn eq(&self, other: &Self) -> bool {
        (&self.field, &self.code, &self.message) == (&other.field, &other.code, &other.message)
    }
}

impl Eq for FieldError {}

impl FieldError {
    /// The same, with the explanation in Traditional Chinese too.
    pub fn with_zh(mut self, zh: impl Into<String>) -> Self {
        self.zh = Some(zh.into());
        self
    }

    /// What a person reading the console is told.
    pub fn message_zh(&self) -> &str {
        self.zh.as_deref().unwrap_or(&self.message)
    }

    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            zh: None,
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// RFC 9457 problem details, as sent with `application/problem+json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference naming the problem type; ends in the stable `code`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation_failed`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every bad field, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Warnings the user has to acknowledge before going on.
    #[error("warnings not acknowledged")]
    Unacknowledged(Vec<FieldError>),
    #[error("{code}: {detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A well-formed request the rules refuse, with a code chosen at run time.
    #[error("rejected {code}: {detail}")]
    Rejected { code: String, detail: String },
    #[error("conflict {code}: {detail}")]
    Conflict { code: &'static str, detail: String },
    /// A write lost a race to a unique index. Services that can answer
    /// better (replay the winner, name the rule) catch it; anywhere else it
    /// is still a 409, never a 500.
    #[error("unique violation: {0}")]
    UniqueViolation(String),
    #[error("too many requests: {code}")]
    TooManyRequests {
        code: &'static str,
        retry_after_secs: u64,
    },
    #[error("no such route")]
    RouteNotFound,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A condition of the server's, named (`storage_full`,
    /// `database_unavailable`, …), with its cause for the log.
    #[error("fault: {1}")]
    Fault(Fault, String),
    /// Writing has fallen behind: the upload is refused rather than queued.
    #[error("overloaded")]
    Overloaded { retry_after_secs: u64 },
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::Internal(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// The server's condition this error is, wherever it was made: a named
    /// fault, a plain unavailability, or an internal error whose causes
    /// show a full disk or a lost database.
    pub fn fault(&self) -> Option<Fault> {
        match self {
            ApiError::Fault(f, _) => Some(*f),
            ApiError::Unavailable(_) => Some(Fault::ServiceUnavailable),
            ApiError::Internal(cause) => fault::of_chain(cause),
            _ => None,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// Maps a database error to 409 `code` when it is a unique violation
    /// (the record exists already, or a racing request made it first), and
    /// to the usual answer otherwise: the one place a unique index becomes a
    /// named conflict.
    pub fn unique_as(
        code: &'static str,
        detail: impl Into<String>,
    ) -> impl FnOnce(diesel::result::Error) -> ApiError {
        let detail = detail.into();
        move |err| match ApiError::from(err) {
            ApiError::UniqueViolation(_) => ApiError::conflict(code, detail),
            other => other,
        }
    }

    /// Runs `attempt`, and once more if it lost a race to a unique index:
    /// the second attempt sees the winner's row and answers from it.
    pub fn retry_after_lost_race<T>(mut attempt: impl FnMut() -> ApiResult<T>) -> ApiResult<T> {
        match attempt() {
            Err(ApiError::UniqueViolation(_)) => attempt(),
            other => other,
        }
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The stable code of this error, as sent in the problem's `code`.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unacknowledged(_) => "warnings_unacknowledged",
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unauthorized(code) => code,
            ApiError::Forbidden(code) => code,
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict { code, .. } => code,
            ApiError::UniqueViolation(_) => "conflict",
            ApiError::Rejected { code, .. } => code,
            ApiError::TooManyRequests { code, .. } => code,
            ApiError::RouteNotFound => "route_not_found",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Unavailable(_) | ApiError::Fault(..) | ApiError::Internal(_) => {
                self.fault().map_or("internal_error", Fault::code)
            }
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::Validation(errors) => Some(format!("{} field(s) are invalid", errors.len())),
            ApiError::Unacknowledged(warnings) => Some(format!(
                "{} warning(s) must be acknowledged (send their field:code in `acknowledge`)",
                warnings.len()
            )),
            ApiError::BadRequest { detail, .. } | ApiError::Conflict { detail, .. } => {
                Some(detail.clone())
            }
            ApiError::Rejected { detail, .. } => Some(detail.clone()),
            ApiError::UniqueViolation(_) => {
                Some("another request changed the same record at the same time; try again".into())
            }
            ApiError::Unauthorized(_) => Some("authentication is required or has failed".into()),
            ApiError::Forbidden("password_change_required") => Some(
                "this account must choose a new password first (POST /api/v1/me/password); until then it may only do that and sign out".into(),
            ),
            ApiError::Forbidden("claim_required") => Some(
                "vendor staff are served the evidence of a case while they hold a claim on it".into(),
            ),
            ApiError::Forbidden(_) => Some("you are not allowed to do this".into()),
            ApiError::NotFound(what) => Some(format!("{what} not found")),
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => Some(format!("try again in {retry_after_secs} seconds")),
            ApiError::RouteNotFound => Some("no such route; see the API document".into()),
            ApiError::PayloadTooLarge => Some("the request body is too large".into()),
            ApiError::UnsupportedMediaType => {
                Some("send JSON with Content-Type: application/json".into())
            }
            // Internals are logged, never sent.
            ApiError::Unavailable(_) | ApiError::Fault(..) => self.fault().map(|f| f.words().into()),
            ApiError::Overloaded { retry_after_secs } => Some(format!(
                "too many uploads at once; nothing was stored, send again in {retry_after_secs} second(s)"
            )),
            ApiError::Internal(_) => self.fault().map(|f| f.words().into()),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status_code();
        let code = self.code();
        Problem {
            kind: format!("urn:epatrol:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: code.to_owned(),
            detail: self.detail(),
            errors: match self {
                ApiError::Validation(errors) | ApiError::Unacknowledged(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::Unacknowledged(_) | ApiError::Rejected { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } | ApiError::UniqueViolation(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::RouteNotFound => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) | ApiError::Fault(..) | ApiError::Overloaded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) if self.fault().is_some() => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let fault = self.fault();
        match self {
            ApiError::Internal(cause) if fault.is_none() => {
                tracing::error!(error.cause = format!("{cause:#}"), "internal error")
            }
            ApiError::Internal(cause) => {
                tracing::error!(
                    fault = fault.map_or("", Fault::code),
                    error.cause = format!("{cause:#}"),
                    "the server cannot do its work"
                )
            }
            ApiError::Fault(f, cause) => {
                tracing::error!(fault = f.code(), error.cause = %cause, "the server cannot do its work")
            }
            ApiError::Unavailable(cause) => tracing::warn!(error.cause = %cause, "unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if let ApiError::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        }
        | ApiError::Overloaded { retry_after_secs } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Some(f) = fault {
            response.insert_header((header::RETRY_AFTER, f.retry_after_secs().to_string()));
        }
        response.body(serde_json::to_string(&self.to_problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                ApiError::UniqueViolation(info.constraint_name().unwrap_or("unique").to_owned())
            }
            other => match fault::of_database(&other) {
                Some(f) => ApiError::Fault(f, format!("database: {other}")),
                None => ApiError::Internal(anyhow::Error::new(other).context("database")),
            },
        }
    }
}

/// No connection within the pool's wait: the database is down or every
/// connection is taken by work that does not finish.
impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        ApiError::Fault(Fault::DatabaseUnavailable, format!("database pool: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::Unavailable("blocking thread pool is shut down".into())
    }
}

/// Collects field errors so a validator can report every bad field at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was added, else every collected error.
    pub fn into_result<T>(self, value: T) -> ApiResult<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}
