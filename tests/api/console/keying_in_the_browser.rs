//! In a real browser: a camera case from keying to an issued ticket, and an
//! officer correcting and voiding tickets.

use super::*;

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn a_camera_case_with_a_mismatch_goes_from_keying_to_an_issued_ticket_in_the_browser() {
    require_browser();
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    assert_eq!(import_registry(&srv, &admin, REGISTRY).await.status, 201);
    let intake = login(&srv, "SUP-IN").await;
    let mut cases = Vec::new();
    for (n, minutes) in [(1, 90), (2, 60)] {
        let r = post(
            &srv,
            "/api/v1/cases",
            Some(&intake),
            camera_case(app, &format!("CAM-UI-{n}"), minutes),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let photo = epatrol::demo::cases::evidence_png(
            "ABC-1234",
            &[format!("TN-CAM-0042  CAM-UI-{n}"), "闖紅燈".to_owned()],
        )
        .unwrap();
        let up = upload(
            &srv,
            &intake,
            &format!("/api/v1/cases/{id}/evidence"),
            "image/png",
            &photo,
        )
        .await;
        assert_eq!(up.status, 201);
        cases.push(r.body);
    }
    let first = &cases[0];
    let first_id = first["id"].as_i64().unwrap();
    let time = taiwan_time(first["violation_at"].as_str().unwrap());

    let b = Session::start(app).await;
    // 一打: the keyer claims with Enter (the claim button has the focus).
    b.sign_in("K1").await;
    b.screenshot("keyer-home").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_for_path(&format!("/cases/{first_id}/work")).await;
    b.type_in("plate", "ABC-1234").await;
    b.choose("vehicle_class", "car").await;
    b.type_in("article_code", "53-1").await;
    b.type_in("violation_at", &time).await;
    b.type_in("facts", "行經有燈光號誌管制之交岔路口闖紅燈")
        .await;
    b.type_in("fine", "2700").await;
    b.type_in("make", "TOYOTA").await;
    // Checked as it is typed, with the submission's rules.
    let started = Instant::now();
    loop {
        let checks = b
            .client
            .find(Locator::Id("checks"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if checks.contains("檢查通過") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "checks say: {checks}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    b.screenshot("keying").await;
    // Enter submits, and the next case follows at once.
    let second_id = cases[1]["id"].as_i64().unwrap();
    let pressed = Instant::now();
    b.client
        .find(Locator::Css("[name='make']"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_for_path(&format!("/cases/{second_id}/work")).await;
    b.client.find(Locator::Css("[name='plate']")).await.unwrap();
    let enter_to_next = pressed.elapsed();
    eprintln!("Enter on a keyed case to the next case shown: {enter_to_next:?}");
    // Put the second one back for later.
    b.client
        .find(Locator::Css(&format!(
            "form[action='/cases/{second_id}/release'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_path("/work/keying").await;
    b.sign_out().await;

    // 二驗, blind: nothing of the first keying on the page; a different plate.
    b.sign_in("V1").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_for_path(&format!("/cases/{first_id}/work")).await;
    let source = b.client.source().await.unwrap();
    assert!(
        !source.contains("ABC-1234"),
        "the verifier must not see the keying"
    );
    assert!(!source.contains("TOYOTA"));
    b.screenshot("verification").await;
    b.type_in("plate", "ABC-1284").await;
    b.choose("vehicle_class", "car").await;
    b.type_in("article_code", "53-1").await;
    b.type_in("violation_at", &format!("{time}\u{E007}")).await;
    b.wait_for_path("/work/verification").await;
    b.sign_out().await;

    // The vendor supervisor sees both, the plate marked, and settles it.
    b.sign_in("VS1").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_for_path(&format!("/cases/{first_id}/work")).await;
    let text = b.text().await;
    assert!(
        text.contains("ABC-1234") && text.contains("ABC-1284"),
        "{text}"
    );
    let marked = b.client.find_all(Locator::Css("tr.differs")).await.unwrap();
    assert_eq!(marked.len(), 2, "the plate row of each keying is marked");
    b.screenshot("resolution").await;
    // Only the plate differs: the cursor is on it, the rest is filled in
    // with what both keyed, and the plate alone is retyped.
    let focused = b
        .client
        .execute("return document.activeElement.name", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("plate"));
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("ABC-1234\u{E007}")
        .await
        .unwrap();
    b.wait_for_path("/work/resolution").await;
    b.sign_out().await;

    // The verifier's own figures count the plate found wrong against them.
    b.sign_in("V1").await;
    b.open("/vendor").await;
    let mine = b.text_of("#this-month").await;
    assert!(mine.contains("被發現有誤 1 件"), "{mine}");
    b.screenshot("vendor-figures").await;
    b.sign_out().await;

    // Another precinct's supervisor cannot reach the case.
    b.sign_in("SUP-P2").await;
    b.open(&format!("/cases/{first_id}/work")).await;
    assert!(b.text().await.contains("找不到"));
    // A form posted without this session's CSRF token changes nothing.
    assert_eq!(b.fetch_status("POST", "/work/review/next", "").await, 403);
    assert_eq!(
        b.fetch_status("POST", "/work/review/next", "_csrf=forged")
            .await,
        403
    );
    b.open("/").await;
    b.sign_out().await;

    // The police reviewer of the unit approves: the ticket is issued.
    b.sign_in("SUP-REV").await;
    b.screenshot("supervisor-home").await;
    b.open("/work/review").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    b.wait_for_path(&format!("/cases/{first_id}/work")).await;
    b.screenshot("review").await;
    // The legal office has not confirmed the provision: the reviewer
    // acknowledges it on the screen before approving.
    b.client
        .find(Locator::Css(
            "input[name='acknowledge'][value='article_code:unconfirmed']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .find(Locator::Css(&format!(
            "form[action='/cases/{first_id}/approve'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while !b.path().await.starts_with("/tickets/") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            b.text().await
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let text = b.text().await;
    assert!(
        text.contains("ABC-1234") && text.contains("陳車主"),
        "{text}"
    );
    b.screenshot("ticket").await;

    // The quality pages count the ticket, and the keying difference the
    // blind verification caught before issue.
    b.open("/quality").await;
    assert_eq!(b.text_of("#issued").await, "1");
    assert_eq!(b.text_of("#error-rate").await, "0.000%");
    let caught: i64 = b.text_of("#near-misses").await.parse().unwrap();
    assert!(caught >= 1, "the mismatch is a near miss");
    b.screenshot("quality").await;
    let month = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m");
    assert_eq!(
        b.fetch_status("GET", &format!("/quality/monthly.pdf?month={month}"), "")
            .await,
        200
    );
    b.close().await;

    let r = get(&srv, &format!("/api/v1/cases/{first_id}"), &intake).await;
    assert_eq!(r.body["status"], "ticketed", "{}", r.body);
    assert!(
        enter_to_next < Duration::from_secs(3),
        "Enter to next case took {enter_to_next:?}"
    );
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn an_officer_corrects_and_voids_tickets_with_the_apis_rules_and_previews_the_print() {
    require_browser();
    use crate::tickets::{camera_ticket, red_light};
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, epatrol::domain::Role::Officer);
    app.user("S1100", app.fx.p1s1, epatrol::domain::Role::Supervisor);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let spot = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    assert_eq!(spot.status, 201, "{}", spot.body);
    let camera = post(&srv, "/api/v1/tickets", Some(&officer), camera_ticket()).await;
    assert_eq!(camera.status, 201, "{}", camera.body);
    let (spot_id, camera_id) = (
        spot.body["id"].as_i64().unwrap(),
        camera.body["id"].as_i64().unwrap(),
    );

    let b = Session::start(&app).await;
    b.sign_in("O1101").await;
    b.open(&format!("/tickets/{spot_id}")).await;
    // The print preview is the handheld's own print, drawn.
    let drawn = b
        .client
        .execute(
            "const i = document.querySelector('img.print'); return i.complete && i.naturalWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawn.as_u64(), Some(384), "the 58 mm print preview");
    // Handed over at the scene: it cannot be voided, only corrected.
    b.client
        .find(Locator::Css("#void summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.type_in("note", "誤開").await;
    b.client
        .find(Locator::Css(&format!(
            "form[action='/tickets/{spot_id}/void'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let refusal = b.text_of("div.error").await;
    assert!(!refusal.is_empty());
    assert_eq!(b.text_of("#ticket-status").await, "有效");

    // A wrong plate corrected: a new version with the same number.
    b.client
        .find(Locator::Css("#correct summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.choose("error_type", "plate").await;
    b.type_in("plate", "ABC-1243").await;
    b.client
        .find(Locator::Css(&format!(
            "form[action='/tickets/{spot_id}/corrections'] button[type='submit']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_text("#ticket-plate", "ABC-1243").await;
    assert_ne!(b.path().await, format!("/tickets/{spot_id}"));
    b.screenshot("ticket-corrected").await;
    let old = get(&srv, &format!("/api/v1/tickets/{spot_id}"), &officer).await;
    assert_eq!(old.body["status"], "superseded", "{}", old.body);

    // A mailed ticket not yet delivered can be voided, with a reason.
    b.open(&format!("/tickets/{camera_id}")).await;
    b.client
        .find(Locator::Css("#void summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.choose("reason", "duplicate").await;
    b.type_in("note", "與另一張重複").await;
    b.client
        .find(Locator::Css(&format!(
            "form[action='/tickets/{camera_id}/void'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_text("#ticket-status", "已撤銷").await;
    b.sign_out().await;
    let voided = get(&srv, &format!("/api/v1/tickets/{camera_id}"), &officer).await;
    assert_eq!(voided.body["status"], "voided", "{}", voided.body);

    // A supervisor records a mailed ticket delivered: from then on it can
    // only be corrected.
    let mailed = post(&srv, "/api/v1/tickets", Some(&officer), camera_ticket()).await;
    assert_eq!(mailed.status, 201, "{}", mailed.body);
    let mailed_id = mailed.body["id"].as_i64().unwrap();
    b.sign_in("S1100").await;
    b.open(&format!("/tickets/{mailed_id}")).await;
    b.client
        .find(Locator::Css("#delivery summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.choose("event", "delivered").await;
    b.client
        .find(Locator::Css("#d-note"))
        .await
        .unwrap()
        .send_keys("RR123456789TW")
        .await
        .unwrap();
    b.client
        .find(Locator::Css(&format!(
            "form[action='/tickets/{mailed_id}/delivery'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while !b.text().await.contains("RR123456789TW") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            b.text().await
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    b.client
        .find(Locator::Css("#void summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.type_in("note", "想撤銷").await;
    b.client
        .find(Locator::Css(&format!(
            "form[action='/tickets/{mailed_id}/void'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(!b.text_of("div.error").await.is_empty());
    assert_eq!(b.text_of("#ticket-status").await, "有效");
    b.close().await;
}
