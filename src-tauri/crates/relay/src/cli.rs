//! The relay's commands: serve, migrate, tokens and numbers.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::{db, server};

/// The relay's command line: `wabadesk-relay …` and `wabadesk relay …` are the same.
#[derive(Args, Debug)]
pub struct RelayArgs {
    /// PostgreSQL URL, e.g. postgres://relay@127.0.0.1/relay
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Receive webhooks and serve the feed until SIGTERM or Ctrl+C.
    Serve {
        /// Address to listen on (TLS belongs to the reverse proxy in front).
        #[arg(long, default_value = "127.0.0.1:8790")]
        listen: SocketAddr,
    },
    /// Apply the database migrations not applied yet.
    Migrate,
    /// Desktops' access tokens.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
    /// The numbers whose webhooks the relay accepts, each with its shared secret.
    Number {
        #[command(subcommand)]
        cmd: NumberCmd,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCmd {
    /// Create a token and print it (once; only its hash is kept).
    Create {
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by name.
    Revoke {
        #[arg(long)]
        name: String,
    },
    /// List the tokens.
    List,
}

#[derive(Subcommand, Debug)]
enum NumberCmd {
    /// Accept a number's webhooks; prints the shared secret to set as the X-Wabadesk-Secret header
    /// (a new random one unless --secret is given).
    Add {
        #[arg(long)]
        phone_number_id: String,
        #[arg(long, env = "WABADESK_RELAY_SECRET", hide_env_values = true)]
        secret: Option<String>,
    },
    /// Stop accepting a number's webhooks.
    Remove {
        #[arg(long)]
        phone_number_id: String,
    },
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(cli: RelayArgs) -> Result<()> {
    let Some(url) = cli.database else {
        anyhow::bail!("no database: pass --database postgres://… or set DATABASE_URL");
    };
    match cli.cmd {
        Cmd::Serve { listen } => {
            server::serve(
                listen,
                &url,
                |addr| println!("listening on http://{addr}"),
                stop_signal(),
            )
            .await
        }
        Cmd::Migrate => {
            let applied = db::migrate(&db::pool(&url)?).await?;
            if applied.is_empty() {
                println!("the database is up to date");
            } else {
                println!("applied migrations {applied:?}");
            }
            Ok(())
        }
        Cmd::Token { cmd } => {
            let pool = db::pool(&url)?;
            db::migrate(&pool).await?;
            match cmd {
                TokenCmd::Create { name } => {
                    let token = db::create_token(&pool, &name).await?;
                    eprintln!(
                        "Token for {name:?} (shown once; paste it into Settings → Team relay):"
                    );
                    println!("{token}");
                }
                TokenCmd::Revoke { name } => {
                    if !db::revoke_token(&pool, &name).await? {
                        anyhow::bail!("no active token named {name:?}");
                    }
                    println!("revoked {name:?}");
                }
                TokenCmd::List => {
                    for (name, active, cursor) in db::list_tokens(&pool).await? {
                        println!(
                            "{name}\t{}\tcursor {cursor}",
                            if active { "active" } else { "revoked" }
                        );
                    }
                }
            }
            Ok(())
        }
        Cmd::Number { cmd } => {
            let pool = db::pool(&url)?;
            db::migrate(&pool).await?;
            match cmd {
                NumberCmd::Add {
                    phone_number_id,
                    secret,
                } => {
                    let secret = secret.unwrap_or_else(|| db::random_secret(""));
                    db::set_number(&pool, &phone_number_id, &secret).await?;
                    println!("{secret}");
                }
                NumberCmd::Remove { phone_number_id } => {
                    if !db::remove_number(&pool, &phone_number_id).await? {
                        anyhow::bail!("no number {phone_number_id}");
                    }
                    println!("removed {phone_number_id}");
                }
            }
            Ok(())
        }
    }
}

/// Runs one relay command on its own multi-threaded runtime; the exit code tells how it went.
pub fn run_blocking(args: RelayArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
