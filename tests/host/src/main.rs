//! `spin-test-host`: serves a Spin app's components the way `spin up` does, for this
//! project's end-to-end tests and benchmarks (real Spin cannot be installed here).
//!
//! Usage: `spin-test-host --manifest spin.toml --listen 127.0.0.1:0 --state-dir DIR
//! [--runtime-config-file FILE] [--sqlite-file LABEL=PATH]...`. It prints
//! `listening on http://ADDR` once ready.

mod manifest;
mod outbound;
mod routes;
mod runtime_config;
mod server;
mod sqlite;
mod variables;

/// Host bindings for the Spin interfaces the app imports.
mod bindings {
    wasmtime::component::bindgen!({
        path: "wit",
        world: "host",
        imports: { default: async },
    });
}

use anyhow::{bail, Context, Result};
use hyper_util::rt::TokioIo;
use server::{App, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

fn parse_args() -> Result<(Options, SocketAddr)> {
    let mut manifest = PathBuf::from("spin.toml");
    let mut listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let mut state_dir = PathBuf::from(".spin");
    let mut database_files = Vec::new();
    let mut runtime_config = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--manifest" | "-f" => manifest = PathBuf::from(value()?),
            "--listen" => listen = value()?.parse().context("--listen takes IP:PORT")?,
            "--state-dir" => state_dir = PathBuf::from(value()?),
            "--runtime-config-file" => runtime_config = Some(PathBuf::from(value()?)),
            "--sqlite-file" => {
                let v = value()?;
                let (label, path) = v
                    .split_once('=')
                    .context("--sqlite-file takes LABEL=PATH")?;
                database_files.push((label.to_string(), PathBuf::from(path)));
            }
            "--help" | "-h" => {
                println!("spin-test-host --manifest spin.toml --listen 127.0.0.1:0 --state-dir DIR [--runtime-config-file FILE] [--sqlite-file LABEL=PATH]");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?} (see --help)"),
        }
    }
    if !listen.ip().is_loopback() {
        bail!("--listen must be a loopback address: this host is for tests only");
    }
    Ok((
        Options {
            manifest,
            state_dir,
            database_files,
            runtime_config,
        },
        listen,
    ))
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("spin-test-host: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> Result<()> {
    let (options, listen) = parse_args()?;
    let app = Arc::new(App::load(&options)?);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, client) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, std::convert::Infallible>(app.handle(req, client).await) }
            });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection from {client}: {e}");
            }
        });
    }
}
