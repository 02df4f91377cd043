//! `sesame-demo`: the reference portal. Configuration from the environment (see `Config`).
//! `sesame-demo phone …` is the QR login's phone, simulated (`sesame_demo::phone`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("phone") {
        let out = sesame_demo::phone::run_cli(&args[1..]).await?;
        println!("{out}");
        return Ok(());
    }
    sesame_demo::init_tracing();
    let config = sesame_demo::Config::from_env()?;
    sesame_demo::serve(config).await
}
