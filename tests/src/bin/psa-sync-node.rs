//! The `psa-sync` program, built next to the integration tests so they can run it as a real
//! process (and kill it).

fn main() -> std::process::ExitCode {
    psa_sync::cli::main()
}
