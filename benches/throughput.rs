//! Throughput, side by side: the same handler bare, under `#[cors]`, and under actix-cors with the
//! same policy (`tests/variants`), each in an app of its own with one worker, loaded by `wrk` on
//! loopback. Then the same at scale: the first and the last of 200 routes in a scope
//! (`tests/variants/scale.rs`).
//!
//!     cargo bench --bench throughput            # ROUNDS=15 SECONDS=2 by default
//!     ONLY=200 cargo bench --bench throughput   # only the ratios whose label contains "200"
//!
//! A shared machine's speed moves by several percent from one second to the next, so loads run
//! one after the other compare different machines (single rounds from 0.81 to 1.12 for the same
//! pair). Here the two loads of a pair run *at the same time*: two server processes share core 0,
//! one per load, and two `wrk -t1 -c16` share core 1. Each server's CPU time per request (from
//! `/proc/<pid>/task/*/schedstat`) is measured over the same seconds, so whatever slows the core
//! slows both; a pair's throughput ratio is the inverse ratio of those times, which is what the
//! two would serve per second with a core each. Rounds swap which process serves which load; the
//! medians over the rounds are the result. A run with a non-2xx answer or a socket error is
//! refused, not reported. `BENCH_SVG=path` also writes the medians as an SVG bar chart.

#[path = "../tests/variants/scale.rs"]
mod scale;
#[path = "../tests/variants/mod.rs"]
mod variants;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

use variants::*;

/// What one wrk run sends: a case from `tests/variants`, with `Origin` on the bare route too, so
/// that every variant parses the same request.
const LOADS: [(&str, Shape); 23] = [
    (
        "bare",
        Shape {
            origin: Some(ALLOWED_ORIGIN),
            ..BARE_GET
        },
    ),
    ("bare + headers by hand", BARE_WITH_HEADERS_GET),
    ("#[cors]", CORS_ALLOWED),
    ("actix-cors", ACTIX_CORS_ALLOWED),
    ("#[cors] preflight", CORS_PREFLIGHT),
    ("actix-cors preflight", ACTIX_CORS_PREFLIGHT),
    ("outermost() + #[cors]", OUTERMOST_ALLOWED),
    ("outermost() preflight", OUTERMOST_PREFLIGHT),
    // 8..: the scale shape, first (`/r0`) and last (`/r199`) of 200 routes.
    ("200 routes, bare, first", at_scale("/sb/r0", false, 200)),
    ("200 routes, bare, last", at_scale("/sb/r199", false, 200)),
    ("200 routes, #[cors], first", at_scale("/sc/r0", false, 200)),
    (
        "200 routes, #[cors], last",
        at_scale("/sc/r199", false, 200),
    ),
    (
        "200 routes, outermost(), first",
        at_scale("/so/r0", false, 200),
    ),
    (
        "200 routes, outermost(), last",
        at_scale("/so/r199", false, 200),
    ),
    (
        "200 routes, actix-cors, first",
        at_scale("/sa/r0", false, 200),
    ),
    (
        "200 routes, actix-cors, last",
        at_scale("/sa/r199", false, 200),
    ),
    (
        "200 routes, #[cors] preflight, last",
        at_scale("/sc/r199", true, 204),
    ),
    (
        "200 routes, outermost() preflight, last",
        at_scale("/so/r199", true, 204),
    ),
    (
        "200 routes, actix-cors preflight, last",
        at_scale("/sa/r199", true, 200),
    ),
    // 19: the origin from a list the application replaces while serving.
    ("#[cors], ReloadableOrigins", RELOADABLE_ALLOWED),
    // 20, 21: an async function of the app's data decides the origin.
    ("#[cors], async origin_fn, warm cache", ASYNC_CHECK_ALLOWED),
    (
        "#[cors], async origin_fn, no cache",
        ASYNC_CHECK_UNCACHED_ALLOWED,
    ),
    // 22: the cost of any middleware layer, for the outermost() ratios.
    ("pass-through middleware + #[cors]", PASS_THROUGH_ALLOWED),
];

/// A request of the scale shape, from the allowed origin.
const fn at_scale(path: &'static str, preflight: bool, status: u16) -> Shape {
    Shape {
        name: path,
        path,
        origin: Some(ALLOWED_ORIGIN),
        preflight,
        announced: "GET",
        status,
    }
}

/// The paired ratios reported: (label, numerator, denominator), by index into `LOADS`.
const RATIOS: [(&str, usize, usize); 20] = [
    ("#[cors] / bare, actual requests", 2, 0),
    ("actix-cors / bare, actual requests", 3, 0),
    ("#[cors] / actix-cors, actual requests", 2, 3),
    ("#[cors] / actix-cors, preflights", 4, 5),
    ("#[cors] / bare + the same headers by hand", 2, 1),
    ("outermost() + #[cors] / #[cors], actual requests", 6, 2),
    ("outermost() + #[cors] / actix-cors, actual requests", 6, 3),
    ("outermost() / actix-cors, preflights", 7, 5),
    ("200 routes, first: #[cors] / bare", 10, 8),
    ("200 routes, last: #[cors] / bare", 11, 9),
    ("200 routes, last: #[cors] / actix-cors", 11, 15),
    ("200 routes, last: outermost() / bare", 13, 9),
    ("200 routes, last: outermost() / actix-cors", 13, 15),
    ("200 routes, last: actix-cors / bare", 15, 9),
    ("200 routes, last: #[cors] / actix-cors, preflights", 16, 18),
    (
        "200 routes, last: outermost() / actix-cors, preflights",
        17,
        18,
    ),
    (
        "ReloadableOrigins / literal origins, actual requests",
        19,
        2,
    ),
    ("async origin_fn, warm cache / literal origins", 20, 2),
    ("async origin_fn, no cache / literal origins", 21, 2),
    (
        "outermost() + #[cors] / pass-through middleware + #[cors]",
        6,
        22,
    ),
];

/// The app that serves `path`: the scale shape's apps serve a scope each, the other variants a
/// path each.
fn app_key(path: &str) -> &str {
    scale::SCOPES
        .into_iter()
        .find(|scope| {
            path.strip_prefix(scope)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .unwrap_or(path)
}

fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--serve") {
        return serve();
    }
    match drive() {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("throughput benchmark refused: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The server side: for each variant an app of its own (see `configure_one`), one worker each,
/// on a free loopback port, announced on stdout.
fn serve() -> ExitCode {
    let result = actix_web::rt::System::new().block_on(async {
        let mut running = Vec::new();
        for path in variant_paths() {
            let (addr, server) = if scale::SCOPES.contains(&path) {
                scale::server(path)?
            } else if serves_in_pass_through(path) {
                let bound = actix_web::HttpServer::new(move || {
                    actix_web::App::new()
                        .configure(|config| configure_one(path, config))
                        .wrap(PassThrough)
                })
                .workers(1)
                .bind(("127.0.0.1", 0))?;
                (bound.addrs()[0], bound.run())
            } else if serves_in_outermost(path) {
                let bound = actix_web::HttpServer::new(move || {
                    actix_web::App::new()
                        .configure(|config| configure_one(path, config))
                        .wrap(cors_runtime::outermost())
                })
                .workers(1)
                .bind(("127.0.0.1", 0))?;
                (bound.addrs()[0], bound.run())
            } else {
                let bound = actix_web::HttpServer::new(move || {
                    actix_web::App::new().configure(|config| configure_one(path, config))
                })
                .workers(1)
                .bind(("127.0.0.1", 0))?;
                (bound.addrs()[0], bound.run())
            };
            println!("listening on {path} {addr}");
            running.push(actix_web::rt::spawn(server));
        }
        println!("ready");
        for server in running {
            server.await.map_err(std::io::Error::other)??;
        }
        Ok::<(), std::io::Error>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The apps of the variants in `LOADS` (see `app_key`), each once.
fn variant_paths() -> Vec<&'static str> {
    let mut paths = Vec::new();
    for (_, shape) in LOADS {
        let app = app_key(shape.path);
        if !paths.contains(&app) {
            paths.push(app);
        }
    }
    paths
}

fn env_number(name: &str, default: u32) -> Result<u32, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a number")),
        Err(_) => Ok(default),
    }
}

fn drive() -> Result<(), String> {
    let rounds = env_number("ROUNDS", 15)?;
    let seconds = env_number("SECONDS", 2)?;
    let only = std::env::var("ONLY").unwrap_or_default();
    let ratios: Vec<(&str, usize, usize)> = RATIOS
        .into_iter()
        .filter(|(label, _, _)| label.contains(only.as_str()))
        .collect();
    let mut loads: Vec<usize> = ratios.iter().flat_map(|&(_, n, d)| [n, d]).collect();
    loads.sort_unstable();
    loads.dedup();
    for tool in ["wrk", "taskset"] {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|_| format!("`{tool}` not found (Debian: apt-get install wrk util-linux)"))?;
    }

    // Two server processes, both on core 0: the two loads of a pair run at the same time, one
    // against each, so that whatever slows the core down slows both alike.
    let servers = [Server::start()?, Server::start()?];
    for server in &servers {
        for &load in &loads {
            let (name, shape) = LOADS[load];
            check_answer(server.addr(shape.path)?, shape).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    let scratch = std::env::temp_dir().join(format!("cors-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;

    println!("warming up ({} loads x 1 s on each server)", loads.len());
    for &load in &loads {
        let shape = LOADS[load].1;
        wrk_pair([(&servers[0], shape), (&servers[1], shape)], 1, &scratch)?;
    }

    // For each pair, per round: (throughput ratio, µs per request of each side).
    let mut per_pair = vec![Vec::new(); ratios.len()];
    for round in 0..rounds as usize {
        // Swap the servers' roles every round, so that neither process's place in the core's
        // run queue favours a variant.
        let (first, second) = if round % 2 == 0 { (0, 1) } else { (1, 0) };
        let mut shown = Vec::new();
        for (runs, &(label, numerator, denominator)) in per_pair.iter_mut().zip(&ratios) {
            let [top, bottom] = wrk_pair(
                [
                    (&servers[first], LOADS[numerator].1),
                    (&servers[second], LOADS[denominator].1),
                ],
                seconds,
                &scratch,
            )?;
            // Throughput is the inverse of the server's CPU time per request.
            let ratio = bottom.server_cpu_ns / top.server_cpu_ns;
            runs.push((ratio, top.server_cpu_ns, bottom.server_cpu_ns));
            shown.push(format!("{label} {ratio:.3}"));
        }
        println!("round {}: {}", round + 1, shown.join(", "));
    }
    let _ = std::fs::remove_dir_all(&scratch);

    println!();
    println!(
        "{:54} {:>6} {:>15}   per round",
        "throughput ratio", "median", "µs per request"
    );
    let mut medians = Vec::new();
    for ((label, _, _), runs) in ratios.iter().zip(&per_pair) {
        let ratios: Vec<f64> = runs.iter().map(|run| run.0).collect();
        let top: Vec<f64> = runs.iter().map(|run| run.1).collect();
        let bottom: Vec<f64> = runs.iter().map(|run| run.2).collect();
        let median_ratio = median(&ratios);
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
        println!(
            "{label:54} {median_ratio:>6.3} {:>7.2} / {:<5.2}   {}",
            median(&top) / 1e3,
            median(&bottom) / 1e3,
            shown.join(" ")
        );
        medians.push((*label, median_ratio));
    }
    println!(
        "(µs per request: the server's CPU time, medians, while sharing its core with the other \
         load; {rounds} rounds x {} pairs x {seconds} s; each pair: two wrk -t1 -c16 at the same \
         time on core 1, against two single-worker servers on core 0)",
        ratios.len()
    );
    if let Ok(path) = std::env::var("BENCH_SVG") {
        std::fs::write(&path, chart(&medians)).map_err(|e| format!("{path}: {e}"))?;
        println!("chart written to {path}");
    }
    Ok(())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The benchmark server, a child process pinned to core 0.
struct Server {
    child: Child,
    /// Each variant's path, and the address of the app that serves it.
    addrs: Vec<(String, String)>,
}

impl Server {
    fn start() -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new("taskset")
            .args(["-c", "0"])
            .arg(exe)
            .arg("--serve")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut addrs = Vec::new();
        for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
            let line = line.map_err(|e| e.to_string())?;
            if line == "ready" {
                return Ok(Server { child, addrs });
            }
            let (path, addr) = line
                .strip_prefix("listening on ")
                .and_then(|rest| rest.split_once(' '))
                .ok_or_else(|| format!("the server said {line:?}"))?;
            addrs.push((path.to_owned(), addr.to_owned()));
        }
        Err("the server stopped before it was ready".to_owned())
    }

    /// The address of the app serving `path`.
    fn addr(&self, path: &str) -> Result<&str, String> {
        self.addrs
            .iter()
            .find(|(served, _)| served == app_key(path))
            .map(|(_, addr)| addr.as_str())
            .ok_or_else(|| format!("no app serves {path}"))
    }

    /// CPU time the server has used so far, all threads, in nanoseconds.
    fn cpu_ns(&self) -> Result<u64, String> {
        let tasks = format!("/proc/{}/task", self.child.id());
        let mut total = 0;
        for task in std::fs::read_dir(&tasks).map_err(|e| format!("{tasks}: {e}"))? {
            let path = task.map_err(|e| e.to_string())?.path().join("schedstat");
            // A thread may end between listing and reading; it then adds nothing.
            let Ok(stat) = std::fs::read_to_string(&path) else {
                continue;
            };
            total += stat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .ok_or_else(|| format!("{}: {stat:?}", path.display()))?;
        }
        Ok(total)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One request over a plain socket before any load: the variant answers with the status its
/// case expects, and the CORS variants grant the origin. A benchmark of a misconfigured route
/// would measure the wrong thing.
fn check_answer(addr: &str, shape: Shape) -> Result<(), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    let mut request = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\n",
        shape.method(),
        shape.path
    );
    for (name, value) in shape.headers() {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status_line = answer.lines().next().unwrap_or_default();
    if !status_line.contains(&format!(" {} ", shape.status)) {
        return Err(format!("expected {}, got {status_line:?}", shape.status));
    }
    let grants = answer
        .to_ascii_lowercase()
        .contains(&format!("access-control-allow-origin: {ALLOWED_ORIGIN}"));
    let bare = shape.path == BARE || app_key(shape.path) == scale::BARE_SCOPE;
    if !bare && !grants {
        return Err(format!("no Access-Control-Allow-Origin in {answer:?}"));
    }
    Ok(())
}

/// One wrk run against one variant.
#[derive(Clone, Copy, Default)]
struct Load {
    /// Nanoseconds of CPU the server process spent per request: all its threads, read from
    /// `/proc/<pid>/task/*/schedstat`.
    server_cpu_ns: f64,
}

/// Runs two wrk loads at the same time, each against its server, both on core 1, and returns
/// each server's CPU time per request; or refuses the pair if any answer was not 2xx or any
/// socket failed.
fn wrk_pair(
    loads: [(&Server, Shape); 2],
    seconds: u32,
    scratch: &std::path::Path,
) -> Result<[Load; 2], String> {
    let cpu_before = [loads[0].0.cpu_ns()?, loads[1].0.cpu_ns()?];
    let mut running = Vec::new();
    for (server, shape) in loads {
        let command = wrk_command(server.addr(shape.path)?, shape, seconds, scratch)?
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run wrk: {e}"))?;
        running.push((command, shape));
    }
    let mut result = [Load::default(); 2];
    for (index, (command, shape)) in running.into_iter().enumerate() {
        let output = command.wait_with_output().map_err(|e| e.to_string())?;
        let requests = completed_requests(&output, shape)?;
        let cpu = loads[index].0.cpu_ns()? - cpu_before[index];
        result[index] = Load {
            server_cpu_ns: cpu as f64 / requests,
        };
    }
    Ok(result)
}

/// wrk on core 1, 16 connections, sending `shape`'s request.
fn wrk_command(
    addr: &str,
    shape: Shape,
    seconds: u32,
    scratch: &std::path::Path,
) -> Result<Command, String> {
    let mut command = Command::new("taskset");
    command
        .args(["-c", "1", "wrk", "-t1", "-c16"])
        .arg(format!("-d{seconds}s"));
    for (name, value) in shape.headers() {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    if shape.preflight {
        let script = scratch.join("options.lua");
        std::fs::write(&script, "wrk.method = \"OPTIONS\"\n").map_err(|e| e.to_string())?;
        command.arg("-s").arg(script);
    }
    command.arg(format!("http://{addr}{}", shape.path));
    Ok(command)
}

/// The number of requests in a wrk report, or why the run is refused.
fn completed_requests(output: &std::process::Output, shape: Shape) -> Result<f64, String> {
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {report}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if report.contains("Non-2xx") || report.contains("Socket errors") {
        return Err(format!("{} {}: {report}", shape.method(), shape.path));
    }
    report
        .lines()
        .find_map(|line| line.split_once(" requests in ").map(|(n, _)| n.trim()))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no request count in wrk's report: {report}"))
}

/// A horizontal bar chart of the median ratios, with a line at 1.0.
fn chart(medians: &[(&str, f64)]) -> String {
    let (left, width, row) = (300.0, 360.0, 34.0);
    let scale = |ratio: f64| left + width * (ratio / 1.5).min(1.0);
    let height = 40.0 + row * medians.len() as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (i, (label, ratio)) in medians.iter().enumerate() {
        let y = 20.0 + row * i as f64;
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\n\
             <rect x=\"{left}\" y=\"{:.0}\" width=\"{:.1}\" height=\"20\" fill=\"#4a7ebb\"/>\n\
             <text x=\"{:.1}\" y=\"{:.0}\">{ratio:.3}</text>\n",
            left - 8.0,
            y + 15.0,
            label.replace('&', "&amp;").replace('<', "&lt;"),
            y,
            scale(*ratio) - left,
            scale(*ratio) + 6.0,
            y + 15.0,
        ));
    }
    let one = scale(1.0);
    svg.push_str(&format!(
        "<line x1=\"{one:.1}\" y1=\"10\" x2=\"{one:.1}\" y2=\"{:.0}\" stroke=\"#c33\" \
         stroke-dasharray=\"4 3\"/>\n<text x=\"{one:.1}\" y=\"{:.0}\" text-anchor=\"middle\" \
         fill=\"#c33\">1.0 = same throughput</text>\n</svg>\n",
        height - 18.0,
        height - 4.0
    ));
    svg
}
