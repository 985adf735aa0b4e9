//! Encrypted snapshots: `take` streams the app's logical dump through age encryption
//! into `<timestamp>.snapshot.age` and records its SHA-256 and checkpoint with the app;
//! `restore` decrypts one into an empty SQLite file the app can serve.

use crate::api::Client;
use crate::hashing::HashingWriter;
use anyhow::{bail, Context, Result};
use domain::db::{Db, Value as Sql};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use wire::snapshot::{Line, Record, FORMAT};

/// Takes a snapshot into `out_dir`.
pub fn take(api: &Client, out_dir: &Path, recipient: &str) -> Result<()> {
    let recipient: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e| anyhow::anyhow!("--recipient is not an age public key: {e}"))?;
    let checkpoint = api.get_json("/api/publish/summary").ok();
    std::fs::create_dir_all(out_dir)?;
    let stamp = time::OffsetDateTime::now_utc().format(time::macros::format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))?;
    let name = format!("{stamp}.snapshot.age");
    let path = out_dir.join(&name);
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    let mut hashing = HashingWriter::new(file);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))?;
    let mut writer = encryptor.wrap_output(&mut hashing)?;
    let mut body = api.get_stream("/api/admin/snapshot")?;
    let copied = std::io::copy(&mut body, &mut writer)?;
    writer.finish()?;
    hashing.flush()?;
    let (_, sha) = hashing.finish();
    let (size, root) = checkpoint
        .as_ref()
        .map(|c| {
            (
                c["tree_size"].as_i64().unwrap_or(0),
                c["root_hash"].as_str().unwrap_or("").to_string(),
            )
        })
        .unwrap_or((0, String::new()));
    let record = Record {
        file_name: name,
        sha256: sha.clone(),
        tree_size: size,
        root_hash: root,
    };
    api.post_json("/api/admin/snapshots", &record)?;
    println!(
        "snapshot {} ({copied} bytes of dump, sha256 {sha}, checkpoint size {size})",
        path.display()
    );
    Ok(())
}

/// Restores `file` (decrypted with `identity`) into the new SQLite file `into`.
pub fn restore(identity: &Path, file: &Path, into: &Path) -> Result<()> {
    if into.exists() && std::fs::metadata(into)?.len() > 0 {
        bail!(
            "{} exists and is not empty: restore only into a new file",
            into.display()
        );
    }
    let identities = age::IdentityFile::from_file(identity.display().to_string())
        .with_context(|| format!("reading identity {}", identity.display()))?
        .into_identities()?;
    let encrypted =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let decryptor = age::Decryptor::new(encrypted)
        .map_err(|e| anyhow::anyhow!("{} is not an age file: {e}", file.display()))?;
    let reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| {
            anyhow::anyhow!("cannot decrypt {} with this identity: {e}", file.display())
        })?;
    let mut lines = BufReader::new(reader).lines();
    let first = lines.next().context("the snapshot is empty")??;
    let header = match serde_json::from_str(&first) {
        Ok(Line::Header(h)) if h.format == FORMAT => h,
        _ => bail!("not a {FORMAT} snapshot"),
    };
    let version = header.schema_version;
    if version != domain::migrations::latest_version() {
        bail!(
            "snapshot schema version {version} differs from this build's {}",
            domain::migrations::latest_version()
        );
    }
    let db = domain::native_sqlite::SqliteDb(rusqlite::Connection::open(into)?);
    domain::migrations::ensure_schema(&db).map_err(|e| anyhow::anyhow!(e.0))?;
    db.0.execute_batch("PRAGMA foreign_keys = OFF; BEGIN")?;
    let (mut table, mut insert, mut rows, mut ended) = (String::new(), String::new(), 0u64, false);
    for line in lines {
        let line = line.context("the snapshot is truncated or corrupt")?;
        match serde_json::from_str(&line).context("corrupt snapshot line")? {
            Line::End(end) => {
                if end.rows != rows {
                    bail!("the snapshot promises {} rows but holds {rows}", end.rows);
                }
                ended = true;
                break;
            }
            Line::Table(start) => {
                let columns: Vec<String> =
                    start.columns.iter().map(|c| format!("\"{c}\"")).collect();
                table = start.table;
                insert = format!(
                    "INSERT OR REPLACE INTO \"{table}\" ({}) VALUES ({})",
                    columns.join(", "),
                    vec!["?"; columns.len()].join(", ")
                );
            }
            Line::Row(row) => {
                let values: Vec<Sql> = row
                    .r
                    .into_iter()
                    .map(|c| Sql::from_cell(c).context("a blob that is not base64"))
                    .collect::<Result<_>>()?;
                db.execute(&insert, &values)
                    .map_err(|e| anyhow::anyhow!("restoring {table}: {}", e.0))?;
                rows += 1;
            }
            Line::Header(_) => bail!("a second header in the snapshot"),
        }
    }
    if !ended {
        bail!("the snapshot is truncated: no end marker after {rows} rows");
    }
    db.0.execute_batch("COMMIT; PRAGMA foreign_keys = ON")?;
    println!("restored {rows} rows into {}", into.display());
    Ok(())
}
