//! `sesame-demo`: the reference portal. Configuration from the environment (see `Config`).
//! `sesame-demo phone …` is the QR login's phone, simulated (`sesame_demo::phone`).
//! `sesame-demo check-config FILE…` checks portal configuration files
//! (`sesame_demo::portals::check_config_cli`): exit code 0 when all are valid, 1 otherwise.

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
    sesame_demo::init_tracing();
    let config = sesame_demo::Config::from_env()?;
    sesame_demo::serve(config).await
}
