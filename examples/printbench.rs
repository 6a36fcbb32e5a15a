//! Benchmark of ticket rendering, per format and paper width:
//!
//!   cargo run --release --example printbench [-- ROUNDS]
//!
//! Renders the same ticket ROUNDS times (default 200) after one warm-up
//! (font parsing happens once per process) and prints the mean time and the
//! output size of each format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use epatrol::tickets::catalog::TicketKind;
use epatrol::tickets::input::{Signature, SignatureStatus};
use epatrol::tickets::plate::VehicleClass;
use epatrol::tickets::print::{PrintFormat, render};
use epatrol::tickets::validate::Person;
use epatrol::tickets::view::{TicketStatus, TicketView};

fn sample() -> TicketView {
    let now = chrono::Utc::now();
    TicketView {
        id: epatrol::domain::TicketId(1),
        number: "TN000123459".into(),
        version: 1,
        supersedes_id: None,
        error_type: None,
        status: TicketStatus::Issued,
        kind: TicketKind::OnTheSpot,
        unit_id: epatrol::domain::UnitId(4),
        issuing_unit: "東門派出所".into(),
        officer_id: epatrol::domain::UserId(5),
        officer_badge: "O0111".into(),
        current_version: None,
        violation_at: now,
        reported_at: None,
        place: "臺南市東區東門路一段與府連路口".into(),
        position: None,
        plate: epatrol::tickets::plate::Plate::parse("ABC-1234").unwrap(),
        vehicle_class: VehicleClass::Car,
        article_code: "53-1".into(),
        article: "第53條第1項 行經有燈光號誌管制之交岔路口闖紅燈".into(),
        facts: "行經有燈光號誌管制之交岔路口闖紅燈".into(),
        fine: 2700,
        due_date: now.date_naive() + chrono::Duration::days(30),
        respond_to: "臺南市政府交通局交通事件裁決中心".into(),
        signature: Signature {
            status: SignatureStatus::Obtained,
            reason: None,
            handed_over_at: None,
        },
        recipient: epatrol::tickets::input::Recipient::Driver,
        guardian: None,
        speed: None,
        crash: None,
        driver: Some(Person {
            name: "王小明".into(),
            sex: None,
            birth_date: None,
            national_id: Some("A123456789".into()),
            address: Some("臺南市東區大學路1號".into()),
        }),
        owner: None,
        issued_at: now,
        verify_url: "https://epatrol.example.gov.tw/verify/TN000123459?v=1&sig=abcdefghijklmnop"
            .into(),
        replayed: false,
        numbers_left: None,
    }
}

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let t = sample();
    for width in [384, 576] {
        for (name, format) in [
            ("escpos", PrintFormat::Escpos),
            ("zpl", PrintFormat::Zpl),
            ("cpcl", PrintFormat::Cpcl),
            ("png", PrintFormat::Png),
            ("pdf", PrintFormat::Pdf),
        ] {
            let warm = render(&t, format, width).unwrap();
            let started = Instant::now();
            for _ in 0..rounds {
                std::hint::black_box(render(&t, format, width).unwrap());
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
            println!(
                "{width} dots {name:>6}: {ms:6.2} ms/ticket, {:>7} bytes",
                warm.bytes.len()
            );
        }
    }
}
