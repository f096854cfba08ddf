//! `duet-signaling`: runs Duet's signaling service. See `--help` for its settings.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[actix_web::main]
async fn main() -> ExitCode {
    let config = signaling::Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match signaling::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duet-signaling: {e}");
            ExitCode::FAILURE
        }
    }
}
