//! Turns the PostgreSQL test suite on when `PERSEVERANCE_TEST_PG_URL` is set;
//! without it those tests are listed as ignored, with the reason.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_tests)");
    println!("cargo::rerun-if-env-changed=PERSEVERANCE_TEST_PG_URL");
    if std::env::var_os("PERSEVERANCE_TEST_PG_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=pg_tests");
    }
}
