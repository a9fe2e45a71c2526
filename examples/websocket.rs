//! A WebSocket route that only the listed origin's pages may open.
//!
//!     cargo run --example websocket
//!
//! Browsers apply no CORS to WebSockets: any site's page may open a socket to your server, and
//! the browser sends the user's cookies with the handshake (cross-site WebSocket hijacking). The
//! handshake carries `Origin`, though, and `on_mismatch = "reject"` answers a listed-nowhere
//! origin `403` before the handler upgrades the connection. Two pages show it: one on the listed
//! origin (`http://localhost:3000`), whose socket echoes, and one on another origin
//! (`http://localhost:3001`), whose socket is refused.
//!
//! `/ws-by-hand` does the same check in a handler registered by hand, with
//! `Policy::allows_origin`, for code that decides itself when to upgrade.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::ORIGIN;
use actix_web::{get, web, App, HttpRequest, HttpResponse, HttpServer};
use cors_runtime::cors;

mod cors_policies {
    cors_runtime::policy!(
        /// The pages that may open the sockets.
        LIVE {
        origins = ["http://localhost:3000"],
    });
}

/// The socket, for the listed origin's pages only: `#[cors]` refuses every other origin's
/// handshake before this runs.
#[cors(policy = crate::cors_policies::LIVE, on_mismatch = "reject")]
#[get("/ws")]
async fn socket(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    echo(&req, body)
}

/// The same check, written in a handler registered by hand.
async fn socket_by_hand(req: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let live = cors_runtime::named_policy!(crate::cors_policies::LIVE);
    match req.headers().get(ORIGIN).map(|origin| origin.to_str()) {
        Some(Ok(origin)) if live.allows_origin(origin) => {}
        // A handshake without `Origin` is not a browser's: no page's cookies ride on it.
        None => {}
        // Not allowed, or not even text: refused.
        Some(_) => return Ok(HttpResponse::Forbidden().body("origin not allowed")),
    }
    echo(&req, body)
}

/// Upgrades the connection and echoes every text message.
fn echo(req: &HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, mut session, mut messages) = actix_ws::handle(req, body)?;
    actix_web::rt::spawn(async move {
        while let Some(Ok(message)) = messages.recv().await {
            let sent = match message {
                actix_ws::Message::Text(text) => session.text(format!("echo: {text}")).await,
                actix_ws::Message::Close(reason) => {
                    let _ = session.close(reason).await;
                    return;
                }
                _ => Ok(()),
            };
            if sent.is_err() {
                return;
            }
        }
    });
    Ok(response)
}

/// The API `main()` serves, and the test checks.
fn app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .service(socket)
        .route("/ws-by-hand", web::get().to(socket_by_hand))
}

const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>WebSocket origin check</title>
<p>This page: <b id="origin"></b></p>
<pre id="log"></pre>
<script>
document.getElementById("origin").textContent = location.origin;
const log = line => document.getElementById("log").textContent += line + "\n";
for (const path of ["/ws", "/ws-by-hand"]) {
  const socket = new WebSocket("{API}" + path);
  socket.onopen = () => socket.send("hello from " + location.origin);
  socket.onmessage = event => log(path + ": " + event.data);
  // A refused handshake is only a failed connection to the page: the browser shows no status.
  socket.onerror = () => log(path + ": refused (the server answered the handshake with 403)");
}
</script>
"#;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let api = HttpServer::new(app).bind(("127.0.0.1", 8080))?.run();
    let page = |port: u16| {
        HttpServer::new(|| {
            App::new().route(
                "/",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(PAGE.replace("{API}", "ws://127.0.0.1:8080"))
                }),
            )
        })
        .bind(("127.0.0.1", port))
        .map(|server| server.run())
    };
    let (allowed, other) = (page(3000)?, page(3001)?);

    println!("Open http://localhost:3000/ (listed: its sockets echo)");
    println!("and  http://localhost:3001/ (not listed: its sockets are refused).");
    println!("Or with curl, a handshake from each:");
    println!("  curl -i -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \\");
    println!("       -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Origin: http://localhost:3001' \\");
    println!("       http://127.0.0.1:8080/ws");
    run_all(api, allowed, other).await
}

/// Runs the three servers until one stops.
async fn run_all(
    api: actix_web::dev::Server,
    allowed: actix_web::dev::Server,
    other: actix_web::dev::Server,
) -> std::io::Result<()> {
    let (api, allowed, other) = (
        actix_web::rt::spawn(api),
        actix_web::rt::spawn(allowed),
        actix_web::rt::spawn(other),
    );
    for server in [api, allowed, other] {
        server.await.map_err(std::io::Error::other)??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use actix_web::test;
    use cors_runtime::test::check_app;

    /// The socket's handshake route answers its preflights with its policy (a page's `fetch` to
    /// it would preflight; a WebSocket handshake never does).
    #[actix_web::test]
    async fn every_preflight_reaches_a_cors_layer() {
        let app = test::init_service(super::app()).await;
        let report = check_app(&app).await.unwrap();
        assert_eq!(report.checked(), ["`socket` (/ws) GET"], "{report}");
    }
}
