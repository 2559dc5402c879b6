//! A private single-node Slurm cluster for the integration test.
//!
//! Everything lives in one temporary folder: a fresh munge key and munged's socket, `slurm.conf`
//! (free TCP ports, state, spool, pid and log files), and the job completion log. The daemons
//! run in the foreground (`munged -F`, `slurmctld -D`, `slurmd -D`) as children of this process,
//! so their PIDs are known exactly; [`Cluster`]'s `Drop` cancels the cluster's jobs and stops
//! every daemon it started, by PID (SIGTERM, then SIGKILL after 10 s), even when the test fails.
//! Every client command must be given `SLURM_CONF` ([`Cluster::command`]).

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running daemons and their folder.
pub struct Cluster {
    /// The temporary folder (config, state, logs, and the test's results trees).
    pub dir: PathBuf,
    /// `<dir>/slurm.conf`.
    pub conf: PathBuf,
    /// The node's name (`hostname -s`).
    pub node: String,
    daemons: Vec<(&'static str, Child)>,
    /// Remove `dir` when dropped (set once the test passed).
    pub remove_dir: bool,
}

/// Output of a command as text, or an error naming it.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let o = cmd
        .output()
        .map_err(|e| format!("could not start {cmd:?}: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free TCP port: {e}"))
}

fn mkdir(path: &Path, mode: u32) -> Result<(), String> {
    std::fs::create_dir_all(path)
        .and_then(|()| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)))
        .map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// The node's hardware line from `slurmd -C`: (CPUs, RealMemory in MB).
fn node_hardware() -> Result<(u32, u64), String> {
    let text = output(Command::new("slurmd").arg("-C"))?;
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.parse::<u64>().ok())
    };
    match (field("CPUs="), field("RealMemory=")) {
        (Some(c), Some(m)) => Ok((c as u32, m)),
        _ => Err(format!("unexpected `slurmd -C` output: {text}")),
    }
}

fn wait_for(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("timed out after {timeout:?} waiting for {what}"))
}

impl Cluster {
    /// Writes the configuration into a new temporary folder and starts munged, slurmctld and
    /// slurmd; returns once the node is idle.
    pub fn start() -> Result<Self, String> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("ngd-slurm-test-{}-{stamp}", std::process::id()));
        let node = output(Command::new("hostname").arg("-s"))?
            .trim()
            .to_string();
        let mut cluster = Cluster {
            conf: dir.join("slurm.conf"),
            dir,
            node,
            daemons: Vec::new(),
            remove_dir: false,
        };
        for (sub, mode) in [
            ("", 0o755),
            ("munge", 0o755),
            ("state", 0o700),
            ("spool", 0o755),
            ("log", 0o755),
        ] {
            mkdir(&cluster.dir.join(sub), mode)?;
        }
        let munge = cluster.dir.join("munge");
        let key = munge.join("munge.key");
        let mut bytes = [0u8; 128];
        File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut bytes))
            .and_then(|()| std::fs::write(&key, bytes))
            .and_then(|()| std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)))
            .map_err(|e| format!("cannot write the munge key: {e}"))?;
        let socket = munge.join("munge.sock");
        let arg = |flag: &str, name: &str| format!("--{flag}={}", munge.join(name).display());
        cluster.spawn(
            "munged",
            Command::new("munged").args([
                "--foreground".to_string(),
                "--force".to_string(),
                format!("--socket={}", socket.display()),
                format!("--key-file={}", key.display()),
                arg("pid-file", "munged.pid"),
                arg("log-file", "munged.log"),
                arg("seed-file", "munged.seed"),
            ]),
        )?;
        wait_for("munged's socket", Duration::from_secs(10), || {
            socket.exists()
        })?;

        let (cpus, memory) = node_hardware()?;
        let real_memory = memory.saturating_sub(512).max(1024);
        let (ctld_port, slurmd_port) = (free_port()?, free_port()?);
        let d = cluster.dir.display();
        let n = &cluster.node;
        let conf = format!(
            "ClusterName=ngdtest\nSlurmctldHost={n}(127.0.0.1)\nSlurmctldPort={ctld_port}\n\
             SlurmdPort={slurmd_port}\nSlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\n\
             CredType=cred/munge\nAuthInfo=socket={sock}\nStateSaveLocation={d}/state\n\
             SlurmdSpoolDir={d}/spool\nSlurmctldPidFile={d}/slurmctld.pid\n\
             SlurmdPidFile={d}/slurmd.pid\nSlurmctldLogFile={d}/log/slurmctld.log\n\
             SlurmdLogFile={d}/log/slurmd.log\nProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\nSelectType=select/cons_tres\n\
             SelectTypeParameters=CR_Core_Memory\nDefMemPerCPU=1000\n\
             SchedulerParameters=batch_sched_delay=0\nReturnToService=2\nMpiDefault=none\n\
             JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n\
             JobCompType=jobcomp/filetxt\nJobCompLoc={d}/log/jobcomp.txt\n\
             NodeName={n} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={real_memory} State=UNKNOWN\n\
             PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
            sock = socket.display(),
        );
        std::fs::write(&cluster.conf, conf)
            .map_err(|e| format!("cannot write {}: {e}", cluster.conf.display()))?;
        let mut ctld = cluster.command("slurmctld");
        ctld.args(["-D", "-c"]);
        cluster.spawn("slurmctld", &mut ctld)?;
        let mut slurmd = cluster.command("slurmd");
        slurmd.args(["-D", "-N", &cluster.node.clone()]);
        cluster.spawn("slurmd", &mut slurmd)?;
        let node = cluster.node.clone();
        wait_for("the node to be idle", Duration::from_secs(30), || {
            output(
                cluster
                    .command("sinfo")
                    .args(["-h", "-n", &node, "-o", "%T"]),
            )
            .is_ok_and(|s| s.trim() == "idle")
        })
        .map_err(|e| format!("{e}; logs in {}/log", cluster.dir.display()))?;
        Ok(cluster)
    }

    /// A command with this cluster's `SLURM_CONF`.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SLURM_CONF", &self.conf);
        cmd
    }

    fn spawn(&mut self, name: &'static str, cmd: &mut Command) -> Result<(), String> {
        let log = |suffix: &str| {
            File::create(self.dir.join("log").join(format!("{name}.{suffix}")))
                .map(Stdio::from)
                .map_err(|e| e.to_string())
        };
        let child = cmd
            .env("SLURM_CONF", &self.conf)
            .stdin(Stdio::null())
            .stdout(log("stdout")?)
            .stderr(log("stderr")?)
            .spawn()
            .map_err(|e| format!("could not start {name}: {e}"))?;
        eprintln!("xtask: slurm-test: started {name} (pid {})", child.id());
        self.daemons.push((name, child));
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.daemons.iter().any(|(n, _)| *n == "slurmctld") {
            let _ = self.command("scancel").arg("--me").output();
        }
        while let Some((name, mut child)) = self.daemons.pop() {
            let pid = child.id().to_string();
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let start = Instant::now();
            let mut exited = false;
            while start.elapsed() < Duration::from_secs(10) {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    exited = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !exited {
                let _ = child.kill();
                let _ = child.wait();
            }
            eprintln!(
                "xtask: slurm-test: stopped {name} (pid {pid}{})",
                if exited { "" } else { ", killed after 10 s" }
            );
        }
        if self.remove_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!(
                "xtask: slurm-test: kept {} for inspection",
                self.dir.display()
            );
        }
    }
}
