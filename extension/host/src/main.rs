//! `sesame-host`: started by the browser (its arguments are the caller's origin or manifest),
//! it serves native messages on stdin/stdout; `sesame-host install|uninstall [--browser …]`
//! writes or removes the browsers' manifests.

use std::process::ExitCode;

use sesame_host::commands::{pkcs11_opener, Host};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(sub @ ("install" | "uninstall")) => {
            match sesame_host::install::main(sub, &args[1..]) {
                Ok(report) => {
                    for line in report {
                        println!("{line}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("sesame-host: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("--help" | "-h") => {
            println!("{}", sesame_host::install::usage());
            ExitCode::SUCCESS
        }
        // Started by a browser: Chrome passes the caller's origin, Firefox the manifest's path
        // and the extension's id.
        _ => {
            // At start, with one thread: the configuration file's variables are set before
            // any module is loaded.
            let located = sesame_host::module::locate_from_env();
            sesame_host::module::apply_env(&located.module_env);
            let mut host = Host::new(pkcs11_opener(located.module));
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            match sesame_host::serve(&mut host, &mut stdin.lock(), &mut stdout.lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    // stderr goes to the browser's log: the error's kind, never a message's text.
                    eprintln!("sesame-host: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
