//! The batch script of a plan's job array (`<out>/slurm/array.sbatch`).
//!
//! One script serves every submission of a plan (the first one and each `resubmit`): the array
//! range, the `%K` limit and the index offset are given on the `sbatch` command line
//! (`--array=…`, `--export=ALL,NGD_INDEX_OFFSET=o`), so the script itself never changes. Each
//! task limits OpenBLAS to its allocated CPUs and `exec`s
//! `ngd run-job --plan PLAN --index (NGD_INDEX_OFFSET + SLURM_ARRAY_TASK_ID) --out OUT`, which
//! writes one `runs/<run-id>.json` atomically into the shared results tree.

use std::path::Path;

/// Resources and environment requested for every task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// `--partition`.
    pub partition: Option<String>,
    /// `--time` (Slurm time format, e.g. `02:00:00`).
    pub time: Option<String>,
    /// `--mem` (e.g. `2G`).
    pub mem: Option<String>,
    /// `--cpus-per-task` (also the OpenBLAS thread count).
    pub cpus_per_task: u32,
    /// `--account`.
    pub account: Option<String>,
    /// Environment modules loaded before the run (`module load NAME`).
    pub modules: Vec<String>,
}

/// Where things are (all absolute paths on the shared filesystem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPaths<'a> {
    /// The `ngd` binary.
    pub ngd: &'a Path,
    /// The plan file.
    pub plan: &'a Path,
    /// The results root.
    pub out: &'a Path,
    /// Folder of the per-task Slurm logs.
    pub logs: &'a Path,
}

/// Quotes a string for a POSIX shell (single quotes; `'` becomes `'\''`).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Renders the batch script.
pub fn render(
    job_name: &str,
    runs: usize,
    paths: &ScriptPaths<'_>,
    res: &Resources,
    checkpoint_every: &str,
) -> String {
    let mut s = String::from("#!/bin/bash\n");
    s += &format!("#SBATCH --job-name={job_name}\n");
    s += &format!("#SBATCH --output={}/%A_%a.out\n", paths.logs.display());
    s += "#SBATCH --ntasks=1\n";
    s += &format!("#SBATCH --cpus-per-task={}\n", res.cpus_per_task);
    for (key, value) in [
        ("partition", &res.partition),
        ("time", &res.time),
        ("mem", &res.mem),
        ("account", &res.account),
    ] {
        if let Some(v) = value {
            s += &format!("#SBATCH --{key}={v}\n");
        }
    }
    s += &format!(
        "#\n# Written by `cargo xtask slurm submit`: one array task per run of the plan \
         ({runs} runs).\n# Submitted as `sbatch --array=RANGE[%K] \
         --export=ALL,NGD_INDEX_OFFSET=O THIS_FILE`;\n# task T runs plan index O + T \
         (see docs/cluster.md).\nset -euo pipefail\n"
    );
    for m in &res.modules {
        s += &format!("module load {}\n", shell_quote(m));
    }
    s += "export OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n";
    s += "index=$(( ${NGD_INDEX_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))\n";
    s += &format!(
        "exec {} run-job --plan {} --index \"$index\" --out {} --checkpoint-every {}\n",
        shell_quote(&paths.ngd.display().to_string()),
        shell_quote(&paths.plan.display().to_string()),
        shell_quote(&paths.out.display().to_string()),
        shell_quote(checkpoint_every)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn script_has_directives_thread_limit_and_run_job_line() {
        let (ngd, plan, out, logs) = (
            PathBuf::from("/shared/ngd/target/release/ngd"),
            PathBuf::from("/shared/res/slurm/plan.json"),
            PathBuf::from("/shared/res"),
            PathBuf::from("/shared/res/slurm/logs"),
        );
        let paths = ScriptPaths {
            ngd: &ngd,
            plan: &plan,
            out: &out,
            logs: &logs,
        };
        let res = Resources {
            partition: Some("cpu".into()),
            time: Some("01:00:00".into()),
            mem: Some("2G".into()),
            cpus_per_task: 2,
            account: None,
            modules: vec!["OpenBLAS/0.3.24".into()],
        };
        let s = render("ngd-paper", 12, &paths, &res, "300s");
        assert!(s.starts_with("#!/bin/bash\n#SBATCH --job-name=ngd-paper\n"));
        for line in [
            "#SBATCH --output=/shared/res/slurm/logs/%A_%a.out",
            "#SBATCH --cpus-per-task=2",
            "#SBATCH --partition=cpu",
            "#SBATCH --time=01:00:00",
            "#SBATCH --mem=2G",
            "module load 'OpenBLAS/0.3.24'",
            "export OPENBLAS_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
            "index=$(( ${NGD_INDEX_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))",
            "exec '/shared/ngd/target/release/ngd' run-job --plan '/shared/res/slurm/plan.json' \
             --index \"$index\" --out '/shared/res' --checkpoint-every '300s'",
        ] {
            assert!(s.lines().any(|l| l == line), "missing `{line}` in:\n{s}");
        }
        assert!(!s.contains("--account"));
        // Every #SBATCH directive precedes the first command (sbatch stops reading there).
        let first_cmd = s.find("set -euo").unwrap();
        assert!(s.rfind("#SBATCH").unwrap() < first_cmd);
    }

    #[test]
    fn quoting_survives_spaces_and_quotes() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
