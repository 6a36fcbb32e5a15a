//! The demo city: Tainan City Police Department (臺南市政府警察局) with its 16
//! precincts, a few stations each, a traffic brigade, a vendor and an
//! account for every role. Every capability adds its demo data here.

use crate::db::DbConn;
use crate::domain::{Actor, Role, UnitId, UnitKind, VendorId};
use crate::error::ApiResult;
use crate::org::units::{self, CreateUnit};
use crate::org::users::{self, CreateUser};
use crate::org::vendors::{self, CreateVendor};

/// Password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "epatrol-demo";

const PRECINCTS: [(&str, [&str; 3]); 16] = [
    ("第一分局", ["東門派出所", "長榮派出所", "勝利派出所"]),
    ("第二分局", ["海安派出所", "民權派出所", "西門派出所"]),
    ("第三分局", ["安南派出所", "海佃派出所", "安順派出所"]),
    ("第四分局", ["安平派出所", "金華派出所", "育平派出所"]),
    ("第五分局", ["開元派出所", "和緯派出所", "公園派出所"]),
    ("第六分局", ["鹽埕派出所", "喜樹派出所", "灣裡派出所"]),
    ("永康分局", ["永康派出所", "大灣派出所", "龍潭派出所"]),
    ("歸仁分局", ["歸仁派出所", "關廟派出所", "仁德派出所"]),
    ("新化分局", ["新化派出所", "山上派出所", "左鎮派出所"]),
    ("玉井分局", ["玉井派出所", "南化派出所", "楠西派出所"]),
    ("麻豆分局", ["麻豆派出所", "下營派出所", "官田派出所"]),
    ("佳里分局", ["佳里派出所", "七股派出所", "西港派出所"]),
    ("學甲分局", ["學甲派出所", "北門派出所", "將軍派出所"]),
    ("新營分局", ["新營派出所", "鹽水派出所", "柳營派出所"]),
    ("白河分局", ["白河派出所", "東山派出所", "後壁派出所"]),
    ("善化分局", ["善化派出所", "安定派出所", "大內派出所"]),
];

/// (badge, name, unit code, role, vendor?)
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role, bool); 11] = [
    ("A0001", "陳系統", "TNPD", Role::Admin, false),
    ("S0001", "林督察", "TNPD", Role::Supervisor, false),
    ("S0100", "黃分局督察", "P01", Role::Supervisor, false),
    ("S0110", "張所長", "P01-S1", Role::Supervisor, false),
    ("O0111", "王小明", "P01-S1", Role::Officer, false),
    ("O0112", "李大華", "P01-S1", Role::Officer, false),
    ("O0121", "吳志強", "P01-S2", Role::Officer, false),
    ("O0211", "蔡明哲", "P02-S1", Role::Officer, false),
    ("K0001", "劉打字", "TNPD", Role::VendorKeyer, true),
    ("K0002", "周驗證", "TNPD", Role::VendorVerifier, true),
    ("K0003", "鄭主任", "TNPD", Role::VendorSupervisor, true),
];

/// Whether the database has no units yet (`serve --demo` seeds only then).
pub fn is_empty(conn: &mut DbConn) -> ApiResult<bool> {
    Ok(crate::org::directory::count_units(conn)? == 0)
}

/// Seeds the demo city; the caller checks the database is empty.
/// Evidence images of the demo cases go to `evidence`.
pub fn seed(conn: &mut DbConn, evidence: &dyn crate::evidence::EvidenceStore) -> ApiResult<()> {
    // The demo cases are judged by the catalog's legal periods.
    crate::tickets::catalog_store::ensure_loaded(conn)?;
    let system = Actor::system();
    let unit = |conn: &mut DbConn, code: &str, name: &str, kind, parent| {
        units::create(
            conn,
            &system,
            CreateUnit {
                code: code.into(),
                name: name.into(),
                kind,
                parent_id: parent,
            },
        )
        .map(|u| u.id)
    };
    let bureau = unit(conn, "TNPD", "臺南市政府警察局", UnitKind::Bureau, None)?;
    unit(conn, "TB", "交通警察大隊", UnitKind::Brigade, Some(bureau))?;
    for (i, (precinct, stations)) in PRECINCTS.iter().enumerate() {
        let code = format!("P{:02}", i + 1);
        let precinct_id = unit(conn, &code, precinct, UnitKind::Precinct, Some(bureau))?;
        for (j, station) in stations.iter().enumerate() {
            unit(
                conn,
                &format!("{code}-S{}", j + 1),
                station,
                UnitKind::Station,
                Some(precinct_id),
            )?;
        }
    }
    let vendor = vendors::create(
        conn,
        &system,
        CreateVendor {
            code: "DEMO-VENDOR".into(),
            name: "示範製單股份有限公司".into(),
        },
    )?;
    for (badge, name, unit_code, role, is_vendor) in DEMO_ACCOUNTS {
        let unit_id = unit_id(conn, unit_code)?;
        add_user(
            conn,
            &system,
            badge,
            name,
            unit_id,
            role,
            is_vendor.then_some(vendor.id),
        )?;
    }
    demo_patrol(conn, &system)?;
    let case_units = ["P01-S1", "P01-S2", "P01-S3"]
        .iter()
        .map(|c| unit_id(conn, c))
        .collect::<ApiResult<Vec<_>>>()?;
    super::cases::seed(conn, evidence, &system, &case_units, vendor.id)?;
    tracing::info!(accounts = DEMO_ACCOUNTS.len(), "demo city seeded");
    Ok(())
}

fn unit_id(conn: &mut DbConn, code: &str) -> ApiResult<UnitId> {
    crate::org::directory::unit_by_code(conn, code)?
        .map(|u| u.id)
        .ok_or(crate::error::ApiError::NotFound("unit"))
}

fn add_user(
    conn: &mut DbConn,
    actor: &Actor,
    badge: &str,
    name: &str,
    unit_id: UnitId,
    role: Role,
    vendor_id: Option<VendorId>,
) -> ApiResult<()> {
    let prepared = users::prepare(
        actor,
        CreateUser {
            badge: badge.into(),
            name: name.into(),
            unit_id,
            role,
            vendor_id,
            password: DEMO_PASSWORD.into(),
        },
    )?;
    users::create(conn, actor, prepared)?;
    Ok(())
}

/// Boxes for the three stations of the first precinct (around 東門, 長榮,
/// 勝利 in Tainan's East District) and two daily plans for 東門派出所.
fn demo_patrol(conn: &mut DbConn, system: &Actor) -> ApiResult<()> {
    use crate::patrol::boxes::{self, CreateBox};
    use crate::patrol::plans::{self, CreatePlan, Weekday};
    let places = [
        ("東門圓環", "臺南市東區東門路一段與府連路口"),
        ("東門城", "臺南市東區東門路一段"),
        ("成功大學光復校區", "臺南市東區大學路1號"),
        ("崇學公園", "臺南市東區崇學路"),
    ];
    let centres = [
        ("P01-S1", 22.9897, 120.2148),
        ("P01-S2", 22.9938, 120.2233),
        ("P01-S3", 22.9862, 120.2272),
    ];
    let mut s1_boxes = Vec::new();
    for (station, lat, lon) in centres {
        let unit_id = unit_id(conn, station)?;
        for (i, (name, address)) in places.iter().enumerate() {
            let b = boxes::create(
                conn,
                system,
                CreateBox {
                    code: format!("{station}-B{:02}", i + 1),
                    unit_id,
                    name: format!("{name}巡邏箱"),
                    address: (*address).into(),
                    lat: lat + 0.0015 * i as f64,
                    lon: lon - 0.001 * i as f64,
                    radius_m: Some(30.0),
                    min_dwell_secs: (i == 3).then_some(600),
                },
            )?;
            if station == "P01-S1" {
                s1_boxes.push(b.id);
            }
        }
    }
    let station = unit_id(conn, "P01-S1")?;
    let officers = ["O0111", "O0112"]
        .iter()
        .map(|b| crate::org::directory::user_by_badge(conn, b).map(|u| u.map(|(u, _)| u.id)))
        .collect::<Result<Option<Vec<_>>, _>>()?
        .unwrap_or_default();
    let today = crate::patrol::schedule::utc_to_local(crate::db::now()).date();
    let every_day = vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    for (name, start, end) in [
        ("東門所日間巡邏", "08:00", "12:00"),
        ("東門所夜間巡邏", "20:00", "00:00"),
    ] {
        plans::create(
            conn,
            system,
            CreatePlan {
                unit_id: station,
                name: name.into(),
                starts_on: today,
                ends_on: today + chrono::Duration::days(90),
                weekdays: every_day.clone(),
                window_start: start.into(),
                window_end: end.into(),
                visits_per_window: 1,
                ordered: false,
                grace_minutes: 30,
                officer_ids: officers.clone(),
                box_ids: s1_boxes.clone(),
            },
        )?;
    }
    Ok(())
}
