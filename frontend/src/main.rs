//! The entry point Trunk builds: mount the app.

fn main() {
    duet_frontend::run();
}
