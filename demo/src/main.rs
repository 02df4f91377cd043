//! `sesame-demo`: the reference portal. Configuration from the environment (see `Config`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    sesame_demo::init_tracing();
    let config = sesame_demo::Config::from_env()?;
    sesame_demo::serve(config).await
}
