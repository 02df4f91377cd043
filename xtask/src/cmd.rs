//! Running commands: each is echoed before it runs (`$ KEY=value program args`), and a failure
//! says which command failed and how.

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// A command to run, with what to echo for it.
pub(crate) struct Cmd {
    inner: Command,
    shown: String,
}

impl Cmd {
    /// A command running `program`.
    pub(crate) fn new(program: impl AsRef<OsStr>) -> Cmd {
        let program = program.as_ref();
        Cmd {
            inner: Command::new(program),
            shown: program.to_string_lossy().into_owned(),
        }
    }

    /// `cargo`: the one that runs xtask (cargo sets `CARGO`), else the one on `PATH`.
    pub(crate) fn cargo() -> Cmd {
        Cmd::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).shown_as("cargo")
    }

    fn shown_as(mut self, name: &str) -> Cmd {
        self.shown = name.to_string();
        self
    }

    /// Adds one argument.
    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        let arg = arg.as_ref();
        self.shown.push(' ');
        self.shown.push_str(&quote(&arg.to_string_lossy()));
        self.inner.arg(arg);
        self
    }

    /// Adds arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// Sets an environment variable (shown in the echo).
    pub(crate) fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Cmd {
        let value = value.as_ref();
        self.shown = format!("{key}={} {}", quote(&value.to_string_lossy()), self.shown);
        self.inner.env(key, value);
        self
    }

    /// Removes an environment variable inherited from xtask's own environment.
    pub(crate) fn env_remove(mut self, key: &str) -> Cmd {
        self.inner.env_remove(key);
        self
    }

    /// Runs in `dir`.
    pub(crate) fn current_dir(mut self, dir: &Path) -> Cmd {
        self.inner.current_dir(dir);
        self
    }

    /// Runs the command with inherited stdio; fails unless it exits with status 0.
    pub(crate) fn run(mut self) -> Result<()> {
        println!("$ {}", self.shown);
        let status = self
            .inner
            .status()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.shown);
        }
        Ok(())
    }

    /// Runs the command quietly and returns its trimmed stdout; fails unless it exits with 0.
    pub(crate) fn read(mut self) -> Result<String> {
        let out = self
            .inner
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        if !out.status.success() {
            bail!(
                "`{}` failed ({}): {}",
                self.shown,
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Runs the command quietly (stderr shown); returns its exit status and stdout whatever the
    /// status, for tools whose report matters more than their exit code.
    pub(crate) fn read_any(mut self) -> Result<(std::process::ExitStatus, String)> {
        println!("$ {}", self.shown);
        let out = self
            .inner
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("could not start `{}`", self.shown))?;
        Ok((
            out.status,
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ))
    }
}

/// Quotes an argument for the echo when the shell would need it.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_quotes_what_the_shell_would_split() {
        let c = Cmd::new("wasm-opt")
            .arg("-Oz")
            .arg("a b.wasm")
            .env("K", "it's");
        assert_eq!(c.shown, r"K='it'\''s' wasm-opt -Oz 'a b.wasm'");
    }
}
