//! Serving: the HTTP server on the configured address, the demo city when
//! asked, the metrics listener, and the audit checkpoints beside them.

use anyhow::Context;

use crate::config::Settings;
use crate::{app, demo};

/// Writes a signed checkpoint of the audit chain's head every interval
/// while the head moves, from a thread of its own.
fn spawn_audit_checkpoints(state: &crate::state::AppState) {
    let pool = state.pool.clone();
    let path = state.settings.data_dir.join(crate::audit::checkpoint::FILE);
    let interval = state.settings.audit_checkpoint_interval;
    std::thread::spawn(move || {
        loop {
            let written = pool
                .get()
                .map_err(anyhow::Error::from)
                .and_then(|mut c| crate::audit::checkpoint::write(&mut c, &path));
            if let Err(e) = written {
                tracing::warn!(error = %format!("{e:#}"), "audit checkpoint not written");
            }
            std::thread::sleep(interval);
        }
    });
}

/// Binds `addr` (`host:port`, a name or an address; port 0 for any free
/// one), ready to be handed to the server: first, so a taken port is
/// reported before anything is migrated or seeded.
fn listen(addr: &str, variable: &str) -> anyhow::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(addr)
        .with_context(|| format!("binding {addr} ({variable})"))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

pub fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    settings.check_for_serving(demo)?;
    let listener = listen(&settings.bind, "EPATROL_BIND")?;
    let metrics_listener = match &settings.metrics_bind {
        Some(addr) => Some(listen(addr, "EPATROL_METRICS_BIND")?),
        None => None,
    };
    let workers = settings.workers;
    let ticket_prefix = settings.ticket_prefix.clone();
    let node = crate::startup::start(settings)?;
    let state = node.state.clone();
    if demo {
        let mut conn = state.pool.get()?;
        if demo::is_empty(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))? {
            demo::seed(&mut conn, state.evidence.as_ref())
                .map_err(|e| anyhow::anyhow!("seeding the demo city: {e}"))?;
            // A year behind it, so its supervisors' and vendors' pages show
            // a department at work (`epatrol seed demo` leaves it out: the
            // benchmarks generate their own).
            demo::history::seed_year(&mut conn, &ticket_prefix)
                .map_err(|e| anyhow::anyhow!("writing the demo city's year: {e}"))?;
            tracing::info!(
                "demo city seeded; sign in as O0111 / {}",
                demo::DEMO_PASSWORD
            );
        }
    }
    spawn_audit_checkpoints(&state);
    // The address actually bound: with port 0, the port the system chose.
    let address = listener.local_addr()?;
    actix_web::rt::System::new().block_on(async move {
        if let Some(metrics_listener) = metrics_listener {
            let metrics_address = metrics_listener.local_addr()?;
            let metrics = actix_web::HttpServer::new(|| {
                actix_web::App::new().route(
                    "/metrics",
                    actix_web::web::get().to(|| async { crate::ops::metrics_text() }),
                )
            })
            .workers(1)
            .listen(metrics_listener)
            .context("serving metrics (EPATROL_METRICS_BIND)")?
            .run();
            actix_web::rt::spawn(metrics);
            tracing::info!(address = %metrics_address, "metrics listening");
        }
        let server = actix_web::HttpServer::new(move || app::build(node.clone()))
            .workers(workers)
            .listen(listener)
            .context("serving (EPATROL_BIND)")?
            .run();
        tracing::info!(address = %address, "listening");
        server.await.context("server")
    })
}
