//! Map tiles under the console's maps, for a department that runs its own
//! tile server (`EPATROL_MAP_TILES=https://tiles.example/{z}/{x}/{y}.png`).
//! Without it the maps draw boxes and scans over a plain background and
//! need no internet. Maps are drawn to scale around a centre (metres east
//! and north); the tiles are the Web Mercator tiles of the zoom closest to
//! that scale, placed so that the centre falls where it is on the tiles.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use maud::{Markup, html};

use super::layout::CONSOLE_POLICY;
use crate::state::AppState;

/// Metres per tile pixel at zoom 0 on the equator.
const EQUATOR_M_PER_PX: f64 = 156_543.033_928;
const TILE: f64 = 256.0;

/// `https://tiles.example` of `https://tiles.example/{z}/{x}/{y}.png`.
fn origin(template: &str) -> &str {
    let after_scheme = template.find("://").map_or(0, |i| i + 3);
    let end = template[after_scheme..]
        .find('/')
        .map_or(template.len(), |i| after_scheme + i);
    template.get(..end).unwrap_or(template)
}

/// The tiles under a `width`×`height` map centred at `centre` (lat, lon)
/// drawn at `px_per_m` pixels a metre, as SVG images; nothing without a
/// tile server.
pub fn under(
    template: Option<&str>,
    centre: (f64, f64),
    px_per_m: f64,
    width: f64,
    height: f64,
) -> Markup {
    let Some(template) = template else {
        return html! {};
    };
    let lat = centre.0.clamp(-85.0, 85.0).to_radians();
    let ground = EQUATOR_M_PER_PX * lat.cos();
    // The zoom whose pixels are nearest to (and no larger than) the map's.
    let zoom = (ground * px_per_m).log2().ceil().clamp(0.0, 19.0);
    let m_per_tile_px = ground / 2f64.powf(zoom);
    let k = m_per_tile_px * px_per_m;
    let world = TILE * 2f64.powf(zoom);
    let cx = (centre.1 + 180.0) / 360.0 * world;
    let cy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * world;
    let (x0, x1) = ((cx - width / 2.0 / k) / TILE, (cx + width / 2.0 / k) / TILE);
    let (y0, y1) = (
        (cy - height / 2.0 / k) / TILE,
        (cy + height / 2.0 / k) / TILE,
    );
    let last = 2f64.powf(zoom) - 1.0;
    let mut tiles = Vec::new();
    let mut ty = y0.floor().max(0.0);
    while ty <= y1.floor().min(last) {
        let mut tx = x0.floor().max(0.0);
        while tx <= x1.floor().min(last) {
            let href = template
                .replace("{z}", &format!("{zoom:.0}"))
                .replace("{x}", &format!("{tx:.0}"))
                .replace("{y}", &format!("{ty:.0}"));
            let x = width / 2.0 + (tx * TILE - cx) * k;
            let y = height / 2.0 + (ty * TILE - cy) * k;
            tiles.push((href, x, y));
            tx += 1.0;
        }
        ty += 1.0;
    }
    let size = TILE * k;
    html! {
        g.tiles aria-hidden="true" {
            @for (href, x, y) in &tiles {
                image href=(href) x=(format!("{x:.1}")) y=(format!("{y:.1}")) width=(format!("{size:.1}")) height=(format!("{size:.1}")) preserveAspectRatio="none" {}
            }
        }
    }
}

/// Lets the console's pages load images from the tile server, when there is one.
pub async fn allow_tile_server(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let template = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.settings.map_tiles.clone());
    let mut res = next.call(req).await?;
    if let Some(template) = template {
        let ours = res
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .is_some_and(|v| v.as_bytes() == CONSOLE_POLICY.as_bytes());
        let widened = CONSOLE_POLICY.replace(
            "img-src 'self' data:",
            &format!("img-src 'self' data: {}", origin(&template)),
        );
        if let (true, Ok(v)) = (ours, HeaderValue::from_str(&widened)) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_need_a_scheme_and_every_part() {
        assert!(
            crate::config::check_tile_template("https://tiles.example/{z}/{x}/{y}.png").is_ok()
        );
        assert!(crate::config::check_tile_template("tiles.example/{z}/{x}/{y}.png").is_err());
        assert!(crate::config::check_tile_template("https://tiles.example/{z}/{x}.png").is_err());
        assert!(
            crate::config::check_tile_template("https://t.example/{z}/{x}/{y}.png\" onload=\"x")
                .is_err()
        );
        assert_eq!(
            origin("https://tiles.example:8443/a/{z}/{x}/{y}.png"),
            "https://tiles.example:8443"
        );
    }

    #[test]
    fn the_centre_lies_where_it_is_on_the_tiles() {
        // Tainan at 2 m a pixel: zoom 17 (1.1 m a tile pixel), and the tile
        // holding the centre (x 109301.2, y 56930.8 in tiles) is placed
        // with the map's middle 0.2 and 0.8 of the way across it.
        let svg = under(
            Some("https://t.example/{z}/{x}/{y}.png"),
            (22.9917, 120.2047),
            0.5,
            400.0,
            400.0,
        )
        .into_string();
        assert!(
            svg.contains(
                r#"href="https://t.example/17/109301/56930.png" x="172.5" y="83.4" width="140.7""#
            ),
            "{svg}"
        );
        assert!(
            under(None, (22.9917, 120.2047), 0.5, 400.0, 400.0)
                .into_string()
                .is_empty()
        );
    }
}
