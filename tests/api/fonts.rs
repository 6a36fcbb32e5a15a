//! Fallback fonts from `EPATROL_FONTS`: a character the bundled face lacks
//! prints from the fallback, in the raster and as text in the PDF, and is no
//! longer a warning. Each app has its own fonts, so this app's fallback is
//! no other test's.

use crate::common::*;
use actix_web::test::TestRequest;
use epatrol::domain::Role;
use serde_json::json;

/// DejaVu Sans has Georgian, which Noto Sans TC has not. `.ci/run`
/// installs it (Debian fonts-dejavu-core).
const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

#[actix_web::test]
async fn a_fallback_face_covers_what_the_bundled_one_lacks() {
    assert!(
        std::path::Path::new(DEJAVU).exists(),
        "install fonts-dejavu-core"
    );
    let app = TestApp::with_settings(|s| s.fonts = vec![DEJAVU.into()]);
    let fonts = &app.state.fonts;
    assert_eq!(fonts.faces.len(), 2);
    assert_eq!(fonts.face_for('ა'), 1);
    assert_eq!(fonts.face_for('王'), 0);
    assert_eq!(fonts.missing("王ა𪚥"), vec!['𪚥']);
    // Outside this app, only the bundled face: no other test sees the fallback.
    assert_eq!(epatrol::print::fonts::stack().unwrap().faces.len(), 1);

    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let mut ticket = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
        "violation_at": chrono::Utc::now().to_rfc3339(), "place": "臺南市東區",
        "plate": "ABC-1234", "vehicle_class": "car", "article_code": "53-1",
        "facts": "闖紅燈", "fine": 2700,
        "driver": {"name": "王ანა"}, "signature": {"status": "obtained"},
        "acknowledge": ["article_code:unconfirmed"],
    });
    let check = post(
        &srv,
        "/api/v1/tickets/check",
        Some(&officer),
        ticket.clone(),
    )
    .await;
    assert_eq!(check.body["ok"], true, "{}", check.body);
    ticket["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    let t = post(&srv, "/api/v1/tickets", Some(&officer), ticket).await;
    assert_eq!(t.status, 201, "{}", t.body);
    let id = t.body["id"].as_i64().unwrap();
    let res = actix_web::test::call_service(
        &srv,
        TestRequest::get()
            .uri(&format!("/api/v1/tickets/{id}/print?format=pdf"))
            .insert_header(("Authorization", format!("Bearer {officer}")))
            .to_request(),
    )
    .await;
    let pdf = actix_web::test::read_body(res).await;
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let text = doc.extract_text(&[1]).unwrap().replace('\n', "");
    assert!(text.contains("王ანა"), "{text}");
}
