//! An origin check for a WebSocket route, where browsers apply no CORS: `on_mismatch = "reject"`
//! refuses the handshake of a page on an origin the policy does not list, before the handler
//! upgrades the connection; `Policy::allows_origin` gives a handler registered by hand the same
//! verdict. (`examples/websocket.rs` is the runnable version.)

mod common;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{get, test, web, App, HttpRequest, HttpResponse};
use cors_runtime::cors;

use common::*;

mod cors_policies {
    cors_runtime::policy!(LIVE {
        origins = ["https://app.example.com"],
    });
}

#[cors(policy = crate::cors_policies::LIVE, on_mismatch = "reject")]
#[get("/ws")]
async fn socket(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, _session, _messages) = actix_ws::handle(&req, body)?;
    Ok(response)
}

async fn socket_by_hand(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let live = cors_runtime::named_policy!(crate::cors_policies::LIVE);
    let origin = req.headers().get(header::ORIGIN).map(HeaderValue::to_str);
    match origin {
        Some(Ok(origin)) if live.allows_origin(origin) => {}
        None => {}
        _ => return Ok(HttpResponse::Forbidden().finish()),
    }
    let (response, _session, _messages) = actix_ws::handle(&req, body)?;
    Ok(response)
}

/// A browser's WebSocket handshake from a page on `origin`, as `site` relates it to the server.
fn handshake(path: &str, origin: Option<&str>, site: &str) -> test::TestRequest {
    let mut req = test::TestRequest::get()
        .uri(path)
        .insert_header((header::CONNECTION, "Upgrade"))
        .insert_header((header::UPGRADE, "websocket"))
        .insert_header((header::SEC_WEBSOCKET_VERSION, "13"))
        .insert_header((header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="))
        .insert_header(("sec-fetch-mode", "websocket"))
        .insert_header(("sec-fetch-site", site));
    if let Some(origin) = origin {
        req = req.insert_header((header::ORIGIN, origin));
    }
    req
}

#[actix_web::test]
async fn only_the_listed_origins_pages_open_the_socket() {
    let app = test::init_service(
        App::new()
            .service(socket)
            .route("/ws-by-hand", web::get().to(socket_by_hand)),
    )
    .await;
    for path in ["/ws", "/ws-by-hand"] {
        let res =
            test::call_service(&app, handshake(path, Some(APP), "cross-site").to_request()).await;
        assert_eq!(res.status(), StatusCode::SWITCHING_PROTOCOLS, "{path}");

        // Cross-site WebSocket hijacking: another site's page, the user's cookies along.
        let res =
            test::call_service(&app, handshake(path, Some(EVIL), "cross-site").to_request()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        let res = test::call_service(
            &app,
            handshake(path, Some("null"), "cross-site").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");

        // Not a browser's: no page's cookies ride on it.
        let res = test::call_service(&app, handshake(path, None, "none").to_request()).await;
        assert_eq!(res.status(), StatusCode::SWITCHING_PROTOCOLS, "{path}");
    }
    // The server's own pages, which `on_mismatch` recognizes by `Sec-Fetch-Site`.
    let own = "http://localhost:8080";
    let res = test::call_service(
        &app,
        handshake("/ws", Some(own), "same-origin").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SWITCHING_PROTOCOLS);
}
