//! A keyer's day in the browser, measured: the cursor is in the first
//! field when a case appears (and in the first field in error after a
//! refusal), the form and its button fit beside the evidence at 1366×768,
//! each field is checked as soon as it and what it is read with are typed,
//! and Enter swaps the next case into the page — timed in the browser from
//! the key to the frame that shows the next case, no reload, no console
//! error.

use super::*;

/// Cases keyed in a row for the Enter → next case figure.
const ROUNDS: usize = 20;

/// Records, inside the page, console errors and uncaught errors; the page
/// is never reloaded while keying, so what it records survives.
const WATCH_ERRORS: &str = r#"
    window.__errors = [];
    const original = console.error.bind(console);
    console.error = function (...args) { window.__errors.push(args.map(String).join(" ")); original(...args); };
    window.addEventListener("error", e => window.__errors.push(String(e.message)));
    window.__page = "same";
"#;

/// Arms the timer: Enter's keydown starts it; it stops at the first
/// animation frame once the heading names `arguments[0]` and the cursor is
/// in its first field — the next case ready to be typed.
const TIME_NEXT_CASE: &str = r#"
    const want = arguments[0];
    window.__swap = null;
    let start = null, done = false;
    document.addEventListener("keydown", e => { if (e.key === "Enter" && start === null) start = performance.now(); }, { once: true, capture: true });
    const ready = () => {
        const h = document.querySelector("main h1");
        const f = document.activeElement;
        if (done || start === null || !h || !h.textContent.includes(want) || !f || f.name !== "plate") return;
        done = true;
        seen.disconnect();
        requestAnimationFrame(() => { window.__swap = performance.now() - start; });
    };
    const seen = new MutationObserver(ready);
    seen.observe(document.body, { childList: true, subtree: true, characterData: true });
    document.addEventListener("focusin", ready);
"#;

async fn active_name(b: &Session) -> String {
    let v = b
        .client
        .execute(
            "return document.activeElement && document.activeElement.name || ''",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

async fn script(b: &Session, js: &str) -> serde_json::Value {
    b.client.execute(js, vec![]).await.unwrap()
}

/// The message shown beside field `name`, once it reads something.
async fn message_beside(b: &Session, name: &str) -> String {
    let started = Instant::now();
    loop {
        let text = b.text_of(&format!("#m-{name}")).await;
        if !text.is_empty() {
            return text;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let seen = b.client.execute_async(
                "const done = arguments[0]; const f = document.querySelector('main form');
                 fetch(f.getAttribute('action').replace('keying', 'check'), {method: 'POST', body: new URLSearchParams(new FormData(f))})
                   .then(r => r.text()).then(done, e => done(String(e)));",
                vec![],
            ).await.unwrap();
            panic!("no message beside {name}; the check answers {seen}");
        }
        actix_web::rt::time::sleep(Duration::from_millis(30)).await;
    }
}

async fn fill(b: &Session, time: &str) {
    b.type_in("plate", "ABC-1234").await;
    b.choose("vehicle_class", "car").await;
    b.type_in("article_code", "53-1").await;
    b.type_in("violation_at", time).await;
    b.type_in("facts", "行經有燈光號誌管制之交岔路口闖紅燈")
        .await;
    b.type_in("fine", "2700").await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver, and --include-ignored"]
async fn a_keyer_keys_case_after_case_without_the_mouse() {
    require_browser();
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    assert_eq!(import_registry(&srv, &admin, REGISTRY).await.status, 201);
    let intake = login(&srv, "SUP-IN").await;
    let mut cases = Vec::new();
    for n in 0..=ROUNDS + 1 {
        let client_id = format!("CAM-DAY-{n:02}");
        let minutes = 300 - n as i64;
        let r = post(
            &srv,
            "/api/v1/cases",
            Some(&intake),
            camera_case(app, &client_id, minutes),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_i64().unwrap();
        let photo = epatrol::demo::cases::evidence_png(
            "ABC-1234",
            &[format!("TN-CAM-0042  {client_id}"), "闖紅燈".to_owned()],
        )
        .unwrap();
        let path = format!("/api/v1/cases/{id}/evidence");
        assert_eq!(
            upload(&srv, &intake, &path, "image/png", &photo)
                .await
                .status,
            201
        );
        cases.push(r.body);
    }

    let b = Session::start(app).await;
    b.sign_in("K1").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let first = &cases[0];
    b.wait_for_path(&format!("/cases/{}/work", first["id"]))
        .await;
    script(&b, WATCH_ERRORS).await;

    // The cursor is where the hands are.
    assert_eq!(active_name(&b).await, "plate");
    // The whole form and its button are in view beside the evidence.
    let fits = script(
        &b,
        "const r = document.querySelector('main form button[type=submit]').getBoundingClientRect();
         return [r.bottom, window.innerHeight];",
    )
    .await;
    let (bottom, height) = (fits[0].as_f64().unwrap(), fits[1].as_f64().unwrap());
    assert!(
        bottom <= height,
        "the submit button ends at {bottom}px in a {height}px view"
    );
    // The key hint on the button is legible: not the button's own colour.
    let hint = script(
        &b,
        "const k = getComputedStyle(document.querySelector('main form button[type=submit] kbd'));
         return [k.color, k.backgroundColor];",
    )
    .await;
    assert_ne!(hint[0], hint[1], "white on white");

    // Field by field: a scooter's plate against 小型車 is named at once,
    // with the fine and the rest still empty; nothing about the fine.
    b.type_in("plate", "MKA-567").await;
    b.choose("vehicle_class", "car").await;
    let said = message_beside(&b, "vehicle_class").await;
    assert!(
        said.contains("機車"),
        "the registry's class is named: {said}"
    );
    assert_eq!(b.text_of("#m-fine").await, "", "the fine is not typed yet");
    b.screenshot("keying-checked-as-typed").await;

    // A refused submission puts the cursor on the first field in error.
    let time = taiwan_time(first["violation_at"].as_str().unwrap());
    b.type_in("article_code", "53-1").await;
    b.type_in("violation_at", &time).await;
    b.type_in("facts", "行經有燈光號誌管制之交岔路口闖紅燈")
        .await;
    b.type_in("fine", "2700\u{E007}").await;
    b.wait_for_text(
        "main h1",
        &format!("打字（一打）：{}", first["client_id"].as_str().unwrap()),
    )
    .await;
    let started = Instant::now();
    // The registry's class is what is wrong: the cursor is on 車種.
    while active_name(&b).await != "vehicle_class" {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "focus on {}",
            active_name(&b).await
        );
        actix_web::rt::time::sleep(Duration::from_millis(30)).await;
    }
    assert!(message_beside(&b, "vehicle_class").await.contains("機車"));

    // Case after case: Enter swaps the next one in.
    let mut swaps = Vec::new();
    for round in 0..=ROUNDS {
        let this = &cases[round];
        let next = cases[round + 1]["client_id"].as_str().unwrap();
        let time = taiwan_time(this["violation_at"].as_str().unwrap());
        fill(&b, &time).await;
        b.client
            .execute(TIME_NEXT_CASE, vec![json!(next)])
            .await
            .unwrap();
        b.client
            .find(Locator::Css("[name='fine']"))
            .await
            .unwrap()
            .send_keys("\u{E007}")
            .await
            .unwrap();
        let started = Instant::now();
        let took = loop {
            let v = script(&b, "return window.__swap").await;
            if let Some(ms) = v.as_f64() {
                break ms;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "case {next} did not follow: {}",
                b.text().await
            );
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        };
        assert_eq!(
            active_name(&b).await,
            "plate",
            "the cursor after {next} appeared"
        );
        // The first round warms the evidence and the server; not counted.
        if round > 0 {
            swaps.push(took);
        }
    }
    // Swapped, never reloaded: the page's own marker is still there.
    assert_eq!(script(&b, "return window.__page").await, json!("same"));
    assert_eq!(
        b.path().await,
        format!("/cases/{}/work", cases[ROUNDS + 1]["id"]),
        "the address follows the case"
    );
    let errors = script(&b, "return window.__errors").await;
    assert_eq!(errors, json!([]), "console errors while keying");
    swaps.sort_by(f64::total_cmp);
    let at = |q: f64| swaps[((swaps.len() as f64 - 1.0) * q).round() as usize];
    eprintln!(
        "Enter → next case shown, in the browser, {} cases: median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        swaps.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
    b.close().await;
}
