//! Finding and driving headless Chromium: one fresh profile per page load (no preflight cache
//! or cookie leaks between loads), and a wall-clock limit past which its whole process group is
//! killed.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser binary: `$CHROMIUM` if set (and then it must exist), else the first of the usual
/// names on `PATH`, else `None`.
pub fn find() -> Result<Option<PathBuf>, String> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(format!("CHROMIUM={} is not a file", path.display()));
        }
        return Ok(Some(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let Some(path) = std::env::var_os("PATH") else {
        return Ok(None);
    };
    Ok(std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file()))
}

/// What one page load produced.
pub struct PageLoad {
    /// The DOM after the page's scripts ran (`--dump-dom`).
    pub dom: String,
    /// Chromium's log, including the console messages that explain each CORS refusal.
    pub log: String,
}

/// Loads `url` in a fresh headless Chromium and returns the DOM once the page is idle.
pub fn load(browser: &Path, url: &str, scratch: &Path) -> Result<PageLoad, String> {
    let profile = scratch.join("profile");
    let dom_file = scratch.join("dom.html");
    let log_file = scratch.join("chromium.log");
    let file = |path: &Path| {
        std::fs::File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
    };
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            // Virtual time waits for requests in flight, so the page's cases all finish.
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(file(&dom_file)?)
        .stderr(file(&log_file)?)
        // Its own process group, so that a timeout can kill the renderer and helpers too.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", browser.display()))?;

    // A server that never answers stalls virtual time forever: the wall clock decides.
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) | Err(_) => break None,
        }
    };
    if status.is_none() {
        // Still unreaped, so its pid is still its process group's id, and only Chromium's.
        kill_group(child.id());
        let _ = child.wait();
    }

    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    let load = PageLoad {
        dom: read(&dom_file),
        log: read(&log_file),
    };
    match status {
        Some(status) if status.success() => Ok(load),
        Some(status) => Err(format!("Chromium exited with {status}\n{}", load.log)),
        None => Err(format!(
            "Chromium did not finish {url} within 90 s\n{}",
            load.log
        )),
    }
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// The lines of Chromium's log that explain a refusal: console messages and CORS errors.
pub fn cors_messages(log: &str) -> impl Iterator<Item = &str> {
    log.lines().filter(|line| {
        line.contains("CONSOLE") || line.contains("CORS") || line.contains("Access-Control")
    })
}
