cors_runtime::policy!({ origins = ["https://app.example.com"] });

fn main() {}
