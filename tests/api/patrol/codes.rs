//! Box codes: signed, decoded from the printed QR, rotated and retired.

use super::*;

#[actix_web::test]
async fn forged_altered_and_replaced_codes_are_refused() {
    let w = world().await;
    let srv = w.app.service().await;
    let good = scan(&w.app, w.b1, B1);
    let genuine = good["payload"].as_str().unwrap().to_owned();

    let mut altered = good.clone();
    altered["payload"] =
        json!(genuine.replacen(&format!("EPB1.{}.", w.b1), &format!("EPB1.{}.", w.b2), 1));
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), altered).await;
    assert_eq!((r.status, r.code()), (422, "bad_signature"));

    let mut forged = good.clone();
    forged["payload"] = json!(format!("EPB1.{}.1.1.AAAAAAAAAAAAAAAAAAAAAA", w.b1));
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), forged)
            .await
            .code(),
        "bad_signature"
    );

    let mut junk = good.clone();
    junk["payload"] = json!("https://example.com/not-a-box");
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), junk)
            .await
            .code(),
        "malformed_code"
    );

    // A photographed sticker: the box gets a new code and the old one stops working.
    let r = post(
        &srv,
        &format!("/api/v1/boxes/{}/reissue-code", w.b1),
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.body["code_serial"], 2);
    let mut old = good.clone();
    old["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), old)
            .await
            .code(),
        "code_superseded"
    );
    let fresh = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b1, B1),
    )
    .await;
    assert_eq!(fresh.status, 201);

    // A retired box.
    post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b2, B2),
    )
    .await;
    assert_eq!(r.code(), "box_retired");

    // Rejections are audited; nothing was stored for them.
    let rejected =
        epatrol::audit::list(&mut w.app.conn(), Some("checkin"), None, None, 100).unwrap();
    assert_eq!(
        rejected
            .iter()
            .filter(|e| e.action == "checkin.rejected")
            .count(),
        5
    );
    let all = get(&srv, "/api/v1/checkins?limit=100", &w.sup).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_rotated_key_keeps_old_stickers_until_retired() {
    let w = world().await;
    let srv = w.app.service().await;
    let old_sticker = scan(&w.app, w.b1, B1);
    {
        let mut conn = w.app.conn();
        let v2 = epatrol::patrol::store::add_key_version(&mut conn, epatrol::db::now()).unwrap();
        assert_eq!(v2, 2);
    }
    assert_eq!(
        post(
            &srv,
            "/api/v1/checkins",
            Some(&w.officer),
            old_sticker.clone()
        )
        .await
        .status,
        201
    );
    epatrol::patrol::store::retire_key_version(&mut w.app.conn(), 1, epatrol::db::now()).unwrap();
    let mut again = old_sticker.clone();
    again["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), again)
            .await
            .code(),
        "code_key_retired"
    );
    // Stickers printed now carry the new version, and work.
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/boxes/{}/qr", w.b1))
            .insert_header(("Authorization", format!("Bearer {}", w.sup)))
            .to_request(),
    )
    .await;
    let printed = res
        .headers()
        .get("x-box-payload")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        printed.starts_with(&format!("EPB1.{}.1.2.", w.b1)),
        "{printed}"
    );
    let mut s = scan(&w.app, w.b1, B1);
    s["payload"] = json!(printed);
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), s)
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn box_qr_codes_decode_to_the_signed_payload() {
    let w = world().await;
    let srv = w.app.service().await;
    let req = |format: &str| {
        actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/boxes/{}/qr?format={format}", w.b1))
            .insert_header(("Authorization", format!("Bearer {}", w.sup)))
            .to_request()
    };
    let res = actix_web::test::call_service(&srv, req("png")).await;
    assert_eq!(res.status(), 200);
    let payload = res
        .headers()
        .get("x-box-payload")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = actix_web::test::read_body(res).await;
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (wd, ht) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(wd, ht, |x, y| buf[y * wd + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, payload);
    assert_eq!(content, payload_of(&w, w.b1));
    // And the decoded payload checks in.
    let mut s = scan(&w.app, w.b1, B1);
    s["payload"] = json!(content);
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), s)
            .await
            .status,
        201
    );

    let res = actix_web::test::call_service(&srv, req("svg")).await;
    assert_eq!(res.headers().get("content-type").unwrap(), "image/svg+xml");
    let svg = actix_web::test::read_body(res).await;
    assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    let res = actix_web::test::call_service(&srv, req("gif")).await;
    assert_eq!(res.status(), 400);
}

fn payload_of(w: &World, id: i64) -> String {
    payload(&w.app, id)
}

#[actix_web::test]
async fn administrators_rotate_box_code_keys_over_the_api() {
    let w = world().await;
    let srv = w.app.service().await;
    let old_sticker = scan(&w.app, w.b1, B1);
    let r = post(&srv, "/api/v1/box-code-keys", Some(&w.admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let current: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["current"] == true)
        .map(|k| k["version"].as_i64().unwrap())
        .collect();
    assert_eq!(current, vec![2]);
    let r = post(
        &srv,
        "/api/v1/box-code-keys/2/retire",
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "current_key"));
    assert_eq!(
        post(
            &srv,
            "/api/v1/checkins",
            Some(&w.officer),
            old_sticker.clone()
        )
        .await
        .status,
        201
    );
    let r = post(
        &srv,
        "/api/v1/box-code-keys/1/retire",
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut again = old_sticker;
    again["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), again)
            .await
            .code(),
        "code_key_retired"
    );
    // Supervisors do not manage keys.
    assert_eq!(
        post(&srv, "/api/v1/box-code-keys", Some(&w.sup), json!({}))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn a_retired_box_gets_no_code() {
    let w = world().await;
    let srv = w.app.service().await;
    let r = post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let qr = get(&srv, &format!("/api/v1/boxes/{}/qr", w.b2), &w.sup).await;
    assert_eq!((qr.status, qr.code()), (409, "box_retired"));
    assert_eq!(
        get(&srv, &format!("/api/v1/boxes/{}/qr", w.b1), &w.sup)
            .await
            .status,
        200
    );
}
