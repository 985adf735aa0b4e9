//! `native-worker`: the service's native daemon. It talks to the app only over HTTP.
//!
//! - `publish`: writes the public proof site (checkpoint, key, tlog tiles, deletion
//!   list, a browser verifier) for GitHub Pages or any static host.
//! - `snapshot` / `restore`: age-encrypted logical snapshots of the database.

mod api;
mod publish;
mod site;
mod snapshot;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(version, about = "Native worker of the training-data service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the app is and how to authenticate.
#[derive(clap::Args)]
struct ApiArgs {
    /// Base URL of the app, e.g. http://127.0.0.1:3000.
    #[arg(long, env = "TDS_API")]
    api: String,
    /// Admin or worker bearer token.
    #[arg(long, env = "TDS_TOKEN", hide_env_values = true)]
    token: String,
}

#[derive(Subcommand)]
enum Command {
    /// Write (or update) the static proof site in DIR.
    Publish {
        #[command(flatten)]
        api: ApiArgs,
        /// Output directory (with --git: a git checkout).
        #[arg(long)]
        out: PathBuf,
        /// Commit the site into OUT's git branch (pushing stays yours).
        #[arg(long)]
        git: bool,
        /// Branch for --git.
        #[arg(long, default_value = "gh-pages")]
        branch: String,
    },
    /// Download, encrypt (age) and record a database snapshot.
    Snapshot {
        #[command(flatten)]
        api: ApiArgs,
        /// Directory for `<timestamp>.snapshot.age`.
        #[arg(long)]
        out: PathBuf,
        /// age recipient (public key, age1…).
        #[arg(long)]
        recipient: String,
    },
    /// Decrypt a snapshot and load it into an empty SQLite file.
    Restore {
        /// age identity file (AGE-SECRET-KEY-…).
        #[arg(long)]
        identity: PathBuf,
        /// The `.snapshot.age` file.
        file: PathBuf,
        /// The SQLite file to create (must not exist or be empty).
        #[arg(long)]
        into: PathBuf,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Publish {
            api,
            out,
            git,
            branch,
        } => publish::run(
            &api::Client::new(&api.api, &api.token),
            &out,
            git.then_some(branch.as_str()),
        ),
        Command::Snapshot {
            api,
            out,
            recipient,
        } => snapshot::take(&api::Client::new(&api.api, &api.token), &out, &recipient),
        Command::Restore {
            identity,
            file,
            into,
        } => snapshot::restore(&identity, &file, &into),
    };
    if let Err(e) = result {
        eprintln!("native-worker: {e:#}");
        std::process::exit(1);
    }
}
