//! The supervisor's morning: the home page lists today's windows of the
//! unit as done, open now, due later or missed so far, each with its box
//! and officer by code and name.

use actix_web::test::{TestRequest, call_service, read_body};

use super::*;

fn card(html: &str, id: &str) -> String {
    let open = format!(r#"id="{id}""#);
    let from = html.find(&open).unwrap_or_else(|| panic!("no card {id}"));
    let big = html[from..].find(r#"class="big"#).unwrap() + from;
    let text = &html[big..];
    let start = text.find('>').unwrap() + 1;
    text[start..start + text[start..].find('<').unwrap()].to_owned()
}

#[actix_web::test]
async fn the_home_page_shows_todays_windows_done_and_open_with_their_officers() {
    let w = world().await;
    let srv = w.app.service().await;
    let officer = officer_id(&w.app, "O1101");
    plan_all_day(&w, &srv, vec![officer]).await;
    assert_eq!(check_in_ago(&w, &srv, 60).await.status, 201);

    let cookies = crate::console::console_cookies(&srv, "S1100").await;
    let res = call_service(
        &srv,
        TestRequest::get()
            .uri("/")
            .insert_header(("Cookie", cookies))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(read_body(res).await.to_vec()).unwrap();
    // B-1 is visited; B-2 and the dwell box are open for the rest of the day.
    assert_eq!(card(&html, "done"), "1", "{html}");
    assert_eq!(card(&html, "open-now"), "2", "{html}");
    assert_eq!(card(&html, "missed"), "0");
    let table = &html[html.find(r#"id="today-windows""#).unwrap()..];
    assert!(table.contains("B-1 "), "boxes by code and name: {table}");
    assert!(
        table.contains("O1101 "),
        "officers by badge and name: {table}"
    );
    assert!(table.contains("已完成") && table.contains("進行中"));
    assert!(!table.contains("無資料"));
}
