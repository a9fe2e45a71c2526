cors_runtime::policy!(API {
    origins = ["https://app.example.com/"],
    headers = ["Content-Type"],
});

fn main() {}
