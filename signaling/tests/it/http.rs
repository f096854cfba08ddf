//! The HTTP side: origin checks on the upgrade, the health check, the web app.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::{finish, http_get, refused_status, start, Client};

#[actix_web::test]
async fn a_foreign_origin_is_refused_with_403() {
    let server = start(&[]).await;
    let addr = server.addr();
    for origin in [
        "https://evil.example",
        "null",
        "http://localhost.evil.example",
    ] {
        let status = refused_status(Client::connect_with(addr, &[("Origin", origin)]).await);
        assert_eq!(status, 403, "{origin}");
    }
    finish!(server);
}

#[actix_web::test]
async fn localhost_same_origin_and_configured_origins_are_allowed() {
    let server = start(&["--allowed-origin", "https://duet.example"]).await;
    let addr = server.addr();
    let port = addr.port();
    let allowed: [&[(&str, &str)]; 5] = [
        &[("Origin", "http://localhost:3000")],
        &[("Origin", &format!("http://127.0.0.1:{port}"))],
        &[("Origin", "http://[::1]:8080")],
        // Same origin: the page came from the host the browser is talking to.
        &[
            ("Origin", "https://calls.example"),
            ("Host", "calls.example"),
        ],
        &[("Origin", "https://duet.example")],
    ];
    for headers in allowed {
        let mut client = Client::connect_with(addr, headers)
            .await
            .unwrap_or_else(|e| panic!("{headers:?} refused: {e}"));
        // A round trip proves the session is up.
        client.send(&shared::ClientMsg::Leave).await;
        client.expect_error(shared::ErrorCode::NotInRoom).await;
        client.ws.close(None).await.ok();
    }
    let status = refused_status(
        Client::connect_with(
            addr,
            &[
                ("Origin", "https://calls.example"),
                ("Host", "other.example"),
            ],
        )
        .await,
    );
    assert_eq!(status, 403);
    finish!(server);
}

#[actix_web::test]
async fn healthz_answers() {
    let server = start(&[]).await;
    let response = http_get(server.addr(), "/healthz", &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "ok\n");
    // Without --static-dir there is no web app.
    assert_eq!(http_get(server.addr(), "/", &[]).await.status, 404);
    finish!(server);
}

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "duet-signaling-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[actix_web::test]
async fn the_web_app_is_served_with_a_fallback_to_index_html() {
    let dir = TempDir::new();
    let index = "<!doctype html><title>Duet</title>";
    std::fs::write(dir.0.join("index.html"), index).expect("write");
    std::fs::write(dir.0.join("duet_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(dir.0.join("duet.js"), "export {};").expect("write");
    std::fs::write(dir.0.join("sw.js"), "const VERSION = '0';").expect("write");
    std::fs::write(dir.0.join("manifest.webmanifest"), r#"{"name":"Duet"}"#).expect("write");
    std::fs::create_dir(dir.0.join("icons")).expect("mkdir");
    std::fs::write(dir.0.join("icons/icon-192.png"), b"\x89PNG\r\n\x1a\n").expect("write");
    let static_dir = dir.0.to_string_lossy().into_owned();
    let server = start(&["--static-dir", &static_dir]).await;
    let addr = server.addr();

    let root = http_get(addr, "/", &[]).await;
    assert_eq!(root.status, 200);
    assert_eq!(root.text(), index);
    assert!(
        root.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{root:?}"
    );

    let route = http_get(addr, "/r/some-room", &[]).await;
    assert_eq!(route.status, 200);
    assert_eq!(route.text(), index);

    // A room name may hold a slash; its link still opens the app.
    let slashed = http_get(addr, "/r/mum%2Fdad", &[]).await;
    assert_eq!(slashed.status, 200, "{slashed:?}");
    assert_eq!(slashed.text(), index);

    // Any other client route is the app too.
    let client_route = http_get(addr, "/some/client/route", &[]).await;
    assert_eq!(client_route.status, 200, "{client_route:?}");
    assert_eq!(client_route.text(), index);
    assert!(
        client_route
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{client_route:?}"
    );

    // A file that is not there is a 404, not the app: a page of an older build asking for
    // its own wasm must not be handed HTML (Caddy answers the same).
    for missing in ["/missing_bg.wasm", "/assets/gone.css", "/some/route.js"] {
        let response = http_get(addr, missing, &[]).await;
        assert_eq!(response.status, 404, "{missing}: {response:?}");
        assert_ne!(response.text(), index, "{missing}");
    }
    // A room link is the app's whatever the name holds, a dot included.
    let dotted = http_get(addr, "/r/casa.azul", &[]).await;
    assert_eq!(dotted.status, 200, "{dotted:?}");
    assert_eq!(dotted.text(), index);

    let wasm = http_get(addr, "/duet_bg.wasm", &[]).await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.body, b"\0asm\x01\0\0\0");

    let js = http_get(addr, "/duet.js", &[]).await;
    assert!(
        js.header("content-type")
            .is_some_and(|t| t.starts_with("text/javascript")),
        "{js:?}"
    );

    // The installable app's files: a service worker is only registered from a script type,
    // and a manifest is read as the manifest type.
    let worker = http_get(addr, "/sw.js", &[]).await;
    assert_eq!(worker.status, 200, "{worker:?}");
    assert!(
        worker
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/javascript")),
        "{worker:?}"
    );
    let manifest = http_get(addr, "/manifest.webmanifest", &[]).await;
    assert_eq!(manifest.status, 200, "{manifest:?}");
    assert_eq!(
        manifest.header("content-type"),
        Some("application/manifest+json"),
        "{manifest:?}"
    );
    let icon = http_get(addr, "/icons/icon-192.png", &[]).await;
    assert_eq!(icon.header("content-type"), Some("image/png"), "{icon:?}");

    // The service's own routes still win over the fallback.
    assert_eq!(http_get(addr, "/healthz", &[]).await.text(), "ok\n");
    let mut client = Client::connect(addr).await;
    client.join("with an app").await;
    finish!(server, client);
}

#[actix_web::test]
async fn a_static_dir_without_index_html_is_refused_at_start() {
    let dir = TempDir::new();
    let static_dir = dir.0.to_string_lossy().into_owned();
    let config = <signaling::Config as clap::Parser>::try_parse_from([
        "duet-signaling",
        "--bind",
        "127.0.0.1:0",
        "--static-dir",
        &static_dir,
    ])
    .expect("flags");
    match signaling::start(config).await {
        Err(signaling::Error::StaticDir { .. }) => {}
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("started without an index.html"),
    }
}
