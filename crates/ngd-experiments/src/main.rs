//! The `ngd` command-line tool (see `ngd --help` and [`ngd_experiments::cli`]).

fn main() {
    std::process::exit(ngd_experiments::cli::main());
}
