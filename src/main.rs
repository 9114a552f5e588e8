//! The `perseverance` binary: a thin shell over [`perseverance::cli`].
#![forbid(unsafe_code)]

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator: glibc gave back to the system,
/// after each response, the memory of its gzip compressor (about 300 KB),
/// and took it back zeroed, page fault by page fault, on the next one
/// (A/B on this 2-core machine kind, app.css gzipped: 7,500–13,800 req/s with
/// glibc, about 16,700 with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match perseverance::cli::run(perseverance::cli::Cli::parse_args()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("Erreur : {err:#}");
            ExitCode::FAILURE
        }
    }
}
