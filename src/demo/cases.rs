//! The demo city's outsourced work: a registry extract, and a few dozen
//! camera cases and citizen reports, each with an evidence image the
//! program draws (a legible plate and what the camera saw), so a newcomer
//! can walk a case from intake to a printed ticket with the README's
//! accounts.

use chrono::Duration;

use crate::cases::input::{CameraReading, CaseInput, Reporter};
use crate::db::{DbConn, now};
use crate::domain::{Actor, UnitId, VendorId};
use crate::error::{ApiError, ApiResult};
use crate::evidence::EvidenceStore;
use crate::tickets::catalog::TicketKind;
use crate::tickets::national_id::check as id_check;

/// The `n`th of `items`, going round.
fn nth<T: Copy>(items: &[T], n: usize, fallback: T) -> T {
    items.iter().copied().cycle().nth(n).unwrap_or(fallback)
}

/// A national ID with a valid check digit, made from a serial.
fn demo_national_id(n: u32) -> String {
    let letter = nth(&['A', 'B', 'D', 'E', 'F', 'R'], n as usize, 'A');
    let sex = if n.is_multiple_of(2) { '1' } else { '2' };
    let body = format!("{letter}{sex}{:07}", (n * 7919 + 1_234_567) % 10_000_000);
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|id| id_check(id).is_ok())
        .unwrap_or_else(|| "A123456789".into())
}

const MAKES: [(&str, &str); 6] = [
    ("TOYOTA", "白"),
    ("HONDA", "黑"),
    ("NISSAN", "銀"),
    ("MAZDA", "紅"),
    ("FORD", "藍"),
    ("LEXUS", "灰"),
];
const SCOOTER_MAKES: [(&str, &str); 3] = [("KYMCO", "黑"), ("SYM", "白"), ("YAMAHA", "藍")];
const OWNERS: [&str; 8] = [
    "陳志明",
    "林淑芬",
    "黃建宏",
    "張雅婷",
    "李俊傑",
    "王美玲",
    "吳家豪",
    "劉怡君",
];

/// The demo registry: cars `RDA-1001…` and scooters `MKB-201…`.
fn registry_csv() -> String {
    let mut csv = String::from(crate::registry::import::IMPORT_COLUMNS);
    csv.push('\n');
    for n in 0..24u32 {
        let (make, colour) = nth(&MAKES, n as usize, ("TOYOTA", "白"));
        csv.push_str(&format!(
            "RDA-{:04},car,{make},{colour},{},{},臺南市東區大學路{}號,2020-01-01\n",
            1001 + n,
            nth(&OWNERS, n as usize, "陳志明"),
            demo_national_id(n),
            n + 1
        ));
    }
    for n in 0..12u32 {
        let (make, colour) = nth(&SCOOTER_MAKES, n as usize, ("KYMCO", "黑"));
        csv.push_str(&format!(
            "MKB-{:03},motorcycle,{make},{colour},{},{},臺南市東區東寧路{}號,2020-01-01\n",
            201 + n,
            nth(&OWNERS, n as usize + 3, "陳志明"),
            demo_national_id(100 + n),
            n + 10
        ));
    }
    csv
}

/// An evidence image: the plate large and legible, and the caption of
/// what the camera or the reporter saw.
pub fn evidence_png(plate: &str, caption: &[String]) -> ApiResult<Vec<u8>> {
    let fonts = crate::print::fonts::stack().ok_or(ApiError::NotFound("font"))?;
    let mut b = crate::print::layout::Builder::new(&fonts, 576);
    b.bar(6);
    b.gap(12.0);
    b.text(96.0, plate);
    b.gap(8.0);
    b.bar(6);
    for line in caption {
        b.text(26.0, line);
    }
    let layout = b.finish();
    let bitmap = crate::print::raster::render(&layout, &fonts);
    crate::print::printer::png(&bitmap).map_err(|e| ApiError::Internal(e.into()))
}

/// Seeds the registry and the cases.
pub fn seed(
    conn: &mut DbConn,
    files: &dyn EvidenceStore,
    system: &Actor,
    units: &[UnitId],
    vendor: VendorId,
) -> ApiResult<usize> {
    crate::registry::import::import_csv(conn, system, registry_csv().as_bytes(), &|_, _| {})?;
    // The plan's contract: NT$13 a ticket, 855,200 tickets and
    // NT$12,000,000 a year (its years were 2022–2024; the demo's are now).
    let year = chrono::Datelike::year(&crate::domain::time::taiwan_date(now()));
    crate::contracts::create(
        conn,
        system,
        vendor,
        &crate::contracts::CreateContract {
            starts_on: chrono::NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or_default(),
            ends_on: chrono::NaiveDate::from_ymd_opt(year + 1, 12, 31).unwrap_or_default(),
            unit_price: crate::contracts::caps::MAX_UNIT_PRICE,
            yearly_ticket_cap: 855_200,
            yearly_amount_cap: 12_000_000,
        },
    )?;
    let at = now().and_utc();
    let places = [
        ("臺南市東區東門路一段與府連路口", 22.9897, 120.2148),
        ("臺南市東區中華東路三段與崇學路口", 22.9812, 120.2269),
        ("臺南市東區林森路一段與大學路口", 22.9935, 120.2190),
    ];
    let mut made = 0;
    for n in 0..36usize {
        let unit = *units
            .get(n % units.len().max(1))
            .ok_or(ApiError::NotFound("unit"))?;
        let (place, lat, lon) = nth(&places, n, places[0]);
        let camera = n < 24;
        let hours_ago = 2 + (n as i64) * 7;
        let violation_at = at - Duration::hours(hours_ago);
        let (plate, article, reading, caption) = if camera {
            let plate = format!("RDA-{:04}", 1001 + n);
            if n % 2 == 0 {
                let reading = CameraReading {
                    camera_id: format!("TN-CAM-{:04}", 40 + n % 3),
                    measured_speed: None,
                    speed_limit: None,
                    signal_phase: Some(format!("紅燈後 {}.{} 秒", 1 + n % 3, n % 10)),
                };
                (plate, "53-1", Some(reading), "闖紅燈")
            } else {
                let reading = CameraReading {
                    camera_id: format!("TN-SPD-{:04}", 10 + n % 2),
                    measured_speed: Some(72 + (n as i32 % 7)),
                    speed_limit: Some(50),
                    signal_phase: None,
                };
                (plate, "40", Some(reading), "超速")
            }
        } else {
            let plate = format!("MKB-{:03}", 201 + (n - 24));
            // What citizens may report since 2024-06-30 (§7-1): a scooter
            // through a red light, a rider without a helmet.
            let (article, caption) = if n % 2 == 0 {
                ("53-1", "民眾檢舉：闖紅燈")
            } else {
                ("31-6", "民眾檢舉：未戴安全帽")
            };
            (plate, article, None, caption)
        };
        let input = CaseInput {
            client_id: format!("DEMO-{}-{:04}", if camera { "CAM" } else { "CR" }, n + 1),
            source: if camera {
                TicketKind::Camera
            } else {
                TicketKind::CitizenReport
            },
            unit_id: unit,
            vendor_id: Some(vendor),
            violation_at,
            received_at: Some(violation_at + Duration::hours(1)),
            place: place.into(),
            position: Some(crate::tickets::input::Spot { lat, lon }),
            camera: reading.clone(),
            // A citizen's report names the vehicle; three cameras in four
            // read the plate, the fourth leaves it to the keyer's eyes.
            plate: (!camera || n % 4 != 3).then(|| plate.clone()),
            article_code: Some(article.into()),
            description: (!camera).then(|| format!("{caption}：{place}")),
            reporter: (!camera).then(|| Reporter {
                name: "林檢舉".into(),
                contact: format!("0912-345-{:03}", n),
            }),
        };
        let view = crate::cases::intake::receive(conn, system, &input)?;
        let mut lines = vec![
            format!(
                "{caption}  {}",
                crate::domain::time::roc_datetime(violation_at.naive_utc())
            ),
            place.to_owned(),
        ];
        if let Some(r) = &reading {
            lines.push(match (r.measured_speed, r.speed_limit) {
                (Some(v), Some(l)) => format!("{}  測得 {v} km/h  限速 {l} km/h", r.camera_id),
                _ => format!(
                    "{}  {}",
                    r.camera_id,
                    r.signal_phase.clone().unwrap_or_default()
                ),
            });
        }
        let png = evidence_png(&plate, &lines)?;
        crate::cases::evidence::attach(conn, files, system, view.id, "image/png", &png)?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_ids_have_valid_check_digits() {
        for n in 0..200 {
            assert!(id_check(&demo_national_id(n)).is_ok(), "{n}");
        }
    }

    #[test]
    fn the_demo_registry_is_a_valid_extract() {
        let csv = registry_csv();
        assert_eq!(csv.lines().count(), 1 + 24 + 12);
    }

    #[test]
    fn an_evidence_image_is_a_png() {
        let png = evidence_png("RDA-1001", &["闖紅燈".into()]).unwrap();
        assert_eq!(crate::evidence::media::sniff(&png), Some("image/png"));
    }
}
