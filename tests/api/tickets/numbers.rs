//! Numbers and keys: offline number blocks, one ticket per client id, a race
//! for one number, the ticketing deadline.

use super::*;

#[actix_web::test]
async fn offline_number_blocks() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    app.user("O1102", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let other = login(&srv, "O1102").await;
    let r = with_device(
        &srv,
        &officer,
        None,
        "/api/v1/ticket-blocks",
        json!({"size": 12}),
    )
    .await;
    assert_eq!((r.status, r.code()), (400, "device_required"));
    let r = with_device(
        &srv,
        &officer,
        Some("MP-0001"),
        "/api/v1/ticket-blocks",
        json!({"size": 12}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["numbers_left"].as_i64(), r.body["low"].as_bool()),
        (Some(12), Some(false))
    );
    let first = r.body["blocks"][0]["first_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let other_block = with_device(
        &srv,
        &other,
        Some("MP-0002"),
        "/api/v1/ticket-blocks",
        json!({"size": 5}),
    )
    .await;
    let theirs = other_block.body["blocks"][0]["first_number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, theirs, "blocks never overlap");

    let mut t = red_light();
    t["number"] = json!(first);
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["number"].as_str(), r.body["numbers_left"].as_i64()),
        (Some(first.as_str()), Some(11))
    );
    // The same number twice, a typo, someone else's number.
    let mut t = red_light();
    t["number"] = json!(first);
    assert_eq!(
        post(&srv, "/api/v1/tickets", Some(&officer), t)
            .await
            .code(),
        "number_used"
    );
    let mut typo = first.clone().into_bytes();
    typo[5] = if typo[5] == b'9' { b'8' } else { typo[5] + 1 };
    let mut t = red_light();
    t["number"] = json!(String::from_utf8(typo).unwrap());
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.body["errors"][0]["code"], "check_digit");
    let mut t = red_light();
    t["number"] = json!(theirs);
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.body["errors"][0]["code"], "not_allotted");
    // Running low.
    let blocks = get(&srv, "/api/v1/ticket-blocks", &officer).await;
    assert_eq!(
        (
            blocks.body["numbers_left"].as_i64(),
            blocks.body["low"].as_bool()
        ),
        (Some(11), Some(false))
    );
    let small = with_device(
        &srv,
        &other,
        Some("MP-0002"),
        "/api/v1/ticket-blocks",
        json!({"size": 1}),
    )
    .await;
    assert_eq!(small.body["low"], true);
}

#[actix_web::test]
async fn a_client_id_means_one_ticket_whatever_else_is_sent_with_it() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let first = red_light();
    let r = post(&srv, "/api/v1/tickets", Some(&officer), first.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let mut second = red_light();
    second["client_id"] = first["client_id"].clone();
    second["plate"] = json!("XYZ-9876");
    let r = post(&srv, "/api/v1/tickets", Some(&officer), second).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "client_id_conflict"),
        "{}",
        r.body
    );
    let r = post(&srv, "/api/v1/tickets", Some(&officer), first).await;
    assert_eq!((r.status, r.body["replayed"].as_bool()), (200, Some(true)));
}

#[actix_web::test]
async fn two_handhelds_racing_for_one_number_get_one_ticket_and_a_conflict() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let block = with_device(
        &srv,
        &officer,
        Some("MP-0001"),
        "/api/v1/ticket-blocks",
        json!({"size": 5}),
    )
    .await;
    let number = block.body["blocks"][0]["first_number"].clone();
    for _ in 0..3 {
        let race = futures_util::future::join_all((0..4).map(|_| {
            let mut t = red_light();
            t["number"] = number.clone();
            post(&srv, "/api/v1/tickets", Some(&officer), t)
        }))
        .await;
        let created = race.iter().filter(|r| r.status == 201).count();
        assert!(created <= 1, "one number, one ticket");
        assert!(
            race.iter()
                .all(|r| r.status == 201 || (r.status, r.code()) == (409, "number_used")),
            "{:?}",
            race.iter()
                .map(|r| (r.status, r.code().to_owned()))
                .collect::<Vec<_>>()
        );
    }
}

#[actix_web::test]
async fn the_ticketing_deadline_counts_whole_taiwan_days() {
    use epatrol::domain::time::{Period, from_taiwan, last_day, taiwan_date};
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    // The earliest violation day whose two-month period still runs today.
    let today = taiwan_date(Utc::now().naive_utc());
    let first_day = (0..80)
        .rev()
        .map(|n| today - Duration::days(n))
        .find(|d| last_day(*d, Period::Months(2)).is_some_and(|last| last >= today))
        .unwrap();
    let at = |day: chrono::NaiveDate, hhmm: &str| {
        let local = day.and_time(chrono::NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap());
        from_taiwan(local).and_utc().to_rfc3339()
    };
    // Five past midnight on that day is as ticketable as five to midnight.
    for time in ["00:05", "23:55"] {
        let mut t = red_light();
        t["violation_at"] = json!(at(first_day, time));
        let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
        assert_eq!(r.status, 201, "{time}: {}", r.body);
    }
    // The day before is out of time, at any hour.
    let mut t = red_light();
    t["violation_at"] = json!(at(first_day - Duration::days(1), "23:55"));
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "past_deadline")
    );
}
