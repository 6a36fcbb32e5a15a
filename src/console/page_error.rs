//! What a page answers when it cannot be shown: the sign-in page for a
//! browser that is not (or no longer) signed in, the password page for an
//! account that must choose one, else an error page in words, with the
//! status the API would give.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not signed in")]
    SignIn,
    #[error("the password must be changed first")]
    ChangePassword,
    #[error("a form without this session's CSRF token")]
    Csrf,
    #[error(transparent)]
    Api(#[from] ApiError),
}

pub type PageResult<T> = Result<T, PageError>;

/// What a person calls the record a lookup did not find.
fn record_name(what: &str) -> &str {
    match what {
        "unit" => "此單位",
        "ticket" => "此舉發單",
        "checkin" => "此巡簽紀錄",
        "case" => "此案件",
        "user" => "此帳號",
        "keying" | "verification" | "review" => "此步驟的紀錄",
        "vendor" => "此廠商",
        "vehicle" => "此車輛",
        "evidence" => "此證據檔案",
        "transfer batch" => "此移送批次",
        "queue" => "此工作佇列",
        "patrol plan" => "此巡邏計畫",
        "patrol box" | "box" => "此巡邏箱",
        "contract" => "此合約",
        "article" => "此條款",
        _ => "所要的資料",
    }
}

/// Words for the codes a person can meet at the console.
pub fn explain(e: &ApiError) -> String {
    match e {
        ApiError::Forbidden("role_not_allowed") => "您的角色不能做這件事。".into(),
        ApiError::Forbidden("separation_of_duties") => {
            "同一案件的兩個步驟不能由同一人完成（職務分離）。".into()
        }
        ApiError::Forbidden("outside_your_units") => "這不在您的單位範圍內。".into(),
        ApiError::Forbidden("password_change_required") => "請先變更密碼。".into(),
        ApiError::Forbidden("claim_required") => "請先從佇列取得此案件。".into(),
        ApiError::Forbidden("own_checkin") => "不能審核自己的巡簽。".into(),
        ApiError::Forbidden("headquarters_admin_only") => "只有警察局本部的管理者可以使用。".into(),
        ApiError::Forbidden(_) => "您不能做這件事。".into(),
        ApiError::NotFound(what) => format!("找不到{}，或不在您的範圍內。", record_name(what)),
        ApiError::Conflict { detail, code } => format!("無法完成：{detail}（{code}）"),
        ApiError::Rejected { detail, code } => format!("無法完成：{detail}（{code}）"),
        ApiError::Validation(errors) | ApiError::Unacknowledged(errors) => errors
            .iter()
            .map(|e| format!("{}：{}", e.field, super::words::explain(e)))
            .collect::<Vec<_>>()
            .join("；"),
        ApiError::TooManyRequests {
            retry_after_secs, ..
        } => format!("嘗試太多次，請 {retry_after_secs} 秒後再試。"),
        ApiError::Unavailable(_) => "服務暫時無法使用，請稍後再試。".into(),
        ApiError::Internal(_) => "系統發生錯誤，已記錄。".into(),
        other => other.to_string(),
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn | PageError::ChangePassword => StatusCode::SEE_OTHER,
            PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::Api(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, text) = match self {
            PageError::SignIn => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/login"))
                    .finish();
            }
            PageError::ChangePassword => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/password"))
                    .finish();
            }
            PageError::Csrf => (
                "表單已失效",
                "這份表單不是從您目前的登入送出的，未做任何變更。請重新整理頁面後再試。".to_owned(),
            ),
            PageError::Api(e) => {
                // Logged as the API logs it.
                if matches!(e, ApiError::Internal(_) | ApiError::Unavailable(_)) {
                    let _ = e.error_response();
                }
                ("無法完成", explain(e))
            }
        };
        // Drawn bare here; for a signed-in caller `error_pages` draws it
        // again inside the console's menu.
        let said = super::error_pages::ErrorPage { title, text };
        let body = super::layout::bare(title, super::error_pages::content(&said));
        let mut res = super::layout::html_response(self.status_code(), body);
        res.extensions_mut().insert(said);
        res
    }
}

/// What a form page shows above itself when the rules refuse what was
/// sent (bad fields, a conflict, an action not allowed); `None` for errors
/// that are the error page's.
pub fn refusal_messages(e: &ApiError) -> Option<Vec<String>> {
    match e {
        ApiError::Validation(errors) => Some(
            errors
                .iter()
                .map(|f| format!("{}：{}", f.field, super::words::explain(f)))
                .collect(),
        ),
        ApiError::Conflict { .. } | ApiError::UniqueViolation(_) | ApiError::Forbidden(_) => {
            Some(vec![explain(e)])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_said_in_words() {
        for code in [
            "role_not_allowed",
            "outside_your_units",
            "separation_of_duties",
            "password_change_required",
            "claim_required",
            "own_checkin",
            "headquarters_admin_only",
            "something_new",
        ] {
            let said = explain(&ApiError::Forbidden(code));
            assert!(!said.contains('_') && !said.is_ascii(), "{code}: {said}");
        }
    }

    #[test]
    fn a_record_not_found_is_named_in_words() {
        let said = explain(&ApiError::NotFound("case"));
        assert_eq!(said, "找不到此案件，或不在您的範圍內。");
        assert!(!explain(&ApiError::NotFound("key version in force")).contains("key"));
    }
}
