//! Server time of the console's keying pages with many vendor users at
//! once, against a running demo server (`serve --demo`):
//!
//!   cargo run --release --example consolebench -- [--users 50] [--secs 20] [--cases 6000] [--think-ms 0]
//!
//! First, through the API as the demo administrator, it makes one keyer
//! account per user (of the demo vendor) and takes in `--cases` camera
//! cases for them. Each user then signs in through the console's own form
//! (its cookies and tokens), sets a password of their own as the console
//! asks at a first sign-in, claims the next keying case, and loops what a
//! keyer's browser asks for while keying: the case's work page (form beside
//! the evidence viewer), the as-you-type check (an htmx POST), Enter (the
//! keying submitted, answered with the next case claimed) and, every tenth
//! case, the keying queue. Latency is from sending to the whole answer
//! read, per page; "Enter to next case" is the submission plus the next
//! case's work page.
#![allow(clippy::indexing_slicing)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Browser {
    host: String,
    reader: BufReader<TcpStream>,
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn open(addr: &str) -> Browser {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).unwrap();
        Browser {
            host: addr.to_owned(),
            reader: BufReader::new(stream),
            cookies: Vec::new(),
        }
    }

    fn send(&mut self, method: &str, path: &str, form: &str, extra: &[(&str, &str)]) -> Answer {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if method == "POST" && !extra.iter().any(|(k, _)| *k == "Content-Type") {
            req.push_str("Content-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n{form}", form.len()));
        self.reader.get_mut().write_all(req.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (mut length, mut location) = (0usize, None);
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let Some((k, v)) = h.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "content-length" => length = v.parse().unwrap_or(0),
                "location" => location = Some(v.to_owned()),
                "set-cookie" => {
                    if let Some((name, rest)) = v.split_once('=') {
                        let value = rest.split(';').next().unwrap_or("").to_owned();
                        self.cookies.retain(|(n, _)| n != name);
                        if !value.is_empty() {
                            self.cookies.push((name.to_owned(), value));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        Answer {
            status,
            location,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// A JSON request to the API with a bearer token.
    fn api(&mut self, method: &str, path: &str, token: &str, body: &serde_json::Value) -> Answer {
        let auth = format!("Bearer {token}");
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        self.send(
            method,
            path,
            &body,
            &[
                ("Content-Type", "application/json"),
                ("Authorization", &auth),
            ],
        )
    }

    /// Signs in through the console's form; at a first sign-in, sets a
    /// password of the user's own as the console asks.
    fn sign_in(&mut self, badge: &str, password: &str) {
        let login = self.send("GET", "/login", "", &[]);
        let token = between(&login.body, "name=\"_login\" value=\"", "\"").to_owned();
        let signed = self.send(
            "POST",
            "/login",
            &format!("_login={token}&badge={badge}&password={password}"),
            &[],
        );
        assert_eq!(signed.status, 303, "sign-in: {}", signed.body);
        if signed.location.as_deref() == Some("/password") {
            let page = self.send("GET", "/password", "", &[]);
            let csrf = between(&page.body, "name=\"_csrf\" value=\"", "\"").to_owned();
            let mine = format!("{password}-own");
            let changed = self.send(
                "POST",
                "/password",
                &format!(
                    "_csrf={csrf}&current_password={password}&new_password={mine}&again={mine}"
                ),
                &[],
            );
            assert_eq!(changed.status, 303, "password change: {}", changed.body);
        }
    }
}

/// Percent-encodes a form value.
fn form_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The id of the item with `code` in the list at `path` (a page's items or
/// a bare array).
fn id_of_code(b: &mut Browser, token: &str, path: &str, code: &str) -> serde_json::Value {
    let list: serde_json::Value =
        serde_json::from_str(&b.api("GET", path, token, &serde_json::Value::Null).body).unwrap();
    let items = list.get("items").unwrap_or(&list).as_array().unwrap();
    let item = items.iter().find(|i| i["code"] == code);
    item.unwrap_or_else(|| panic!("{code} at {path}: seed the demo city"))["id"].clone()
}

/// Keyer accounts of the demo vendor and camera cases for them, through
/// the API as the demo administrator. Returns the badges and each case's
/// violation time (Taiwan time, as keyed) by its client id.
fn prepare(addr: &str, users: usize, cases: usize) -> (Vec<String>, HashMap<String, String>) {
    let mut b = Browser::open(addr);
    let login = b.send(
        "POST",
        "/api/v1/auth/login",
        &serde_json::json!({"badge": "A0001", "password": "epatrol-demo"}).to_string(),
        &[("Content-Type", "application/json")],
    );
    assert_eq!(login.status, 200, "admin sign-in: {}", login.body);
    let token: serde_json::Value = serde_json::from_str(&login.body).unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let unit = id_of_code(&mut b, &token, "/api/v1/units?limit=100", "P01-S1");
    let vendor = id_of_code(&mut b, &token, "/api/v1/vendors", "DEMO-VENDOR");
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let badges: Vec<String> = (0..users)
        .map(|k| {
            let badge = format!("CB{}{k:03}", run % 100_000);
            let made = b.api(
                "POST",
                "/api/v1/users",
                &token,
                &serde_json::json!({
                    "badge": badge, "name": "壓測打字員", "unit_id": unit,
                    "role": "vendor_keyer", "vendor_id": vendor,
                    "password": "bench-keyer-password"
                }),
            );
            assert_eq!(made.status, 201, "keyer account: {}", made.body);
            badge
        })
        .collect();
    let now = chrono::Utc::now();
    let times = (0..cases)
        .map(|n| {
            let client_id = format!("CB-{run}-{n:06}");
            let at = now - chrono::Duration::minutes(30 + (n as i64 * 7) % 20_000);
            let at = at - chrono::Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos()));
            let made = b.api(
                "POST",
                "/api/v1/cases",
                &token,
                &serde_json::json!({
                    "client_id": client_id, "source": "camera", "unit_id": unit,
                    "vendor_id": vendor, "violation_at": at.to_rfc3339(),
                    "place": "臺南市東區東門路一段",
                    "camera": {"camera_id": "TN-CAM-BENCH"}
                }),
            );
            assert_eq!(made.status, 201, "case: {}", made.body);
            let taiwan = at + chrono::Duration::hours(8);
            (client_id, taiwan.format("%Y-%m-%d %H:%M:%S").to_string())
        })
        .collect();
    (badges, times)
}

/// The value after `marker` up to `end` in a page.
fn between<'a>(page: &'a str, marker: &str, end: &str) -> &'a str {
    let start = page.find(marker).map(|i| i + marker.len()).expect(marker);
    let rest = &page[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn arg(args: &[String], name: &str, default: f64) -> f64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a keyer keys for the case on `page`: a registered demo car and
/// the case's own time; warnings the page asks about are accepted, as a
/// keyer who has read them does.
fn keying_form(page: &str, csrf: &str, times: &HashMap<String, String>, n: usize) -> String {
    let client_id = between(page, "<dt>案件</dt><dd>", "<");
    let at = times
        .get(client_id)
        .map(String::as_str)
        .unwrap_or("2026-11-30 14:05:09");
    let mut form = format!(
        "_csrf={csrf}&plate=RDA-{:04}&vehicle_class=car&article_code=53-1&violation_at={}&place={}&facts={}&fine=2700&make=",
        1001 + n % 24,
        form_value(at),
        form_value("臺南市東區東門路一段"),
        form_value("行經有燈光號誌管制之交岔路口闖紅燈"),
    );
    let mut rest = page;
    while let Some(i) = rest.find("name=\"acknowledge\" value=\"") {
        rest = &rest[i + "name=\"acknowledge\" value=\"".len()..];
        let value = &rest[..rest.find('"').unwrap_or(0)];
        form.push_str(&format!("&acknowledge={}", form_value(value)));
    }
    form
}

const PAGES: [&str; 5] = [
    "keying queue",
    "case work page",
    "as-you-type check",
    "Enter (keying submitted)",
    "Enter to next case shown",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let users = arg(&args, "--users", 50.0) as usize;
    let secs = arg(&args, "--secs", 20.0);
    let cases = arg(&args, "--cases", 6000.0) as usize;
    let think = Duration::from_secs_f64(arg(&args, "--think-ms", 0.0) / 1000.0);
    let url = std::env::var("EPATROL_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let t = Instant::now();
    let (badges, times) = prepare(&addr, users, cases);
    println!(
        "{users} keyer accounts and {cases} camera cases made in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let times = std::sync::Arc::new(times);
    let signed_in: Vec<(Browser, String, String)> = badges
        .iter()
        .map(|badge| {
            let mut b = Browser::open(&addr);
            b.sign_in(badge, "bench-keyer-password");
            let queue = b.send("GET", "/work/keying", "", &[]);
            let csrf = between(&queue.body, "X-CSRF-Token&quot;:&quot;", "&quot;").to_owned();
            let claimed = b.send("POST", "/work/keying/next", &format!("_csrf={csrf}"), &[]);
            let work = claimed.location.expect("a case to key");
            (b, csrf, work)
        })
        .collect();
    let until = Instant::now() + Duration::from_secs_f64(secs + 5.0);
    let threads: Vec<_> = signed_in
        .into_iter()
        .enumerate()
        .map(|(k, (mut b, csrf, mut work))| {
            let times = times.clone();
            std::thread::spawn(move || {
                let mut lat: [Vec<Duration>; 5] = Default::default();
                let (mut keyed, mut warned) = (0usize, 0usize);
                // People sit down one after another, not at one instant.
                std::thread::sleep(think * k as u32 / users as u32);
                let started = Instant::now();
                // When Enter was pressed on the case before: "Enter to next
                // case shown" ends when the next work page has been read.
                let mut entered: Option<Instant> = None;
                while Instant::now() < until
                    && started.elapsed() < Duration::from_secs_f64(secs)
                    && work.starts_with("/cases/")
                {
                    let t = Instant::now();
                    let page = b.send("GET", &work, "", &[]);
                    assert_eq!(page.status, 200, "{work}");
                    lat[1].push(t.elapsed());
                    if let Some(e) = entered.take() {
                        lat[4].push(e.elapsed());
                    }
                    if keyed.is_multiple_of(10) {
                        let t = Instant::now();
                        assert_eq!(b.send("GET", "/work/keying", "", &[]).status, 200);
                        lat[0].push(t.elapsed());
                    }
                    let id = between(&work, "/cases/", "/").to_owned();
                    let mut form = keying_form(&page.body, &csrf, &times, k + keyed);
                    let t = Instant::now();
                    let r = b.send(
                        "POST",
                        &format!("/cases/{id}/check"),
                        &form,
                        &[("HX-Request", "true"), ("X-CSRF-Token", &csrf)],
                    );
                    assert_eq!(r.status, 200, "{}", r.body);
                    lat[2].push(t.elapsed());
                    std::thread::sleep(think);
                    let t = Instant::now();
                    let mut r = b.send("POST", &format!("/cases/{id}/keying"), &form, &[]);
                    if r.status == 422 {
                        // Warnings to accept: the same screen, asking.
                        warned += 1;
                        form = keying_form(&r.body, &csrf, &times, k + keyed);
                        r = b.send("POST", &format!("/cases/{id}/keying"), &form, &[]);
                    }
                    assert_eq!(r.status, 303, "keying refused: {}", r.body);
                    lat[3].push(t.elapsed());
                    keyed += 1;
                    entered = Some(t);
                    work = r.location.unwrap_or_default();
                }
                (lat, keyed, warned)
            })
        })
        .collect();
    let mut all: [Vec<Duration>; 5] = Default::default();
    let (mut keyed, mut warned) = (0, 0);
    for t in threads {
        let (lat, k, w) = t.join().unwrap();
        keyed += k;
        warned += w;
        for (into, from) in all.iter_mut().zip(lat) {
            into.extend(from);
        }
    }
    println!(
        "{keyed} cases keyed in {secs} s ({:.0}/s), {warned} with warnings accepted",
        keyed as f64 / secs
    );
    for (name, mut lat) in PAGES.into_iter().zip(all) {
        lat.sort();
        println!(
            "{name}: {} requests, ms p50 {:.1} p95 {:.1} p99 {:.1} ({users} users)",
            lat.len(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.95),
            percentile(&lat, 0.99)
        );
    }
}
