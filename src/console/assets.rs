//! The console's static files, compiled into the binary: served under a
//! name that carries their hash, cached for a year, and referenced with a
//! subresource-integrity digest.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use base64::Engine;
use sha2::{Digest, Sha384};

pub struct Asset {
    pub name: &'static str,
    pub media_type: &'static str,
    pub bytes: &'static [u8],
}

/// htmx 2 (0BSD, from the npm registry's htmx.org package, unchanged).
pub const HTMX: Asset = Asset {
    name: "htmx.min.js",
    media_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("assets/htmx.min.js"),
};
pub const SCRIPT: Asset = Asset {
    name: "console.js",
    media_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("assets/console.js"),
};
pub const STYLE: Asset = Asset {
    name: "console.css",
    media_type: "text/css; charset=utf-8",
    bytes: include_bytes!("assets/console.css"),
};

pub const ICON: Asset = Asset {
    name: "favicon.svg",
    media_type: "image/svg+xml",
    bytes: include_bytes!("assets/favicon.svg"),
};

/// An asset's address (its content hash in the name, so a new build never
/// meets an old cached copy) and its integrity digest.
pub struct Served {
    pub asset: &'static Asset,
    pub href: String,
    pub integrity: String,
}

fn serve(asset: &'static Asset) -> Served {
    let digest = Sha384::digest(asset.bytes);
    let short = hex::encode(digest.get(..6).unwrap_or_default());
    Served {
        asset,
        href: format!("/assets/{short}/{}", asset.name),
        integrity: format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        ),
    }
}

pub struct Bundle {
    pub htmx: Served,
    pub script: Served,
    pub style: Served,
    pub icon: Served,
}

pub fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| Bundle {
        htmx: serve(&HTMX),
        script: serve(&SCRIPT),
        style: serve(&STYLE),
        icon: serve(&ICON),
    })
}

#[get("/assets/{hash}/{name}")]
pub async fn serve_asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (hash, name) = path.into_inner();
    let b = bundle();
    let href = format!("/assets/{hash}/{name}");
    let found = [&b.htmx, &b.script, &b.style, &b.icon]
        .into_iter()
        .find(|s| s.href == href)
        .map(|s| s.asset);
    match found {
        Some(a) => HttpResponse::Ok()
            .content_type(a.media_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(a.bytes),
        None => super::layout::html_response(
            actix_web::http::StatusCode::NOT_FOUND,
            super::layout::bare("找不到", maud::html! { main { h1 { "找不到這個檔案" } } }),
        ),
    }
}
