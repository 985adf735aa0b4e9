//! Whisper transcription through whisper.cpp (`whisper-rs`). One loaded model is
//! shared by every worker thread; each job gets its own decoding state.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};
use wire::layout::{Layout, Segment, TimedWord};

/// The file `scripts/prepare-model base` writes (the multilingual Whisper base), looked
/// for when no path is given.
pub const DEFAULT_MODEL_FILE: &str = "ggml-base.bin";

/// Where `scripts/prepare-model` caches models: `$TDS_MODEL_DIR`, else
/// `$XDG_CACHE_HOME/training-data-service/models`, else `~/.cache/…`.
pub fn default_model_path() -> PathBuf {
    let dir = std::env::var_os("TDS_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(|| PathBuf::from(".cache"))
                .join("training-data-service/models")
        });
    dir.join(DEFAULT_MODEL_FILE)
}

/// A transcript with what the app records about it.
pub struct Transcript {
    /// The whole transcript, trimmed.
    pub text: String,
    /// Mean probability of the spoken tokens, 0..1.
    pub confidence: Option<f64>,
    /// Its segments and words with their times (inside the audio, in order), the
    /// language (`en` for English-only models, else the detected one) and the audio's
    /// length.
    pub layout: Layout,
}

/// A loaded Whisper model.
pub struct Transcriber {
    context: WhisperContext,
    threads: usize,
    model: String,
}

impl Transcriber {
    /// Loads a ggml model; a missing file names what is expected and how to get it.
    pub fn load(path: &Path, threads: usize, gpu: bool) -> Result<Self> {
        if !path.is_file() {
            bail!(
                "no Whisper model at {}: run scripts/prepare-model base (it writes {DEFAULT_MODEL_FILE} there), \
                 or pass --whisper-model with an official whisper.cpp ggml model such as {DEFAULT_MODEL_FILE}",
                path.display()
            );
        }
        whisper_rs::install_logging_hooks();
        let mut params = WhisperContextParameters::default();
        params.use_gpu(gpu);
        let context = WhisperContext::new_with_params(path, params).map_err(|e| {
            anyhow::anyhow!("{} is not a usable whisper.cpp model: {e}", path.display())
        })?;
        let model = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| {
                n.trim_start_matches("ggml-")
                    .trim_end_matches(".bin")
                    .to_string()
            })
            .unwrap_or_else(|| "whisper".into());
        Ok(Self {
            context,
            threads: threads.max(1),
            model,
        })
    }

    /// The model's short name (e.g. `tiny.en`), recorded with each transcript.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Transcribes 16 kHz mono samples.
    pub fn transcribe(&self, samples: &[f32]) -> Result<Transcript> {
        let mut state = self
            .context
            .create_state()
            .context("creating a Whisper state")?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.threads as i32);
        params.set_audio_ctx(audio_context(samples.len()));
        let english_only = !self.context.is_multilingual();
        params.set_language(Some(if english_only { "en" } else { "auto" }));
        params.set_no_context(true);
        params.set_token_timestamps(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        // whisper.cpp wants at least a second of audio; pad short memos with silence.
        let mut padded;
        let audio = if samples.len() < 16_000 + 1600 {
            padded = samples.to_vec();
            padded.resize(16_000 + 1600, 0.0);
            &padded[..]
        } else {
            samples
        };
        state
            .full(params, audio)
            .context("whisper.cpp failed on this audio")?;

        let eot = self.context.token_eot();
        let audio_ms = (samples.len() as i64 * 1000) / 16_000;
        // whisper.cpp's times are in 10 ms units, and may run past a short memo (it was
        // padded) or overlap a little: clamped into the audio and put in order here.
        let clamp = |t: i64, floor: i64| (t * 10).clamp(floor, audio_ms);
        let (mut text, mut probs) = (String::new(), Vec::new());
        let mut segments: Vec<Segment> = Vec::new();
        let mut words: Vec<WordBytes> = Vec::new();
        let mut segment_floor = 0;
        for segment in state.as_iter() {
            let piece = segment
                .to_str_lossy()
                .context("reading a segment")?
                .to_string();
            let mut segment_probs = Vec::new();
            for t in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(t) else {
                    continue;
                };
                if token.token_id() >= eot {
                    continue;
                }
                let p = token.token_probability() as f64;
                segment_probs.push(p);
                let data = token.token_data();
                let word_floor = words.last().map_or(0, |w| w.start_ms);
                let (start, end) = (clamp(data.t0, word_floor), clamp(data.t1, word_floor));
                // Bytes, not text: a character may span two tokens.
                let piece = token.to_bytes().unwrap_or_default();
                // A token that starts with a space starts a word; others continue one.
                match words.last_mut() {
                    Some(word) if !piece.starts_with(b" ") && !word.bytes.is_empty() => {
                        word.bytes.extend_from_slice(piece);
                        word.end_ms = word.end_ms.max(end);
                        word.probability = word.probability.min(p);
                    }
                    _ if piece.iter().all(u8::is_ascii_whitespace) => {}
                    _ => words.push(WordBytes {
                        start_ms: start,
                        end_ms: end.max(start),
                        bytes: piece.to_vec(),
                        probability: p,
                    }),
                }
            }
            let start = clamp(segment.start_timestamp(), segment_floor);
            let end = clamp(segment.end_timestamp(), start);
            segment_floor = end;
            let mean = (!segment_probs.is_empty())
                .then(|| segment_probs.iter().sum::<f64>() / segment_probs.len() as f64);
            segments.push(Segment {
                start_ms: Some(start),
                end_ms: Some(end),
                text: piece.trim().to_string(),
                probability: mean,
                no_speech: Some((segment.no_speech_probability() as f64).clamp(0.0, 1.0)),
            });
            probs.extend(segment_probs);
            text.push_str(&piece);
        }
        let language = if english_only {
            "en".to_string()
        } else {
            whisper_rs::get_lang_str(state.full_lang_id_from_state())
                .unwrap_or("und")
                .to_string()
        };
        let confidence =
            (!probs.is_empty()).then(|| probs.iter().sum::<f64>() / probs.len() as f64);
        Ok(Transcript {
            text: text.trim().to_string(),
            confidence,
            layout: Layout {
                segments: Some(segments),
                words: Some(words.into_iter().map(WordBytes::finish).collect()),
                language: Some(language),
                audio_ms: Some(audio_ms),
                boxes: None,
                lines: None,
            },
        })
    }
}

/// A word as its tokens arrive: bytes until it is complete.
struct WordBytes {
    start_ms: i64,
    end_ms: i64,
    bytes: Vec<u8>,
    /// The lowest probability of its tokens.
    probability: f64,
}

impl WordBytes {
    fn finish(self) -> TimedWord {
        TimedWord {
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            text: String::from_utf8_lossy(&self.bytes).trim().to_string(),
            probability: Some(self.probability),
        }
    }
}

/// The shortest encoder window used: below ~7 s of context tiny.en starts repeating
/// itself on 1–2 s clips (measured on the alsa-utils clips, see BENCHMARKS.md).
const MIN_AUDIO_CTX: usize = 384;

/// whisper.cpp's encoder context for a clip: 50 frames per second of audio plus a
/// margin, so a 2 s memo does not pay for the full 30 s window (1500 frames).
pub fn audio_context(samples: usize) -> i32 {
    let frames = samples.div_ceil(320) + 128;
    frames.clamp(MIN_AUDIO_CTX, 1500) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_clips_use_a_short_encoder_window() {
        assert_eq!(audio_context(2 * 16_000), 384);
        assert_eq!(audio_context(10 * 16_000), 628);
        assert_eq!(audio_context(30 * 16_000), 1500);
        assert_eq!(audio_context(60 * 16_000), 1500);
    }

    #[test]
    fn a_missing_model_names_the_expected_file() {
        let err = Transcriber::load(Path::new("/nowhere/ggml-tiny.en.bin"), 1, false)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("/nowhere/ggml-tiny.en.bin") && err.contains("scripts/prepare-model"),
            "{err}"
        );
    }
}
