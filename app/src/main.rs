fn main() -> std::process::ExitCode {
    psa_sync::cli::main()
}
