//! The `example-study` command line: the harness's subcommands for [`ngd_example_study::STUDY`].

fn main() {
    std::process::exit(ngd_harness::cli::main::<ngd_harness::cli::NoExtension>(
        &ngd_example_study::STUDY,
    ));
}
