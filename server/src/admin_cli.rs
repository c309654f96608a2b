//! `tollgate admin …`: adding an administrator and resetting a password from a shell, for
//! servers where nobody can sign in to the panel yet. Whoever can run this holds the
//! server and its database, so no admin permission is checked.

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::{Command as Process, ExitCode, Stdio};

use clap::Subcommand;
use tollgate::ServiceError;

use crate::config::Config;
use crate::startup::{StartupError, open_core};

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AdminCommand {
    /// Add an active administrator. The password is asked for on a terminal, else read
    /// from the first line of standard input (`echo "$PASSWORD" | tollgate admin create …`).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A role's name: `Super Admin`, `Editor`, `Viewer` or a custom role (any case).
        #[arg(long)]
        role: String,
    },
    /// Set a new password (read like `create`'s), sign the admin out everywhere and lift
    /// their sign-in lock.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, thiserror::Error)]
enum AdminCliError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("could not read the password: {0}")]
    Input(#[from] io::Error),
    #[error("{0}")]
    Service(#[from] ServiceError),
}

/// Runs the command and reports on the terminal; the exit code says whether it worked.
pub async fn run(config: &Config, command: AdminCommand) -> ExitCode {
    match execute(config, command).await {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(config: &Config, command: AdminCommand) -> Result<String, AdminCliError> {
    let core = open_core(config).await?;
    let outcome = match command {
        AdminCommand::Create { email, name, role } => {
            let password = read_password()?;
            core.admins
                .add_from_command_line(&email, &name, &role, &password)
                .await
                .map(|added| {
                    format!(
                        "Added {} <{}> as {}. They can sign in now.",
                        added.name, added.email, added.role.name
                    )
                })
        }
        AdminCommand::ResetPassword { email } => {
            let password = read_password()?;
            core.admins
                .reset_password_from_command_line(&email, &password)
                .await
                .map(|()| {
                    format!(
                        "New password set for {email}; their sessions have ended and their sign-in lock is lifted."
                    )
                })
        }
    };
    core.store.close().await;
    Ok(outcome?)
}

/// A password from a prompt (typed twice, not echoed) on a terminal, else the first line
/// of standard input, so scripts can pipe it in without it showing up in `ps`.
fn read_password() -> io::Result<String> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    let first = prompt_hidden("Password: ")?;
    let second = prompt_hidden("Password again: ")?;
    if first != second {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the two passwords do not match",
        ));
    }
    Ok(first)
}

/// Reads one line with the terminal's echo off (`stty`, so no extra dependency), and turns
/// it back on whatever happens.
fn prompt_hidden(prompt: &str) -> io::Result<String> {
    print!("{prompt}");
    io::stdout().flush()?;
    let echo_off = set_echo(false);
    let mut line = String::new();
    let read = io::stdin().lock().read_line(&mut line);
    if echo_off {
        set_echo(true);
    }
    println!();
    read?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn set_echo(on: bool) -> bool {
    Process::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(Stdio::inherit())
        .status()
        .is_ok_and(|status| status.success())
}
