//! Logging, request ids and Prometheus metrics. Logs carry ids and routes,
//! never bodies, query strings, tokens or personal data (docs/logging.md).

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use tracing::Instrument;

use crate::config::LogFormat;

pub fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours for a person at a terminal, plain text for a file or a
    // collector.
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub struct Metrics {
    pub registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

// The definitions are constants; `new` fails only for an invalid name or
// label set, which the unit test below would catch.
#[allow(clippy::expect_used)]
pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "epatrol_http_requests_total",
            "HTTP requests by route and status",
        ),
        &["method", "route", "status"],
    )
    .expect("valid counter definition");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "epatrol_http_request_duration_seconds",
            "HTTP request latency",
        )
        .buckets(vec![
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]),
        &["method", "route"],
    )
    .expect("valid histogram definition");
    registry
        .register(Box::new(requests.clone()))
        .expect("metric registered once");
    registry
        .register(Box::new(latency.clone()))
        .expect("metric registered once");
    Metrics {
        registry,
        requests,
        latency,
    }
});

impl Metrics {
    pub fn render(&self) -> String {
        let encoder = prometheus::TextEncoder::new();
        encoder
            .encode_to_string(&self.registry.gather())
            .unwrap_or_default()
    }
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller-supplied request id is kept if it is short and plain, so a
/// handheld can match its logs with ours; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Middleware: request id, one log line per request, metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(&req);
    let method = req.method().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("request", request.id = %id, http.method = %method);
    let mut res = next.call(req).instrument(span.clone()).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    METRICS
        .requests
        .with_label_values(&[method.as_str(), route.as_str(), &status.to_string()])
        .inc();
    METRICS
        .latency
        .with_label_values(&[method.as_str(), route.as_str()])
        .observe(elapsed.as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    let _enter = span.enter();
    tracing::info!(
        http.route = %route,
        http.status = status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn metrics_are_defined_and_render() {
        super::METRICS
            .requests
            .with_label_values(&["GET", "/x", "200"])
            .inc();
        assert!(
            super::METRICS
                .render()
                .contains("epatrol_http_requests_total")
        );
    }
}
