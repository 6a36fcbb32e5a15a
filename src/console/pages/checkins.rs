//! Flagged check-ins waiting for a supervisor: the list, and one scan drawn
//! against its box's geofence (a plain map that needs no internet), with
//! the decision and its note.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};

use crate::console::format::roc_short_utc;
use crate::console::layout::{
    csrf_field, html_response, nothing_row, ok, page, problems, see_other,
};
use crate::console::page_error::{PageError, PageResult, explain};
use crate::console::session::Browser;
use crate::console::{CsrfForm, field};
use crate::domain::CheckinId;
use crate::error::ApiError;
use crate::patrol::boxes::BoxView;
use crate::patrol::checkin::view::CheckinView;
use crate::patrol::flags::Flag;
use crate::patrol::review::{Decision, ReviewInput};
use crate::state::AppState;

pub fn flag_name(f: Flag) -> &'static str {
    match f {
        Flag::OutsideGeofence => "不在巡邏箱範圍內",
        Flag::PoorAccuracy => "定位精度不足",
        Flag::ClockSkew => "裝置時間不符",
        Flag::TimeUnverified => "時間未經驗證",
        Flag::ImpossibleTravel => "移動速度不合理",
        Flag::MockLocation => "模擬定位",
        Flag::NotOnPlan => "不在巡邏計畫內",
        Flag::Duplicate => "重複掃描",
        Flag::DwellUnpaired => "離開紀錄無對應的到達",
        Flag::DwellTooShort => "停留時間不足",
    }
}

use crate::patrol::checkins::waiting_reviews;

#[get("/checkins/flagged")]
pub async fn flagged(state: web::Data<AppState>, who: Browser) -> PageResult<HttpResponse> {
    let actor = who.actor().clone();
    let (waiting, names) = state
        .db(move |c| {
            let waiting = waiting_reviews(c, &actor)?;
            let names = crate::patrol::checkins::names_of(c, &waiting)?;
            Ok((waiting, names))
        })
        .await?;
    Ok(ok(page(
        "待審巡簽",
        &who,
        html! {
            h1 { "待審巡簽（" (waiting.len()) " 筆）" }
            @if waiting.is_empty() { p { "沒有待審的巡簽。" } }
            @else {
                table {
                    thead { tr { th { "時間" } th { "巡邏箱" } th { "員警" } th { "距離" } th { "原因" } } }
                    tbody {
                        @for v in &waiting {
                            tr {
                                td { a href=(format!("/checkins/{}", v.id.0)) { (roc_short_utc(v.occurred_at)) } }
                                td { (names.of_box(v.box_id)) }
                                td { (names.of_officer(v.officer_id)) }
                                td.num { (format!("{:.0}", v.distance_m)) " 公尺" }
                                td { @for f in &v.flags { (flag_name(*f)) " " } }
                            }
                        } @if waiting.is_empty() { (nothing_row(5)) }
                    }
                }
            }
        },
    )))
}

/// Metres east and north of `from` (equirectangular: exact enough within
/// a few kilometres).
pub fn offset_m(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    let r = 6_371_000.0_f64;
    let lat0 = from.0.to_radians();
    let east = (to.1 - from.1).to_radians() * lat0.cos() * r;
    let north = (to.0 - from.0).to_radians() * r;
    (east, north)
}

/// The box's geofence and the scan, to scale, on a plain background.
pub fn geofence_map(b: &BoxView, v: &CheckinView, tiles: Option<&str>) -> Markup {
    let (east, north) = offset_m((b.lat, b.lon), (v.position.lat, v.position.lon));
    let reach = (east.abs().max(north.abs()) + v.position.accuracy_m)
        .max(b.radius_m)
        .max(10.0)
        * 1.25;
    let scale = 180.0 / reach;
    let (x, y) = (200.0 + east * scale, 200.0 - north * scale);
    html! {
        svg.map width="400" height="400" viewBox="0 0 400 400" role="img"
            aria-label=(format!("巡邏箱 {} 的範圍（半徑 {:.0} 公尺）與掃描位置（距離 {:.0} 公尺）", b.code, b.radius_m, v.distance_m)) {
            (crate::console::tiles::under(tiles, (b.lat, b.lon), scale, 400.0, 400.0))
            line x1="200" y1="0" x2="200" y2="400" stroke="#c8d3c8" {}
            line x1="0" y1="200" x2="400" y2="200" stroke="#c8d3c8" {}
            circle cx="200" cy="200" r=(format!("{:.1}", b.radius_m * scale)) fill="#2f7d3233" stroke="#2f7d32" stroke-width="2" {}
            circle cx="200" cy="200" r="5" fill="#2f7d32" {}
            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(format!("{:.1}", (v.position.accuracy_m * scale).max(2.0))) fill="#b4231833" stroke="#b42318" {}
            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="5" fill="#b42318" {}
            text x="8" y="392" font-size="13" fill="#333" { "比例：" (format!("{:.0}", reach / 1.25)) " 公尺 ≈ 180 像素；綠：巡邏箱範圍，紅：掃描位置與精度" }
        }
    }
}

async fn checkin_screen(
    state: &AppState,
    who: &Browser,
    id: CheckinId,
    messages: &[String],
) -> PageResult<Markup> {
    let actor = who.actor().clone();
    let (view, b, names) = state
        .db(move |c| {
            let (view, b) = crate::patrol::checkins::get_with_box(c, &actor, id)?;
            let names = crate::patrol::checkins::names_of(c, std::slice::from_ref(&view))?;
            Ok((view, b, names))
        })
        .await?;
    Ok(page(
        "巡簽審核",
        who,
        html! {
            h1 { "巡簽審核：" (b.code) " " (b.name) }
            div.work {
                (geofence_map(&b, &view, state.settings.map_tiles.as_deref()))
                section {
                    dl.facts {
                        dt { "掃描時間" } dd { (roc_short_utc(view.occurred_at)) }
                        dt { "員警" } dd { (names.of_officer(view.officer_id)) }
                        dt { "距離" } dd { (format!("{:.0}", view.distance_m)) " 公尺（範圍 " (format!("{:.0}", b.radius_m)) " 公尺，精度 ±" (format!("{:.0}", view.position.accuracy_m)) " 公尺）" }
                        dt { "原因" } dd { @for f in &view.flags { (flag_name(*f)) " " } }
                    }
                    @if let Some(r) = &view.review {
                        p { "已審核：" (if r.decision == "accept" { "採認" } else { "不採認" }) "，" (r.note) }
                    }
                    (problems(messages))
                    form method="post" action=(format!("/checkins/{}/review", view.id.0)) {
                        (csrf_field(who))
                        fieldset {
                            legend { "決定" }
                            label { input type="radio" name="decision" value="accept" required; " 採認（計入涵蓋率）" }
                            label { input type="radio" name="decision" value="reject"; " 不採認" }
                        }
                        label for="note" { "說明（必填）" }
                        textarea #note name="note" rows="3" required {}
                        p { button type="submit" { "送出審核" } }
                    }
                }
            }
        },
    ))
}

#[get("/checkins/{id}")]
pub async fn checkin_page(
    state: web::Data<AppState>,
    who: Browser,
    id: web::Path<i64>,
) -> PageResult<HttpResponse> {
    let id = CheckinId(id.into_inner());
    Ok(ok(checkin_screen(&state, &who, id, &[]).await?))
}

#[post("/checkins/{id}/review")]
pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    let id = CheckinId(id.into_inner());
    let decision = match field(&form, "decision") {
        "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        _ => {
            let msg = vec!["請選擇採認或不採認。".to_owned()];
            let body = checkin_screen(&state, &who, id, &msg).await?;
            return Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let input = ReviewInput {
        decision,
        note: field(&form, "note").to_owned(),
    };
    let actor = who.actor().clone();
    let done = state
        .db(move |c| crate::patrol::review::review(c, &actor, id, input))
        .await;
    match done {
        Ok(_) => Ok(see_other("/checkins/flagged")),
        Err(e @ ApiError::Validation(_)) => {
            let body = checkin_screen(&state, &who, id, &[explain(&e)]).await?;
            Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, body))
        }
        Err(e) => Err(PageError::Api(e)),
    }
}
