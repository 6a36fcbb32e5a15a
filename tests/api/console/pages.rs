//! Pages over plain HTTP: partial updates after sign-out, error pages,
//! the city page, the keying screen's video and words, the maps.

use super::*;

/// No browser needed: what htmx is told when the session has ended.
#[actix_web::test]
async fn a_partial_update_after_the_session_ended_loads_the_sign_in_page_whole() {
    let app = TestApp::new();
    let srv = app.service().await;
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::post()
            .uri("/cases/1/check")
            .insert_header(("HX-Request", "true"))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("plate=ABC-1234")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("hx-redirect").unwrap(), "/login");
    assert!(res.headers().get("location").is_none());
    // A plain form post is redirected as before.
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::post()
            .uri("/cases/1/check")
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("plate=ABC-1234")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").unwrap(), "/login");
}

/// No browser needed: an error page shown to someone signed in keeps the
/// console's menu (and its status), so the way on is one click.
#[actix_web::test]
async fn error_pages_keep_the_menu_for_someone_signed_in() {
    use actix_web::test::{TestRequest, call_service, read_body};
    let app = TestApp::new();
    app.user("S1100", app.fx.p1s1, epatrol::domain::Role::Supervisor);
    let srv = app.service().await;
    let cookies = console_cookies(&srv, "S1100").await;
    let res = call_service(
        &srv,
        TestRequest::get()
            .uri("/tickets/999999")
            .insert_header(("Cookie", cookies))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 404);
    assert!(res.headers().contains_key("content-security-policy"));
    let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("<nav aria-label=\"主選單\">"), "{html}");
    assert!(html.contains("找不到"), "{html}");
    assert!(html.contains("回首頁"), "{html}");
}

/// No browser needed: an administrator adds a vendor's contract from the
/// city page, and the rules the API applies refuse a bad one in words.
#[actix_web::test]
async fn an_administrator_adds_a_vendor_contract_from_the_city_page() {
    use actix_web::test::{TestRequest, call_service, read_body};
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, epatrol::domain::Role::Admin);
    let srv = app.service().await;
    let cookies = console_cookies(&srv, "A0001").await;
    let page = |cookies: String| {
        TestRequest::get()
            .uri("/admin/units")
            .insert_header(("Cookie", cookies))
            .to_request()
    };
    let res = call_service(&srv, page(cookies.clone())).await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
    let csrf = csrf_of(&html);
    let vendor = app.fx.vendor.0.to_string();
    let send = |starts: &'static str, ends: &'static str, price: &'static str| {
        TestRequest::post()
            .uri("/admin/contracts")
            .insert_header(("Cookie", cookies.clone()))
            .set_form([
                ("_csrf", csrf.as_str()),
                ("contract_vendor", vendor.as_str()),
                ("starts_on", starts),
                ("ends_on", ends),
                ("unit_price", price),
                ("yearly_ticket_cap", "855200"),
                ("yearly_amount_cap", "12,000,000"),
            ])
            .to_request()
    };
    let res = call_service(&srv, send("2027-01-01", "2029-12-31", "13")).await;
    assert_eq!(res.status(), 303);
    let res = call_service(&srv, page(cookies.clone())).await;
    let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
    assert!(
        html.contains("民國116年01月01日 – 民國118年12月31日"),
        "{html}"
    );
    assert!(html.contains("<td class=\"num\">12,000,000</td>"), "{html}");
    let r = get(
        &srv,
        &format!("/api/v1/vendors/{vendor}/contracts"),
        &login(&srv, "A0001").await,
    )
    .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.body);

    // Refused, in words, nothing added: the same period again, a price over
    // the cap, an end before the start.
    for (starts, ends, price, status, says) in [
        ("2028-01-01", "2028-12-31", "13", 409, "無法完成"),
        ("2030-01-01", "2030-12-31", "14", 422, "超出範圍"),
        ("2031-01-01", "2030-12-31", "13", 422, "早於開始"),
    ] {
        let res = call_service(&srv, send(starts, ends, price)).await;
        assert_eq!(res.status().as_u16(), status, "{starts} {price}");
        let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
        assert!(html.contains(says), "{says}: {html}");
    }
    let r = get(
        &srv,
        &format!("/api/v1/vendors/{vendor}/contracts"),
        &login(&srv, "A0001").await,
    )
    .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1, "{}", r.body);
}

/// No browser needed: the keyer's evidence viewer shows the image and plays
/// the video; what the rules say about a keying, as it is typed, reaches
/// the keyer in Chinese; the API keeps its own words.
#[actix_web::test]
async fn the_keying_screen_plays_video_evidence_and_speaks_chinese() {
    use actix_web::test::{TestRequest, call_service, read_body};
    let w = crate::cases::World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let keyer = login(&srv, "K1").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        crate::cases::camera_case(app, "CAM-ZH-000001", 60),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let evidence = format!("/api/v1/cases/{id}/evidence");
    let png = crate::cases::upload(&srv, &intake, &evidence, "image/png", crate::cases::PNG).await;
    assert_eq!(png.status, 201, "{}", png.body);
    let mp4 = crate::cases::upload(
        &srv,
        &intake,
        &evidence,
        "video/mp4",
        b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom",
    )
    .await;
    assert_eq!(mp4.status, 201, "{}", mp4.body);
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&keyer), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);

    let cookies = console_cookies(&srv, "K1").await;
    // The evidence viewer plays the video beside the image, and the page's
    // policy lets it.
    let work = call_service(
        &srv,
        TestRequest::get()
            .uri(&format!("/cases/{id}/work"))
            .insert_header(("Cookie", cookies.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(work.status(), 200);
    let policy = work
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("media-src 'self'"), "{policy}");
    let html = String::from_utf8(read_body(work).await.to_vec()).unwrap();
    let video = format!(
        "/cases/{id}/evidence/{}",
        mp4.body["sha256"].as_str().unwrap()
    );
    assert!(
        html.contains(&format!(
            "<video controls preload=\"metadata\" src=\"{video}\""
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<img src=\"/cases/{id}/evidence/{}\"",
            png.body["sha256"].as_str().unwrap()
        )),
        "{html}"
    );
    let home = call_service(
        &srv,
        TestRequest::get()
            .uri("/")
            .insert_header(("Cookie", cookies.clone()))
            .to_request(),
    )
    .await;
    let html = String::from_utf8(read_body(home).await.to_vec()).unwrap();
    let csrf = csrf_of(&html);
    let at = (chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::minutes(60))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("plate", "ZZ"),
        ("vehicle_class", "car"),
        ("article_code", "53-1"),
        ("violation_at", at.as_str()),
        ("place", "臺南市東區東門路一段"),
        ("facts", "闖紅燈"),
        ("fine", "1"),
    ];
    let res = call_service(
        &srv,
        TestRequest::post()
            .uri(&format!("/cases/{id}/check"))
            .insert_header(("Cookie", cookies))
            .set_form(form)
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
    // Each message beside its own field.
    let slot = |name: &str| {
        let open = format!(r#"id="m-{name}" hx-swap-oob="true">"#);
        let from = html.find(&open).map(|i| i + open.len()).unwrap_or(0);
        html[from..]
            .split("</div>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(slot("plate").contains("不是車牌號碼的格式"), "{html}");
    assert!(
        slot("fine").contains("第53條第1項的法定罰鍰為新臺幣 1,800 至 5,400 元"),
        "{html}"
    );
    assert!(
        slot("plate").contains("違規當日此車牌查無登記車輛"),
        "{html}"
    );
    assert_eq!(slot("place"), "", "{html}");
    assert!(!html.contains("not a plate number"), "{html}");

    // The API answers the same keying in its own words.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&keyer),
        json!({"plate": "ZZ", "vehicle_class": "car", "article_code": "53-1",
               "violation_at": (chrono::Utc::now() - chrono::Duration::minutes(60)).to_rfc3339(),
               "place": "臺南市東區東門路一段", "facts": "闖紅燈", "fine": 1}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let messages: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages.contains(&"not a plate number"), "{}", r.body);
    assert!(r.body["errors"][0].get("zh").is_none(), "{}", r.body);
}

/// No browser needed: a department's own tile server under the maps.
#[actix_web::test]
async fn maps_draw_the_tile_servers_tiles_when_there_is_one_and_none_otherwise() {
    use actix_web::test::{TestRequest, call_service, read_body};
    for tiles in [Some("https://tiles.police.example/{z}/{x}/{y}.png"), None] {
        let app = TestApp::with_settings(|s| s.map_tiles = tiles.map(str::to_owned));
        app.user("A0001", app.fx.hq, epatrol::domain::Role::Admin);
        app.user("S1100", app.fx.p1s1, epatrol::domain::Role::Supervisor);
        let srv = app.service().await;
        let admin = login(&srv, "A0001").await;
        let r = post(
            &srv,
            "/api/v1/boxes",
            Some(&admin),
            json!({"code": "B-1", "unit_id": app.fx.p1s1, "name": "巡邏箱", "address": "臺南市東區",
                   "lat": 22.9917, "lon": 120.2047, "radius_m": 30.0}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let cookies = console_cookies(&srv, "S1100").await;
        let res = call_service(
            &srv,
            TestRequest::get()
                .uri(&format!("/coverage?unit_id={}", app.fx.p1s1.0))
                .insert_header(("Cookie", cookies))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        let policy = res
            .headers()
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
        match tiles {
            Some(_) => {
                assert!(
                    policy.contains("img-src 'self' data: https://tiles.police.example;"),
                    "{policy}"
                );
                assert!(
                    html.contains("<image href=\"https://tiles.police.example/"),
                    "{html}"
                );
            }
            None => {
                assert!(!policy.contains("tiles.police.example"), "{policy}");
                assert!(!html.contains("<image"), "no tiles without a tile server");
            }
        }
    }
}

/// A queue page the role never works is refused (403), not drawn with a
/// claim button that would fail.
#[actix_web::test]
async fn a_role_is_not_offered_a_queue_it_never_works() {
    use actix_web::test::{TestRequest, call_service};
    let app = TestApp::new();
    app.user("K1100", app.fx.hq, epatrol::domain::Role::VendorKeyer);
    let srv = app.service().await;
    let cookies = console_cookies(&srv, "K1100").await;
    for (path, status) in [
        ("/work/keying", 200),
        ("/work/verification", 403),
        ("/work/resolution", 403),
        ("/work/review", 403),
    ] {
        let res = call_service(
            &srv,
            TestRequest::get()
                .uri(path)
                .insert_header(("Cookie", cookies.clone()))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), status, "{path}");
    }
    // A vendor supervisor answers for every step of the vendor's cases and
    // sees their queues, with a claim button only where it works.
    app.user("VS1100", app.fx.hq, epatrol::domain::Role::VendorSupervisor);
    let cookies = console_cookies(&srv, "VS1100").await;
    for (path, status, claims) in [
        ("/work/verification", 200, false),
        ("/work/resolution", 200, true),
        ("/work/review", 403, false),
    ] {
        let res = call_service(
            &srv,
            TestRequest::get()
                .uri(path)
                .insert_header(("Cookie", cookies.clone()))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), status, "{path}");
        let html = String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap();
        assert_eq!(html.contains("取下一件"), claims, "{path}");
    }
}
