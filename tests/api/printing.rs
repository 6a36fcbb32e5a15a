//! Every print format of a ticket, read back: the QR code decodes to the
//! verification link from the thermal raster of each printer language, and
//! the PDF carries the Chinese as text.

use crate::common::*;
use actix_web::test::TestRequest;
use epatrol::domain::Role;
use epatrol::print::printer;
use epatrol::print::raster::Bitmap;
use serde_json::json;

fn qr_of(bm: &Bitmap) -> String {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        bm.width as usize,
        bm.height as usize,
        |x, y| {
            if bm.get(x as u32, y as u32) { 0 } else { 255 }
        },
    );
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the ticket");
    grids[0].decode().unwrap().1
}

fn png_bitmap(bytes: &[u8]) -> Bitmap {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::One);
    let mut bm = Bitmap::new(info.width, info.height);
    bm.bits = buf.iter().map(|b| !b).collect();
    bm
}

#[actix_web::test]
async fn every_format_prints_a_readable_qr_code_and_chinese() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let ticket = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
        "violation_at": chrono::Utc::now().to_rfc3339(), "place": "臺南市東區東門路一段與府連路口",
        "plate": "ABC-1234", "vehicle_class": "car", "article_code": "53-1",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈", "fine": 2700,
        "driver": {"name": "王小明", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
        "signature": {"status": "refused", "reason": "駕駛人拒絕簽收", "handed_over_at": chrono::Utc::now().to_rfc3339()},
        "acknowledge": ["article_code:unconfirmed"],
    });
    let t = post(&srv, "/api/v1/tickets", Some(&officer), ticket).await;
    assert_eq!(t.status, 201, "{}", t.body);
    let id = t.body["id"].as_i64().unwrap();
    let url = t.body["verify_url"].as_str().unwrap().to_owned();
    let fetch = |format: &str, width: u32| {
        TestRequest::get()
            .uri(&format!(
                "/api/v1/tickets/{id}/print?format={format}&width={width}"
            ))
            .insert_header(("Authorization", format!("Bearer {officer}")))
            .to_request()
    };
    for width in [384u32, 576] {
        let mut bytes = std::collections::HashMap::new();
        for format in ["escpos", "zpl", "cpcl", "png", "pdf"] {
            let res = actix_web::test::call_service(&srv, fetch(format, width)).await;
            assert_eq!(res.status(), 200, "{format}");
            bytes.insert(format, actix_web::test::read_body(res).await.to_vec());
        }
        let esc = printer::escpos_decode(&bytes["escpos"]).unwrap();
        assert_eq!(esc.width, width);
        assert!(esc.height > 600, "a whole ticket: {} rows", esc.height);
        assert_eq!(qr_of(&esc), url, "ESC/POS");
        let zpl = printer::zpl_decode(&bytes["zpl"]).unwrap();
        assert_eq!(zpl, esc, "ZPL carries the same raster");
        let cpcl = printer::cpcl_decode(&bytes["cpcl"]).unwrap();
        assert_eq!(cpcl, esc, "CPCL carries the same raster");
        if let Ok(dir) = std::env::var("EPATROL_TEST_ARTIFACTS") {
            std::fs::write(format!("{dir}/ticket-{width}.png"), &bytes["png"]).unwrap();
            std::fs::write(format!("{dir}/ticket-{width}.pdf"), &bytes["pdf"]).unwrap();
        }
        let png = png_bitmap(&bytes["png"]);
        assert_eq!(png, esc, "the preview is exactly the print");
        assert_eq!(qr_of(&png), url);

        let pdf = &bytes["pdf"];
        assert!(pdf.starts_with(b"%PDF"));
        assert!(pdf.len() < 200_000, "PDF of {} bytes", pdf.len());
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let text = doc.extract_text(&[1]).unwrap().replace('\n', "");
        for expected in [
            "舉發違反道路交通管理事件通知單",
            "王小明",
            "拒簽（駕駛人拒絕簽收），已於民國",
            "交付通知聯",
            "被通知人：■駕駛人　□車主",
            t.body["number"].as_str().unwrap(),
        ] {
            assert!(text.contains(expected), "PDF lacks {expected}: {text}");
        }
    }
    let res = actix_web::test::call_service(
        &srv,
        TestRequest::get()
            .uri(&format!(
                "/api/v1/tickets/{id}/print?format=escpos&width=500"
            ))
            .insert_header(("Authorization", format!("Bearer {officer}")))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 400);
}

async fn pdf_of<S, B>(srv: &S, id: i64, token: &str) -> Vec<u8>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let res = actix_web::test::call_service(
        srv,
        TestRequest::get()
            .uri(&format!("/api/v1/tickets/{id}/print?format=pdf"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    actix_web::test::read_body(res).await.to_vec()
}

fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.extract_text(&[1]).unwrap().replace('\n', "")
}

fn camera_ticket(name: &str) -> serde_json::Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "camera",
        "violation_at": "2026-11-20T06:05:00Z", "place": "臺南市東區東門路一段",
        "plate": "ABC-1234", "vehicle_class": "car", "article_code": "53-1",
        "facts": "闖紅燈", "fine": 2700,
        "owner": {"name": name, "sex": "male", "birth_date": "1990-05-01", "national_id": "A123456789", "address": "臺南市北區"},
        "signature": {"status": "not_applicable"},
        "acknowledge": ["article_code:unconfirmed"],
    })
}

#[actix_web::test]
async fn a_notice_carries_its_issuer_and_roc_dates() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let t = post(
        &srv,
        "/api/v1/tickets",
        Some(&officer),
        camera_ticket("王小明"),
    )
    .await;
    assert_eq!(t.status, 201, "{}", t.body);
    assert_eq!(t.body["officer_badge"], "O1101");
    assert_eq!(t.body["issuing_unit"], "P1-S1 單位");
    let text = pdf_text(&pdf_of(&srv, t.body["id"].as_i64().unwrap(), &officer).await);
    for expected in [
        "舉發單位：P1-S1 單位",
        "舉發員警：O1101",
        "違規時間：民國115年11月20日 14時05分",
        "出生日期：民國79年05月01日",
        "性別：男",
        "舉發類別：逕行舉發",
        "應到案日期：民國",
        "填單日期：民國",
        // 細則 §11: the recipient box, the owner's address on a notice
        // issued without stopping; §15 II; the adjudication authority.
        "被通知人：□駕駛人　■車主",
        "車主：王小明",
        "住址：臺南市北區",
        "應到案處所：臺南市政府交通局交通事件裁決中心",
        "受通知人收受通知單時，應到案日期不足三十日或已逾應到案日期者，得於送達生效日後三十日內到案。",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected}: {text}");
    }
    // "逕行舉發" heads the notice, above its title.
    let head = text.find("逕行舉發").unwrap();
    assert!(
        head < text.find("舉發違反道路交通管理事件通知單").unwrap(),
        "{text}"
    );
    // 45 days from issue for a notice issued without stopping (§15 I).
    let due: chrono::NaiveDate = t.body["due_date"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due,
        (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() + chrono::Duration::days(45)
    );
}

#[actix_web::test]
async fn a_notice_to_a_child_names_the_guardian_and_a_refusal_to_take_it() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let ticket = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
        "violation_at": chrono::Utc::now().to_rfc3339(), "place": "臺南市東區東門路一段",
        "plate": "MKB-2031", "vehicle_class": "motorcycle", "article_code": "53-1",
        "facts": "闖紅燈", "fine": 1800,
        "driver": {"name": "林小弟", "birth_date": "2014-03-01", "national_id": "A123456789", "address": "臺南市東區"},
        "guardian": {"name": "林大哥", "national_id": "F131104093", "address": "臺南市東區林森路1號"},
        "signature": {"status": "receipt_refused", "reason": "拒絕收受"},
        "acknowledge": ["article_code:unconfirmed"],
    });
    let t = post(&srv, "/api/v1/tickets", Some(&officer), ticket.clone()).await;
    assert_eq!(t.status, 201, "{}", t.body);
    assert_eq!(t.body["guardian"]["name"], "林大哥");
    let text = pdf_text(&pdf_of(&srv, t.body["id"].as_i64().unwrap(), &officer).await);
    for expected in [
        "法定代理人或監護人：林大哥",
        "住址：臺南市東區林森路1號",
        "拒收（拒絕收受），已告知應到案時間及處所，視為已收受",
        "罰鍰：新臺幣 1,800 元",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected}: {text}");
    }
    // Without the guardian it is refused.
    let mut orphan = ticket;
    orphan["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    orphan["guardian"] = serde_json::Value::Null;
    let r = post(&srv, "/api/v1/tickets", Some(&officer), orphan).await;
    assert_eq!(
        (r.status, r.code()),
        (422, "validation_failed"),
        "{}",
        r.body
    );
}

#[actix_web::test]
async fn a_void_or_superseded_version_never_reprints_as_valid() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let voided = post(
        &srv,
        "/api/v1/tickets",
        Some(&officer),
        camera_ticket("王小明"),
    )
    .await;
    let vid = voided.body["id"].as_i64().unwrap();
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{vid}/void"),
        Some(&officer),
        json!({"reason": "duplicate", "note": "重複開單"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let text = pdf_text(&pdf_of(&srv, vid, &officer).await);
    assert!(text.contains("作廢"), "{text}");

    let first = post(
        &srv,
        "/api/v1/tickets",
        Some(&officer),
        camera_ticket("陳大同"),
    )
    .await;
    let fid = first.body["id"].as_i64().unwrap();
    let mut fixed = camera_ticket("陳大同");
    fixed["plate"] = json!("ABC-1235");
    let second = post(
        &srv,
        &format!("/api/v1/tickets/{fid}/corrections"),
        Some(&officer),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(second.status, 201, "{}", second.body);
    let text = pdf_text(&pdf_of(&srv, fid, &officer).await);
    let number = first.body["number"].as_str().unwrap();
    assert!(text.contains("已更正"), "{text}");
    assert!(text.contains(&format!("{number} 第 2 版為準")), "{text}");
    // The version in force prints clean.
    let text = pdf_text(&pdf_of(&srv, second.body["id"].as_i64().unwrap(), &officer).await);
    assert!(!text.contains("作廢") && !text.contains("已更正"), "{text}");
}

#[actix_web::test]
async fn the_pdf_keeps_every_character_of_a_name_and_a_real_date() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    // 𪚥 is in no bundled font; the officer acknowledges the warning.
    let mut t = camera_ticket("王𪚥");
    t["acknowledge"] = json!(["owner.name:glyph_missing", "article_code:unconfirmed"]);
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let pdf = pdf_of(&srv, r.body["id"].as_i64().unwrap(), &officer).await;
    // The text layer says what the paper cannot show.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let content = doc.get_and_decode_page_content(page).unwrap();
    let actual: Vec<String> = content
        .operations
        .iter()
        .filter(|op| op.operator == "BDC")
        .filter_map(|op| {
            op.operands
                .get(1)?
                .as_dict()
                .ok()?
                .get(b"ActualText")
                .ok()?
                .as_str()
                .ok()
        })
        .map(|bytes| {
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        })
        .collect();
    assert!(actual.iter().any(|t| t.contains("王𪚥")), "{actual:?}");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let created = doc
        .get_dictionary(info)
        .unwrap()
        .get(b"CreationDate")
        .unwrap()
        .as_str()
        .unwrap();
    let year = format!("D:{}", chrono::Utc::now().format("%Y"));
    assert!(
        String::from_utf8_lossy(created).starts_with(&year),
        "{}",
        String::from_utf8_lossy(created)
    );
}
