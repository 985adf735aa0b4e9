//! Benchmarks through the test host, printed as Markdown rows for BENCHMARKS.md.
//!
//! `cargo run --release -p e2e --bin bench -- [host|ingest|proofs|export|activity|publish|sqlite-modes|statements|all]`
//! - host: the host's own floor — a trivial component and one SQLite insert.
//! - ingest: `POST /api/unified-input` text contributions through the real app.
//! - proofs: proof cost per contribution, inclusion proofs and checkpoints at 1k/100k leaves.
//! - export: rows/s and host peak memory per export format at 10k and 100k rows.
//! - activity: activity-entry cost, chain verification at 100k rows, metrics at 100k rows.
//! - publish: static-site publication at 100k leaves and an incremental publish.
//! - review: the review loop at 100k waiting rows — `GET /api/review/next` + an accept
//!   per second from 1 and 4 reviewers, with one vote deciding a row and with two, and
//!   statements per request.
//! - sqlite-modes: the ingest statements natively under each journal/synchronous choice.
//! - statements: statements per request of ingest and the job protocol, counted natively.
//! - scale-out: 2 instances × 16 clients of text contributions while 2 workers drain
//!   voice and OCR jobs, on the built-in SQLite (1 instance) and on libSQL (sqld), with
//!   the invariants checked afterwards.
//! - sqld-stall [RUNS [EACH [default|N]...]]: the 8-writer contention (EACH posts per
//!   writer, default 25) on 2 instances of one sqld, RUNS times (default 30) for each
//!   sqld configuration (sqld's autocheckpoint, a TRUNCATE checkpoint every N s;
//!   default: default 5 60): runs, stalls (a request unanswered after 30 s; sqld's
//!   threads dumped with gdb), 503s and latency percentiles.
//! - release: 10k- and 100k-row text releases and a 2k-row voice release: cut and build
//!   (seconds, requests, host peak memory), download, and `native-worker verify-release`
//!   (seconds, its peak memory).
//! - import: 100k text rows and 2k voice files through `POST /api/import` (rows/s, host
//!   peak memory), side by side with single text contributions in the same run.
//! - worker: Whisper real-time factor (2/10/30 s clips, 1 and 2 threads), OCR of a
//!   1920×1080 screenshot, and jobs/minute through the whole claim→complete loop.

use e2e::{host_binary, start_fixture, Body, TestHost};
use serde_json::json;
use std::time::{Duration, Instant};

/// One measured run: `total` requests over `clients` keep-alive connections.
fn measure(
    clients: usize,
    total: usize,
    request: impl Fn(&ureq::Agent, usize) -> u16 + Sync,
) -> (f64, Duration, Duration) {
    let started = Instant::now();
    let per_client = total / clients;
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let request = &request;
                s.spawn(move || {
                    let agent = ureq::AgentBuilder::new().build();
                    (0..per_client)
                        .map(|i| {
                            let t = Instant::now();
                            let status = request(&agent, c * per_client + i);
                            assert!((200..300).contains(&status), "request failed with {status}");
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    (
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
    )
}

fn row(name: &str, clients: usize, total: usize, (rps, p50, p99): (f64, Duration, Duration)) {
    println!(
        "| {name} | {total} | {clients} | {rps:.0} | {:.2} | {:.2} |",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}

fn post(agent: &ureq::Agent, url: &str, token: Option<&str>, body: &serde_json::Value) -> u16 {
    let mut req = agent.post(url).set("content-type", "application/json");
    if let Some(t) = token {
        req = req.set("authorization", &format!("Bearer {t}"));
    }
    match req.send_string(&body.to_string()) {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    }
}

fn host_floor() -> anyhow::Result<()> {
    let manifest = "spin_manifest_version = 2\n[application]\nname = \"bench\"\n[[trigger.http]]\nroute = \"/...\"\ncomponent = \"fixture\"\n\
                    [component.fixture]\nsource = \"FIXTURE\"\nsqlite_databases = [\"default\"]\n";
    let (host, _dir) = start_fixture(&host_binary(), manifest, &[])?;
    let base = host.base.clone();
    host.call(
        "POST",
        "/sqlite",
        None,
        Body::Json(json!({ "statements": [{ "sql": "CREATE TABLE t (i INTEGER, s TEXT)" }] })),
    );
    let trivial = |a: &ureq::Agent, _| {
        a.get(&format!("{base}/hello"))
            .call()
            .map(|r| r.status())
            .unwrap_or(500)
    };
    let insert = |a: &ureq::Agent, i: usize| {
        post(
            a,
            &format!("{base}/sqlite"),
            None,
            &json!({ "statements": [{ "sql": "INSERT INTO t VALUES (?, 'x')", "params": [i] }] }),
        )
    };
    row(
        "trivial component (GET)",
        1,
        2000,
        measure(1, 2000, trivial),
    );
    row(
        "trivial component (GET)",
        16,
        2000,
        measure(16, 2000, trivial),
    );
    row(
        "one SQLite INSERT (default journal, synchronous=FULL)",
        1,
        500,
        measure(1, 500, insert),
    );
    row(
        "one SQLite INSERT (default journal, synchronous=FULL)",
        16,
        500,
        measure(16, 500, insert),
    );
    Ok(())
}

fn ingest() -> anyhow::Result<()> {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", "bench")])?;
    let token = host.new_user("bench", "bench");
    let url = format!("{}/api/unified-input", host.base);
    for (label, clients) in [("sequential", 1), ("concurrent", 16)] {
        let stats = measure(clients, 2000, |a, i| {
            post(
                a,
                &url,
                Some(&token),
                &json!({ "modality": "text", "text": format!("{label} contribution number {i}") }),
            )
        });
        row(
            &format!("text ingest, POST /api/unified-input ({label})"),
            clients,
            2000,
            stats,
        );
    }
    // The same, each text holding an e-mail address, a phone number and a card number
    // (three findings stored): what detection costs on the ingest path when it finds.
    let stats = measure(1, 2000, |a, i| {
        let text = format!(
            "Mail ann{i}@example.com or call +44 20 7946 {i:04}; card 4111 1111 1111 1111."
        );
        post(
            a,
            &url,
            Some(&token),
            &json!({ "modality": "text", "text": text }),
        )
    });
    row(
        "text ingest with personal data (3 findings), sequential",
        1,
        2000,
        stats,
    );
    Ok(())
}

/// The ingest request's statements on a fresh connection each time (as Spin opens one
/// per request), natively, under each journal/synchronous choice: SQLite's own floor.
fn sqlite_modes() -> anyhow::Result<()> {
    let template = {
        let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", "bench")])?;
        host.new_user("bench", "bench");
        let copy = tempfile::NamedTempFile::new()?;
        std::fs::copy(host.database_path(), copy.path())?;
        copy
    };
    println!("\n| journal_mode | synchronous | secure_delete | other connection open | transactions/s |\n|---|---|---|---|---|");
    // The app's choice is WAL, NORMAL, secure_delete ON; its neighbours run beside it.
    for (mode, sync, secure, hold) in [
        ("DELETE", "FULL", false, false),
        ("DELETE", "NORMAL", false, false),
        ("PERSIST", "NORMAL", false, false),
        ("WAL", "FULL", false, false),
        ("WAL", "NORMAL", false, false),
        ("WAL", "NORMAL", true, false),
        ("WAL", "NORMAL", true, true),
    ] {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("db.sqlite");
        std::fs::copy(template.path(), &path)?;
        let setup = rusqlite::Connection::open(&path)?;
        setup.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |_| Ok(()))?;
        let _holder = if hold {
            setup.query_row("SELECT COUNT(*) FROM users", [], |_| Ok(()))?;
            Some(setup)
        } else {
            drop(setup);
            None
        };
        let n = 500;
        let started = Instant::now();
        for i in 0..n {
            let c = rusqlite::Connection::open(&path)?;
            if mode != "WAL" {
                c.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |_| Ok(()))?;
            }
            c.execute_batch(&format!("PRAGMA synchronous = {sync}"))?;
            if secure {
                c.execute_batch("PRAGMA secure_delete = ON")?;
            }
            c.query_row("PRAGMA user_version", [], |_| Ok(()))?;
            let _ = c.query_row(
                "SELECT id FROM users WHERE token_hash = ? AND active = 1",
                ["x"],
                |_| Ok(()),
            );
            c.execute_batch("BEGIN IMMEDIATE")?;
            c.query_row(
                "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, created_at, updated_at) \
                 VALUES (1, 'text', 'complete', 'text/plain', 5, ?, 'x', 'x') RETURNING id",
                [format!("{i}")],
                |_| Ok(()),
            )?;
            c.execute_batch("COMMIT")?;
        }
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        println!(
            "| {mode} | {sync} | {} | {} | {:.0} |",
            yes_no(secure),
            yes_no(hold),
            n as f64 / started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Mean time of `f` over `n` runs, in microseconds.
fn mean_us(n: u32, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..n {
        f();
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

/// Appends leaves `[from, to)` for one contribution straight into the app's database
/// with the app's own `ledger::append`, to grow the log fast for a benchmark.
fn grow_log(
    db_path: &std::path::Path,
    contribution_id: i64,
    from: u64,
    to: u64,
) -> anyhow::Result<()> {
    let db = domain::native_sqlite::SqliteDb(rusqlite::Connection::open(db_path)?);
    db.0.execute_batch("BEGIN")?;
    for index in from..to {
        let commitment = format!("{index:064x}");
        domain::ledger::append(
            &db,
            index,
            &[(contribution_id, &commitment)],
            "2026-11-27T00:00:00.000Z",
        )
        .map_err(|e| anyhow::anyhow!(e.0))?;
    }
    db.0.execute_batch("COMMIT")?;
    Ok(())
}

/// Proof cost per contribution (native, the same code the component runs), and
/// inclusion-proof / checkpoint latency through the API at 1k and 100k leaves.
fn proofs() -> anyhow::Result<()> {
    use domain::proof::{commitment, encodings};
    let content = b"a typical short contribution of a few dozen bytes of text".to_vec();
    let encode = mean_us(2000, || {
        let (hash, hex) = encodings::content_hash(&content);
        let salt = commitment::new_salt();
        std::hint::black_box(commitment::commitment(&salt, &hash));
        std::hint::black_box(encodings::ethereum_checksum(&content));
        std::hint::black_box(encodings::proof_object(
            &hex,
            "0x00",
            "http://127.0.0.1:3000/verify/AAAAAAAAAAAAAAAAAAAAAA",
            false,
        ));
    });
    let qr = mean_us(500, || {
        std::hint::black_box(encodings::qr_svg(
            "http://127.0.0.1:3000/verify/AAAAAAAAAAAAAAAAAAAAAA",
        ));
    });
    println!("\n| proof step (native, per contribution) | µs |\n|---|---|");
    println!("| hash, salt, commitment, Keccak/EIP-55, BIP-39, UPC | {encode:.1} |");
    println!("| QR code SVG of the verify URL | {qr:.1} |");

    let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", "bench"),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", key),
    ])?;
    let token = host.new_user("bench", "bench");
    let first = host
        .call(
            "POST",
            "/api/unified-input",
            Some(&token),
            Body::Json(json!({ "modality": "text", "text": "leaf zero" })),
        )
        .json();
    let id = first["id"].as_i64().unwrap();
    println!("\n| log size | inclusion proof via API, p50 ms | p99 ms | checkpoint creation via API, ms |\n|---|---|---|---|");
    let mut size = 1u64;
    let mut tiles = Vec::new();
    for target in [1_000u64, 100_000] {
        grow_log(&host.database_path(), id, size, target)?;
        size = target;
        let started = Instant::now();
        let cp = host.call("GET", "/api/proofs/checkpoint", Some(&token), Body::None);
        let checkpoint_ms = started.elapsed().as_secs_f64() * 1e3;
        assert_eq!(cp.json()["tree_size"], target);
        let url = format!("{}/api/proofs/{id}/inclusion?size={target}", host.base);
        let (_, p50, p99) = measure(1, 500, |a, _| {
            a.get(&url)
                .set("authorization", &format!("Bearer {token}"))
                .call()
                .map(|r| r.status())
                .unwrap_or(500)
        });
        println!(
            "| {target} | {:.2} | {:.2} | {checkpoint_ms:.1} |",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
        tiles.push((target, public_log_latency(&host.base, target)));
    }
    println!("\n| log size | public path (no token) | p50 ms | p99 ms |\n|---|---|---|---|");
    for (target, rows) in tiles {
        for (path, p50, p99) in rows {
            println!(
                "| {target} | `{path}` | {:.2} | {:.2} |",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3
            );
        }
    }
    Ok(())
}

/// p50/p99 of the public log's endpoints (tlog-tiles) at `size` leaves: the
/// checkpoint, a full level-0 hash tile (256 hashes), a full entry bundle and the first
/// level-1 tile (partial below 65,536 leaves), 500 requests each.
fn public_log_latency(base: &str, size: u64) -> Vec<(String, Duration, Duration)> {
    let level1 = match size / 256 {
        n if n >= 256 => "/tile/1/000".to_string(),
        n => format!("/tile/1/000.p/{n}"),
    };
    [
        "/checkpoint".to_string(),
        "/tile/0/000".into(),
        "/tile/entries/000".into(),
        level1,
    ]
    .into_iter()
    .map(|path| {
        let url = format!("{base}{path}");
        let (_, p50, p99) = measure(1, 500, |a, _| {
            a.get(&url).call().map(|r| r.status()).unwrap_or(500)
        });
        (path, p50, p99)
    })
    .collect()
}

/// Peak resident memory of a process since the last reset, in MiB (Linux).
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Export throughput per format and the host's peak memory, at 10k and 100k rows.
fn export() -> anyhow::Result<()> {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", "bench")])?;
    let token = host.new_user("bench", "bench");
    host.call(
        "POST",
        "/api/unified-input",
        Some(&token),
        Body::Json(json!({ "modality": "text", "text": "first" })),
    );
    println!("\n| rows | format | seconds | rows/s | host peak RSS MiB | bytes |\n|---|---|---|---|---|---|");
    // One export: its time, rate, the host's peak memory (reset first) and size.
    let measure_export = |label: &str, query: &str, rows: u64| {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", host.pid()), "5");
        let started = Instant::now();
        let r = host.call(
            "GET",
            &format!("/api/training-data/export?{query}"),
            Some(&token),
            Body::None,
        );
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-row-count"), Some(rows.to_string().as_str()));
        let format = query
            .split('&')
            .next()
            .unwrap_or("")
            .trim_start_matches("format=");
        println!(
            "| {label} | {format} | {secs:.2} | {:.0} | {:.0} | {} |",
            rows as f64 / secs,
            peak_rss_mib(host.pid()),
            r.body.len()
        );
    };
    let mut seeded = 1u64;
    for target in [10_000u64, 100_000] {
        {
            let conn = rusqlite::Connection::open(host.database_path())?;
            conn.execute_batch("BEGIN")?;
            let mut stmt = conn.prepare(
                "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, extracted_text, \
                 metadata, created_at, updated_at, commitment) VALUES (1, 'text', 'complete', 'text/plain', 60, ?, ?, '{\"lang\":\"en\"}', \
                 '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z', ?)",
            )?;
            for i in seeded..target {
                let text =
                    format!("Contribution number {i}, with a comma, a \"quote\" and some words.");
                stmt.execute(rusqlite::params![
                    format!("{i:064x}"),
                    text,
                    format!("{:064x}", i * 7)
                ])?;
            }
            drop(stmt);
            conn.execute_batch("COMMIT")?;
            seeded = target;
        }
        for format in ["jsonl", "csv", "txt", "chat", "hf"] {
            measure_export(&target.to_string(), &format!("format={format}"), target);
        }
    }
    // Media: 2,000 voice rows of a 64 KiB WAV each (one shared blob), as jsonl (no
    // media) and as hf (every WAV copied into the voice shards).
    let wav: Vec<u8> = b"RIFF"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 64 * 1024 - 4))
        .collect();
    {
        let conn = rusqlite::Connection::open(host.database_path())?;
        conn.execute_batch("BEGIN")?;
        conn.execute(
            "INSERT INTO blobs (sha256, mime, byte_size, data, created_at) VALUES ('voice-blob', 'audio/wav', ?, ?, '2026-11-27T00:00:00.000Z')",
            rusqlite::params![wav.len() as i64, wav],
        )?;
        let mut stmt = conn.prepare(
            "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, blob_sha256, \
             extracted_text, created_at, updated_at) VALUES (1, 'voice', 'complete', 'audio/wav', ?, ?, 'voice-blob', \
             'a transcript', '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z')",
        )?;
        for i in 0..2_000i64 {
            stmt.execute(rusqlite::params![wav.len() as i64, format!("v{i:063x}")])?;
        }
        drop(stmt);
        conn.execute_batch("COMMIT")?;
    }
    for format in ["jsonl", "hf"] {
        let query = format!("format={format}&modality=voice");
        measure_export("2000 voice (64 KiB WAV each)", &query, 2000);
    }
    Ok(())
}

/// Activity-log costs: one entry natively, chain verification of 100k rows and the
/// admin metrics over 100k contributions, through the API.
fn activity() -> anyhow::Result<()> {
    use domain::activity_chain::append;
    use domain::store::activity::Entry;
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", "bench")])?;
    host.new_user("bench", "bench");
    let db = domain::native_sqlite::SqliteDb(rusqlite::Connection::open(host.database_path())?);
    let entry = |n: i64| Entry {
        log_type: domain::store::activity::Activity::ContributionCreated,
        user_id: Some(1),
        action_data: json!({ "contribution_id": n, "modality": "text", "leaf_index": n }),
        ip_address: Some("127.0.0.1".into()),
        user_agent: Some("bench".into()),
    };
    db.0.execute_batch("BEGIN")?;
    let per_entry = mean_us(2000, || {
        append(&db, &entry(1), "2026-11-27T00:00:00.000Z").unwrap()
    });
    for n in 0..98_000 {
        append(&db, &entry(n), "2026-11-27T00:00:00.000Z").map_err(|e| anyhow::anyhow!(e.0))?;
    }
    db.0.execute_batch("COMMIT")?;
    let rows: i64 =
        db.0.query_row("SELECT COUNT(*) FROM activity_log", [], |r| r.get(0))?;
    let started = Instant::now();
    let v = host
        .call("GET", "/api/activity/verify", Some("bench"), Body::None)
        .json();
    let verify_ms = started.elapsed().as_secs_f64() * 1e3;
    assert_eq!(v["ok"], true);
    db.0.execute_batch("BEGIN")?;
    let mut stmt = db.0.prepare(
        "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, extracted_text, \
         created_at, updated_at) VALUES (1, ?, 'complete', 'text/plain', 5, ?, 'x', ?, ?)",
    )?;
    for i in 0..100_000i64 {
        let day = format!("2026-11-{:02}T12:00:00.000Z", 1 + i % 27);
        let modality = ["text", "voice", "screenshot", "drawing"][(i % 4) as usize];
        stmt.execute(rusqlite::params![modality, format!("{i:064x}"), day, day])?;
    }
    drop(stmt);
    db.0.execute_batch("COMMIT")?;
    let mut metrics = Vec::new();
    for days in [14, 365] {
        let started = Instant::now();
        let r = host.call(
            "GET",
            &format!("/api/admin/metrics?days={days}"),
            Some("bench"),
            Body::None,
        );
        assert_eq!(r.status, 200);
        metrics.push((days, started.elapsed().as_secs_f64() * 1e3));
    }
    println!("\n| measurement | value |\n|---|---|");
    println!("| one activity entry appended (native, in a transaction) | {per_entry:.1} µs |");
    println!("| GET /api/activity/verify over {rows} rows | {verify_ms:.0} ms |");
    for (days, ms) in metrics {
        println!("| GET /api/admin/metrics?days={days} over 100,000 contributions | {ms:.0} ms |");
    }
    Ok(())
}

/// Site size in bytes and file count.
fn dir_size(dir: &std::path::Path) -> (u64, u64) {
    let mut stack = vec![dir.to_path_buf()];
    let (mut bytes, mut files) = (0, 0);
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
                files += 1;
            }
        }
    }
    (bytes, files)
}

/// Publication: full publish at 100,000 leaves, then an incremental one after 1,000 more.
fn publish() -> anyhow::Result<()> {
    let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", "bench"),
        ("SPIN_VARIABLE_WORKER_TOKEN", "worker"),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", key),
    ])?;
    let token = host.new_user("bench", "bench");
    let id = host
        .call(
            "POST",
            "/api/unified-input",
            Some(&token),
            Body::Json(json!({ "modality": "text", "text": "first" })),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let site = tempfile::tempdir()?;
    let run = || -> anyhow::Result<(f64, String)> {
        let started = Instant::now();
        let o = std::process::Command::new(e2e::worker_binary())
            .args(["publish", "--api", &host.base, "--token", "worker", "--out"])
            .arg(site.path())
            .output()?;
        anyhow::ensure!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        Ok((
            started.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string(),
        ))
    };
    grow_log(&host.database_path(), id, 1, 100_000)?;
    let (full, full_out) = run()?;
    let (bytes, files) = dir_size(site.path());
    grow_log(&host.database_path(), id, 100_000, 101_000)?;
    let (incremental, inc_out) = run()?;
    println!("\n| publish | seconds | site | worker output |\n|---|---|---|---|");
    println!(
        "| full, 100,000 leaves | {full:.2} | {:.1} MiB in {files} files | {full_out} |",
        bytes as f64 / 1048576.0
    );
    println!("| incremental, +1,000 leaves | {incremental:.2} | | {inc_out} |");
    Ok(())
}

/// Warm timings (ms) of `native-worker extract FILE --repeat 4 ARGS`, first run dropped.
fn extract_ms(file: &std::path::Path, args: &[&str]) -> anyhow::Result<Vec<f64>> {
    let out = std::process::Command::new(e2e::worker_binary())
        .arg("extract")
        .arg(file)
        .args(["--repeat", "4", "--whisper-model"])
        .arg(e2e::worker::whisper_model())
        .args(args)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(runs[0]["error"].is_null(), "{}", runs[0]);
    Ok(runs[1..]
        .iter()
        .map(|r| r["extract_ms"].as_f64().unwrap_or(f64::NAN))
        .collect())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn worker() -> anyhow::Result<()> {
    use e2e::media::{rendered, run, speech};
    let dir = tempfile::tempdir()?;
    let talk = "Please send the quarterly report to the finance team before Friday afternoon. \
                We are collecting voice memos to train a speech recognition model. ";
    speech(dir.path(), "long.wav", &talk.repeat(4));
    println!("\n| Whisper tiny.en | threads | median ms (3 warm runs) | real-time factor |\n|---|---|---|---|");
    for seconds in [2, 10, 30] {
        let clip = dir.path().join(format!("clip-{seconds}s.wav"));
        run(std::process::Command::new("sox")
            .arg(dir.path().join("long.wav"))
            .arg(&clip)
            .args(["trim", "0", &seconds.to_string()]));
        for threads in ["1", "2"] {
            let ms = median(extract_ms(&clip, &["--whisper-threads", threads])?);
            println!(
                "| {seconds} s clip | {threads} | {ms:.0} | {:.3} |",
                ms / 1000.0 / seconds as f64
            );
        }
    }
    let lines: Vec<String> = (0..18)
        .map(|i| {
            format!(
                "Line {i}: the quarterly report for the finance team, invoice {}",
                4500 + i
            )
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    rendered(dir.path(), "screen.png", (1920, 1080), &refs, &[]);
    let ms = median(extract_ms(&dir.path().join("screen.png"), &[])?);
    println!("\n| OCR (Tesseract) | median ms |\n|---|---|\n| 1920×1080 screenshot, 18 lines | {ms:.0} |");

    // The whole loop: contributions in, one worker (default settings) until all complete.
    let (admin, worker_token) = ("bench", "bench-worker");
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", admin),
        ("SPIN_VARIABLE_WORKER_TOKEN", worker_token),
    ])?;
    let user = host.new_user(admin, "bench");
    println!("\n| jobs through claim → input → extract → complete | jobs | seconds | jobs/minute |\n|---|---|---|---|");
    for (label, modality, n) in [
        ("2 s voice memos", "voice", 20),
        ("900×220 screenshots", "screenshot", 40),
    ] {
        let ids: Vec<i64> = (0..n)
            .map(|i| {
                let bytes = if modality == "voice" {
                    speech(
                        dir.path(),
                        "memo.wav",
                        &format!("Memo number {i} is ready."),
                    )
                } else {
                    rendered(
                        dir.path(),
                        "shot.png",
                        (900, 220),
                        &[&format!("Screenshot number {i}")],
                        &[],
                    )
                };
                use base64::Engine as _;
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                host.contribute(&user, json!({"modality": modality, "data": data}))["id"]
                    .as_i64()
                    .unwrap_or(0)
            })
            .collect();
        let started = Instant::now();
        let w = e2e::worker::Worker::start(&host, worker_token, "bench", &[]);
        for id in &ids {
            e2e::worker::settled(&host, admin, *id);
        }
        let secs = started.elapsed().as_secs_f64();
        drop(w);
        println!(
            "| {label} | {n} | {secs:.1} | {:.0} |",
            n as f64 / secs * 60.0
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    println!(
        "| scenario | requests | clients | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|"
    );
    if which == "host" || which == "all" {
        host_floor()?;
    }
    if which == "ingest" || which == "all" {
        ingest()?;
    }
    if which == "proofs" || which == "all" {
        proofs()?;
    }
    if which == "export" || which == "all" {
        export()?;
    }
    if which == "activity" || which == "all" {
        activity()?;
    }
    if which == "publish" || which == "all" {
        publish()?;
    }
    if which == "review" || which == "all" {
        review()?;
    }
    if which == "sqlite-modes" || which == "all" {
        sqlite_modes()?;
    }
    if which == "worker" || which == "all" {
        worker()?;
    }
    if which == "import" || which == "all" {
        import()?;
    }
    if which == "release" || which == "all" {
        release()?;
    }
    if which == "scale-out" || which == "all" {
        scale_out()?;
    }
    if which == "statements" || which == "all" {
        statements()?;
    }
    if which == "sqld-stall" {
        let args: Vec<String> = std::env::args().skip(2).collect();
        let number = |i: usize, default| args.get(i).map_or(Ok(default), |n| n.parse());
        let intervals: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
        sqld_stall(number(0, 30)?, number(1, 25)?, &intervals)?;
    }
    Ok(())
}

/// Text ingest from 16 clients spread over every instance while 2 workers drain voice
/// and OCR jobs; then the invariants: no 5xx, every 201 row once, contiguous leaves,
/// a verifying activity chain, every job result applied exactly once.
fn scale_out() -> anyhow::Result<()> {
    use e2e::media::{rendered, speech};
    use e2e::Backend;
    let (admin, worker_token) = ("bench", "bench-worker");
    let dir = tempfile::tempdir()?;
    println!("\n| backend | instances | clients | requests | req/s | p50 ms | p99 ms | 5xx | 503 | media jobs | rows once | leaves contiguous | chain ok | jobs once |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for backend in [Backend::Sqlite, Backend::LibSql] {
        let host = TestHost::app_on(
            backend,
            &[
                ("SPIN_VARIABLE_ADMIN_TOKEN", admin),
                ("SPIN_VARIABLE_WORKER_TOKEN", worker_token),
            ],
        )?;
        let user = host.new_user(admin, "bench");
        use base64::Engine as _;
        let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
        let mut media = Vec::new();
        for i in 0..4 {
            let voice = speech(
                dir.path(),
                "memo.wav",
                &format!("Memo number {i} is ready."),
            );
            media.push(
                host.contribute(&user, json!({"modality": "voice", "data": b64(voice)}))["id"]
                    .as_i64()
                    .unwrap_or(0),
            );
            let shot = rendered(
                dir.path(),
                "shot.png",
                (900, 220),
                &[&format!("Screenshot number {i}")],
                &[],
            );
            media.push(
                host.contribute(&user, json!({"modality": "screenshot", "data": b64(shot)}))["id"]
                    .as_i64()
                    .unwrap_or(0),
            );
        }
        let workers = [
            e2e::worker::Worker::start(&host, worker_token, "bench-a", &[]),
            e2e::worker::Worker::start(&host, worker_token, "bench-b", &[]),
        ];
        let bases = host.bases();
        let (clients, total) = (16, 800);
        let statuses = std::sync::Mutex::new(Vec::new());
        let started = Instant::now();
        let mut latencies: Vec<Duration> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..clients)
                .map(|c| {
                    let (bases, user, statuses) = (&bases, &user, &statuses);
                    s.spawn(move || {
                        let agent = ureq::AgentBuilder::new().build();
                        let url = format!("{}/api/unified-input", bases[c % bases.len()]);
                        (0..total / clients)
                            .map(|i| {
                                let t = Instant::now();
                                let status = post(&agent, &url, Some(user), &json!({"modality": "text", "text": format!("client {c} item {i}")}));
                                statuses.lock().unwrap().push(status);
                                t.elapsed()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let secs = started.elapsed().as_secs_f64();
        for id in &media {
            e2e::worker::settled(&host, admin, *id);
        }
        drop(workers);
        latencies.sort();
        let pct = |p: f64| {
            latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)]
                .as_secs_f64()
                * 1e3
        };
        let statuses = statuses.into_inner().unwrap();
        let created = statuses.iter().filter(|s| **s == 201).count();
        let server_errors = statuses.iter().filter(|s| **s >= 500).count();
        let busy = statuses.iter().filter(|s| **s == 503).count();
        let conn = rusqlite::Connection::open(host.database_path())?;
        let one = |sql: &str| -> anyhow::Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let rows_once = one("SELECT COUNT(*) FROM training_contributions WHERE modality = 'text'")? == created as i64
            && one("SELECT COUNT(*) FROM (SELECT content_hash FROM training_contributions GROUP BY content_hash HAVING COUNT(*) > 1)")? == 0;
        let leaves = one("SELECT COUNT(*) FROM training_contributions")?
            == one("SELECT IFNULL(MAX(leaf_index), -1) + 1 FROM training_contributions")?;
        let jobs_once = one("SELECT COUNT(*) FROM jobs WHERE state = 'done'")? == media.len() as i64
            && one("SELECT COUNT(*) FROM training_contributions WHERE modality != 'text' AND status = 'complete'")? == media.len() as i64;
        drop(conn);
        let chain = host
            .call("GET", "/api/activity/verify", Some(admin), Body::None)
            .json()["ok"]
            == true;
        println!(
            "| {backend:?} | {} | {clients} | {total} | {:.0} | {:.1} | {:.1} | {server_errors} | {busy} | {} | {rows_once} | {leaves} | {chain} | {jobs_once} |",
            bases.len(),
            total as f64 / secs,
            pct(0.5),
            pct(0.99),
            media.len(),
        );
    }
    Ok(())
}

/// Counts the statements a handler runs (the adapter adds two per request: `PRAGMA
/// synchronous` and the schema check).
struct CountingDb<'a> {
    inner: &'a dyn domain::db::Db,
    statements: std::cell::Cell<usize>,
}

impl<'a> CountingDb<'a> {
    fn new(inner: &'a dyn domain::db::Db) -> Self {
        Self {
            inner,
            statements: std::cell::Cell::new(0),
        }
    }

    /// Runs `req` through `table`'s handler on this database with `settings` (no
    /// outbound HTTP); the response and the statements the handler ran.
    fn serve(
        &self,
        settings: &domain::config::Settings,
        table: &[domain::router::Route<domain::context::Handler>],
        req: &http::Request<Vec<u8>>,
    ) -> (domain::context::Response, usize) {
        let ctx = domain::context::Context::new(self, settings.clone(), &Offline);
        self.statements.set(0);
        let (handler, params) =
            domain::router::resolve(table, req.method(), req.uri().path()).expect("a route");
        let resp = ctx
            .run(req, || handler(&ctx, req, &params))
            .expect("an answer");
        (resp, self.statements.get())
    }
}

impl domain::db::Db for CountingDb<'_> {
    fn execute(
        &self,
        sql: &str,
        params: &[domain::db::Value],
    ) -> Result<domain::db::Rows, domain::db::DbError> {
        self.statements.set(self.statements.get() + 1);
        self.inner.execute(sql, params)
    }
}

/// No outbound HTTP in benchmarks.
struct Offline;

impl domain::context::Outbound for Offline {
    fn post_json(&self, _: &str, _: &[u8], _: u64) -> Result<Vec<u8>, String> {
        Err("offline".into())
    }
}

/// Statements per request of the ingest and job endpoints, counted natively through
/// the handlers the components serve (a migrated in-memory database; the adapter adds
/// two statements per request on top): a text and a voice contribution, then a
/// worker's claim (with a job due, and idle), heartbeat, completion and failure; and
/// an import of 500 text lines (statements per row).
fn statements() -> anyhow::Result<()> {
    use domain::routes::{JOBS, UNIFIED_INPUT, USERS};
    let db = domain::native_sqlite::SqliteDb::migrated();
    let counting = CountingDb::new(&db);
    let settings = domain::config::Settings {
        admin_token: Some("bench".into()),
        worker_token: Some("bench-worker".into()),
        ..Default::default()
    };
    type Table = &'static [domain::router::Route<domain::context::Handler>];
    let count = |table: Table, token: &str, method: &str, path: &str, body: serde_json::Value| {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(body.to_string().into_bytes())
            .expect("a request");
        let (resp, n) = counting.serve(&settings, table, &req);
        let answer: serde_json::Value =
            serde_json::from_slice(resp.body()).unwrap_or(serde_json::Value::Null);
        (resp.status().as_u16(), answer, n)
    };
    let (_, user, _) = count(
        USERS,
        "bench",
        "POST",
        "/api/users",
        json!({ "name": "bench" }),
    );
    let token = user["token"].as_str().unwrap_or_default().to_string();
    let text = |n: usize| json!({ "modality": "text", "text": format!("note {n}") });
    count(UNIFIED_INPUT, &token, "POST", "/api/unified-input", text(0));
    let (_, _, text_n) = count(UNIFIED_INPUT, &token, "POST", "/api/unified-input", text(1));
    let personal = json!({ "modality": "text", "text": "Mail ann@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111." });
    let (_, _, personal_n) = count(
        UNIFIED_INPUT,
        &token,
        "POST",
        "/api/unified-input",
        personal,
    );
    use base64::Engine as _;
    let wav = |tag: &str| {
        let mut bytes = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        bytes.extend_from_slice(tag.as_bytes());
        json!({ "modality": "voice", "data": base64::engine::general_purpose::STANDARD.encode(bytes) })
    };
    let (_, _, voice_n) = count(
        UNIFIED_INPUT,
        &token,
        "POST",
        "/api/unified-input",
        wav("a"),
    );
    let worker = "bench-worker";
    let claim = json!({ "worker_id": "w", "lease_seconds": 60 });
    let (_, lease, claim_n) = count(JOBS, worker, "POST", "/api/jobs/claim", claim.clone());
    let (idle_status, _, idle_n) = count(JOBS, worker, "POST", "/api/jobs/claim", claim.clone());
    let id = lease["id"].as_i64().unwrap_or_default();
    let lease_token = lease["lease_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, _, heartbeat_n) = count(
        JOBS,
        worker,
        "POST",
        &format!("/api/jobs/{id}/heartbeat"),
        json!({ "lease_token": lease_token }),
    );
    let (_, _, complete_n) = count(
        JOBS,
        worker,
        "POST",
        &format!("/api/jobs/{id}/complete"),
        json!({ "lease_token": lease_token, "text": "Hello.", "engine": "whisper.cpp", "model": "tiny.en" }),
    );
    count(
        UNIFIED_INPUT,
        &token,
        "POST",
        "/api/unified-input",
        wav("b"),
    );
    let (_, lease, _) = count(JOBS, worker, "POST", "/api/jobs/claim", claim);
    let (_, _, fail_n) = count(
        JOBS,
        worker,
        "POST",
        &format!(
            "/api/jobs/{}/fail",
            lease["id"].as_i64().unwrap_or_default()
        ),
        json!({ "lease_token": lease["lease_token"], "error": "busy", "retryable": true }),
    );
    let lines: Vec<serde_json::Value> = (0..500)
        .map(|i| json!({ "modality": "text", "text": format!("imported note {i}") }))
        .collect();
    let (import_status, _, import_n) =
        count(UNIFIED_INPUT, &token, "POST", "/api/import", json!(lines));
    println!("\n| request | statements (handler; the adapter adds 2) |\n|---|---|");
    println!("| POST /api/unified-input (text) | {text_n} |");
    println!("| POST /api/unified-input (text with 3 findings of personal data) | {personal_n} |");
    println!("| POST /api/unified-input (voice) | {voice_n} |");
    println!("| POST /api/jobs/claim (a job is due) | {claim_n} |");
    println!("| POST /api/jobs/claim (idle: {idle_status}) | {idle_n} |");
    println!("| POST /api/jobs/{{id}}/heartbeat | {heartbeat_n} |");
    println!("| POST /api/jobs/{{id}}/complete | {complete_n} |");
    println!("| POST /api/jobs/{{id}}/fail (retryable) | {fail_n} |");
    println!(
        "| POST /api/import (500 text lines, one batch: {import_status}) | {import_n} ({:.2} a row) |",
        import_n as f64 / 500.0
    );
    Ok(())
}

/// The review loop over 100,000 waiting rows, with one vote deciding a row and with
/// two (`review_votes_required`), side by side in one run.
fn review() -> anyhow::Result<()> {
    println!("\n| review loop over 100,000 waiting rows | votes per row | pairs | reviewers | pairs/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|");
    let mut statements = Vec::new();
    for votes in [1, 2] {
        statements.push((votes, review_loop(votes)?));
    }
    println!("\n| request | votes per row | statements (handler) |\n|---|---|---|");
    for (votes, (next, decide)) in statements {
        println!("| GET /api/review/next | {votes} | {next} |");
        println!("| POST /api/training-data/{{id}}/review (accept) | {votes} | {decide} |");
    }
    Ok(())
}

/// The review loop over 100,000 waiting rows (each with a machine version, as
/// extraction leaves them) when `votes` decide a row: next + accept pairs per second
/// from 1 and 4 reviewers through the real component; then the statements a next and
/// an accept run.
fn review_loop(votes: usize) -> anyhow::Result<(usize, usize)> {
    const ADMIN: &str = "bench";
    let required = votes.to_string();
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_REVIEW_VOTES_REQUIRED", &required),
    ])?;
    let reviewers: Vec<String> = (0..4)
        .map(|i| host.new_user_as(ADMIN, &format!("reviewer {i}"), "reviewer"))
        .collect();
    host.new_user(ADMIN, "owner");
    let db = domain::native_sqlite::SqliteDb(rusqlite::Connection::open(host.database_path())?);
    db.0.execute_batch("BEGIN")?;
    {
        let mut row = db.0.prepare(
            "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, extracted_text, \
             extraction_engine, created_at, updated_at, text_version, text_source) \
             VALUES (5, ?1, 'complete', 'audio/wav', 5, ?2, ?3, 'whisper.cpp', ?4, ?4, 1, 'machine') RETURNING id",
        )?;
        let mut version = db.0.prepare(
            "INSERT INTO text_versions (contribution_id, version, text, source, engine, created_at) \
             VALUES (?, 1, ?, 'machine', 'whisper.cpp', ?)",
        )?;
        for i in 0..100_000i64 {
            let day = format!("2026-11-{:02}T12:00:00.000Z", 1 + i % 27);
            let modality = ["voice", "screenshot", "drawing", "text"][(i % 4) as usize];
            let text = format!("the machine heard sentence number {i}");
            let id: i64 = row.query_row(
                rusqlite::params![modality, format!("{i:064x}"), text, day],
                |r| r.get(0),
            )?;
            version.execute(rusqlite::params![id, text, day])?;
        }
    }
    db.0.execute_batch("COMMIT")?;
    let base = host.next_base();
    for clients in [1, 4] {
        let total = 400;
        let per_client = total / clients;
        let result = measure(clients, total, |agent, i| {
            let token = &reviewers[i / per_client];
            let leased: serde_json::Value = agent
                .get(&format!("{base}/api/review/next"))
                .set("authorization", &format!("Bearer {token}"))
                .call()
                .expect("next")
                .into_json()
                .expect("json");
            let id = leased["row"]["id"].as_i64().expect("a leased row");
            post(
                agent,
                &format!("{base}/api/training-data/{id}/review"),
                Some(token),
                &json!({ "decision": "accept" }),
            )
        });
        row(&format!("next + accept | {votes}"), clients, total, result);
    }
    // Statements per request, counted natively through the same handlers.
    let counting = CountingDb::new(&db);
    let settings = domain::config::Settings {
        admin_token: Some(ADMIN.into()),
        review_votes_required: votes,
        ..Default::default()
    };
    let count = |method: &str, path: &str, body: Option<serde_json::Value>| {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", reviewers[3]))
            .header("content-type", "application/json")
            .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
            .unwrap();
        counting.serve(&settings, domain::routes::REVIEW, &req)
    };
    let (next, next_statements) = count("GET", "/api/review/next", None);
    let leased: serde_json::Value = serde_json::from_slice(next.body())?;
    let id = leased["row"]["id"].as_i64().unwrap_or_default();
    let (_, decide_statements) = count(
        "POST",
        &format!("/api/training-data/{id}/review"),
        Some(json!({ "decision": "accept" })),
    );
    Ok((next_statements, decide_statements))
}

/// The 8-writer contention of `scale_out.rs` (8 clients × `each` text posts over two
/// instances of one sqld), `runs` times per sqld configuration: sqld's default
/// autocheckpoint (`default`) or a TRUNCATE checkpoint every N seconds (`N`). A request
/// unanswered after 30 s is a stall: sqld's threads are dumped (stderr) and the run
/// ends there.
fn sqld_stall(runs: usize, each: usize, intervals: &[&str]) -> anyhow::Result<()> {
    let admin = "bench";
    let intervals = if intervals.is_empty() {
        &["default", "5", "60"][..]
    } else {
        intervals
    };
    println!("\n| sqld setting | runs | requests per run | stalls | requests | 503 | p50 ms | p99 ms | max ms | largest WAL MiB |\n|---|---|---|---|---|---|---|---|---|---|");
    for interval in intervals {
        let (label, flags) = match *interval {
            "default" => ("autocheckpoint (sqld's default)".to_string(), vec![]),
            n => (
                format!("TRUNCATE every {n} s"),
                vec![format!("--checkpoint-interval-s={n}")],
            ),
        };
        let (mut stalls, mut unavailable, mut latencies, mut wal_max) = (0, 0, Vec::new(), 0);
        for run in 0..runs {
            let host = TestHost::app_on_sqld(
                e2e::sqld::Sqld::start_with(&flags)?,
                &[("SPIN_VARIABLE_ADMIN_TOKEN", admin)],
            )?;
            let user = host.new_user(admin, "busy");
            let bases = host.bases();
            let wal = host.database_path().with_file_name("data-wal");
            let done = std::sync::atomic::AtomicBool::new(false);
            let results: Vec<Result<(u16, Duration), String>> = std::thread::scope(|s| {
                let sampler = s.spawn(|| {
                    let mut largest = 0;
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    largest
                });
                let handles: Vec<_> = (0..8)
                    .map(|w| {
                        let (bases, user) = (&bases, &user);
                        s.spawn(move || {
                            let agent = ureq::AgentBuilder::new()
                                .timeout(Duration::from_secs(30))
                                .build();
                            let mut mine = Vec::new();
                            for i in 0..each {
                                let url = format!("{}/api/unified-input", bases[(w + i) % 2]);
                                let t = Instant::now();
                                let r = agent
                                    .post(&url)
                                    .set("authorization", &format!("Bearer {user}"))
                                    .send_json(json!({"modality": "text", "text": format!("writer {w} item {i}")}));
                                let status = match r {
                                    Ok(r) => Ok(r.status()),
                                    Err(ureq::Error::Status(s, _)) => Ok(s),
                                    Err(e) => Err(format!("{e}")),
                                };
                                let stalled = status.is_err();
                                mine.push(status.map(|s| (s, t.elapsed())));
                                if stalled {
                                    break;
                                }
                            }
                            mine
                        })
                    })
                    .collect();
                let results = handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap())
                    .collect();
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                wal_max = wal_max.max(sampler.join().unwrap());
                results
            });
            if results.iter().any(Result::is_err) {
                stalls += 1;
                eprintln!("{label}: run {run} stalled\n{}", host.sqld_thread_dump());
            }
            for (status, took) in results.into_iter().flatten() {
                assert!(status == 201 || status == 503, "unexpected status {status}");
                unavailable += usize::from(status == 503);
                latencies.push(took);
            }
        }
        latencies.sort();
        let pct = |p: f64| {
            latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)]
                .as_secs_f64()
                * 1e3
        };
        println!(
            "| {label} | {runs} | {} | {stalls} | {} | {unavailable} | {:.0} | {:.0} | {:.0} | {:.1} |",
            8 * each,
            latencies.len(),
            pct(0.5),
            pct(0.99),
            pct(1.0),
            wal_max as f64 / (1024.0 * 1024.0)
        );
    }
    Ok(())
}

/// Seeds `n` complete rows of `modality` natively, each with its commitment, text
/// version and leaf (the app's own `ledger::append`), as contributions would leave
/// them; voice rows share one WAV blob.
fn seed_logged_rows(
    db_path: &std::path::Path,
    modality: &str,
    n: u64,
    wav: &[u8],
) -> anyhow::Result<()> {
    let db = domain::native_sqlite::SqliteDb(rusqlite::Connection::open(db_path)?);
    let conn = &db.0;
    conn.execute_batch("BEGIN")?;
    let first_leaf = domain::store::merkle::size(&db).map_err(|e| anyhow::anyhow!(e.0))?;
    let (mime, blob) = if modality == "voice" {
        conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, mime, byte_size, data, created_at) VALUES ('bench-voice', 'audio/wav', ?, ?, '2026-12-07T00:00:00.000Z')",
            rusqlite::params![wav.len() as i64, wav],
        )?;
        ("audio/wav", Some("bench-voice"))
    } else {
        ("text/plain", None)
    };
    let now = "2026-12-07T00:00:00.000Z";
    for i in 0..n {
        let leaf = first_leaf + i;
        let text = format!("Release row {leaf}, with a comma, a \"quote\" and some words.");
        let commitment = format!("{:064x}", leaf * 7 + 1);
        conn.execute(
            "INSERT INTO training_contributions (user_id, modality, status, mime, byte_size, content_hash, blob_sha256, \
             extracted_text, metadata, created_at, updated_at, commitment, leaf_index, text_version, text_source) \
             VALUES (1, ?, 'complete', ?, 60, ?, ?, ?, '{\"lang\":\"en\"}', ?, ?, ?, ?, 1, 'contributor')",
            rusqlite::params![modality, mime, format!("{modality}{leaf:060x}"), blob, text, now, now, commitment, leaf as i64],
        )?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO text_versions (contribution_id, version, text, source, author, created_at) VALUES (?, 1, ?, 'contributor', 'bench', ?)",
            rusqlite::params![id, text, now],
        )?;
        domain::ledger::append(&db, leaf, &[(id, &commitment)], now)
            .map_err(|e| anyhow::anyhow!(e.0))?;
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// Runs `cmd` to its end: seconds, its peak RSS in MiB (`wait4`'s rusage: at least
/// this process's resident size when it started the command) and its output.
fn run_measured(cmd: &mut std::process::Command) -> anyhow::Result<(f64, f64, bool, String)> {
    use std::io::Read;
    // The child's rusage starts from this process's own peak (kept across exec): give
    // freed memory back and reset the peak to what is resident now.
    // SAFETY: malloc_trim only releases free heap pages.
    unsafe { libc::malloc_trim(0) };
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().map(|mut o| o.read_to_string(&mut out));
    child.stderr.take().map(|mut e| e.read_to_string(&mut err));
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and the pid is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    anyhow::ensure!(pid > 0, "wait4 failed");
    let secs = started.elapsed().as_secs_f64();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((
        secs,
        usage.ru_maxrss as f64 / 1024.0,
        ok,
        format!("{out}{err}"),
    ))
}

/// 10k- and 100k-row text releases and a 2k-row voice release: cut and built through the API
/// (one request runs `release_build_steps`, 8 by default; the loop stands in for the
/// worker), downloaded, and checked by the offline verifier.
fn release() -> anyhow::Result<()> {
    const ADMIN: &str = "bench";
    const KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_LOG_SIGNING_KEY", KEY),
        ("SPIN_VARIABLE_LOG_ORIGIN", "bench.test/log"),
    ])?;
    let vkey = tlog::checkpoint::LogKey::parse(KEY, "bench.test/log")
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .verifier_key();
    let token = host.new_user(ADMIN, "bench");
    host.contribute(
        &token,
        json!({ "modality": "text", "text": "the first row" }),
    );
    let wav: Vec<u8> = b"RIFF"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 64 * 1024 - 4))
        .collect();
    let dir = tempfile::tempdir()?;
    println!("\n| release | rows | phase | seconds | rows/s | requests | RSS before MiB | peak RSS MiB | bytes |\n|---|---|---|---|---|---|---|---|---|");
    // Resets the host's peak to its resident size now, which it returns.
    let reset = |pid: u32| {
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    // Rows of each modality so far (the first text came through the API); v2 holds v1's
    // rows and 90,000 more, so two sizes of one kind show whether memory stays flat.
    let mut have = std::collections::HashMap::from([("text", 1u64), ("voice", 0)]);
    for (number, modality, rows) in [
        (1, "text", 10_000u64),
        (2, "text", 100_000),
        (3, "voice", 2_000),
    ] {
        let held = have.insert(modality, rows).unwrap_or(0);
        seed_logged_rows(&host.database_path(), modality, rows - held, &wav)?;
        let label = format!("v{number} ({modality})");
        let line = |phase: &str,
                    secs: f64,
                    requests: usize,
                    (before, peak): (f64, f64),
                    bytes: usize| {
            println!(
                "| {label} | {rows} | {phase} | {secs:.2} | {:.0} | {requests} | {before:.0} | {peak:.0} | {bytes} |",
                rows as f64 / secs
            );
        };
        let before = reset(host.pid());
        let started = Instant::now();
        let cut = host.call(
            "POST",
            "/api/releases",
            Some(ADMIN),
            Body::Json(json!({ "filters": { "modality": modality }, "formats": ["jsonl", "hf"] })),
        );
        anyhow::ensure!(
            cut.status == 201 || cut.status == 202,
            "cut: {:?}",
            cut.json()
        );
        let mut requests = 1;
        let mut release = cut.json();
        while release["state"] != "published" {
            let r = host.call(
                "POST",
                &format!("/api/releases/{number}/build"),
                Some(ADMIN),
                Body::None,
            );
            anyhow::ensure!(r.status == 200, "build: {:?}", r.json());
            release = r.json();
            requests += 1;
        }
        anyhow::ensure!(release["rows"] == rows, "{release}");
        line(
            "cut + build",
            started.elapsed().as_secs_f64(),
            requests,
            (before, peak_rss_mib(host.pid())),
            0,
        );
        let mut files = Vec::new();
        for format in ["jsonl", "hf"] {
            let before = reset(host.pid());
            let started = Instant::now();
            let r = host.call(
                "GET",
                &format!("/api/releases/{number}/download?format={format}"),
                Some(ADMIN),
                Body::None,
            );
            let secs = started.elapsed().as_secs_f64();
            anyhow::ensure!(r.status == 200, "download {format}");
            let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&r.body));
            anyhow::ensure!(
                release["files"][format]["sha256"] == sha,
                "{format}: not the recorded bytes"
            );
            line(
                &format!("download {format}"),
                secs,
                1,
                (before, peak_rss_mib(host.pid())),
                r.body.len(),
            );
            let suffix = if format == "hf" { "hf.tar" } else { "jsonl" };
            let path = dir.path().join(format!("v{number}.{suffix}"));
            std::fs::write(&path, &r.body)?;
            files.push(path);
        }
        let manifest = host.call(
            "GET",
            &format!("/api/releases/{number}/manifest"),
            Some(ADMIN),
            Body::None,
        );
        let manifest_path = dir.path().join(format!("v{number}.manifest"));
        std::fs::write(&manifest_path, &manifest.body)?;
        drop(manifest);
        let (secs, rss, ok, said) = run_measured(
            std::process::Command::new(e2e::worker_binary())
                .args([
                    "verify-release",
                    "--api",
                    &host.base,
                    "--vkey",
                    &vkey,
                    "--release",
                    &number.to_string(),
                    "--manifest",
                ])
                .arg(&manifest_path)
                .args(&files),
        )?;
        anyhow::ensure!(ok, "verify-release failed: {said}");
        line("verify-release (jsonl + hf)", secs, 0, (0.0, rss), 0);
    }
    Ok(())
}

/// Bulk import through the real components: 100,000 text rows in requests of 10,000
/// lines and 2,000 distinct voice files (64 KiB WAVs) in requests of 250, against
/// 2,000 single text contributions sent one after another in the same run.
/// Label Studio 1.23.2's bulk import of the same 100,000 texts (10 requests), run by
/// `tests/bench/label_studio_import.py` in the venv `scripts/prepare-label-studio`
/// makes: its table row.
fn label_studio_import() -> anyhow::Result<String> {
    let root = e2e::workspace_root();
    let prepared = std::process::Command::new(root.join("scripts/prepare-label-studio"))
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(prepared.status.success(), "prepare-label-studio failed");
    let python = String::from_utf8(prepared.stdout)?;
    let run = std::process::Command::new(python.trim())
        .arg(root.join("tests/bench/label_studio_import.py"))
        .args(["10", "10000"])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(run.status.success(), "label_studio_import.py failed");
    Ok(String::from_utf8(run.stdout)?)
}

fn import() -> anyhow::Result<()> {
    use base64::Engine as _;
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", "bench")])?;
    let token = host.new_user("bench", "bench");
    println!("\n| what | rows | requests | seconds | rows/s | host peak RSS MiB |\n|---|---|---|---|---|---|");
    if std::env::args().any(|a| a == "--with-label-studio") {
        print!("{}", label_studio_import()?);
    }
    let reset = || {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", host.pid()), "5");
    };
    let report = |what: &str, rows: usize, requests: usize, secs: f64| {
        println!(
            "| {what} | {rows} | {requests} | {secs:.2} | {:.0} | {:.0} |",
            rows as f64 / secs,
            peak_rss_mib(host.pid())
        );
    };
    reset();
    let started = Instant::now();
    for i in 0..2_000 {
        let body = json!({ "modality": "text", "text": format!("single contribution {i}") });
        let r = host.call("POST", "/api/unified-input", Some(&token), Body::Json(body));
        anyhow::ensure!(r.status == 201, "single: {}", r.status);
    }
    report(
        "POST /api/unified-input, text, sequential",
        2_000,
        2_000,
        started.elapsed().as_secs_f64(),
    );
    // `requests` imports of `lines` lines each, `line(request, i)` making one.
    let imports = |what: &str,
                   requests: usize,
                   lines: usize,
                   line: &dyn Fn(usize, usize) -> serde_json::Value|
     -> anyhow::Result<()> {
        reset();
        let started = Instant::now();
        for request in 0..requests {
            let body: String = (0..lines)
                .map(|i| format!("{}\n", line(request, i)))
                .collect();
            let r = host.call(
                "POST",
                "/api/import",
                Some(&token),
                Body::Raw("application/x-ndjson", body.into_bytes()),
            );
            anyhow::ensure!(
                r.status == 201 && r.json()["import"]["created"] == lines,
                "{what}: {}",
                r.status
            );
        }
        report(
            what,
            requests * lines,
            requests,
            started.elapsed().as_secs_f64(),
        );
        Ok(())
    };
    imports(
        "POST /api/import, text, 10,000 lines a request",
        10,
        10_000,
        &|request, i| json!({ "modality": "text", "text": format!("imported row {request}-{i}, with a comma") }),
    )?;
    imports(
        "POST /api/import, voice (64 KiB WAV), 250 lines a request",
        8,
        250,
        &|request, i| {
            let mut wav = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
            wav.extend(format!("{request}-{i}").bytes());
            wav.resize(64 * 1024, 7);
            json!({ "modality": "voice", "data": base64::engine::general_purpose::STANDARD.encode(wav) })
        },
    )?;
    Ok(())
}
