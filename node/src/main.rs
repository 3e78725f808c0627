//! The `sicc` binary: parse the command line and dispatch. Nothing else lives here.

fn main() {
    std::process::exit(sicc_node::cli::main());
}
