//! Patrol boxes: the list of a unit's boxes, a new box, a CSV import that
//! shows every bad row, and the sticker sheets to print, through the same
//! box services as the API (creating and importing stay administrators').

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::layout::{
    csrf_field, html_response, nothing_row, ok, page, problems, see_other,
};
use crate::console::page_error::PageResult;
use crate::console::session::Browser;
use crate::console::{CsrfForm, field};
use crate::domain::{Role, UnitId};
use crate::error::{ApiError, FieldError};
use crate::org::directory::UnitRow;
use crate::pagination::PageQuery;
use crate::patrol::box_import::IMPORT_COLUMNS;
use crate::patrol::boxes::{BoxListQuery, BoxView, CreateBox};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct BoxesForm {
    unit_id: Option<i64>,
    #[serde(default)]
    include_retired: bool,
}

impl BoxesForm {
    /// The boxes of every unit within reach, in use: the list after a change.
    const EVERY_UNIT: BoxesForm = BoxesForm {
        unit_id: None,
        include_retired: false,
    };
}

fn field_label(field: &str) -> &str {
    match field.rsplit('.').next().unwrap_or(field) {
        "code" => "代碼",
        "unit_id" | "unit_code" => "單位",
        "name" => "名稱",
        "address" => "地址",
        "lat" => "緯度",
        "lon" => "經度",
        "radius_m" => "範圍（公尺）",
        "min_dwell_secs" => "停留秒數",
        other => other,
    }
}

/// `rows[3].lat` → row 3; other fields have no row.
fn row_of(field: &str) -> Option<&str> {
    field.strip_prefix("rows[")?.split(']').next()
}

fn import_errors(errors: &[FieldError]) -> Markup {
    html! {
        div.error role="alert" {
            p { "匯入檔有 " (errors.len()) " 處錯誤，全部未匯入。請修正後再匯入。" }
            table #import-errors {
                thead { tr { th.num { "列" } th { "欄位" } th { "說明" } } }
                tbody {
                    @for e in errors {
                        tr {
                            td.num { (row_of(&e.field).unwrap_or("—")) }
                            td { (field_label(&e.field)) }
                            td { (crate::console::words::explain(e)) }
                        }
                    } @if errors.is_empty() { (nothing_row(3)) }
                }
            }
        }
    }
}

struct Listing {
    units: Vec<UnitRow>,
    unit: Option<UnitId>,
    boxes: Vec<BoxView>,
    include_retired: bool,
}

async fn listing(state: &AppState, who: &Browser, q: &BoxesForm) -> PageResult<Listing> {
    let actor = who.actor().clone();
    let unit = q.unit_id.map(UnitId);
    let include_retired = q.include_retired;
    let (units, boxes) = state
        .db(move |c| {
            let units = super::coverage::units_within(c, &actor)?;
            let boxes = crate::patrol::boxes::list(
                c,
                &actor,
                &BoxListQuery {
                    unit_id: unit.map(|u| u.0),
                    include_retired,
                },
                PageQuery {
                    limit: Some(500),
                    after: None,
                },
            )?
            .items;
            Ok((units, boxes))
        })
        .await?;
    Ok(Listing {
        units,
        unit,
        boxes,
        include_retired,
    })
}

fn boxes_body(
    who: &Browser,
    l: &Listing,
    form: &[(String, String)],
    create_errors: &[FieldError],
    import: Option<&[FieldError]>,
    csv_text: &str,
) -> Markup {
    let admin = who.actor().role == Role::Admin;
    let sticker_unit = l.unit.or(who.actor().unit_id);
    html! {
        h1 { "巡邏箱" }
        // What went wrong comes first, where it is seen without scrolling.
        @if let Some(errors) = import { (import_errors(errors)) }
        form.row method="get" action="/boxes" {
            div {
                label for="b-unit" { "單位" }
                select #b-unit name="unit_id" {
                    option value="" { "全部" }
                    @for u in &l.units { option value=(u.id.0) selected[Some(u.id) == l.unit] { (u.name) } }
                }
            }
            div { label.inline for="b-retired" { input #b-retired type="checkbox" name="include_retired" value="true" checked[l.include_retired]; "含已撤除" } }
            div { button type="submit" { "查詢" } }
        }
        @if let Some(u) = sticker_unit {
            p { a href=(format!("/boxes/stickers?unit_id={}", u.0)) { "列印 QR 貼紙（PDF）" } }
        }
        p #box-count { (l.boxes.len()) " 個巡邏箱" }
        table #boxes {
            thead { tr { th { "代碼" } th { "名稱" } th { "單位" } th { "地址" } th.num { "範圍（公尺）" } th.num { "停留（秒）" } th.num { "貼紙序號" } th { "狀態" } } }
            tbody {
                @for b in &l.boxes {
                    tr {
                        td { (b.code) } td { (b.name) } td { (b.unit.name) } td { (b.address) }
                        td.num { (format!("{:.0}", b.radius_m)) }
                        td.num { @if let Some(d) = b.min_dwell_secs { (d) } @else { "—" } }
                        td.num { (b.code_serial) }
                        td { @if b.retired { "已撤除" } @else { "使用中" } }
                    }
                } @if l.boxes.is_empty() { (nothing_row(8)) }
            }
        }
        @if admin {
            h2 #new-box { "新增巡邏箱" }
            (problems(&create_errors.iter().map(|e| format!("{}：{}", field_label(&e.field), crate::console::words::explain(e))).collect::<Vec<_>>()))
            form method="post" action="/boxes" {
                (csrf_field(who))
                div.row {
                    div { label for="nb-code" { "代碼" } input #nb-code type="text" name="code" value=(field(form, "code")) required; }
                    div {
                        label for="nb-unit" { "單位" }
                        select #nb-unit name="unit_id" {
                            @for u in &l.units { option value=(u.id.0) selected[field(form, "unit_id") == u.id.0.to_string()] { (u.name) } }
                        }
                    }
                    div { label for="nb-name" { "名稱" } input #nb-name type="text" name="name" value=(field(form, "name")) required; }
                }
                div.row {
                    div { label for="nb-address" { "地址" } input #nb-address type="text" name="address" value=(field(form, "address")) required; }
                    div { label for="nb-lat" { "緯度" } input #nb-lat type="text" inputmode="decimal" name="lat" value=(field(form, "lat")) required; }
                    div { label for="nb-lon" { "經度" } input #nb-lon type="text" inputmode="decimal" name="lon" value=(field(form, "lon")) required; }
                    div { label for="nb-radius" { "範圍（公尺）" } input #nb-radius type="number" min="5" max="1000" name="radius_m" value=(field(form, "radius_m")) placeholder="30"; }
                    div { label for="nb-dwell" { "停留秒數" } input #nb-dwell type="number" min="1" max="7200" name="min_dwell_secs" value=(field(form, "min_dwell_secs")); }
                }
                button type="submit" { "新增" }
            }
            h2 #import { "以 CSV 匯入" }
            p.muted { "欄位依序為：" code { (IMPORT_COLUMNS) } "。任一列有誤則全部不匯入，並列出每一處錯誤。" }
            form method="post" action="/boxes/import" {
                (csrf_field(who))
                label for="imp-file" { "選擇檔案" }
                input #imp-file type="file" accept=".csv,text/csv" data-fill-text="imp-text";
                label for="imp-text" { "或貼上內容" }
                textarea #imp-text name="csv" rows="8" cols="100" spellcheck="false" { (csv_text) }
                button type="submit" { "匯入" }
            }
        }
    }
}

#[get("/boxes")]
pub async fn boxes_page(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<BoxesForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let l = listing(&state, &who, &query).await?;
    Ok(ok(page(
        "巡邏箱",
        &who,
        boxes_body(&who, &l, &[], &[], None, ""),
    )))
}

fn number<T: std::str::FromStr>(
    form: &[(String, String)],
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match field(form, name) {
        "" => None,
        v => match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(name, "invalid", "請填寫數字"));
                None
            }
        },
    }
}

fn box_input(form: &[(String, String)]) -> Result<CreateBox, Vec<FieldError>> {
    let mut errors = Vec::new();
    let unit_id = number::<i64>(form, "unit_id", &mut errors);
    let lat = number::<f64>(form, "lat", &mut errors);
    let lon = number::<f64>(form, "lon", &mut errors);
    for (name, v) in [
        ("unit_id", unit_id.is_some()),
        ("lat", lat.is_some()),
        ("lon", lon.is_some()),
    ] {
        if !v && !errors.iter().any(|e| e.field == name) {
            errors.push(FieldError::new(name, "required", "必填"));
        }
    }
    let input = CreateBox {
        code: field(form, "code").to_owned(),
        unit_id: UnitId(unit_id.unwrap_or_default()),
        name: field(form, "name").to_owned(),
        address: field(form, "address").to_owned(),
        lat: lat.unwrap_or_default(),
        lon: lon.unwrap_or_default(),
        radius_m: number(form, "radius_m", &mut errors),
        min_dwell_secs: number(form, "min_dwell_secs", &mut errors),
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

#[post("/boxes")]
pub async fn create_box(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let result = match box_input(&form) {
        Ok(input) => {
            let actor = who.actor().clone();
            state
                .db(move |c| crate::patrol::boxes::create(c, &actor, input))
                .await
        }
        Err(errors) => Err(ApiError::Validation(errors)),
    };
    let errors = match result {
        Ok(b) => return Ok(see_other(&format!("/boxes?unit_id={}", b.unit.id.0))),
        Err(ApiError::Validation(errors)) => errors,
        Err(ApiError::UniqueViolation(_)) => {
            vec![FieldError::new("code", "taken", "此代碼已有巡邏箱")]
        }
        Err(other) => return Err(other.into()),
    };
    let l = listing(&state, &who, &BoxesForm::EVERY_UNIT).await?;
    Ok(html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(
            "巡邏箱",
            &who,
            boxes_body(&who, &l, &form, &errors, None, ""),
        ),
    ))
}

#[post("/boxes/import")]
pub async fn import_boxes(
    state: web::Data<AppState>,
    CsrfForm { who, form }: CsrfForm,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Police::ROLES)?;
    let csv_text = crate::console::raw_field(&form, "csv");
    let actor = who.actor().clone();
    let bytes = csv_text.clone().into_bytes();
    let result = state
        .db(move |c| crate::patrol::boxes::import_csv(c, &actor, &bytes, &|_, _| {}))
        .await;
    let errors = match result {
        Ok(report) => {
            let l = listing(&state, &who, &BoxesForm::EVERY_UNIT).await?;
            let done = html! {
                div.notice role="status" #import-done { "已匯入 " (report.imported) " 個巡邏箱。" }
                (boxes_body(&who, &l, &[], &[], None, ""))
            };
            return Ok(ok(page("巡邏箱", &who, done)));
        }
        Err(ApiError::Validation(errors)) => errors,
        Err(ApiError::BadRequest { code, detail }) => vec![FieldError::new("file", code, detail)],
        Err(other) => return Err(other.into()),
    };
    let l = listing(&state, &who, &BoxesForm::EVERY_UNIT).await?;
    Ok(html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        page(
            "巡邏箱",
            &who,
            boxes_body(&who, &l, &[], &[], Some(&errors), &csv_text),
        ),
    ))
}

#[derive(Debug, Deserialize)]
pub struct StickerForm {
    unit_id: i64,
}

#[get("/boxes/stickers")]
pub async fn stickers(
    state: web::Data<AppState>,
    who: Browser,
    query: web::Query<StickerForm>,
) -> PageResult<HttpResponse> {
    who.allow(crate::auth::Supervisor::ROLES)?;
    let actor = who.actor().clone();
    let unit = UnitId(query.unit_id);
    let (code, pdf) = state
        .blocking(move |s| crate::patrol::documents::sticker_sheet_of_unit(s, &actor, unit))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"box-stickers-{code}.pdf\""),
        ))
        .body(pdf))
}
