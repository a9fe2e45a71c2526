//! Starts the API and the page servers on their fixed loopback ports, in a thread of their own,
//! and checks that the API answering on the port is this run's.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};

use crate::api::{self, PreflightCount, RunId};

pub const API_ADDR: (Ipv4Addr, u16) = (Ipv4Addr::LOCALHOST, 18080);
pub const PAGE_PORTS: [u16; 2] = [18081, 18082];

/// Starts every server and returns once all are listening, or why one could not.
pub fn start(run_id: &str, page: String, preflights: PreflightCount) -> Result<(), String> {
    let (ready, started) = mpsc::channel();
    let run = RunId(run_id.to_owned());
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match servers(run, page, preflights) {
                Ok(servers) => {
                    let _ = ready.send(Ok(()));
                    for server in servers {
                        actix_web::rt::spawn(server);
                    }
                    std::future::pending::<()>().await;
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            }
        })
    });
    started
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "the servers did not start within 30 s".to_owned())?
}

fn servers(
    run: RunId,
    page: String,
    preflights: PreflightCount,
) -> Result<Vec<actix_web::dev::Server>, String> {
    let in_use = |addr: SocketAddr, e: std::io::Error| {
        format!("cannot listen on {addr}: {e} (is another run of this suite still going?)")
    };
    let api = HttpServer::new(move || api::app(run.clone(), preflights.clone()))
        .workers(2)
        .bind(API_ADDR)
        .map_err(|e| in_use(SocketAddr::from(API_ADDR), e))?
        .run();

    let mut pages = HttpServer::new(move || {
        let page = page.clone();
        App::new().default_service(web::to(move || {
            let page = page.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(page)
            }
        }))
    })
    .workers(1);
    for port in PAGE_PORTS {
        let v4 = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(v4).map_err(|e| in_use(v4, e))?;
        pages = pages.listen(listener).map_err(|e| in_use(v4, e))?;
        // Chromium may try `localhost` over IPv6 first: a stale server there would answer
        // instead of this one, so [::1] is taken too where the machine has IPv6.
        let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, port));
        match TcpListener::bind(v6) {
            Ok(listener) => pages = pages.listen(listener).map_err(|e| in_use(v6, e))?,
            Err(e) if e.kind() == ErrorKind::AddrInUse => return Err(in_use(v6, e)),
            Err(_) => {} // no IPv6 here, so nothing else can answer there either
        }
    }
    Ok(vec![api, pages.run()])
}

/// Asks the API for its run id over a plain socket, before any browser is started.
pub fn api_run_id() -> Result<String, String> {
    let mut stream =
        TcpStream::connect(API_ADDR).map_err(|e| format!("cannot reach the API: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /run-id HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("cannot read the API's answer: {e}"))?;
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))
}
