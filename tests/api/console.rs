//! The console in a real browser: Debian's chromium driven over WebDriver
//! (chromedriver) against the app served on a real port. The browser tests
//! are ignored by a plain `cargo test` (listed by name, with what they
//! need) and run with `--include-ignored`, as CI does; there a missing
//! browser fails them. Screenshots go to `target/screenshots/`
//! (`scripts/screenshots` refreshes the README's).

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::cases::{REGISTRY, World, camera_case, import_registry, upload};
use crate::common::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless chromium, its driver, and the app on a real port.
struct Session {
    driver: Child,
    client: Client,
    base: String,
}

/// The browser tests are `#[ignore]`d with this reason, so a plain
/// `cargo test` lists them by name; run with `--include-ignored`, a
/// missing browser fails them rather than letting them pass unrun.
fn require_browser() {
    assert!(
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists(),
        "this test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Session {
    async fn start(app: &TestApp) -> Session {
        let node = app.node.clone();
        let server = actix_web::HttpServer::new(move || epatrol::app::build(node.clone()))
            .workers(2)
            .bind(("127.0.0.1", 0))
            .unwrap();
        let port = server.addrs().first().unwrap().port();
        actix_web::rt::spawn(server.run());
        let driver_port = free_port();
        // Its own process group, so the browsers it starts end with it.
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap().keep();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1366,768",
                    "--lang=zh-TW", format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let caps = caps.as_object().unwrap().clone();
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{driver_port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromedriver did not start: {e}"),
            }
        };
        Session {
            driver,
            client,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    async fn sign_in(&self, badge: &str) {
        self.open("/login").await;
        self.client
            .find(Locator::Id("badge"))
            .await
            .unwrap()
            .send_keys(badge)
            .await
            .unwrap();
        self.client
            .find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(&format!("{PASSWORD}\u{E007}"))
            .await
            .unwrap();
        self.wait_for_path("/").await;
    }

    async fn sign_out(&self) {
        self.client
            .find(Locator::Css("header form button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_for_path("/login").await;
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    async fn wait_for_path(&self, path: &str) {
        let started = Instant::now();
        while self.path().await != path {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "still at {} waiting for {path}: {}",
                self.path().await,
                self.text().await
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The text of the element `css` once the page shows it.
    async fn text_of(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            // The page may still be replacing itself: try again.
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
            {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no {css} at {}: {}",
                self.path().await,
                self.text().await
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the element `css` to read `want` (a page being replaced).
    async fn wait_for_text(&self, css: &str, want: &str) {
        let started = Instant::now();
        loop {
            let now = self.text_of(css).await;
            if now == want {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{css} reads {now}, not {want}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The page's text; while a page is replacing itself the body found
    /// may go stale before it is read, so that is tried again.
    async fn text(&self) -> String {
        let started = Instant::now();
        loop {
            if let Ok(body) = self.client.find(Locator::Css("body")).await
                && let Ok(text) = body.text().await
            {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no page to read"
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Types into a field by its name, replacing what is there.
    /// A field found on a page that is still being replaced goes stale;
    /// it is found again (and cleared again) on the page that replaced it.
    async fn type_in(&self, name: &str, text: &str) {
        let started = Instant::now();
        loop {
            let typed = match self
                .client
                .find(Locator::Css(&format!("[name='{name}']")))
                .await
            {
                Ok(el) => match el.clear().await {
                    Ok(()) => el.send_keys(text).await.is_ok(),
                    Err(_) => false,
                },
                Err(_) => false,
            };
            if typed {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no field {name}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn choose(&self, name: &str, value: &str) {
        self.client
            .find(Locator::Css(&format!("select[name='{name}']")))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// A screenshot under `target/screenshots` — tests change no tracked
    /// file; `scripts/screenshots` refreshes the README's pictures by
    /// pointing `EPATROL_TEST_SCREENSHOTS` at `docs/screenshots`.
    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = std::env::var_os("EPATROL_TEST_SCREENSHOTS")
            .map(|d| root.join(d))
            .unwrap_or_else(|| root.join("target/screenshots"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// The status of a request the page's own script makes, cookies and all.
    async fn fetch_status(&self, method: &str, path: &str, body: &str) -> u16 {
        let script = r#"
            const [method, path, body, done] = arguments;
            fetch(path, {method, body: method === "GET" ? undefined : body, credentials: "same-origin",
                         headers: {"Content-Type": "application/x-www-form-urlencoded"}})
              .then(r => done(r.status), () => done(0));
        "#;
        let v = self
            .client
            .execute_async(script, vec![json!(method), json!(path), json!(body)])
            .await
            .unwrap();
        v.as_u64().unwrap() as u16
    }

    /// The coverage page's count of visits waiting for a review.
    async fn coverage_flagged(&self, day: chrono::NaiveDate) -> String {
        self.open(&format!("/coverage?from={day}&to={day}")).await;
        self.client
            .find(Locator::Id("coverage-flagged"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// A test that fails before `close` still ends its browser and driver.
impl Drop for Session {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// `2026-11-30 14:05:09`: the case's time as the keyer reads it off the
/// evidence, in Taiwan time.
fn taiwan_time(rfc3339: &str) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap();
    (t.naive_utc() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

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
        let photo = epatrol::cases::demo::evidence_png(
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
    b.type_in("plate", "ABC-1234").await;
    b.choose("vehicle_class", "car").await;
    b.type_in("article_code", "53-1").await;
    b.type_in("violation_at", &format!("{time}\u{E007}")).await;
    b.wait_for_path("/work/resolution").await;
    b.sign_out().await;

    // The verifier's own figures count the plate found wrong against them.
    b.sign_in("V1").await;
    b.open("/vendor").await;
    let mine = b.text_of("#this-month").await;
    assert!(mine.contains("被發現錯誤 1 處"), "{mine}");
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
    assert!(b.text().await.contains("不允許") || b.text().await.contains("不能"));
    b.open("/").await;
    b.sign_out().await;

    // The new officer signs in and is sent to choose a password.
    b.open("/login").await;
    b.type_in("badge", "O3001").await;
    b.type_in("password", "temporary passphrase\u{E007}").await;
    b.wait_for_path("/password").await;
    b.close().await;
}

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

/// The CSRF token a console page carries in its forms.
fn csrf_of(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a form with a CSRF token")
        .to_owned()
}

/// Signs in through the console's form without a browser: the cookies to send.
pub async fn console_cookies<S, B>(srv: &S, badge: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    use actix_web::test::{TestRequest, call_service, read_body};
    let page = call_service(srv, TestRequest::get().uri("/login").to_request()).await;
    let login_cookie: Vec<String> = page
        .response()
        .cookies()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let html = String::from_utf8(read_body(page).await.to_vec()).unwrap();
    let token = html
        .split("name=\"_login\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let signed = call_service(
        srv,
        TestRequest::post()
            .uri("/login")
            .insert_header(("Cookie", login_cookie.join("; ")))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(format!(
                "_login={token}&badge={badge}&password={}",
                PASSWORD.replace(' ', "+")
            ))
            .to_request(),
    )
    .await;
    assert_eq!(signed.status(), 303);
    signed
        .response()
        .cookies()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ")
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
    assert!(html.contains("車牌：不是車牌號碼的格式"), "{html}");
    assert!(
        html.contains("罰鍰：第53條第1項的法定罰鍰為新臺幣 1,800 至 5,400 元"),
        "{html}"
    );
    assert!(html.contains("車牌：違規當日此車牌查無登記車輛"), "{html}");
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
