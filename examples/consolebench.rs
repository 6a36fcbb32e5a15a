//! Server time of the console's keying pages with many vendor users at
//! once, against a running demo server (`serve --demo`):
//!
//!   cargo run --release --example consolebench -- [--users 50] [--secs 20]
//!
//! Each user signs in through the console's own form (its cookies and
//! tokens), claims the next keying case, then loops the pages a keyer's
//! browser asks for while keying: the keying queue, the case's work page
//! (form beside the evidence viewer) and the as-you-type check (an htmx
//! POST). Latency is from sending to the whole answer read, per page.
#![allow(clippy::indexing_slicing)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
        if method == "POST" {
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let users = arg(&args, "--users", 50.0) as usize;
    let secs = arg(&args, "--secs", 20.0);
    let url = std::env::var("EPATROL_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    // Signed in one after another: the lockout checks at most five
    // passwords of one badge at a time, as it should.
    let signed_in: Vec<(Browser, String, String)> = (0..users)
        .map(|_| {
            let mut b = Browser::open(&addr);
            let login = b.send("GET", "/login", "", &[]);
            let token = between(&login.body, "name=\"_login\" value=\"", "\"").to_owned();
            let signed = b.send(
                "POST",
                "/login",
                &format!("_login={token}&badge=K0001&password=epatrol-demo"),
                &[],
            );
            assert_eq!(signed.status, 303, "sign-in: {}", signed.body);
            let queue = b.send("GET", "/work/keying", "", &[]);
            let csrf = between(&queue.body, "X-CSRF-Token&quot;:&quot;", "&quot;").to_owned();
            let claimed = b.send("POST", "/work/keying/next", &format!("_csrf={csrf}"), &[]);
            let work = claimed
                .location
                .expect("a case to key: the demo city has some");
            (b, csrf, work)
        })
        .collect();
    let until = Instant::now() + Duration::from_secs_f64(secs + 5.0);
    let threads: Vec<_> = signed_in
        .into_iter()
        .map(|(mut b, csrf, work)| {
            std::thread::spawn(move || {
                let id = between(&work, "/cases/", "/").to_owned();
                let check = format!("/cases/{id}/check");
                let mut times: [Vec<Duration>; 3] = Default::default();
                let started = Instant::now();
                while Instant::now() < until && started.elapsed() < Duration::from_secs_f64(secs) {
                    let t = Instant::now();
                    assert_eq!(b.send("GET", "/work/keying", "", &[]).status, 200);
                    times[0].push(t.elapsed());
                    let t = Instant::now();
                    assert_eq!(b.send("GET", &work, "", &[]).status, 200);
                    times[1].push(t.elapsed());
                    let t = Instant::now();
                    let r = b.send(
                        "POST",
                        &check,
                        "plate=ABC-1234&vehicle_class=car&article_code=53-1&violation_at=2026-11-30+14%3A05",
                        &[("HX-Request", "true"), ("X-CSRF-Token", &csrf)],
                    );
                    assert_eq!(r.status, 200, "{}", r.body);
                    times[2].push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all: [Vec<Duration>; 3] = Default::default();
    for t in threads {
        for (into, from) in all.iter_mut().zip(t.join().unwrap()) {
            into.extend(from);
        }
    }
    for (name, mut lat) in ["keying queue", "case work page", "as-you-type check"]
        .into_iter()
        .zip(all)
    {
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
