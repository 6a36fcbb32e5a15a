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
        "signature": {"status": "refused", "reason": "駕駛人拒絕簽收"},
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
            "拒簽",
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
