//! Load test of a running epatrol server over plain HTTP/1.1 keep-alive.
//!
//!   cargo run --release --example loadtest -- checkins  [--rate 500] [--secs 60] [--conns 32]
//!   cargo run --release --example loadtest -- closed    [--secs 20] [--conns 16]
//!   cargo run --release --example loadtest -- batch     [--size 1000] [--count 10] [--spread-secs 15]
//!   cargo run --release --example loadtest -- coverage  [--unit P01] [--days 30] [--count 5]
//!   cargo run --release --example loadtest -- tickets   [--count 200]
//!
//! It signs in with the demo accounts (`serve --demo`), so point it at a
//! demo city (`--badges FILE [--password P]` sends as the officers listed
//! one badge a line, e.g. those `generate patrol-history` made, instead of
//! the four demo officers): `EPATROL_URL` (default http://127.0.0.1:8080). Single
//! check-ins are sent on a fixed schedule, and each latency is measured
//! from the moment the request was due, so a slow server cannot hide its
//! queueing (no coordinated omission). A batch is a handheld's offline
//! queue: its scans `--spread-secs` apart, oldest first, each batch's span
//! before the previous one's (0 puts every scan of every batch at the
//! same instant, the worst case for the rules' look-back).
// A measuring tool, not the service: its tables are indexed by construction.
#![allow(clippy::indexing_slicing)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Status, headers and body of an answer.
type Exchange = (u16, Vec<(String, String)>, Vec<u8>);

struct Conn {
    host: String,
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: &str) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).unwrap();
        Conn {
            host: addr.to_owned(),
            reader: BufReader::new(stream),
        }
    }

    /// One exchange; status 0 if the connection failed (the server may
    /// close one whose request it refused before reading the body).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Exchange {
        self.exchange(method, path, token, body)
            .unwrap_or((0, Vec::new(), Vec::new()))
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> std::io::Result<Exchange> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(t) = token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        let body = body.unwrap_or("");
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        req.push_str(body);
        self.reader.get_mut().write_all(req.as_bytes())?;
        let mut status_line = String::new();
        if self.reader.read_line(&mut status_line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        let mut headers = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_owned());
                if k == "content-length" {
                    length = v.parse().unwrap_or(0);
                }
                headers.push((k, v));
            }
        }
        let mut buf = vec![0; length];
        self.reader.read_exact(&mut buf)?;
        Ok((status, headers, buf))
    }

    fn json(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let text = body.map(|b| b.to_string());
        let (status, _, bytes) = self.request(method, path, token, text.as_deref());
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// The demo officers the check-ins are sent as.
const OFFICERS: [&str; 4] = ["O0111", "O0112", "O0121", "O0211"];

/// Signs in as the demo account `badge`.
fn login(conn: &mut Conn, badge: &str) -> String {
    login_with(conn, badge, "epatrol-demo")
}

/// Signs in, waiting as told while the server is busy with other sign-ins
/// (several sending threads may share one badge).
fn login_with(conn: &mut Conn, badge: &str, password: &str) -> String {
    loop {
        let (status, body) = conn.json(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"badge": badge, "password": password})),
        );
        // Busy (five of the badge's sign-ins being checked) or the sign-ins
        // from one address over their rate: both say to come back shortly.
        if status == 429 {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        }
        assert_eq!(status, 200, "login {badge}: {body}");
        return body["access_token"].as_str().unwrap().to_owned();
    }
}

struct Target {
    payload: String,
    lat: f64,
    lon: f64,
}

fn targets(conn: &mut Conn, admin: &str, limit: usize) -> Vec<Target> {
    let (_, page) = conn.json(
        "GET",
        &format!("/api/v1/boxes?limit={limit}"),
        Some(admin),
        None,
    );
    let mut out = Vec::new();
    for b in page["items"].as_array().unwrap() {
        let id = b["id"].as_i64().unwrap();
        let (_, headers, _) =
            conn.request("GET", &format!("/api/v1/boxes/{id}/qr"), Some(admin), None);
        let payload = headers
            .iter()
            .find(|(k, _)| k == "x-box-payload")
            .unwrap()
            .1
            .clone();
        out.push(Target {
            payload,
            lat: b["lat"].as_f64().unwrap(),
            lon: b["lon"].as_f64().unwrap(),
        });
    }
    out
}

fn scan(t: &Target) -> Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(),
        "payload": t.payload,
        "position": {"lat": t.lat, "lon": t.lon, "accuracy_m": 6.0},
        "scanned_at": chrono::Utc::now().to_rfc3339(),
    })
}

fn arg(args: &[String], name: &str, default: f64) -> f64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn arg_str(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn report(label: &str, mut lat: Vec<Duration>, errors: usize, elapsed: Duration) {
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: {} ok, {errors} errors in {:.1} s ({:.0}/s); latency ms p50 {:.1} p90 {:.1} p99 {:.1} max {:.1}",
        lat.len(),
        elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.90)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap_or(&Duration::ZERO)),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = std::env::var("EPATROL_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mode = args.first().cloned().unwrap_or_else(|| "checkins".into());
    let mut conn = Conn::open(&addr);
    let admin = login(&mut conn, "A0001");
    let boxes = Arc::new(targets(&mut conn, &admin, 500));
    assert!(!boxes.is_empty(), "no boxes: run the server with --demo");
    // `--badges FILE --password P`: send as these officers instead (one
    // badge a line), so that many connections are many officers, as in a
    // fleet, rather than the four demo officers' scans many at a time.
    let password = arg_str(&args, "--password", "epatrol-demo");
    let badges: Vec<String> = match args.iter().position(|a| a == "--badges") {
        Some(i) => std::fs::read_to_string(args.get(i + 1).expect("--badges FILE"))
            .expect("the badges file")
            .lines()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned)
            .collect(),
        None => OFFICERS.iter().map(|b| (*b).to_owned()).collect(),
    };
    let officers: Vec<String> = badges
        .iter()
        .map(|b| login_with(&mut conn, b, &password))
        .collect();

    match mode.as_str() {
        "checkins" => {
            let rate = arg(&args, "--rate", 500.0);
            let secs = arg(&args, "--secs", 60.0);
            let conns = arg(&args, "--conns", 32.0) as usize;
            let total = (rate * secs) as usize;
            let interval = Duration::from_secs_f64(conns as f64 / rate);
            let results = Arc::new(Mutex::new((
                Vec::with_capacity(total),
                0usize,
                Vec::new(),
                Vec::with_capacity(total),
            )));
            let start = Instant::now() + Duration::from_millis(200);
            let threads: Vec<_> = (0..conns)
                .map(|c| {
                    let (addr, boxes, results) = (addr.clone(), boxes.clone(), results.clone());
                    let mut token = officers[c % officers.len()].clone();
                    let (badge, password) = (badges[c % badges.len()].clone(), password.clone());
                    std::thread::spawn(move || {
                        let mut conn = Conn::open(&addr);
                        let offset = interval.mul_f64(c as f64 / conns as f64);
                        let (mut local, mut local_sent) = (Vec::new(), Vec::new());
                        let (mut errors, mut shed) = (0, Vec::new());
                        for i in 0..total / conns {
                            let due = start + offset + interval * i as u32;
                            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                                std::thread::sleep(wait);
                            }
                            let body = scan(&boxes[(c * 7 + i) % boxes.len()]).to_string();
                            let sent = Instant::now();
                            let (status, _, _) =
                                conn.request("POST", "/api/v1/checkins", Some(&token), Some(&body));
                            if status == 201 {
                                local.push(due.elapsed());
                                local_sent.push(sent.elapsed());
                            } else if status == 503 {
                                shed.push(sent.elapsed());
                            } else {
                                errors += 1;
                            }
                            // A run longer than an access token lives signs
                            // in again; a connection the server closed is
                            // opened again.
                            if status == 401 {
                                token = login_with(&mut Conn::open(&addr), &badge, &password);
                            }
                            if status == 0 || status == 401 || status == 503 {
                                conn = Conn::open(&addr);
                            }
                        }
                        let mut r = results.lock().unwrap();
                        r.0.extend(local);
                        r.1 += errors;
                        r.2.extend(shed);
                        r.3.extend(local_sent);
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            let elapsed = start.elapsed();
            let (lat, errors, mut shed, mut admitted) =
                std::mem::take(&mut *results.lock().unwrap());
            shed.sort();
            admitted.sort();
            // When the sender itself falls behind its schedule, the latency
            // from the due time is the sender's; this is the server's.
            println!(
                "admitted answered in ms p50 {:.1} p99 {:.1} (from sending)",
                percentile(&admitted, 0.5).as_secs_f64() * 1000.0,
                percentile(&admitted, 0.99).as_secs_f64() * 1000.0
            );
            println!(
                "{} answered 503 (shed), answered in ms p50 {:.1} p99 {:.1} (from sending)",
                shed.len(),
                percentile(&shed, 0.5).as_secs_f64() * 1000.0,
                percentile(&shed, 0.99).as_secs_f64() * 1000.0
            );
            report(
                &format!("single check-ins at {rate}/s over {conns} connections"),
                lat,
                errors,
                elapsed,
            );
        }
        "closed" => {
            // Each connection sends its next check-in as soon as the last
            // is answered: the rate the server sustains, and what it sheds.
            let secs = arg(&args, "--secs", 20.0);
            let conns = arg(&args, "--conns", 16.0) as usize;
            let until = Instant::now() + Duration::from_secs_f64(secs);
            let start = Instant::now();
            let threads: Vec<_> = (0..conns)
                .map(|c| {
                    let (addr, boxes) = (addr.clone(), boxes.clone());
                    let token = officers[c % officers.len()].clone();
                    std::thread::spawn(move || {
                        let mut conn = Conn::open(&addr);
                        let (mut ok, mut shed, mut other) = (Vec::new(), 0usize, 0usize);
                        let mut i = 0;
                        while Instant::now() < until {
                            let body = scan(&boxes[(c * 7 + i) % boxes.len()]).to_string();
                            i += 1;
                            let sent = Instant::now();
                            let (status, _, _) =
                                conn.request("POST", "/api/v1/checkins", Some(&token), Some(&body));
                            match status {
                                201 => ok.push(sent.elapsed()),
                                503 => shed += 1,
                                _ => other += 1,
                            }
                        }
                        (ok, shed, other)
                    })
                })
                .collect();
            let (mut lat, mut shed, mut other) = (Vec::new(), 0, 0);
            for t in threads {
                let (l, s, o) = t.join().unwrap();
                lat.extend(l);
                shed += s;
                other += o;
            }
            println!("closed loop: {shed} answered 503 (shed)");
            report(
                &format!("closed-loop check-ins over {conns} connections"),
                lat,
                other,
                start.elapsed(),
            );
        }
        "batch" => {
            let size = arg(&args, "--size", 1000.0) as usize;
            let count = arg(&args, "--count", 10.0) as usize;
            let mut lat = Vec::new();
            let started = Instant::now();
            let spread = arg(&args, "--spread-secs", 15.0);
            let now = chrono::Utc::now();
            for n in 0..count {
                let items: Vec<Value> = (0..size)
                    .map(|i| {
                        let mut s = scan(&boxes[(n + i) % boxes.len()]);
                        let back = ((n + 1) * size - i) as f64 * spread;
                        let at = now - chrono::Duration::milliseconds((back * 1000.0) as i64);
                        s["scanned_at"] = json!(at.to_rfc3339());
                        s
                    })
                    .collect();
                let body = json!({"items": items}).to_string();
                let t = Instant::now();
                let (status, _, bytes) = conn.request(
                    "POST",
                    "/api/v1/checkins/batch",
                    Some(&officers[n % officers.len()]),
                    Some(&body),
                );
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
                lat.push(t.elapsed());
            }
            report(&format!("batches of {size}"), lat, 0, started.elapsed());
        }
        "coverage" => {
            let unit = arg_str(&args, "--unit", "P01");
            let days = arg(&args, "--days", 30.0) as i64;
            let count = arg(&args, "--count", 5.0) as usize;
            let (_, units) = conn.json("GET", "/api/v1/units?limit=500", Some(&admin), None);
            let unit_id = units["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["code"] == unit.as_str())
                .unwrap()["id"]
                .as_i64()
                .unwrap();
            let to = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
                - chrono::Duration::days(1);
            let from = to - chrono::Duration::days(days - 1);
            let mut lat = Vec::new();
            let started = Instant::now();
            for _ in 0..count {
                let t = Instant::now();
                let (status, body) = conn.json(
                    "GET",
                    &format!("/api/v1/coverage?unit_id={unit_id}&from={from}&to={to}"),
                    Some(&admin),
                    None,
                );
                assert_eq!(status, 200, "{body}");
                lat.push(t.elapsed());
                if lat.len() == 1 {
                    println!("coverage of {unit} {from}..{to}: {}", body["totals"]);
                }
            }
            report(
                &format!("coverage report of {unit} over {days} days"),
                lat,
                0,
                started.elapsed(),
            );
        }
        "tickets" => {
            let count = arg(&args, "--count", 200.0) as usize;
            let mut lat = Vec::new();
            let started = Instant::now();
            for n in 0..count {
                let body = json!({
                    "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
                    "violation_at": chrono::Utc::now().to_rfc3339(), "place": "臺南市東區東門路一段與府連路口",
                    "plate": "ABC-1234", "vehicle_class": "car", "article_code": "53-1",
                    "facts": "行經有燈光號誌管制之交岔路口闖紅燈", "fine": 2700,
                    "driver": {"name": "王小明", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
                    "signature": {"status": "obtained"},
                })
                .to_string();
                let t = Instant::now();
                let (status, _, bytes) = conn.request(
                    "POST",
                    "/api/v1/tickets",
                    Some(&officers[n % officers.len()]),
                    Some(&body),
                );
                assert_eq!(status, 201, "{}", String::from_utf8_lossy(&bytes));
                lat.push(t.elapsed());
            }
            report(
                "issuing tickets one after another",
                lat,
                0,
                started.elapsed(),
            );
        }
        other => panic!("unknown mode {other}: checkins, closed, batch, coverage or tickets"),
    }
}
