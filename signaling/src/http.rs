//! The HTTP routes: the WebSocket upgrade, the health check and, optionally, the web app.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use actix::Recipient;
use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_actors::ws;
use shared::MAX_MESSAGE_BYTES;

use crate::frame_guard::FrameGuard;
use crate::ip_limits::IpLimits;
use crate::messages::{GetStats, LobbyLink};
use crate::metrics::{self, inc, Metrics};
use crate::origin::OriginPolicy;
use crate::session::{Session, SessionSettings};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The lobby every session talks to.
    pub lobby: Arc<LobbyLink>,
    /// The lobby's bookkeeping, for `/metrics`.
    pub stats: Recipient<GetStats>,
    /// Who may open a WebSocket.
    pub origins: OriginPolicy,
    /// Heartbeat and rate-limit settings for new sessions.
    pub session: SessionSettings,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Per-address caps on connections and joins.
    pub ip_limits: IpLimits,
    /// Whether the browser's address is the last one in `X-Forwarded-For`.
    pub trust_x_forwarded_for: bool,
}

/// Registers the routes. The web app, when there is one, goes last: it answers every path the
/// others do not.
pub fn routes(cfg: &mut web::ServiceConfig, state: AppState, static_dir: Option<&Path>) {
    cfg.app_data(web::Data::new(state))
        .route("/ws", web::get().to(websocket))
        .route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics_page));
    if let Some(dir) = static_dir {
        // Room links are the app's own route, whatever the name holds: actix-files refuses an
        // encoded slash (`/r/mum%2Fdad`) with 400 before its fallback could answer.
        let index = dir.join("index.html");
        cfg.route(
            "/r/{room:.*}",
            web::get().to(move |req: HttpRequest| {
                let index = index.clone();
                async move { app_page(&index, &req).await }
            }),
        );
        cfg.service(spa(dir));
    }
}

async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, actix_web::Error> {
    let headers = req.headers();
    // A header that is not visible ASCII cannot be a real origin: treat it as a foreign one.
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if !state.origins.allows(origin, host) {
        tracing::info!("websocket refused: origin not allowed");
        tracing::debug!(?origin, ?host, peer = ?req.peer_addr(), "refused origin");
        return Ok(HttpResponse::Forbidden().body("origin not allowed\n"));
    }
    let permit = match client_ip(&req, state.trust_x_forwarded_for) {
        Some(ip) => match state.ip_limits.connect(ip, Instant::now()) {
            Ok(permit) => Some(permit),
            Err(e) => {
                inc(&state.metrics.connections_refused);
                tracing::info!("websocket refused: {e}");
                return Ok(HttpResponse::TooManyRequests()
                    .insert_header((header::RETRY_AFTER, "10"))
                    .body(format!("{e}\n")));
            }
        },
        None => None,
    };
    tracing::debug!(peer = ?req.peer_addr(), "websocket upgrade");
    inc(&state.metrics.connections);
    let oversized = Arc::new(AtomicBool::new(false));
    let session = Session::new(
        state.lobby.clone(),
        state.session,
        oversized.clone(),
        state.metrics.clone(),
        permit,
    );
    // The guard refuses a bigger message (one frame, or the pieces of one together) as soon
    // as the header that makes it too big arrives; the codec's own frame limit (surfacing as
    // `ProtocolError::Overflow`) stays as a second line.
    let payload = FrameGuard::new(payload, MAX_MESSAGE_BYTES, oversized);
    ws::WsResponseBuilder::new(session, &req, payload)
        .frame_size(MAX_MESSAGE_BYTES)
        .start()
}

/// The browser's address: the TCP peer, or behind a trusted proxy the address it appended
/// last to `X-Forwarded-For` (earlier entries are whatever the browser claimed).
fn client_ip(req: &HttpRequest, trust_x_forwarded_for: bool) -> Option<IpAddr> {
    if trust_x_forwarded_for {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.peer_addr().map(|addr| addr.ip())
}

/// Prometheus metrics. Not for the public: the Caddyfile proxies only `/ws` and the app.
async fn metrics_page(state: web::Data<AppState>) -> HttpResponse {
    match state.stats.send(GetStats).await {
        Ok(stats) => HttpResponse::Ok()
            .content_type(metrics::CONTENT_TYPE)
            .body(state.metrics.page(stats)),
        Err(_) => HttpResponse::ServiceUnavailable().body("the lobby is gone\n"),
    }
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

/// The single-page app: files from `dir`, and its `index.html` for any other path, since
/// paths like `/settings` are routes of the app, not files. A path that names a file (its
/// last segment has an extension) and is not there is a 404, as Caddy answers it: a stale
/// `duet-<hash>_bg.wasm` must fail as itself, never arrive as HTML.
fn spa(dir: &Path) -> Files {
    let index: PathBuf = dir.join("index.html");
    Files::new("/", dir)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                if names_a_file(req.path()) {
                    let response = HttpResponse::NotFound()
                        .content_type("text/plain; charset=utf-8")
                        .body("not found\n");
                    return Ok(ServiceResponse::new(req, response));
                }
                let response = app_page(&index, &req).await?;
                Ok(ServiceResponse::new(req, response))
            }
        }))
}

/// The app's `index.html` (at `index`), answering a path that is one of the app's routes.
async fn app_page(index: &Path, req: &HttpRequest) -> std::io::Result<HttpResponse> {
    Ok(NamedFile::open_async(index).await?.into_response(req))
}

/// Whether a request path's last segment has an extension (`/missing_bg.wasm`, `/a/b.css`),
/// which app routes never have. The same test as the Caddyfile's (`\.[^/]*$`).
fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_app_routes_are_told_apart() {
        for path in [
            "/missing_bg.wasm",
            "/duet-1a2b.css",
            "/a/b/config.json",
            "/.env",
        ] {
            assert!(names_a_file(path), "{path}");
        }
        for path in ["/", "/some/client/route", "/v1.2/route", "/settings/"] {
            assert!(!names_a_file(path), "{path}");
        }
    }
}
