//! The browser suite: headless Chromium is the judge of what a page on another origin may read.
//!
//! It starts the API of `api.rs` on `127.0.0.1:18080` and a page server on ports 18081 and 18082,
//! opens the page once per page origin in `cases.rs` (`localhost`, `127.0.0.1` and `*.localhost`
//! names are all loopback but distinct origins), and compares each `fetch()` verdict with the
//! case. Run it alone with `cargo test --test browser`.
//!
//! Without Chromium the suite prints a notice and passes, unless `CORS_REQUIRE_BROWSER=1` (CI sets
//! it), where a missing browser is a failure. `CHROMIUM=/path/to/chrome` picks the browser.

mod api;
mod cases;
mod chromium;
mod page;
mod server;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use api::PreflightCount;
use cases::{Case, PAGE_ORIGINS};

const REQUIRE_BROWSER: &str = "CORS_REQUIRE_BROWSER";

fn main() -> ExitCode {
    let browser = match chromium::find() {
        Ok(Some(browser)) => browser,
        Ok(None) => return no_browser(),
        Err(why) => {
            eprintln!("browser suite FAILED: {why}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    match run(&browser) {
        Ok(passed) => {
            println!(
                "browser suite: {passed} cases passed in {} page loads ({:.1} s, {})",
                PAGE_ORIGINS.len(),
                started.elapsed().as_secs_f64(),
                browser.display()
            );
            ExitCode::SUCCESS
        }
        Err(failures) => {
            eprintln!("\nbrowser suite FAILED:\n{failures}");
            ExitCode::FAILURE
        }
    }
}

fn no_browser() -> ExitCode {
    let required = std::env::var_os(REQUIRE_BROWSER).is_some_and(|v| v == "1");
    let notice = "no Chromium found ($CHROMIUM, or chromium, chromium-browser, google-chrome on \
                  PATH). Install it (Debian/Ubuntu: apt-get install chromium) or set \
                  CHROMIUM=/path/to/chrome, then run `cargo test --test browser`.";
    if required {
        eprintln!("browser suite FAILED: {notice} ({REQUIRE_BROWSER}=1 requires the browser.)");
        ExitCode::FAILURE
    } else {
        println!("browser suite SKIPPED: {notice}");
        ExitCode::SUCCESS
    }
}

/// Runs every case; returns how many passed, or a report of every failure.
fn run(browser: &Path) -> Result<usize, String> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let run_id = format!("run-{}-{nanos}", std::process::id());
    let cases = cases::all();
    let preflights = PreflightCount::default();

    server::start(&run_id, page::html(&run_id, &cases), preflights.clone())?;
    let answered = server::api_run_id()?;
    if answered != run_id {
        return Err(format!(
            "the API on {:?} is not this run's (it answered {answered:?}): stop the stale server",
            server::API_ADDR
        ));
    }

    let scratch = std::env::temp_dir().join(format!("cors-browser-{run_id}"));
    let mut failures = Vec::new();
    for origin in PAGE_ORIGINS {
        let dir = scratch.join(origin.replace([':', '/', '.'], "_"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mine: Vec<&Case> = cases.iter().filter(|c| c.page == origin).collect();
        if let Err(failure) = judge_page(browser, origin, &run_id, &mine, &dir) {
            failures.push(format!("== page {origin}\n{failure}"));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);

    for case in &cases {
        if let Some(expected) = case.preflights_seen {
            let seen = preflights.get(case.path());
            let verdict = if seen == expected { "ok" } else { "FAILED" };
            println!(
                "{verdict:6} {:28} {} (server saw {seen} preflights)",
                case.page, case.name
            );
            if seen != expected {
                failures.push(format!(
                    "{}: expected the server to see {expected} preflights on {}, it saw {seen}",
                    case.name,
                    case.path()
                ));
            }
        }
    }
    if failures.is_empty() {
        Ok(cases.len())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// Opens the page on `origin` and checks each of its cases. On failure, the report includes the
/// CORS messages Chromium logged, which name the header or value at fault.
fn judge_page(
    browser: &Path,
    origin: &str,
    run_id: &str,
    cases: &[&Case],
    scratch: &Path,
) -> Result<(), String> {
    let load = chromium::load(browser, &format!("{origin}/"), scratch)?;
    let with_log = |failure: String| {
        let messages: Vec<&str> = chromium::cors_messages(&load.log).collect();
        format!(
            "{failure}\nChromium's CORS messages:\n  {}",
            messages.join("\n  ")
        )
    };
    let report = page::parse_report(&load.dom).map_err(with_log)?;
    if report.page_run != run_id || report.api_run.as_deref() != Ok(run_id) {
        return Err(with_log(format!(
            "stale server: page run {:?}, API run {:?}, expected {run_id:?}",
            report.page_run, report.api_run
        )));
    }
    if report.results.len() != cases.len() {
        return Err(with_log(format!(
            "the page ran {} cases, expected {}",
            report.results.len(),
            cases.len()
        )));
    }

    let mut failures = Vec::new();
    for (case, seen) in cases.iter().zip(&report.results) {
        let verdict = if seen.name != case.name {
            Err(format!("the page ran {:?} in its place", seen.name))
        } else {
            case.check(&seen.outcome, chromium::cors_messages(&load.log))
        };
        println!(
            "{:6} {origin:28} {}",
            if verdict.is_ok() { "ok" } else { "FAILED" },
            case.name
        );
        if let Err(why) = verdict {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(with_log(failures.join("\n")))
    }
}
