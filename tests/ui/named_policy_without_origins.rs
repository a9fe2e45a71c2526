cors_runtime::policy!(API { headers = ["Content-Type"] });

fn main() {}
