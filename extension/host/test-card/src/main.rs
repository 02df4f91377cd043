//! `sesame-test-card create|empty …`: a SoftHSM2 token like a CPS card (a test card), or a
//! reader without one; prints one line of JSON. See [`sesame_test_card::usage`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(
        args.first().map(String::as_str),
        Some("--help" | "-h") | None
    ) {
        println!("{}", sesame_test_card::usage());
        return if args.is_empty() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    match sesame_test_card::run(&args) {
        Ok(line) => {
            if line.get("created") == Some(&serde_json::Value::Bool(false)) {
                eprintln!("sesame-test-card: the card already in place is that CA's: kept");
            }
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sesame-test-card: {e:#}");
            ExitCode::FAILURE
        }
    }
}
