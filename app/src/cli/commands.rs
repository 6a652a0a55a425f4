//! What each command does.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context;
use clap::Parser;
use secrecy::{ExposeSecret, SecretString};

use super::args::{BenchCommand, Cli, Command, RoleArg, SandboxCommand, TaskCommand, UserCommand};
use crate::{
    config::Settings,
    db,
    domain::accounts::{self, Email, Role},
    sandbox::{autotask::AutotaskSandbox, marketplace::MarketplaceSandbox},
    startup::{Application, shutdown_signal},
    telemetry,
};

/// The `psa-sync` program: parses the command line and runs the command.
pub fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("psa-sync: the runtime could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run_command_line())
}

async fn run_command_line() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.config) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("psa-sync: the settings could not be read: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    // A benchmark prints its figures; request logs would drown them.
    let log_level = match cli.command {
        Some(Command::Bench { .. }) => "warn",
        _ => settings.log_level.as_str(),
    };
    telemetry::init(log_level, &settings.log_format);
    match run(cli, settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "psa-sync failed");
            eprintln!("psa-sync: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            std::fs::create_dir_all(&settings.data_dir)?;
            let db = db::connect(&settings.database_url()).await?;
            db::migrate(&db).await?;
            println!("migrations applied to {}", redact(&settings.database_url()));
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    reseller,
                    email,
                    role,
                },
        } => add_user(settings, &reseller, &email, role).await,
        Command::Bench {
            command: BenchCommand::CheckChanges { orders },
        } => crate::bench::check_changes(orders).await,
        Command::Bench {
            command:
                BenchCommand::Apply {
                    changes,
                    contracts,
                    latency_ms,
                    threshold,
                },
        } => {
            crate::bench::apply(crate::bench::ApplyBench {
                changes,
                contracts,
                latency_ms,
                threshold,
            })
            .await
        }
        Command::Bench {
            command:
                BenchCommand::Pages {
                    tasks,
                    clients,
                    requests,
                },
        } => {
            let postgres = settings
                .uses_postgres()
                .then(|| settings.database_url.clone())
                .flatten();
            crate::bench::pages(
                crate::bench::PagesBench {
                    tasks,
                    clients,
                    requests,
                },
                postgres,
            )
            .await
        }
        Command::Sandbox {
            command:
                SandboxCommand::Order {
                    kind,
                    customer,
                    subscription,
                    mpn,
                    annual,
                    quantity,
                    url,
                },
        } => {
            let base = url.unwrap_or_else(|| {
                format!("http://{}", settings.bind.replace("0.0.0.0", "127.0.0.1"))
            });
            let order = super::orders::order_from_cli(
                &kind,
                &customer,
                subscription,
                mpn,
                annual,
                quantity,
            );
            let placed = super::orders::place_over_http(&base, &order).await?;
            println!(
                "placed order {} ({}), status {}",
                placed.order_number, placed.id, placed.status
            );
            Ok(())
        }
        Command::Task {
            command: TaskCommand::Plan { id },
        } => super::tasks::plan(&settings, id).await,
        Command::Task {
            command: TaskCommand::Sync { ids, ready },
        } => super::tasks::sync(&settings, &ids, ready).await,
        Command::Sandbox {
            command: SandboxCommand::Reset,
        } => {
            std::fs::create_dir_all(&settings.data_dir)?;
            AutotaskSandbox::open(&settings.data_dir)?.reset()?;
            MarketplaceSandbox::open(&settings.data_dir)?.reset()?;
            println!(
                "the sandboxes in {} are back to their seed",
                settings.data_dir.display()
            );
            Ok(())
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(&settings).await?;
    let url = format!("http://{}", settings.bind.replace("0.0.0.0", "127.0.0.1"));
    println!(
        "psa-sync is running at {url}  (database: {})",
        redact(&settings.database_url())
    );
    if let Some(demo) = &app.demo_login {
        println!();
        println!("  A demo reseller was created. Sign in at {url}/login with");
        println!("    e-mail:   {}", demo.email);
        println!("    password: {}", demo.password.expose_secret());
        println!("  (shown once; add users with `psa-sync user add`)");
        println!();
    }
    if settings.handle_signals {
        app.run_until(shutdown_signal()?).await
    } else {
        app.run_until(std::future::pending()).await
    }
}

async fn add_user(
    settings: Settings,
    reseller: &str,
    email: &str,
    role: RoleArg,
) -> anyhow::Result<()> {
    let email = Email::parse(email)?;
    let (role, role_name) = match role {
        RoleArg::Admin => (Role::Admin, "admin"),
        RoleArg::Operator => (Role::Operator, "operator"),
    };
    let (password, generated) = read_password()?;
    std::fs::create_dir_all(&settings.data_dir)?;
    let db = db::connect(&settings.database_url()).await?;
    db::migrate(&db).await?;
    accounts::add_user(&db, reseller, &email, role, &password).await?;
    println!(
        "added {} ({}) to reseller {reseller}",
        email.as_str(),
        role_name
    );
    if generated {
        println!("password: {}", password.expose_secret());
    }
    Ok(())
}

/// Asks on a terminal (twice); reads one line from piped input; generates one when left empty.
fn read_password() -> anyhow::Result<(SecretString, bool)> {
    let stdin = std::io::stdin();
    let typed = if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password (empty to generate one): ")?;
        if !first.is_empty() {
            let second = rpassword::prompt_password("Repeat the password: ")?;
            anyhow::ensure!(first == second, "the passwords do not match");
        }
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the password")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    std::io::stdout().flush()?;
    if typed.is_empty() {
        Ok((accounts::generate_password(), true))
    } else {
        Ok((SecretString::from(typed), false))
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}
