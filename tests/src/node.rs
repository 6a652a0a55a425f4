//! The service as a separate process, for tests that must kill it the hard way.

use std::{path::Path, process::Stdio, time::Duration};

use tokio::process::{Child, Command};

/// A running `psa-sync serve` process; killed when dropped.
pub struct Node {
    pub address: String,
    child: Child,
}

/// What a node process is started with.
#[derive(Clone)]
pub struct NodeConfig {
    /// The program (an integration test passes `env!("CARGO_BIN_EXE_psa-sync-node")`).
    pub program: std::path::PathBuf,
    pub data_dir: std::path::PathBuf,
    pub database_url: Option<String>,
    pub master_key: String,
    pub port: u16,
}

impl NodeConfig {
    /// A free port on loopback, a data directory and a master key; the database as the suite
    /// runs (SQLite in the data directory, or the PostgreSQL database given).
    pub fn new(
        program: &str,
        data_dir: &Path,
        database_url: Option<String>,
        master_key: String,
    ) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        Self {
            program: program.into(),
            data_dir: data_dir.to_path_buf(),
            database_url,
            master_key,
            port,
        }
    }

    /// Starts the process and waits until it answers `/healthz`.
    pub async fn start(&self) -> Node {
        let mut command = Command::new(&self.program);
        command
            .arg("serve")
            .env("PSA_SYNC_BIND", format!("127.0.0.1:{}", self.port))
            .env("PSA_SYNC_DATA_DIR", &self.data_dir)
            .env("PSA_SYNC_MASTER_KEY", &self.master_key)
            .env("PSA_SYNC_CREATE_DEMO", "false")
            .env("PSA_SYNC_LOG_LEVEL", "warn")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .kill_on_drop(true);
        // The node's log, kept beside its data for when a test fails.
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.join("node.log"))
        {
            Ok(log) => {
                command.stderr(Stdio::from(log));
            }
            Err(_) => {
                command.stderr(Stdio::null());
            }
        }
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        let child = command.spawn().expect("the psa-sync process starts");
        let node = Node {
            address: format!("http://127.0.0.1:{}", self.port),
            child,
        };
        let health = format!("{}/healthz", node.address);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if reqwest::get(&health)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return node;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the psa-sync process did not answer within a minute"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Node {
    /// SIGKILL: no shutdown, no cleanup, as a crash or `kill -9` would.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("the process was killed");
    }
}
