cors_runtime::policy!(API { origins = ["https://app.example.com"] });
cors_runtime::policy!(ADMIN { policy = API, origins = ["https://admin.example.com"] });

fn main() {}
