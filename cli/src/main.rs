//! `soapkit`: see the `soapkit_cli` library for the subcommands and exit codes.

fn main() -> std::process::ExitCode {
    soapkit_cli::main_with(std::env::args_os())
}
