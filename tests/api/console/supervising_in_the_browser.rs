//! In a real browser: a flagged check-in reviewed, boxes imported and
//! planned, units, accounts, keys and the registry set up.

use super::*;

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn a_supervisor_reviews_a_flagged_check_in_and_sees_coverage_change() {
    require_browser();
    use crate::patrol::{B1, officer_id, plan_all_day, scan_ago, world};
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    // 200 m from the box: flagged, not counted until a supervisor accepts it.
    let scan = scan_ago(
        &w.app,
        w.b1,
        (B1.0 + 0.0018, B1.1),
        chrono::Duration::minutes(30),
    );
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), scan).await;
    assert_eq!(r.body["result"], "flagged", "{}", r.body);
    let checkin = r.body["checkin_id"].as_i64().unwrap();

    // Just after midnight: today's all-day window has closed and counts.
    // The Taiwan day of the scan, half an hour ago (just after midnight it
    // is yesterday's).
    let today = (chrono::Utc::now() - chrono::Duration::minutes(30) + chrono::Duration::hours(8))
        .date_naive();
    let after_midnight =
        today.succ_opt().unwrap().and_hms_opt(0, 30, 0).unwrap() - chrono::Duration::hours(8);
    w.app.state.clock.set(after_midnight);
    let b = Session::start(&w.app).await;
    b.sign_in("S1100").await;
    b.screenshot("supervisor-today").await;
    let before = b.coverage_flagged(today).await;
    b.open("/checkins/flagged").await;
    b.client
        .find(Locator::Css(&format!("a[href='/checkins/{checkin}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_path(&format!("/checkins/{checkin}")).await;
    // The scan against the geofence, drawn with no map tiles.
    assert_eq!(
        b.client
            .find_all(Locator::Css("svg.map circle"))
            .await
            .unwrap()
            .len(),
        4
    );
    b.screenshot("checkin-review").await;
    b.client
        .find(Locator::Css("input[name='decision'][value='accept']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.type_in("note", "GPS 受大樓遮蔽，經調閱監視器確認到場")
        .await;
    b.client
        .find(Locator::Css(&format!(
            "form[action='/checkins/{checkin}/review'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_path("/checkins/flagged").await;
    assert!(b.text().await.contains("沒有待審的巡簽"));
    let after = b.coverage_flagged(today).await;
    b.screenshot("coverage").await;
    assert_eq!(
        (before.as_str(), after.as_str()),
        ("1", "0"),
        "accepting the visit changes coverage"
    );
    b.close().await;

    let r = get(&srv, &format!("/api/v1/checkins/{checkin}"), &w.sup).await;
    assert_eq!(r.body["review"]["decision"], "accept", "{}", r.body);
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn an_administrator_imports_boxes_and_a_supervisor_plans_their_patrol() {
    require_browser();
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, epatrol::domain::Role::Admin);
    app.user("S1100", app.fx.p1s1, epatrol::domain::Role::Supervisor);
    app.user("O1101", app.fx.p1s1, epatrol::domain::Role::Officer);
    app.user("O2101", app.fx.p2s1, epatrol::domain::Role::Officer);
    // 06:00 in Taiwan: the plan made now owes today's 08:00 window too.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    app.state
        .clock
        .set(today.and_hms_opt(6, 0, 0).unwrap() - chrono::Duration::hours(8));
    let b = Session::start(&app).await;

    // A file with a bad row: every problem listed, nothing imported.
    b.sign_in("A0001").await;
    b.open("/boxes").await;
    let bad = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
               P1-S1-B01,P1-S1,東門圓環,東門路一段1號,22.9917,120.2047,30,\n\
               P1-S1-B02,P1-S1,府前路口,府前路二段,north,120.2050,,\n\
               P1-S1-B03,NOPE,公園,公園路,22.9930,120.2100,30,\n";
    b.type_in("csv", bad).await;
    b.client
        .find(Locator::Css("form[action='/boxes/import'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let errors = b.text_of("#import-errors").await;
    assert!(errors.contains('2') && errors.contains('3'), "{errors}");
    b.screenshot("boxes-import-errors").await;
    assert!(b.text().await.contains("0 個巡邏箱"));

    let good = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
                P1-S1-B01,P1-S1,東門圓環,東門路一段1號,22.9917,120.2047,30,\n\
                P1-S1-B02,P1-S1,府前路口,府前路二段,22.9962,120.2050,,\n";
    b.type_in("csv", good).await;
    b.client
        .find(Locator::Css("form[action='/boxes/import'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = b.text_of("#import-done").await;
    assert!(done.contains("已匯入 2 個巡邏箱"), "{done}");
    b.screenshot("boxes").await;
    b.sign_out().await;

    // The supervisor sees only the station's officers and boxes, plans a
    // morning patrol over both boxes, previews it and retires it.
    b.sign_in("S1100").await;
    b.open("/plans/new").await;
    let form = b.text().await;
    assert!(form.contains("O1101") && !form.contains("O2101"), "{form}");
    b.type_in("name", "東門所早班巡邏").await;
    for css in [
        "#p-day-mon",
        "#p-day-tue",
        "#p-day-wed",
        "#p-day-thu",
        "#p-day-fri",
        "#p-day-sat",
        "#p-day-sun",
    ] {
        b.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    b.client
        .find(Locator::Css("input[name='officer_ids']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for el in b
        .client
        .find_all(Locator::Css("input[name='box_ids']"))
        .await
        .unwrap()
    {
        el.click().await.unwrap();
    }
    b.client
        .find(Locator::Css("form[action='/plans'] button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while !b.path().await.starts_with("/plans/") || b.path().await == "/plans/new" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            b.text().await
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    // A week of one 08:00–10:00 window: seven windows, one officer, two boxes.
    let expected = b.text_of("#plan-expected").await;
    assert_eq!(expected, "7 個時段，共應巡 14 次。");
    b.screenshot("plan").await;
    b.client
        .find(Locator::Css("form[action$='/retire'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_text("#plan-status", "已停用").await;
    b.open("/officers").await;
    let officers = b.text().await;
    assert!(officers.contains("O1101") && !officers.contains("O2101"));
    b.sign_out().await;

    // An officer's account is refused the supervisors' pages, as the API
    // refuses it their routes.
    b.sign_in("O1101").await;
    for path in ["/plans", "/plans/new", "/officers"] {
        b.open(path).await;
        assert!(b.text().await.contains("您的角色不能做這件事"), "{path}");
    }
    let status = b.fetch_status("POST", "/plans", "name=x&unit_id=1").await;
    assert_eq!(status, 403, "a forged plan from an officer");
    b.close().await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn an_administrator_sets_up_units_accounts_keys_and_the_registry() {
    require_browser();
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, epatrol::domain::Role::Admin);
    app.user("S1100", app.fx.p1s1, epatrol::domain::Role::Supervisor);
    let b = Session::start(&app).await;
    b.sign_in("A0001").await;

    // A new station under P1.
    b.open("/admin/units").await;
    b.type_in("code", "P1-S3").await;
    b.type_in("name", "東寧派出所").await;
    b.choose("kind", "station").await;
    b.choose("parent_id", &app.fx.p1.0.to_string()).await;
    b.client
        .find(Locator::Css("form[action='/admin/units'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while !b.text_of("#units").await.contains("東寧派出所") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            b.text().await
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }

    // A new officer's account: the owner must choose a password first.
    b.open("/admin/accounts").await;
    b.type_in("badge", "O3001").await;
    b.type_in("name", "林新人").await;
    b.choose("unit_id", &app.fx.p1s1.0.to_string()).await;
    b.choose("role", "officer").await;
    b.type_in("password", "temporary passphrase").await;
    b.client
        .find(Locator::Css("form[action='/admin/accounts'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while !b.text_of("#accounts").await.contains("O3001") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{}",
            b.text().await
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(b.text_of("#accounts").await.contains("待變更密碼"));
    b.screenshot("accounts").await;

    // The headquarters' tools: the audit chain verifies, the box-code key
    // rotates, a registry file with a bad row is refused whole.
    b.open("/admin/system").await;
    b.client
        .find(Locator::Css(
            "form[action='/admin/system/verify-audit'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(b.text_of("#system-notice").await.contains("稽核紀錄完整"));
    b.client
        .find(Locator::Css(
            "form[action='/admin/system/rotate-key'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for_text("#system-notice", "新貼紙改用第 2 版金鑰；請重新列印貼紙。")
        .await;
    b.type_in(
        "csv",
        "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
         ABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區公園路1號,2020-01-01\n\
         ABC-9999,spaceship,TOYOTA,白,陳車主,F131104093,臺南市北區,2020-01-01\n",
    )
    .await;
    b.client
        .find(Locator::Css("form[action='/admin/system/registry'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(b.text_of("div.error").await.contains("rows[2]"));
    b.screenshot("system").await;

    // The catalog in force, and the bundled file loaded again changes nothing.
    b.open("/admin/catalog").await;
    let count = b.text_of("#article-count").await;
    assert!(!count.starts_with("0 "), "{count}");
    // How much the legal office has confirmed, and where each figure is from.
    let summary = b.text_of("#catalog-summary").await;
    assert!(summary.contains("未經法制單位確認"), "{summary}");
    let table = b.text_of("#articles").await;
    assert!(
        table.contains("48-1-2t") && table.contains("則出處"),
        "{table}"
    );
    b.client
        .execute(
            "document.getElementById('c-text').value = arguments[0];",
            vec![json!(epatrol::tickets::catalog::BUNDLED)],
        )
        .await
        .unwrap();
    b.client
        .find(Locator::Css(
            "form[method='post'][action='/admin/catalog'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = b.text_of("#catalog-notice").await;
    assert!(notice.starts_with("新增 0 個版本、結束 0 個"), "{notice}");
    b.type_in("catalog", "{\"source\": 1}").await;
    b.client
        .find(Locator::Css(
            "form[method='post'][action='/admin/catalog'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(b.text_of("div.error").await.contains("條款檔無法讀取"));
    b.sign_out().await;

    // A supervisor has no city tools.
    b.sign_in("S1100").await;
    b.open("/admin/system").await;
    assert!(b.text().await.contains("只有警察局本部的管理者可以使用"));
    b.open("/").await;
    b.sign_out().await;

    // The new officer signs in and is sent to choose a password.
    b.open("/login").await;
    b.type_in("badge", "O3001").await;
    b.type_in("password", "temporary passphrase\u{E007}").await;
    b.wait_for_path("/password").await;
    b.close().await;
}
