//! Hostile clients over real sockets: a real server with `#[cors]` routes, and raw requests no
//! browser would send. Each gets a well-formed HTTP answer (never a 5xx, never a hang), and the
//! server keeps serving the next client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use actix_web::{get, put, App, HttpResponse, HttpServer};
use cors_runtime::cors;

#[cors(
    origins = ["https://app.example.com", "https://*.preview.example.com"],
    headers = ["Content-Type", "X-Token"],
    credentials = true
)]
#[get("/items")]
async fn list() -> HttpResponse {
    HttpResponse::Ok().body("items")
}

#[cors(origins = ["https://app.example.com"], headers = ["X-Token"])]
#[put("/items")]
async fn replace() -> HttpResponse {
    HttpResponse::Ok().body("replaced")
}

/// How long the server waits for a client to finish sending its request head.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

/// Starts the server on a free loopback port, in a thread of its own.
fn start() -> SocketAddr {
    serve(|| {
        let server = HttpServer::new(|| App::new().service(list).service(replace))
            .workers(1)
            .client_request_timeout(REQUEST_TIMEOUT)
            .bind(("127.0.0.1", 0))
            .expect("bind a loopback port");
        (server.addrs()[0], server.run())
    })
}

/// Runs the server `bind` makes in a thread of its own, and returns its address.
fn serve(
    bind: impl FnOnce() -> (SocketAddr, actix_web::dev::Server) + Send + 'static,
) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let (addr, server) = bind();
            tx.send(addr).unwrap();
            server.await.unwrap();
        })
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("server started")
}

/// An HTTP answer, parsed strictly enough to call it well-formed.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// Sends raw bytes, reads until the server closes, and parses the first answer.
fn exchange(addr: SocketAddr, raw: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before reading everything (a head too large): a failed
    // write is then expected, and the answer is still there to read.
    let _ = stream.write_all(raw);
    read_answer(&mut stream)
}

fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let started = Instant::now();
    let mut chunk = [0; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !bytes.is_empty() => break,
            Err(e) => panic!("no answer after {:?}: {e}", started.elapsed()),
        }
        if head_end(&bytes).is_some() && started.elapsed() > Duration::from_millis(50) {
            break;
        }
    }
    parse(&bytes)
}

fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse(bytes: &[u8]) -> Answer {
    let end = head_end(bytes)
        .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("malformed status line {status_line:?}"));
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("malformed header line {line:?}"));
            (name.to_owned(), value.as_bytes().to_vec())
        })
        .collect();
    Answer { status, headers }
}

fn preflight(origin: &[u8], method: &[u8], request_headers: Option<&[u8]>) -> Vec<u8> {
    let mut raw =
        b"OPTIONS /items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nOrigin: ".to_vec();
    raw.extend_from_slice(origin);
    raw.extend_from_slice(b"\r\nAccess-Control-Request-Method: ");
    raw.extend_from_slice(method);
    if let Some(names) = request_headers {
        raw.extend_from_slice(b"\r\nAccess-Control-Request-Headers: ");
        raw.extend_from_slice(names);
    }
    raw.extend_from_slice(b"\r\n\r\n");
    raw
}

fn actual(origin_headers: &[&[u8]]) -> Vec<u8> {
    let mut raw = b"GET /items HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".to_vec();
    for origin in origin_headers {
        raw.extend_from_slice(b"Origin: ");
        raw.extend_from_slice(origin);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw
}

/// The server still answers a good preflight and a good actual request correctly.
fn still_serving(addr: SocketAddr) {
    let answer = exchange(
        addr,
        &preflight(b"https://app.example.com", b"GET", Some(b"x-token")),
    );
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(&b"https://app.example.com"[..])
    );
    let answer = exchange(addr, &actual(&[b"https://app.example.com"]));
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[test]
fn hostile_requests_get_well_formed_answers() {
    let addr = start();
    still_serving(addr);
    let long_names = (0..600)
        .map(|i| format!("x-h{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let huge_names = format!("x-token,{}", "a".repeat(64 * 1024));
    let many_headers: String = (0..300).map(|i| format!("X-Filler-{i}: {i}\r\n")).collect();
    let mut with_many_headers = preflight(b"https://app.example.com", b"GET", None);
    with_many_headers.splice(
        with_many_headers.len() - 2..,
        many_headers.bytes().chain(*b"\r\n"),
    );

    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "non-UTF-8 Origin, preflight",
            preflight(b"https://app.example.com\xff", b"GET", None),
        ),
        (
            "non-UTF-8 Origin, actual",
            actual(&[b"https://\xc3\xa4.preview.example.com"]),
        ),
        (
            "control byte in Origin",
            preflight(b"https://app.example.com\x01", b"GET", None),
        ),
        ("DEL in Origin", actual(&[b"https://app.example.com\x7f"])),
        ("NUL in Origin", actual(&[b"https://app.example.com\x00"])),
        (
            "two Origin headers",
            actual(&[b"https://app.example.com", b"https://app.example.com"]),
        ),
        ("two Origin headers, preflight", {
            let mut raw = preflight(b"https://app.example.com", b"GET", None);
            raw.splice(raw.len() - 2.., *b"Origin: https://app.example.com\r\n\r\n");
            raw
        }),
        (
            "64 KiB Access-Control-Request-Headers",
            preflight(
                b"https://app.example.com",
                b"GET",
                Some(huge_names.as_bytes()),
            ),
        ),
        (
            "600 requested header names",
            preflight(
                b"https://app.example.com",
                b"GET",
                Some(long_names.as_bytes()),
            ),
        ),
        ("300 request headers", with_many_headers),
        (
            "empty request method",
            preflight(b"https://app.example.com", b"", None),
        ),
        (
            "lowercase request method",
            preflight(b"https://app.example.com", b"get", None),
        ),
        (
            "request method with spaces",
            preflight(b"https://app.example.com", b"G E T", None),
        ),
        (
            "request method list",
            preflight(b"https://app.example.com", b"GET, PUT", None),
        ),
        (
            "non-UTF-8 request method",
            preflight(b"https://app.example.com", b"G\xffT", None),
        ),
        (
            "TRACE requested",
            preflight(b"https://app.example.com", b"TRACE", None),
        ),
        (
            "8 KiB request method",
            preflight(
                b"https://app.example.com",
                "P".repeat(8192).as_bytes(),
                None,
            ),
        ),
        (
            "requested headers full of commas",
            preflight(b"https://app.example.com", b"GET", Some(&[b','; 4096])),
        ),
        (
            "non-UTF-8 requested header",
            preflight(b"https://app.example.com", b"GET", Some(b"x-t\xffoken")),
        ),
    ];
    for (name, raw) in &cases {
        let answer = exchange(addr, raw);
        eprintln!("{name}: {}", answer.status); // shown with --nocapture
        assert!(answer.status < 500, "{name}: {answer:?}");
        if answer.status != 204 && answer.status != 200 {
            assert!(
                answer.header("access-control-allow-origin").is_none(),
                "{name}: a refusal grants nothing: {answer:?}"
            );
        }
        if let Some(grant) = answer.header("access-control-allow-origin") {
            assert_eq!(grant, b"https://app.example.com", "{name}");
        }
        still_serving(addr);
    }
}

/// A preflight that arrives a few bytes at a time is answered once complete.
#[test]
fn a_slow_preflight_is_answered() {
    let addr = start();
    let raw = preflight(b"https://a.preview.example.com", b"GET", Some(b"x-token"));
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    for chunk in raw.chunks(7) {
        stream.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 204, "{answer:?}");
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(&b"https://a.preview.example.com"[..])
    );
}

/// A client that starts a preflight and never finishes it neither blocks other clients nor
/// holds its connection beyond the request timeout.
#[test]
fn a_stalled_preflight_blocks_no_one() {
    let addr = start();
    let raw = preflight(b"https://app.example.com", b"GET", None);
    let mut stalled = TcpStream::connect(addr).unwrap();
    stalled.write_all(&raw[..raw.len() / 2]).unwrap();

    let started = Instant::now();
    still_serving(addr);
    assert!(
        started.elapsed() < REQUEST_TIMEOUT,
        "other clients waited for the stalled one"
    );

    // The server gives up on the stalled client: a 408 or a plain close, well within bounds.
    stalled.set_read_timeout(Some(REQUEST_TIMEOUT * 5)).unwrap();
    let mut rest = Vec::new();
    let waited = Instant::now();
    let _ = stalled.read_to_end(&mut rest);
    assert!(
        waited.elapsed() < REQUEST_TIMEOUT * 5,
        "the stalled connection was held open"
    );
    if !rest.is_empty() {
        let answer = parse(&rest);
        assert_eq!(answer.status, 408, "{answer:?}");
    }
}

/// A real server whose app answers `401` to everything without `Authorization`, under an
/// `outermost()` made outside the server's factory and cloned into it on each worker (two), and
/// forwarded headers that are no URL on the first request each worker serves.
fn start_behind_auth() -> SocketAddr {
    serve(|| {
        let layer = cors_runtime::outermost();
        let server = HttpServer::new(move || {
            App::new()
                .service(list)
                .service(replace)
                .wrap(actix_web::middleware::from_fn(
                    |req: actix_web::dev::ServiceRequest,
                     next: actix_web::middleware::Next<_>| async move {
                        if req.headers().contains_key("authorization") {
                            return next.call(req).await;
                        }
                        Err(actix_web::error::ErrorUnauthorized("log in"))
                    },
                ))
                .wrap(layer.clone())
        })
        .workers(2)
        .bind(("127.0.0.1", 0))
        .expect("bind a loopback port");
        (server.addrs()[0], server.run())
    })
}

#[test]
fn outermost_made_outside_the_factory_answers_preflights_on_every_worker() {
    let addr = start_behind_auth();
    // Enough connections to reach both workers, each first with hostile forwarded headers. The
    // layer cannot learn the app's routes from such a request (their URLs do not render), and
    // serves it as a request of no `#[cors]` route; the next request learns them.
    for _ in 0..4 {
        let answer = exchange(
            addr,
            b"GET /items HTTP/1.1\r\nHost: x y\r\nX-Forwarded-Proto: a b\r\n\
              Origin: https://app.example.com\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(answer.status, 401);
    }
    for _ in 0..4 {
        let answer = exchange(
            addr,
            b"OPTIONS /items HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example.com\r\n\
              Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: x-token\r\n\
              Connection: close\r\n\r\n",
        );
        assert_eq!(answer.status, 204, "{answer:?}");
        assert_eq!(
            answer.header("access-control-allow-headers"),
            Some(&b"X-Token"[..])
        );
    }
}
