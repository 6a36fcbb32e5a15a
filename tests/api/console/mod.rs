//! The console in a real browser: Debian's chromium driven over WebDriver
//! (chromedriver) against the app served on a real port. The browser tests
//! are ignored by a plain `cargo test` (listed by name, with what they
//! need) and run with `--include-ignored`, as CI does; there a missing
//! browser fails them. Screenshots go to `target/screenshots/`
//! (`scripts/screenshots` refreshes the README's). The journeys are in
//! the files beside; the browser session and helpers here.

mod a_keyers_day;
mod judged_by_axe;
mod keying_in_the_browser;
mod pages;
mod supervising_in_the_browser;
mod words;

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
            // The console's own log, read by the accessibility walk.
            "goog:loggingPrefs": {"browser": "ALL"},
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
