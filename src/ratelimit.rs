//! Per-client rate limits on the doors anyone can knock on: sign-in (and
//! token refresh) and the public verification page. The account lockout
//! stops guessing at one badge; this stops one address trying many badges
//! or scraping verification links. Limits are per node.
//!
//! The client is the peer address, or, when the peer is a configured proxy,
//! the right-most address of `X-Forwarded-For` that is not a proxy: a
//! client cannot choose its own key by sending that header itself.

use std::net::IpAddr;
use std::num::NonZeroU32;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use ipnet::IpNet;

use crate::config::Settings;
use crate::error::{ApiError, ApiResult};

/// Which door is being knocked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    SignIn,
    Verify,
}

pub struct Limits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    verify: DefaultKeyedRateLimiter<IpAddr>,
    proxies: Vec<IpNet>,
}

fn limiter(per_minute: u32) -> DefaultKeyedRateLimiter<IpAddr> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    DefaultKeyedRateLimiter::keyed(Quota::per_minute(n))
}

impl Limits {
    pub fn new(settings: &Settings) -> Self {
        Limits {
            sign_in: limiter(settings.sign_in_per_minute),
            verify: limiter(settings.verify_per_minute),
            proxies: settings.trusted_proxies.clone(),
        }
    }

    /// Admits one request through `door`, or answers 429 with the seconds
    /// until the client may try again.
    pub fn check(&self, door: Door, req: &HttpRequest) -> ApiResult<()> {
        let limiter = match door {
            Door::SignIn => &self.sign_in,
            Door::Verify => &self.verify,
        };
        // Requests without a peer (in-process tests) share one key.
        let client = client_addr(req, &self.proxies).unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                code: "rate_limited",
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}

/// The address a request comes from, trusting `X-Forwarded-For` only as
/// far as it was written by configured proxies.
pub fn client_addr(req: &HttpRequest, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = |ip: &IpAddr| proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    // Right to left: each proxy appends the address it received from.
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !trusted(ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn req(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(x) = xff {
            r = r.insert_header(("X-Forwarded-For", x));
        }
        r.to_http_request()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // A client cannot pick its own key.
        assert_eq!(
            client_addr(&req("203.0.113.9", Some("1.2.3.4")), &proxies),
            Some(ip("203.0.113.9"))
        );
        // Behind the proxy: the right-most address the proxies did not add.
        assert_eq!(
            client_addr(
                &req("10.0.0.2", Some("1.2.3.4, 198.51.100.7, 10.0.0.5")),
                &proxies
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_addr(&req("10.0.0.2", None), &proxies),
            Some(ip("10.0.0.2"))
        );
    }
}
