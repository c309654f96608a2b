use std::process::ExitCode;

use clap::Parser;
use server::Application;
use server::config::{Cli, Command};
use server::startup::{StartupError, open_core};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::logging::init(cli.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.config).await,
        Command::Migrate => open_core(&cli.config)
            .await
            .map(|_| println!("The database schema is up to date.")),
        Command::SeedTokens { count, print } => seed_tokens(&cli.config, count, print).await,
        Command::Admin { command } => return server::admin_cli::run(&cli.config, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn seed_tokens(
    config: &server::config::Config,
    count: usize,
    print: usize,
) -> Result<(), StartupError> {
    let core = open_core(config).await?;
    let started = std::time::Instant::now();
    let kept = core
        .tokens
        .seed_for_load_test(count, print)
        .await
        .map_err(StartupError::Seed)?;
    eprintln!("stored {count} tokens in {:.1?}", started.elapsed());
    for token in kept {
        println!("{}", token.expose());
    }
    core.store.close().await;
    Ok(())
}

async fn serve(config: &server::config::Config) -> Result<(), StartupError> {
    let app = Application::build(config).await?;
    let url = format!("http://{}", app.addr());
    let needs_setup = app.core().admins.needs_setup().await.unwrap_or(false);
    println!("Tollgate is running at {url}");
    if needs_setup {
        println!("No administrator yet: open {url}/setup to create the first one.");
    } else {
        println!("Sign in at {url}/login with your administrator's email and password.");
    }
    app.run_until_stopped().await
}
