//! A refused `origins_env` variable stops a real server at startup with one message, printed
//! once however many workers build the app, that names the named policy the variable belongs
//! to. Alone in its test binary: it installs a panic hook, which is process-wide.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{get, post, App, HttpResponse, HttpServer};
use cors_runtime::cors;

mod cors_policies {
    cors_runtime::policy!(STAGING {
        origins = ["https://app.example.com"],
        origins_env = "CORS_TEST_STARTUP_ORIGINS",
    });
}

#[cors(policy = crate::cors_policies::STAGING)]
#[get("/items")]
async fn list_items() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(policy = crate::cors_policies::STAGING, headers = ["Content-Type"])]
#[post("/items")]
async fn create_item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Panic messages printed, by whether they are about the variable.
static PRINTED_ABOUT_THE_VARIABLE: AtomicUsize = AtomicUsize::new(0);
static PRINTED_OTHERWISE: AtomicUsize = AtomicUsize::new(0);

const EXPECTED: &str = "cors_runtime: policy `STAGING` (route `list_items`): environment \
                        variable `CORS_TEST_STARTUP_ORIGINS`: entry `https://staging.example.com/` \
                        ends with `/`";

#[test]
fn a_refused_variable_is_reported_once_naming_its_policy() {
    std::env::set_var("CORS_TEST_STARTUP_ORIGINS", "https://staging.example.com/");
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        if message.starts_with(EXPECTED) {
            PRINTED_ABOUT_THE_VARIABLE.fetch_add(1, Ordering::SeqCst);
        } else {
            eprintln!("{info}");
            PRINTED_OTHERWISE.fetch_add(1, Ordering::SeqCst);
        }
    }));

    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = actix_web::rt::System::new().block_on(async {
            HttpServer::new(|| App::new().service(list_items).service(create_item))
                .workers(3)
                .bind(("127.0.0.1", 0))?
                .run()
                .await
        });
        tx.send(result.is_err()).unwrap();
    });
    let failed = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server stopped at startup");

    assert!(failed, "the server started with a refused variable");
    assert_eq!(PRINTED_ABOUT_THE_VARIABLE.load(Ordering::SeqCst), 1);
    assert_eq!(PRINTED_OTHERWISE.load(Ordering::SeqCst), 0);
}
