//! A private, throwaway Postgres cluster for tests that stop and start the database.
//! The shared cluster on port 5432 is never touched: other test runs use it at the same
//! time. The cluster lives in a temporary folder owned by the `postgres` OS user (initdb
//! refuses to run as root), listens on a free port of 127.0.0.1 only, and is stopped and
//! deleted when the value is dropped.
//!
//! Shared by the store suite and the server's integration tests (`#[path]` include).

#![allow(dead_code)] // each test binary uses its own part

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Where Debian puts the server's programs, one folder per major version.
const VERSIONS: &str = "/usr/lib/postgresql";
const OS_USER: &str = "postgres";
/// Starting or stopping a fresh cluster takes a fraction of a second; this is the limit.
const WAIT: Duration = Duration::from_secs(20);

pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePostgres {
    /// Creates and starts a new cluster; returns once it accepts connections.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("tollgate-pg-")
            .tempdir()
            .expect("a temporary folder");
        let status = Command::new("chown")
            .arg(OS_USER)
            .arg(dir.path())
            .status()
            .expect("chown runs");
        assert!(status.success(), "chown {OS_USER} {}", dir.path().display());
        let this = Self {
            port: free_port(),
            dir,
        };
        let data = this.data_dir();
        this.run_checked(
            "initdb",
            &[
                "-D",
                path_str(&data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        this.start_again();
        this
    }

    /// `postgres://…` for the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the cluster the way an operator's restart does (`-m fast`: clients are
    /// disconnected with an error), and returns once it is down.
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run_checked(
            "pg_ctl",
            &["-D", path_str(&data), "-m", "fast", "-w", "stop"],
        );
    }

    /// Starts the (stopped) cluster; returns once it accepts connections.
    pub fn start_again(&self) {
        let data = self.data_dir();
        let log = self.dir.path().join("postgres.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            path_str(self.dir.path())
        );
        self.run_checked(
            "pg_ctl",
            &[
                "-D",
                path_str(&data),
                "-l",
                path_str(&log),
                "-o",
                &options,
                "-w",
                "-t",
                "20",
                "start",
            ],
        );
        self.wait_until_ready();
    }

    /// Polls `pg_isready` until the cluster accepts connections.
    fn wait_until_ready(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = Command::new(bin("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the private Postgres did not come up"
            );
            std::thread::yield_now();
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new("runuser")
            .args(["-u", OS_USER, "--"])
            .arg(bin(program))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    fn run_checked(&self, program: &str, args: &[&str]) {
        let output = self.run(program, args);
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        // Whatever state the test left it in; `immediate` needs no clean shutdown.
        let data = self.data_dir();
        let _ = self.run(
            "pg_ctl",
            &["-D", path_str(&data), "-m", "immediate", "-w", "stop"],
        );
    }
}

/// `program` of the newest Postgres installed (15 on Debian bookworm).
fn bin(program: &str) -> PathBuf {
    let newest = std::fs::read_dir(VERSIONS)
        .unwrap_or_else(|e| panic!("{VERSIONS}: {e} (install Debian's `postgresql`)"))
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .unwrap_or_else(|| panic!("no Postgres under {VERSIONS}"));
    Path::new(VERSIONS)
        .join(newest.to_string())
        .join("bin")
        .join(program)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
