//! The vendor's work: a queue per step, the next case claimed with one
//! key, the case shown beside its evidence, released when put down.

use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};

use super::keying;
use crate::cases::blocked::{BlockReason, blocked_cases};
use crate::cases::status::{CaseStatus, Step};
use crate::cases::view::CaseView;
use crate::console::CsrfForm;
use crate::console::format::roc_short_utc;
use crate::console::layout::{csrf_field, nothing_row, ok, page, see_other};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::domain::CaseId;
use crate::error::ApiError;
use crate::state::AppState;

pub fn step_name(step: Step) -> &'static str {
    match step {
        Step::Keying => "打字（一打）",
        Step::Verification => "盲驗（二驗）",
        Step::Resolution => "差異處理",
        Step::Review => "警察審核",
    }
}

fn parse_step(s: &str) -> PageResult<Step> {
    Ok(Step::parse(s).ok_or(ApiError::NotFound("queue"))?)
}

/// The claim button: Enter (it has the focus) or N claims the next case.
pub fn claim_button(who: &Browser, step: Step) -> Markup {
    html! {
        form method="post" action=(format!("/work/{}/next", step.as_str())) {
            (csrf_field(who))
            button type="submit" data-key="n" data-autofocus { "取下一件 " kbd { "N" } }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    empty: Option<u8>,
}

/// A blocked case's reason, in the console's words.
fn block_words(reason: BlockReason) -> &'static str {
    match reason {
        BlockReason::NoAccount => "沒有可處理此步驟的有效帳號，請建立或啟用帳號",
        BlockReason::AllDidAnotherStep => {
            "可處理此步驟的人都已做過本案的其他步驟（同一人不得做兩個步驟），需要另一位同角色人員"
        }
    }
}

#[get("/work/{step}")]
pub async fn queue_page(
    state: web::Data<AppState>,
    who: Browser,
    step: web::Path<String>,
    query: web::Query<QueueQuery>,
) -> PageResult<HttpResponse> {
    let step = parse_step(&step)?;
    // A queue the role neither works nor answers for is not drawn; the
    // claim button only where the role does the step.
    let role = who.actor().role;
    if !crate::cases::duties::role_sees_queue(role, step) {
        return Err(ApiError::Forbidden("role_not_allowed").into());
    }
    let claims = crate::cases::duties::role_does(role, step);
    let actor = who.actor().clone();
    // The cases of this step nobody can take: named here, not left to
    // wait silently until their period runs out.
    let blocked = state
        .db(move |c| {
            let (path, vendor) = match crate::visibility::case_scope(&actor) {
                crate::visibility::CaseScope::Units(path) => (path, None),
                crate::visibility::CaseScope::Vendor(v) => (None, Some(v)),
                crate::visibility::CaseScope::Nothing => return Ok(Vec::new()),
            };
            Ok::<_, ApiError>(blocked_cases(c, path.as_deref(), vendor, Some(step))?)
        })
        .await?;
    Ok(ok(page(
        step_name(step),
        &who,
        html! {
            h1 { (step_name(step)) }
            @if query.empty.is_some() { p role="status" { strong { "目前沒有待處理的案件。" } } }
            p { "系統依期限最近者優先分派。領取後 15 分鐘內未完成，案件會自動釋出給其他人。" }
            @if claims { (claim_button(&who, step)) }
            @if !blocked.is_empty() {
                section aria-labelledby="blocked" {
                    h2 #blocked { "無人可處理的案件（" (blocked.len()) " 件）" }
                    table {
                        thead { tr { th { "案件" } th { "原因" } } }
                        tbody {
                            @for b in &blocked {
                                tr.blocked {
                                    td { "#" (b.case_id.0) }
                                    td { (block_words(b.reason)) }
                                }
                            } @if blocked.is_empty() { (nothing_row(2)) }
                        }
                    }
                }
            }
        },
    )))
}

/// After a claim: its case, or the queue saying it is empty.
pub fn after_claim(step: Step, claimed: Option<CaseView>) -> HttpResponse {
    match claimed {
        Some(case) => see_other(&format!("/cases/{}/work", case.id.0)),
        None => see_other(&format!("/work/{}?empty=1", step.as_str())),
    }
}

#[post("/work/{step}/next")]
pub async fn claim(
    state: web::Data<AppState>,
    step: web::Path<String>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    let step = parse_step(&step)?;
    let actor = who.actor().clone();
    let claimed = state
        .db(move |c| crate::cases::queue::claim_next(c, &actor, step))
        .await?;
    Ok(after_claim(step, claimed))
}

/// The evidence beside the form: the first image, with its tools.
pub fn viewer(case: &CaseView) -> Markup {
    let image = case
        .evidence
        .iter()
        .find(|e| e.media_type.starts_with("image/"));
    html! {
        section aria-label="證據" {
            div.viewer {
                @if let Some(e) = image {
                    img src=(format!("/cases/{}/evidence/{}", case.id.0, e.sha256)) alt="證據影像（可縮放、平移、旋轉、調整亮度）";
                    div.tools {
                        button type="button" data-act="zoom-in" title="放大 Alt+=" { "＋" }
                        button type="button" data-act="zoom-out" title="縮小 Alt+-" { "－" }
                        button type="button" data-act="rotate" title="旋轉 Alt+R" { "↻" }
                        button type="button" data-act="brighter" title="調亮 Alt+B" { "☀" }
                        button type="button" data-act="darker" title="調暗 Alt+D" { "☾" }
                        button type="button" data-act="reset" title="還原 Alt+0" { "還原" }
                    }
                } @else {
                    p.muted { "此案件沒有影像證據。" }
                }
            }
            @for (n, e) in case.evidence.iter().filter(|e| image.is_none_or(|i| i.sha256 != e.sha256)).enumerate() {
                @let href = format!("/cases/{}/evidence/{}", case.id.0, e.sha256);
                @if e.media_type.starts_with("video/") {
                    figure.video {
                        video controls preload="metadata" src=(href) aria-label=(format!("證據影片 {}", n + 1)) {}
                        figcaption { a href=(href) download { "下載影片" } }
                    }
                } @else if e.media_type.starts_with("image/") {
                    p { a href=(href) target="_blank" rel="noopener" { "另一張影像（新分頁開啟）" } }
                } @else {
                    p { a href=(href) target="_blank" rel="noopener" { (if e.media_type == "application/pdf" { "PDF 文件" } else { e.media_type.as_str() }) "（新分頁開啟）" } }
                }
            }
        }
    }
}

/// What the case itself says, for every step.
pub fn case_facts(case: &CaseView) -> Markup {
    html! {
        dl.facts {
            dt { "案件" } dd { (case.client_id) }
            dt { "來源" } dd { (if case.source == crate::tickets::catalog::TicketKind::Camera { "科技執法" } else { "民眾檢舉" }) }
            dt { "地點" } dd { (case.place) }
            dt { "期限" } dd {
                (crate::domain::time::roc_date(case.deadline))
                @if case.days_left <= 7 { strong.warn { "（剩 " (case.days_left) " 天）" } }
            }
            @if let Some(camera) = &case.camera {
                dt { "設備" } dd { (camera.camera_id) }
                @if let (Some(speed), Some(limit)) = (camera.measured_speed, camera.speed_limit) {
                    dt { "測速" } dd { (speed) " / 限速 " (limit) " 公里" }
                }
            }
            @if let Some(d) = &case.description { dt { "描述" } dd { (d) } }
            @if let Some(at) = case.claim_expires_at { dt { "領取至" } dd { (roc_short_utc(at)) } }
        }
    }
}

/// The step a case waits for.
pub fn step_of(status: CaseStatus) -> Option<Step> {
    Step::ALL.into_iter().find(|s| s.works_on() == status)
}

/// A case as this browser's user may see it.
pub async fn load_case(state: &AppState, who: &Browser, id: CaseId) -> PageResult<CaseView> {
    let actor = who.actor().clone();
    Ok(state
        .db(move |c| {
            let (row, _) = crate::cases::view::get_readable(c, &actor, id)?;
            crate::cases::view::view(c, &actor, row)
        })
        .await?)
}

/// The critical values both keyings of a case in resolution agree on, as
/// the form carries them.
fn agreed_values(case: &CaseView) -> Vec<(String, String)> {
    if case.status != CaseStatus::InResolution {
        return Vec::new();
    }
    let differing = case.differences.clone().unwrap_or_default();
    let Some(keyed) = case
        .entries
        .iter()
        .flatten()
        .rev()
        .find(|e| e.step == Step::Keying)
    else {
        return Vec::new();
    };
    [
        ("plate", keyed.plate.clone()),
        ("vehicle_class", keyed.vehicle_class.as_str().to_owned()),
        ("article_code", keyed.article_code.clone()),
        (
            "violation_at",
            crate::console::format::input_value(keyed.violation_at),
        ),
    ]
    .into_iter()
    .filter(|(f, _)| !differing.iter().any(|d| d == f))
    .map(|(f, v)| (f.to_owned(), v))
    .collect()
}

#[get("/cases/{id}/work")]
pub async fn work_page(
    state: web::Data<AppState>,
    who: Browser,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let case = load_case(&state, &who, id).await?;
    // The place of the camera or report is what the ticket normally says;
    // a resolution retypes only what the two keyings disagree on.
    let mut start = vec![("place".to_owned(), case.place.clone())];
    start.extend(agreed_values(&case));
    // A reviewer sees at once what the approval will ask to acknowledge.
    let actor = who.actor().clone();
    let warnings = state
        .db(move |c| crate::cases::review::open_warnings(c, &actor, id))
        .await?;
    Ok(ok(keying::work_screen(&who, &case, &start, &[], &warnings)))
}

#[post("/cases/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, .. }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CaseId(id.into_inner());
    let actor = who.actor().clone();
    let case = state
        .db(move |c| crate::cases::queue::release(c, &actor, id))
        .await?;
    let step = step_of(case.status).unwrap_or(Step::Keying);
    Ok(see_other(&format!("/work/{}", step.as_str())))
}

#[get("/cases/{id}/evidence/{sha256}")]
pub async fn evidence(
    state: web::Data<AppState>,
    who: Browser,
    path: web::Path<(i64, String)>,
) -> PageResult<HttpResponse> {
    let (id, sha256) = path.into_inner();
    let actor = who.actor().clone();
    let (bytes, media_type) = state
        .blocking(move |s| {
            crate::cases::evidence::read(
                &mut *s.conn()?,
                s.evidence.as_ref(),
                &actor,
                CaseId(id),
                &sha256,
            )
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .body(bytes))
}
