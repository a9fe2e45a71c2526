//! A reload races requests: one thread replaces a `ReloadableOrigins` list again and again while
//! an app on another thread serves requests whose route consults it, through a `static` and a
//! plain function, or through app data and an `async` function whose answers are kept. No request
//! is ever granted an origin that no list the handle held ever named.

use std::sync::{Arc, LazyLock, Mutex};

use actix_web::http::header;
use actix_web::test as actix_test;
use actix_web::{get, web, App, HttpResponse};
use cors_runtime::{cors, ReloadableOrigins};
use proptest::prelude::*;

static RACED: LazyLock<Arc<ReloadableOrigins>> = LazyLock::new(Default::default);

fn raced(origin: &str) -> bool {
    RACED.allows(origin)
}

#[cors(origin_fn = crate::reload::raced)]
#[get("/raced")]
async fn raced_route() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn raced_in_app_data(origin: &str, list: &ReloadableOrigins) -> bool {
    actix_web::rt::task::yield_now().await;
    list.allows(origin)
}

#[cors(
    origin_fn = crate::reload::raced_in_app_data,
    origin_fn_ttl = 1,
    origin_fn_cache_size = 2
)]
#[get("/raced-in-app-data")]
async fn raced_in_app_data_route() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// The origins the lists are drawn from, and the requests probe.
const UNIVERSE: [&str; 6] = [
    "https://t0.example",
    "https://t1.example",
    "https://t2.example",
    "https://t3.example",
    "https://t4.example",
    "https://t5.example",
];

fn lists() -> impl Strategy<Value = Vec<Vec<&'static str>>> {
    let list = proptest::sample::subsequence(UNIVERSE.to_vec(), 0..=3);
    proptest::collection::vec(list, 2..5)
}

/// Races `lists`, stored one after the other in `list` by another thread, against requests to
/// `path` of an app that `configure` sets up; returns the origins granted and every list `list`
/// held.
fn race(
    list: Arc<ReloadableOrigins>,
    lists: &[Vec<&'static str>],
    configure: impl FnOnce(&mut web::ServiceConfig),
    path: &str,
) -> (Vec<&'static str>, Vec<Vec<&'static str>>) {
    // Every list the handle will hold, recorded before it is stored.
    let held = Arc::new(Mutex::new(vec![lists[0].clone()]));
    list.replace(&lists[0]).unwrap();
    let reloader = {
        let (held, lists, list) = (held.clone(), lists.to_vec(), list.clone());
        std::thread::spawn(move || {
            for round in 0..400 {
                let next = &lists[round % lists.len()];
                held.lock().unwrap().push(next.clone());
                list.replace(next).unwrap();
            }
        })
    };
    let granted = actix_web::rt::System::new().block_on(async {
        let app = actix_test::init_service(App::new().configure(configure)).await;
        let mut granted = Vec::new();
        for round in 0..400 {
            let origin = UNIVERSE[round % UNIVERSE.len()];
            let req = actix_test::TestRequest::get()
                .uri(path)
                .insert_header((header::ORIGIN, origin))
                .to_request();
            let res = actix_test::call_service(&app, req).await;
            let grant = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
            if grant.is_some_and(|value| value == origin) {
                granted.push(origin);
            }
        }
        granted
    });
    reloader.join().unwrap();
    let held = held.lock().unwrap().clone();
    (granted, held)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn no_request_is_granted_by_a_list_that_never_held_its_origin(lists in lists()) {
        let configure = |app: &mut web::ServiceConfig| {
            app.service(raced_route);
        };
        let (granted, held) = race(RACED.clone(), &lists, configure, "/raced");
        for origin in granted {
            prop_assert!(
                held.iter().any(|list| list.contains(&origin)),
                "{origin} was granted, and no list held it: {lists:?}"
            );
        }
    }

    #[test]
    fn no_request_is_granted_by_a_list_in_app_data_that_never_held_its_origin(
        lists in lists(),
    ) {
        let list = web::Data::new(ReloadableOrigins::new());
        let configure = |app: &mut web::ServiceConfig| {
            app.app_data(list.clone()).service(raced_in_app_data_route);
        };
        let (granted, held) = race(list.clone().into_inner(), &lists, configure, "/raced-in-app-data");
        for origin in granted {
            prop_assert!(
                held.iter().any(|list| list.contains(&origin)),
                "{origin} was granted, and no list held it: {lists:?}"
            );
        }
    }
}
