//! `native-worker`: the service's native daemon. It talks to the app only over HTTP.
//!
//! - `run`: leases extraction jobs and runs Whisper (voice) and OCR (images) on them.
//! - `extract`: runs the same extraction on a local file (debugging, benchmarks).
//! - `find-pii`: the personal-data detector over texts and images (benchmarks, audits).
//! - `convert-model`: turns a CTranslate2 Whisper model into whisper.cpp's ggml file.
//! - `publish`: writes the public proof site (checkpoint, key, tlog tiles, deletion
//!   list, a browser verifier) for GitHub Pages or any static host.
//! - `witness`: has the log's checkpoints cosigned by its witnesses (C2SP tlog-witness).
//! - `snapshot` / `restore`: age-encrypted logical snapshots of the database.
//! - `verify-release`: checks a downloaded dataset release against the public log.
//! - `import`: brings a folder or zip of texts, voice memos and screenshots in, in batches.

mod api;
mod audio;
mod daemon;
mod extract;
mod find_pii;
mod hashing;
mod import;
mod model;
mod ocr;
mod publish;
mod release_builder;
mod site;
mod snapshot;
mod transcribe;
mod verify_release;
mod witness;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use wire::jobs::JobKind;
use wire::media::Modality;

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

/// The extraction daemon's settings (each also from the environment).
#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// Job kinds to take.
    #[arg(
        long,
        env = "TDS_KINDS",
        value_delimiter = ',',
        value_parser = parse_kind,
        default_values_t = JobKind::ALL.to_vec()
    )]
    kinds: Vec<JobKind>,
    /// Jobs run at once.
    #[arg(long, env = "TDS_CONCURRENCY", default_value_t = 1)]
    concurrency: usize,
    /// Name in the job table and logs [default: host-pid].
    #[arg(long, env = "TDS_WORKER_ID")]
    worker_id: Option<String>,
    /// Lease length asked for; the lease is extended every third of it.
    #[arg(long, env = "TDS_LEASE_SECONDS", default_value_t = 60)]
    lease_seconds: u64,
    /// Longest pause between polls when idle.
    #[arg(long, env = "TDS_IDLE_MAX_MS", default_value_t = 2000)]
    idle_max_ms: u64,
    #[command(flatten)]
    engines: EngineArgs,
}

/// Which models and engines extraction uses (each also from the environment).
#[derive(clap::Args)]
struct EngineArgs {
    /// whisper.cpp ggml model [default: the file scripts/prepare-model writes].
    #[arg(long, env = "TDS_WHISPER_MODEL")]
    whisper_model: Option<PathBuf>,
    /// Threads per transcription [default: cores / concurrency].
    #[arg(long, env = "TDS_WHISPER_THREADS")]
    whisper_threads: Option<usize>,
    /// Run Whisper on the GPU (needs a `cuda` build).
    #[arg(long, env = "TDS_WHISPER_GPU")]
    whisper_gpu: bool,
    /// OCR engine.
    #[arg(long, env = "TDS_OCR_ENGINE", value_enum, default_value = "tesseract")]
    ocr_engine: OcrEngineName,
    /// Tesseract language data directory [default: the system's].
    #[arg(long, env = "TDS_TESSDATA")]
    tessdata: Option<PathBuf>,
    /// Tesseract language.
    #[arg(long, env = "TDS_OCR_LANGUAGE", default_value = "eng")]
    ocr_language: String,
    /// ocrs detection model (`text-detection.rten`).
    #[arg(
        long,
        env = "TDS_OCRS_DETECTION_MODEL",
        default_value = "text-detection.rten"
    )]
    ocrs_detection_model: PathBuf,
    /// ocrs recognition model (`text-recognition.rten`).
    #[arg(
        long,
        env = "TDS_OCRS_RECOGNITION_MODEL",
        default_value = "text-recognition.rten"
    )]
    ocrs_recognition_model: PathBuf,
}

/// The OCR backends.
#[derive(Clone, Copy, clap::ValueEnum)]
enum OcrEngineName {
    Tesseract,
    Ocrs,
}

#[derive(Subcommand)]
enum Command {
    /// Lease and run extraction jobs (Whisper, OCR) until SIGINT/SIGTERM.
    Run(RunArgs),
    /// Extract text from a local file as a job would, and print it with timings (JSON).
    Extract {
        /// A voice memo (WAV/FLAC/MP3/OGG) or an image (PNG/JPEG/WebP).
        file: PathBuf,
        /// Run it this many times (timings of each run are printed).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        #[command(flatten)]
        engines: EngineArgs,
    },
    /// Find personal data in texts and images given as JSONL on stdin (`{"id", "text",
    /// "names"?}` or `{"id", "image": path}`); one JSON line of findings per item on stdout.
    FindPii {
        #[command(flatten)]
        engines: EngineArgs,
    },
    /// Convert a CTranslate2 Whisper model directory (model.bin, vocabulary.txt) to ggml.
    ConvertModel {
        /// The CTranslate2 model directory.
        #[arg(long)]
        from: PathBuf,
        /// The ggml file to write.
        #[arg(long)]
        out: PathBuf,
    },
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
    /// Have the latest checkpoint cosigned by each witness the app lists (variable
    /// log_witnesses), every INTERVAL seconds until SIGINT/SIGTERM.
    Witness {
        #[command(flatten)]
        api: ApiArgs,
        /// One round, then exit (non-zero if a witness did not cosign).
        #[arg(long)]
        once: bool,
        /// Seconds between rounds.
        #[arg(long, env = "TDS_WITNESS_INTERVAL", default_value_t = 30)]
        interval: u64,
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
    /// Check a downloaded release against the public log: its signed statement, its
    /// manifest, its leaf and every row's leaf, each jsonl row against the manifest, and
    /// the signed deletions list (exit 1, saying what failed, if anything does).
    VerifyRelease {
        /// Base URL of the app (or its public mirror of the log and releases).
        #[arg(long, env = "TDS_API")]
        api: String,
        /// The log's verifier key (`/api/publish/summary`, `key.txt` on the site).
        #[arg(long)]
        vkey: String,
        /// The release's number.
        #[arg(long)]
        release: i64,
        /// The release's manifest file.
        #[arg(long)]
        manifest: PathBuf,
        /// A witness's verifier key whose cosignature the checkpoint must carry (repeat).
        #[arg(long)]
        witness: Vec<String>,
        /// Downloaded files of the release (.jsonl checked row by row).
        files: Vec<PathBuf>,
    },
    /// Import a folder (recursively) or a .zip: .txt/.md as texts, .wav/.flac/.mp3/.ogg
    /// as voice, .png/.jpg/.jpeg/.webp as screenshots (a .txt of the same name beside
    /// one is its known text), each file's path as its source_id. Run it again after an
    /// interruption: what is there already is reported, not re-created.
    Import {
        /// Base URL of the app.
        #[arg(long, env = "TDS_API")]
        api: String,
        /// Your token (or the admin's, for ownerless rows).
        #[arg(long, env = "TDS_TOKEN", hide_env_values = true)]
        token: String,
        /// Most files per request.
        #[arg(long, default_value_t = 200)]
        batch_files: usize,
        /// Most MiB of JSONL per request (a larger single file goes alone).
        #[arg(long, default_value_t = 16)]
        batch_mib: usize,
        /// Read and classify every file; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// The folder or .zip file.
        dir: PathBuf,
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
    limit_openmp_threads();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Extract {
            file,
            repeat,
            engines,
        } => extract_file(&file, repeat, &engines),
        Command::FindPii { engines } => {
            find_pii::run(std::io::stdin().lock(), std::io::stdout().lock(), || {
                Ok(extract::Engines {
                    transcriber: None,
                    ocr: Some(engines.ocr().build()?),
                })
            })
        }
        Command::ConvertModel { from, out } => model::convert(&from, &out).map(|sha256| {
            println!("{}  {}", sha256, out.display());
        }),
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
        Command::Witness {
            api,
            once,
            interval,
        } => witness::run(
            &api::Client::new(&api.api, &api.token),
            once,
            std::time::Duration::from_secs(interval.max(1)),
        ),
        Command::Snapshot {
            api,
            out,
            recipient,
        } => snapshot::take(&api::Client::new(&api.api, &api.token), &out, &recipient),
        Command::Import {
            api,
            token,
            batch_files,
            batch_mib,
            dry_run,
            dir,
        } => import::run(
            &api::Client::new(&api, &token),
            &import::Options {
                dir: &dir,
                batch_files: batch_files.clamp(1, 10_000),
                batch_bytes: batch_mib.clamp(1, 60) * 1024 * 1024,
                dry_run,
            },
        ),
        Command::Restore {
            identity,
            file,
            into,
        } => snapshot::restore(&identity, &file, &into),
        Command::VerifyRelease {
            api,
            vkey,
            release,
            manifest,
            witness,
            files,
        } => verify_release::run(
            &api::Client::new(&api, ""),
            &verify_release::Check {
                vkey: &vkey,
                release,
                manifest: &manifest,
                files: &files,
                witnesses: &witness,
            },
        )
        .map(|report| {
            report.iter().for_each(|line| println!("{line}"));
            println!("release {release}: verified");
        }),
    };
    if let Err(e) = result {
        eprintln!("native-worker: {e:#}");
        std::process::exit(1);
    }
}

impl EngineArgs {
    /// Loads the Whisper model, with `threads` unless set explicitly.
    fn transcriber(&self, threads: usize) -> anyhow::Result<Arc<transcribe::Transcriber>> {
        let path = self
            .whisper_model
            .clone()
            .unwrap_or_else(transcribe::default_model_path);
        let threads = self.whisper_threads.unwrap_or(threads).max(1);
        Ok(Arc::new(transcribe::Transcriber::load(
            &path,
            threads,
            self.whisper_gpu,
        )?))
    }

    /// The chosen OCR backend and its files.
    fn ocr(&self) -> ocr::OcrConfig {
        match self.ocr_engine {
            OcrEngineName::Tesseract => ocr::OcrConfig::Tesseract {
                tessdata: self.tessdata.clone(),
                language: self.ocr_language.clone(),
            },
            OcrEngineName::Ocrs => ocr::OcrConfig::Ocrs {
                detection: self.ocrs_detection_model.clone(),
                recognition: self.ocrs_recognition_model.clone(),
            },
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Tesseract's OpenMP threads contend with each other and with Whisper on small hosts
/// (2.4 s vs 0.85 s for a 1920×1080 page on 2 cores); parallelism comes from
/// `--concurrency` instead. libgomp reads `OMP_THREAD_LIMIT` when it is loaded, before
/// `main`, so the process re-executes itself (same pid) with it set; an explicit
/// value is kept.
fn limit_openmp_threads() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    if let Ok(exe) = std::env::current_exe() {
        let err = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("OMP_THREAD_LIMIT", "1")
            .exec();
        eprintln!(
            "native-worker: could not re-execute with OMP_THREAD_LIMIT=1 ({err}); continuing"
        );
    }
}

/// A `--kinds` entry as a job kind.
fn parse_kind(name: &str) -> Result<JobKind, String> {
    JobKind::parse(name)
        .ok_or_else(|| format!("unknown job kind '{name}' ({})", JobKind::names(", ")))
}

/// Loads the engines the requested kinds need, then runs the daemon.
fn run(args: RunArgs) -> anyhow::Result<()> {
    let concurrency = args.concurrency.max(1);
    let wants = |kind: JobKind| args.kinds.contains(&kind);
    let transcriber = match wants(JobKind::Transcribe) {
        true => Some(args.engines.transcriber(cores() / concurrency)?),
        false => None,
    };
    let worker_id = args.worker_id.unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_else(|_| "worker".into());
        format!("{}-{}", host.trim(), std::process::id())
    });
    let options = daemon::Options {
        worker_id,
        ocr: wants(JobKind::Ocr).then(|| args.engines.ocr()),
        kinds: args.kinds,
        concurrency,
        lease_seconds: args.lease_seconds.clamp(2, 3600),
        idle_max: std::time::Duration::from_millis(args.idle_max_ms.max(50)),
        transcriber,
    };
    daemon::run(api::Client::new(&args.api.api, &args.api.token), options)
}

/// `extract`: one local file through the job's own extraction code, timed.
fn extract_file(file: &std::path::Path, repeat: usize, args: &EngineArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let mime = wire::media::sniff(&bytes).context("not a recognised audio or image file")?;
    let voice = mime.starts_with("audio/");
    let load = std::time::Instant::now();
    let mut engines = extract::Engines {
        transcriber: if voice {
            Some(args.transcriber(cores())?)
        } else {
            None
        },
        ocr: if voice {
            None
        } else {
            Some(args.ocr().build()?)
        },
    };
    let load_ms = load.elapsed().as_secs_f64() * 1000.0;
    let modality = if voice {
        Modality::Voice
    } else {
        Modality::Screenshot
    };
    let kind = modality
        .job_kind()
        .context("a medium always has a job kind")?;
    for _ in 0..repeat.max(1) {
        let started = std::time::Instant::now();
        let result = engines.extract(kind, modality, mime, &bytes);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let line = match result {
            Ok(x) => serde_json::json!({
                "text": x.text, "confidence": x.confidence, "engine": x.engine, "model": x.model,
                "layout": x.layout, "load_ms": load_ms, "extract_ms": ms,
            }),
            Err(f) => {
                serde_json::json!({"error": f.error, "retryable": f.retryable, "extract_ms": ms})
            }
        };
        println!("{line}");
    }
    Ok(())
}
