//! Boxes managed and imported, and refusals across units and roles.

use super::*;

#[actix_web::test]
async fn refusals_across_units_and_roles() {
    let w = world().await;
    w.app.user("S2100", w.app.fx.p2s1, Role::Supervisor);
    w.app.user("O2101", w.app.fx.p2s1, Role::Officer);
    let srv = w.app.service().await;
    let other_sup = login(&srv, "S2100").await;
    let other_officer = login(&srv, "O2101").await;

    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b1, B1),
    )
    .await;
    let id = r.body["checkin_id"].as_i64().unwrap();
    // Another station's supervisor sees neither the box, the check-in nor the coverage.
    assert_eq!(
        get(&srv, &format!("/api/v1/boxes/{}", w.b1), &other_sup)
            .await
            .status,
        404
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/checkins/{id}"), &other_sup)
            .await
            .status,
        404
    );
    let today = Utc::now().date_naive();
    let cov = get(
        &srv,
        &format!(
            "/api/v1/coverage?unit_id={}&from={today}&to={today}",
            w.app.fx.p1s1
        ),
        &other_sup,
    )
    .await;
    assert_eq!(cov.status, 404);
    assert!(
        get(&srv, "/api/v1/checkins", &other_sup).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Another officer does not see my check-ins.
    assert_eq!(
        get(&srv, &format!("/api/v1/checkins/{id}"), &other_officer)
            .await
            .status,
        404
    );
    assert!(
        get(&srv, "/api/v1/checkins", &other_officer).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Officers neither register boxes nor plan patrols nor read coverage.
    let r = post(&srv, "/api/v1/boxes", Some(&w.officer), json!({"code": "X-1", "unit_id": w.app.fx.p1s1, "name": "x", "address": "x", "lat": 23.0, "lon": 120.0})).await;
    assert_eq!(r.status, 403);
    assert_eq!(get(&srv, "/api/v1/plans", &w.officer).await.status, 403);
    // A supervisor cannot plan with another station's officers or boxes.
    let r = post(
        &srv,
        "/api/v1/plans",
        Some(&other_sup),
        json!({"unit_id": w.app.fx.p2s1, "name": "越區", "starts_on": today.to_string(), "ends_on": today.to_string(),
               "weekdays": ["mon"], "window_start": "08:00", "window_end": "09:00", "visits_per_window": 1,
               "officer_ids": [officer_id(&w.app, "O1101")], "box_ids": [w.b1]}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["officer_ids[0]", "box_ids[0]"]);
}

#[actix_web::test]
async fn boxes_are_managed_and_imported_whole_or_not_at_all() {
    let w = world().await;
    let srv = w.app.service().await;
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b1),
        Some(&w.admin),
        Some(json!({"name": "東門圓環", "radius_m": 50.0})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["name"].as_str(), r.body["radius_m"].as_f64()),
        (Some("東門圓環"), Some(50.0))
    );
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b1),
        Some(&w.admin),
        Some(json!({"radius_m": 0.5, "lat": 100.0})),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 2);

    let bad = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
               N-1,P1-S1,一號,地址,22.99,120.20,30,\n\
               N-2,NOPE,二號,地址,22.99,120.20,30,\n\
               B-1,P1-S1,重複,地址,22.99,120.20,30,\n\
               N-4,P1-S1,四號,地址,95.0,120.20,30,\n\
               N-5,P1-S1,五號,地址,abc,120.20,30,\n";
    let r = csv_post(&srv, &w.admin, bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let mut fields: Vec<String> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "rows[2].unit_code",
            "rows[3].code",
            "rows[4].lat",
            "rows[5]"
        ]
    );
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(
        boxes.body["items"].as_array().unwrap().len(),
        4,
        "nothing imported"
    );

    let good = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
                N-1,P1-S1,一號,地址,22.99,120.20,30,\n\
                N-2,P1-S2,二號,地址,22.98,120.21,,600\n";
    let r = csv_post(&srv, &w.admin, good).await;
    assert_eq!(
        (r.status, r.body["imported"].as_i64()),
        (201, Some(2)),
        "{}",
        r.body
    );
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(boxes.body["items"].as_array().unwrap().len(), 6);

    // Retired boxes leave the default list, and cannot be changed.
    post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(boxes.body["items"].as_array().unwrap().len(), 5);
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b2),
        Some(&w.admin),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "box_retired"));
}

async fn csv_post(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    body: &str,
) -> Resp {
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/boxes/import")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "text/csv"))
        .set_payload(body.to_owned())
        .to_request();
    let res = actix_web::test::call_service(srv, req).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body =
        serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap_or(Value::Null);
    Resp {
        status,
        body,
        headers,
    }
}
