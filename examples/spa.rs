//! The backend of a single-page app that signs in with a session cookie.
//!
//!     cargo run --example spa
//!
//! The API listens on http://127.0.0.1:8080. A tiny page, standing in for the app's dev server
//! (Vite's port), is served on http://localhost:5173: open it, sign in, add a todo. The page
//! calls the API at `http://localhost:8080`, another origin but the same site, so the browser
//! sends the `SameSite=Lax` session cookie with `credentials: "include"`.
//!
//! What it shows:
//! - an authentication middleware on the whole `App` that answers `401` without a session;
//! - `cors_runtime::outermost()` wrapped last, so that preflights never reach that middleware and
//!   its `401` is readable by the page;
//! - a public endpoint any site may read (`origins = ["*"]`, no cookies);
//! - the app's own routes in `web::scope("/api")`, on a named policy with `credentials = true`,
//!   whose deployed origins come from `SPA_ORIGINS` (comma-separated);
//! - the test every app should have: `cors_runtime::test::check_app` on the app `main()` serves.
//!
//! Without a browser:
//!
//!     curl -i -X OPTIONS http://127.0.0.1:8080/api/todos -H 'Origin: http://localhost:5173' \
//!          -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type'
//!     curl -i http://127.0.0.1:8080/api/login -H 'Origin: http://localhost:5173' \
//!          -H 'Content-Type: application/json' -d '{"user": "alice", "password": "demo"}'
//!     curl -i http://127.0.0.1:8080/api/todos -H 'Origin: http://localhost:5173' \
//!          -H 'Cookie: session=<the value from Set-Cookie>'
//!
//! `RUST_LOG=cors_runtime=debug` (the default here) logs why a request was refused.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, post, web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use cors_runtime::cors;

mod cors_policies {
    cors_runtime::policy!(
        /// The app's own pages, with their session cookie: the dev server, and the deployed
        /// origins listed in `SPA_ORIGINS`.
        SPA {
            origins = ["http://localhost:5173"],
            origins_env = "SPA_ORIGINS",
            headers = ["Content-Type"],
            credentials = true,
        }
    );
}

/// Signed-in users by session token. In memory, for the example: a real app keeps sessions in a
/// store its workers share, through a session crate.
#[derive(Default)]
struct Sessions(Mutex<HashMap<String, Session>>);

struct Session {
    user: String,
    todos: Vec<String>,
}

/// The signed-in user, put in the request by `require_session`.
#[derive(Clone)]
struct User {
    token: String,
    name: String,
}

/// Readable by any site's page, without cookies.
#[cors(origins = ["*"])]
#[get("/status")]
async fn status() -> HttpResponse {
    HttpResponse::Ok().json("up")
}

/// Signs in with `{"user": "..", "password": "demo"}` and sets the session cookie. The JSON body
/// makes the browser send a preflight first.
#[cors(policy = crate::cors_policies::SPA)]
#[post("/login")]
async fn login(
    sessions: web::Data<Sessions>,
    body: web::Json<HashMap<String, String>>,
) -> HttpResponse {
    let (Some(user), Some("demo")) = (body.get("user"), body.get("password").map(String::as_str))
    else {
        return HttpResponse::Unauthorized().json("wrong user or password");
    };
    let token = new_token();
    let session = Session {
        user: user.clone(),
        todos: Vec::new(),
    };
    sessions.0.lock().unwrap().insert(token.clone(), session);
    HttpResponse::Ok()
        // `SameSite=Lax` is enough for a page on the same site (another port, or another
        // subdomain of the same domain). A page on another site needs `SameSite=None; Secure`,
        // over HTTPS, and browsers that block third-party cookies may still drop it.
        .insert_header((
            header::SET_COOKIE,
            format!("session={token}; Path=/; HttpOnly; SameSite=Lax"),
        ))
        .json(format!("signed in as {user}"))
}

#[cors(policy = crate::cors_policies::SPA)]
#[post("/logout")]
async fn logout(sessions: web::Data<Sessions>, user: web::ReqData<User>) -> HttpResponse {
    sessions.0.lock().unwrap().remove(&user.token);
    HttpResponse::Ok()
        .insert_header((
            header::SET_COOKIE,
            "session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        ))
        .json("signed out")
}

#[cors(policy = crate::cors_policies::SPA)]
#[get("/me")]
async fn me(user: web::ReqData<User>) -> HttpResponse {
    HttpResponse::Ok().json(&user.name)
}

/// The page reads `X-Total-Count`, so the route exposes it.
#[cors(policy = crate::cors_policies::SPA, expose_headers = ["X-Total-Count"])]
#[get("/todos")]
async fn list_todos(sessions: web::Data<Sessions>, user: web::ReqData<User>) -> HttpResponse {
    let sessions = sessions.0.lock().unwrap();
    let todos = sessions.get(&user.token).map_or(&[][..], |s| &s.todos[..]);
    HttpResponse::Ok()
        .insert_header(("X-Total-Count", todos.len().to_string()))
        .json(todos)
}

#[cors(policy = crate::cors_policies::SPA)]
#[post("/todos")]
async fn add_todo(
    sessions: web::Data<Sessions>,
    user: web::ReqData<User>,
    todo: web::Json<String>,
) -> HttpResponse {
    let mut sessions = sessions.0.lock().unwrap();
    match sessions.get_mut(&user.token) {
        Some(session) => {
            session.todos.push(todo.into_inner());
            HttpResponse::Created().json(&session.todos)
        }
        None => HttpResponse::Unauthorized().json("sign in first"),
    }
}

/// The app's authentication, on the whole `App`: `401` for every `/api/` request without a
/// valid session, `/api/login` excepted. It never sees a preflight: `outermost()` answers them.
async fn require_session(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let open = !req.path().starts_with("/api/") || req.path() == "/api/login";
    let user = session_user(req.request());
    match user {
        Some(user) => {
            req.extensions_mut().insert(user);
        }
        None if open => {}
        None => {
            let response = HttpResponse::Unauthorized().json("sign in first");
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The user of the request's `session` cookie, if it names a live session.
fn session_user(req: &HttpRequest) -> Option<User> {
    let cookies = req.headers().get(header::COOKIE)?.to_str().ok()?;
    let token = cookies
        .split(';')
        .find_map(|cookie| cookie.trim().strip_prefix("session="))?;
    let sessions = req.app_data::<web::Data<Sessions>>()?.0.lock().unwrap();
    let session = sessions.get(token)?;
    Some(User {
        token: token.to_owned(),
        name: session.user.clone(),
    })
}

/// A session token. For the example: a real app takes it from a cryptographic random generator
/// (or lets a session crate do it).
fn new_token() -> String {
    let time = std::time::SystemTime::now();
    let (a, b) = (
        RandomState::new().hash_one(time),
        RandomState::new().hash_one(time),
    );
    format!("{a:016x}{b:016x}")
}

/// The app `main()` serves, and the tests check.
fn app(
    sessions: web::Data<Sessions>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(sessions)
        .service(status)
        .service(
            web::scope("/api")
                .service(login)
                .service(logout)
                .service(me)
                .service(list_todos)
                .service(add_todo),
        )
        .wrap(from_fn(require_session))
        // Wrapped last, so it runs first: preflights are answered before `require_session`, and
        // its `401` carries the route's CORS headers.
        .wrap(cors_runtime::outermost())
}

const PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<title>cors-runtime single-page app</title>
<p>This page: <b id="origin"></b>; the API: http://localhost:8080</p>
<p><button onclick="call('POST', '/api/login', {user: 'alice', password: 'demo'})">sign in</button>
<button onclick="call('GET', '/api/me')">who am I</button>
<button onclick="call('POST', '/api/todos', 'buy milk')">add a todo</button>
<button onclick="call('GET', '/api/todos')">list todos</button>
<button onclick="call('POST', '/api/logout')">sign out</button>
<button onclick="call('GET', '/status')">public status</button></p>
<pre id="log"></pre>
<script>
document.getElementById("origin").textContent = location.origin;
const log = line => document.getElementById("log").textContent += line + "\n";
async function call(method, path, body) {
  const init = {method, credentials: path.startsWith("/api/") ? "include" : "omit"};
  if (body !== undefined) {
    init.headers = {"Content-Type": "application/json"};
    init.body = JSON.stringify(body);
  }
  try {
    const res = await fetch("http://localhost:8080" + path, init);
    const total = res.headers.get("X-Total-Count");
    log(`${method} ${path}: ${res.status} ${await res.text()}` + (total ? ` (X-Total-Count: ${total})` : ""));
  } catch (error) {
    log(`${method} ${path}: blocked by the browser (${error}); see the console`);
  }
}
</script>
"#;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("cors_runtime=debug"),
    )
    .init();
    // A bad `SPA_ORIGINS` entry stops the process here, before it binds, naming the variable,
    // the policy and the rule.
    if let Err(error) = cors_runtime::check_origins_env() {
        eprintln!("{error}");
        std::process::exit(1);
    }
    let sessions = web::Data::new(Sessions::default());
    let api = HttpServer::new(move || app(sessions.clone()))
        .bind(("127.0.0.1", 8080))?
        .run();
    let page = HttpServer::new(|| {
        App::new().route(
            "/",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(PAGE)
            }),
        )
    })
    .bind(("127.0.0.1", 5173))?
    .run();
    println!("API:  http://127.0.0.1:8080 (called as http://localhost:8080)");
    println!("Page: http://localhost:5173/  <- open this in a browser");
    let (api, page) = (actix_web::rt::spawn(api), actix_web::rt::spawn(page));
    api.await.map_err(std::io::Error::other)??;
    page.await.map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ServiceResponse;
    use actix_web::http::header::{self, HeaderName};
    use actix_web::http::{Method, StatusCode};
    use actix_web::{test, web};
    use cors_runtime::test::{check_app, cross_origin, preflight};

    use super::{app, Sessions};

    const PAGE: &str = "http://localhost:5173";
    const ACAO: HeaderName = header::ACCESS_CONTROL_ALLOW_ORIGIN;
    const ACAC: HeaderName = header::ACCESS_CONTROL_ALLOW_CREDENTIALS;

    fn header_of<B>(res: &ServiceResponse<B>, name: HeaderName) -> Option<&str> {
        res.headers().get(name).map(|value| value.to_str().unwrap())
    }

    /// The one CORS test every app should have: every `#[cors]` route's preflight is answered by a
    /// CORS layer, not by `require_session`.
    #[actix_web::test]
    async fn every_preflight_reaches_a_cors_layer() {
        let app = test::init_service(app(web::Data::new(Sessions::default()))).await;
        let report = check_app(&app).await.unwrap();
        assert!(report.skipped().is_empty(), "{report}");
        assert_eq!(report.checked().len(), 6, "{report}");
    }

    /// A preflight, then the page's credentialed calls with and without its session cookie.
    #[actix_web::test]
    async fn the_page_signs_in_and_reads_its_todos_with_the_cookie() {
        let app = test::init_service(app(web::Data::new(Sessions::default()))).await;
        let page = Some(PAGE);
        let yes = Some("true");

        // The JSON login's preflight, answered before `require_session` runs.
        let req = preflight("/api/todos", PAGE, "POST")
            .insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(header_of(&res, ACAO), page);
        assert_eq!(header_of(&res, ACAC), yes);

        // Without a session: `require_session`'s 401, readable by the page.
        let req = cross_origin(Method::GET, "/api/todos", PAGE);
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(header_of(&res, ACAO), page);
        assert_eq!(header_of(&res, ACAC), yes);

        let req = cross_origin(Method::POST, "/api/login", PAGE)
            .set_json(serde_json::json!({"user": "alice", "password": "demo"}));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        let set_cookie = res.headers().get(header::SET_COOKIE).unwrap();
        let cookie = set_cookie.to_str().unwrap().split(';').next().unwrap();

        // With it: the page reads the answer and the exposed header.
        let req = cross_origin(Method::GET, "/api/todos", PAGE)
            .insert_header((header::COOKIE, cookie.to_owned()));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header_of(&res, ACAO), page);
        assert_eq!(header_of(&res, ACAC), yes);
        assert_eq!(res.headers().get("X-Total-Count").unwrap(), "0");
        assert_eq!(
            res.headers()
                .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
                .unwrap(),
            "X-Total-Count"
        );

        // Another site's page gets the answer (CORS is not authentication), but cannot read it.
        let req = cross_origin(Method::GET, "/api/todos", "https://evil.example")
            .insert_header((header::COOKIE, cookie.to_owned()));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(header_of(&res, ACAO), None);
        assert_eq!(header_of(&res, ACAC), None);

        // The public endpoint: any origin, no credentials.
        let req = cross_origin(Method::GET, "/status", "https://evil.example");
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(header_of(&res, ACAO), Some("*"));
        assert_eq!(header_of(&res, ACAC), None);
    }
}
