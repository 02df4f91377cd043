//! A WebDriver server process — chromedriver or geckodriver — on a free port, its output in a
//! log file, killed when dropped.

use super::session::Browser;
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a WebDriver server may take to start listening.
const DRIVER_START: Duration = Duration::from_secs(20);

/// A running WebDriver server, killed when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    /// Starts the WebDriver server of `browser`, writing its output to `log`. geckodriver (and
    /// the Firefox it starts) gets `home` as `$HOME`, so nothing is read from or written to the
    /// real one.
    pub fn start(browser: Browser, log: PathBuf, home: &Path) -> Result<Driver> {
        Driver::launch(browser, log, home, false)
    }

    /// [`Driver::start`] for a session with the browser extension: geckodriver gets
    /// `--allow-system-access` (Firefox's `-remote-allow-system-access`, which cannot be set
    /// through capabilities), without which Firefox's WebDriver navigates only to `http(s)`,
    /// `file` and `blob` addresses and refuses the extension's `moz-extension://` pages ("…
    /// is not allowed in this context"). ChromeDriver gets `home` as `$HOME` too (for Chromium
    /// and the native host it starts).
    pub fn start_for_extension(browser: Browser, log: PathBuf, home: &Path) -> Result<Driver> {
        Driver::launch(browser, log, home, true)
    }

    fn launch(browser: Browser, log: PathBuf, home: &Path, extension: bool) -> Result<Driver> {
        let port = free_port()?;
        let mut cmd = match browser {
            Browser::Chromium => {
                let bin = find_driver(
                    "CHROMEDRIVER",
                    "chromedriver",
                    &["/usr/bin/chromedriver".into()],
                )?;
                let mut c = Command::new(bin);
                c.arg(format!("--port={port}"));
                if extension {
                    // The native host the browser starts reads its configuration from `$HOME`.
                    c.env("HOME", home);
                }
                c
            }
            Browser::Firefox => {
                let cargo_bin = std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".cargo/bin/geckodriver"))
                    .unwrap_or_default();
                let bin = find_driver("GECKODRIVER", "geckodriver", &[cargo_bin])?;
                let mut c = Command::new(bin);
                c.args(["--port", &port.to_string(), "--host", "127.0.0.1"]);
                if extension {
                    c.arg("--allow-system-access");
                }
                c.env("HOME", home);
                c
            }
        };
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let out = File::create(&log)?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting the {} WebDriver server", browser.name()))?;
        let mut driver = Driver { child, port, log };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                bail!("WebDriver server exited ({status}):\n{}", driver.log_tail());
            }
            if start.elapsed() > DRIVER_START {
                bail!(
                    "WebDriver server not listening after {DRIVER_START:?}:\n{}",
                    driver.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    /// Its address, for the WebDriver client.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Finds a program: the given env variable, then `PATH`, then the usual places.
fn find_driver(env: &str, name: &str, places: &[PathBuf]) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Ok(p.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .chain(places.iter().cloned())
        .find(|p| p.is_file())
        .with_context(|| {
            format!("{name} not found (set {env}, or run `cargo xtask setup --browsers`)")
        })
}
