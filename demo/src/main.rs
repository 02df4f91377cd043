//! `sesame-demo`: the reference portal. Configuration from the environment (see `Config`).
//! `sesame-demo phone …` is the QR login's phone, simulated (`sesame_demo::phone`).
//! `sesame-demo check-config FILE…` checks portal configuration files
//! (`sesame_demo::portals::check_config_cli`): exit code 0 when all are valid, 1 otherwise.
//! `sesame-demo invite|signup PORTAL IDENTIFIER NAME EMAIL [PHONE]` creates an account waiting
//! for its first login, or a sign-up to confirm (`sesame_demo::account::run_cli`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("check-config") {
        let (ok, out, err) = sesame_demo::portals::check_config_cli(&args[1..]);
        print!("{out}");
        eprint!("{err}");
        std::process::exit(if ok { 0 } else { 1 });
    }
    if args.first().map(String::as_str) == Some("phone") {
        let out = sesame_demo::phone::run_cli(&args[1..]).await?;
        println!("{out}");
        return Ok(());
    }
    if let Some(command @ ("invite" | "signup")) = args.first().map(String::as_str) {
        let out = sesame_demo::account::run_cli(command, &args[1..]).await?;
        println!("{out}");
        return Ok(());
    }
    sesame_demo::init_tracing();
    let config = sesame_demo::Config::from_env()?;
    sesame_demo::serve(config).await
}
