//! Throughput, side by side in one run: the same handler bare, under `#[cors]`, and under
//! actix-cors with the same policy (`tests/variants`), served by one single-worker server pinned
//! to core 0 and loaded by `wrk` pinned to core 1, on loopback.
//!
//!     cargo bench --bench throughput            # ROUNDS=7 SECONDS=5 by default
//!
//! Shared machines drift by tens of percent between runs, so absolute figures mean little: each
//! round runs every variant once, back to back, in an order that rotates from round to round, and
//! reports each variant against its yardstick *in the same round*. The medians of those paired
//! ratios are the result. A run with a non-2xx answer or a socket error is refused, not reported.
//! `BENCH_SVG=path` also writes the medians as an SVG bar chart.

#[path = "../tests/variants/mod.rs"]
mod variants;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::Duration;

use variants::*;

/// What one wrk run sends: a case from `tests/variants`, with `Origin` on the bare route too, so
/// that every variant parses the same request.
const LOADS: [(&str, Shape); 6] = [
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
];

/// The paired ratios reported: (label, numerator, denominator), by index into `LOADS`.
const RATIOS: [(&str, usize, usize); 5] = [
    ("#[cors] / bare, actual requests", 2, 0),
    ("actix-cors / bare, actual requests", 3, 0),
    ("#[cors] / actix-cors, actual requests", 2, 3),
    ("#[cors] / actix-cors, preflights", 4, 5),
    ("#[cors] / bare + the same headers by hand", 2, 1),
];

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

/// The server side: one worker, a free loopback port, announced on stdout.
fn serve() -> ExitCode {
    let result = actix_web::rt::System::new().block_on(async {
        let server = actix_web::HttpServer::new(|| actix_web::App::new().configure(configure))
            .workers(1)
            .bind(("127.0.0.1", 0))?;
        println!("listening on {}", server.addrs()[0]);
        server.run().await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server: {e}");
            ExitCode::FAILURE
        }
    }
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
    let rounds = env_number("ROUNDS", 7)?;
    let seconds = env_number("SECONDS", 5)?;
    for tool in ["wrk", "taskset"] {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|_| format!("`{tool}` not found (Debian: apt-get install wrk util-linux)"))?;
    }

    let mut server = Server::start()?;
    for (name, shape) in LOADS {
        check_answer(&server.addr, shape).map_err(|e| format!("{name}: {e}"))?;
    }
    let scratch = std::env::temp_dir().join(format!("cors-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;

    println!("warming up ({} loads x 2 s)", LOADS.len());
    for (_, shape) in LOADS {
        wrk(&server, shape, 2, &scratch)?;
    }

    let mut per_round: Vec<[Load; LOADS.len()]> = Vec::new();
    for round in 0..rounds as usize {
        let mut loads = [Load::default(); LOADS.len()];
        // Rotate the order, so that no variant always runs first (or last) in its round.
        for k in 0..LOADS.len() {
            let index = (round + k) % LOADS.len();
            loads[index] = wrk(&server, LOADS[index].1, seconds, &scratch)?;
        }
        let shown: Vec<String> = LOADS
            .iter()
            .zip(loads)
            .map(|((name, _), load)| {
                format!(
                    "{name} {:.0}/s {:.2} µs",
                    load.requests_per_second,
                    load.server_cpu_ns / 1e3
                )
            })
            .collect();
        println!("round {}: {}", round + 1, shown.join(", "));
        per_round.push(loads);
    }
    server.stop();
    let _ = std::fs::remove_dir_all(&scratch);

    let medians = paired_ratios("throughput ratio (requests/s)", &per_round, |load| {
        load.requests_per_second
    });
    println!();
    for (index, (name, _)) in LOADS.iter().enumerate() {
        let rps: Vec<f64> = per_round
            .iter()
            .map(|r| r[index].requests_per_second)
            .collect();
        let cpu: Vec<f64> = per_round.iter().map(|r| r[index].server_cpu_ns).collect();
        println!(
            "{name:44} {:>8.0} requests/s, {:>6.2} µs server CPU per request (medians)",
            median(&rps),
            median(&cpu) / 1e3
        );
    }
    println!(
        "({rounds} rounds x {} loads x {seconds} s; wrk -t1 -c32 on core 1, one actix worker on core 0)",
        LOADS.len()
    );
    if let Ok(path) = std::env::var("BENCH_SVG") {
        std::fs::write(&path, chart(&medians)).map_err(|e| format!("{path}: {e}"))?;
        println!("chart written to {path}");
    }
    Ok(())
}

/// Prints, for each of `RATIOS`, the per-round ratio of `measure` and its median; returns the
/// medians.
fn paired_ratios(
    title: &str,
    per_round: &[[Load; LOADS.len()]],
    measure: impl Fn(&Load) -> f64,
) -> Vec<(&'static str, f64)> {
    println!();
    println!("{title:44} {:>8}   per round", "median");
    let mut medians = Vec::new();
    for (label, numerator, denominator) in RATIOS {
        let ratios: Vec<f64> = per_round
            .iter()
            .map(|r| measure(&r[numerator]) / measure(&r[denominator]))
            .collect();
        let median = median(&ratios);
        let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
        println!("{label:44} {median:>8.3}   {}", shown.join(" "));
        medians.push((label, median));
    }
    medians
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
    addr: String,
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
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("the server said {line:?}"))?
            .to_owned();
        Ok(Server { child, addr })
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
    if shape.path != BARE && !grants {
        return Err(format!("no Access-Control-Allow-Origin in {answer:?}"));
    }
    Ok(())
}

/// One wrk run against one variant.
#[derive(Clone, Copy, Default)]
struct Load {
    requests_per_second: f64,
    /// Nanoseconds of CPU the server spent per request: all its threads, read from
    /// `/proc/<pid>/task/*/schedstat`. Time the hypervisor steals is not in it, so it drifts far
    /// less than requests per second on a shared machine.
    server_cpu_ns: f64,
}

/// Runs wrk on core 1 against one variant, or refuses the run if any answer was not 2xx or any
/// socket failed.
fn wrk(
    server: &Server,
    shape: Shape,
    seconds: u32,
    scratch: &std::path::Path,
) -> Result<Load, String> {
    let addr = &server.addr;
    let cpu_before = server.cpu_ns()?;
    let mut command = Command::new("taskset");
    command
        .args(["-c", "1", "wrk", "-t1", "-c32"])
        .arg(format!("-d{seconds}s"));
    for (name, value) in shape.headers() {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    if shape.preflight {
        let script = scratch.join("options.lua");
        std::fs::write(&script, "wrk.method = \"OPTIONS\"\n").map_err(|e| e.to_string())?;
        command.arg("-s").arg(script);
    }
    let output = command
        .arg(format!("http://{addr}{}", shape.path))
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
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
    let cpu = server.cpu_ns()? - cpu_before;
    let requests_per_second: f64 = report
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rps| rps.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's report: {report}"))?;
    let requests: f64 = report
        .lines()
        .find_map(|line| line.split_once(" requests in ").map(|(n, _)| n.trim()))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no request count in wrk's report: {report}"))?;
    Ok(Load {
        requests_per_second,
        server_cpu_ns: cpu as f64 / requests,
    })
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
