//! Judged by a checker nobody here wrote: axe-core (Deque's engine, from
//! npm) runs on every page of the console as each role would open it, in
//! the browser at 1366×768; no serious or critical violation may remain
//! (text contrast to WCAG AA among them), and the browser's log holds no
//! error for any page (a missing file, a refused script, a failed request).

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::Value;

use super::words::{BADGES, PAGES, something_on_the_pages};
use super::*;

/// Where `.ci/run` puts axe-core (`npm install axe-core`).
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS")
        .unwrap_or_else(|_| "/tmp/epatrol-ci-tools/node_modules/axe-core/axe.min.js".to_owned());
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("this test needs axe-core at {path} (npm install --prefix /tmp/epatrol-ci-tools axe-core, or set AXE_CORE_JS)")
    })
}

/// chromedriver's log of the page: what the browser's console showed.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// The errors the browser logged since the last read.
async fn logged_errors(b: &Session) -> Vec<String> {
    let log = b.client.issue_cmd(BrowserLog).await.unwrap_or(Value::Null);
    log.as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const RUN_AXE: &str = r#"
    const done = arguments[arguments.length - 1];
    axe.run(document, { resultTypes: ["violations"] })
      .then(r => done(r.violations
          .filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => v.id + " (" + v.impact + "): " + v.help + " — " +
                    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))
      .catch(e => done(["axe failed: " + e]));
"#;

/// Judges the page the browser shows. A page the role may not open is
/// opened all the same: it answers a 403 page, which is judged like any
/// other, and the browser's note that the document itself came with 403
/// is that answer, not a fault.
async fn judge(b: &Session, axe: &str, who: &str, faults: &mut Vec<String>) {
    let path = b.path().await;
    let own_refusal = format!(
        "{}{path} - Failed to load resource: the server responded with a status of 403",
        b.base
    );
    b.client.execute(axe, vec![]).await.unwrap();
    let found = b.client.execute_async(RUN_AXE, vec![]).await.unwrap();
    for v in found.as_array().into_iter().flatten() {
        faults.push(format!("{who} {path}: {}", v.as_str().unwrap_or_default()));
    }
    for e in logged_errors(b)
        .await
        .into_iter()
        .filter(|e| !e.starts_with(&own_refusal))
    {
        faults.push(format!("{who} {path}: browser log: {e}"));
    }
}

#[actix_web::test]
#[ignore = "needs chromium, chromium-driver and axe-core from npm, and --include-ignored"]
async fn every_page_passes_axe_as_every_role() {
    require_browser();
    let axe = axe_source();
    let w = crate::cases::World::new();
    let srv = w.app.service().await;
    something_on_the_pages(&srv, &w.app).await;
    let b = Session::start(&w.app).await;
    let mut faults = Vec::new();
    b.open("/login").await;
    judge(&b, &axe, "—", &mut faults).await;
    for badge in BADGES {
        b.sign_in(badge).await;
        for page in PAGES {
            b.open(page).await;
            judge(&b, &axe, badge, &mut faults).await;
        }
        b.open("/").await;
        b.sign_out().await;
    }
    // A work screen with its evidence, as the verifier meets it.
    b.sign_in("V1").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    let started = Instant::now();
    while !b.path().await.ends_with("/work") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no case to verify"
        );
        actix_web::rt::time::sleep(Duration::from_millis(30)).await;
    }
    judge(&b, &axe, "V1", &mut faults).await;
    b.close().await;
    faults.sort();
    faults.dedup();
    assert!(
        faults.is_empty(),
        "{} findings:\n{}",
        faults.len(),
        faults.join("\n")
    );
}
