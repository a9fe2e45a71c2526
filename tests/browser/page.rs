//! The test page: one static script, served on every page origin, that runs the cases of the
//! origin it finds itself on and writes what the browser decided into the DOM, where
//! `chromium --dump-dom` prints it.

use serde::Deserialize;

use crate::cases::{Case, Outcome};
use crate::server::API_ADDR;

/// What one page load reported.
#[derive(Debug, Deserialize)]
pub struct Report {
    /// The run id the page was served with: proves the page came from this run's server.
    pub page_run: String,
    /// The run id the API answered with, or why the page could not ask.
    pub api_run: Result<String, String>,
    pub results: Vec<NamedOutcome>,
}

#[derive(Debug, Deserialize)]
pub struct NamedOutcome {
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The HTML page for this run: every case, filtered by the script to its own origin.
pub fn html(run_id: &str, cases: &[Case]) -> String {
    let cases: Vec<_> = cases.iter().map(Case::to_json).collect();
    let api = format!("http://{}:{}", API_ADDR.0, API_ADDR.1);
    let config = serde_json::json!({ "run": run_id, "api": api, "cases": cases });
    SCRIPT_PAGE.replace("/*CONFIG*/", &config.to_string())
}

/// Finds the report in the DOM that Chromium dumped.
pub fn parse_report(dom: &str) -> Result<Report, String> {
    let start = dom
        .find(r#"<pre id="report">"#)
        .ok_or("the dumped DOM has no report element")?
        + r#"<pre id="report">"#.len();
    let end = start + dom[start..].find("</pre>").ok_or("unterminated report")?;
    let text = html_unescape(&dom[start..end]);
    if text.is_empty() {
        return Err("the page did not finish its cases before the time budget ran out".into());
    }
    serde_json::from_str(&text).map_err(|e| format!("unreadable report ({e}): {text}"))
}

/// Undoes the escaping a serialized text node gets (`&`, `<`, `>`, and no-break spaces).
fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

const SCRIPT_PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>cors-runtime browser suite</title>
<pre id="report"></pre>
<script>
const CONFIG = /*CONFIG*/;

// One fetch, as the case describes it. A CORS refusal reaches the script as a TypeError and
// nothing else: the status, body and headers of a blocked answer are never visible.
async function run(c) {
  // No `cache: "no-store"`: Chromium then bypasses its preflight cache too, and `max_age`
  // could not be observed.
  const init = { method: c.method, headers: c.headers, credentials: c.credentials, mode: "cors" };
  if (c.body !== null) init.body = c.body;
  try {
    const api = c.api_host ? "http://" + c.api_host : CONFIG.api;
    // Real seconds, not the page's virtual time: the server holds a request that long. (A
    // preflight cache entry ages by the network service's clock, which timers here do not move.)
    if (c.wait_seconds) await fetch(CONFIG.api + "/sleep/" + c.wait_seconds, { mode: "no-cors" });
    const res = await fetch(api + c.path, init);
    const body = await res.text();
    const header = c.read_header ? res.headers.get(c.read_header) : null;
    return { name: c.name, outcome: "readable", status: res.status, body, header };
  } catch (e) {
    const outcome = e instanceof TypeError ? "blocked" : "failed";
    return { name: c.name, outcome, error: String(e) };
  }
}

(async () => {
  const report = { page_run: CONFIG.run, results: [] };
  try {
    const res = await fetch(CONFIG.api + "/run-id", { cache: "no-store" });
    report.api_run = { Ok: await res.text() };
  } catch (e) {
    report.api_run = { Err: String(e) };
  }
  for (const c of CONFIG.cases.filter(c => c.page === location.origin)) {
    report.results.push(await run(c));
  }
  document.getElementById("report").textContent = JSON.stringify(report);
})();
</script>
"#;
