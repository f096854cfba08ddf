//! `duet-signaling`: runs Duet's signaling service, or probes a running one
//! (`duet-signaling healthcheck`). See `--help` for the settings.

use std::process::ExitCode;

use clap::Parser;
use signaling::config::LogFormat;
use signaling::{health, Command, Config};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let config = Config::parse();
    match config.command {
        Some(Command::Healthcheck) => healthcheck(&config),
        None => serve(config),
    }
}

fn serve(config: Config) -> ExitCode {
    let log = tracing_subscriber::fmt().with_env_filter(
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    );
    match config.log_format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().init(),
    }
    let result = actix_web::rt::System::new().block_on(signaling::run(config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duet-signaling: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit 0 when the service at `--bind` answers `/healthz` with 200, 1 otherwise.
fn healthcheck(config: &Config) -> ExitCode {
    let target = health::probe_target(config.bind);
    match health::probe(target, health::PROBE_TIMEOUT) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duet-signaling healthcheck: unhealthy: {e}");
            ExitCode::FAILURE
        }
    }
}
