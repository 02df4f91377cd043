//! A throwaway PostgreSQL cluster for the demo's tests on PostgreSQL: Debian's `postgresql`
//! (installed by [`tools::ensure_postgresql`] when missing), a new cluster under
//! `<target>/postgres/cluster` owned by the `postgres` user when xtask runs as root (the server
//! refuses to run as root), listening on a free loopback port and its own socket folder, trust
//! authentication on loopback only, no fsync (nothing in it outlives the run). A cluster left
//! by an interrupted run is stopped and removed first; [`Cluster`]'s `Drop` stops and removes
//! it.

use crate::cmd::Cmd;
use crate::tools;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// A running cluster; stopped (and its folder removed) when dropped.
pub(crate) struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    port: u16,
}

impl Cluster {
    /// Starts a new cluster (see the module's documentation).
    pub(crate) fn start(root: &Path) -> Result<Cluster> {
        let bin = tools::ensure_postgresql()?;
        let base = crate::widget::target_dir(root).join("postgres");
        let dir = base.join("cluster");
        let as_postgres = Cmd::new("id").arg("-u").read().ok().as_deref() == Some("0");
        if dir.join("postmaster.pid").is_file() {
            // Left by an interrupted run: stop it (an error only means it was not running).
            let _ = ctl(&bin, as_postgres)
                .args(["-D"])
                .arg(&dir)
                .args(["-m", "immediate", "stop"])
                .run();
        }
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        if as_postgres {
            Cmd::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&base)
                .run()?;
        }
        as_user(&bin.join("initdb"), as_postgres)
            .args(["-D"])
            .arg(&dir)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "--no-instructions",
                "-E",
                "UTF8",
            ])
            .run()?;
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
            dir.display()
        );
        let cluster = Cluster {
            bin,
            dir,
            as_postgres,
            port,
        };
        ctl(&cluster.bin, as_postgres)
            .arg("-D")
            .arg(&cluster.dir)
            .arg("-l")
            .arg(cluster.dir.join("server.log"))
            .args(["-w", "-t", "30", "-o", &options, "start"])
            .run()?;
        Ok(cluster)
    }

    /// The URL of the cluster's server, without a database: tests add `/<database>`.
    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = ctl(&self.bin, self.as_postgres)
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "fast", "-w", "stop"])
            .run();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `program`, run as the `postgres` user when `as_postgres`.
fn as_user(program: &Path, as_postgres: bool) -> Cmd {
    if as_postgres {
        Cmd::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(program)
    } else {
        Cmd::new(program)
    }
}

fn ctl(bin: &Path, as_postgres: bool) -> Cmd {
    as_user(&bin.join("pg_ctl"), as_postgres)
}

/// A loopback port free now.
fn free_port() -> Result<u16> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").context("no free port on 127.0.0.1")?;
    let port = listener.local_addr()?.port();
    if port == 0 {
        bail!("no free port on 127.0.0.1");
    }
    Ok(port)
}
