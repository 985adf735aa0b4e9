//! Turns an uploaded voice memo (WAV, FLAC, MP3, OGG/Vorbis) into what Whisper
//! takes: mono f32 samples at 16 kHz. Pure Rust (symphonia decodes, rubato resamples),
//! so a corrupt upload is an error value, never a crash.

use anyhow::{bail, Context, Result};
use rubato::{FftFixedIn, Resampler};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as DecodeError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Whisper's sample rate.
pub const RATE: u32 = 16_000;
/// The longest memo decoded (longer audio is rejected rather than exhausting memory).
pub const MAX_SECONDS: u64 = 2 * 60 * 60;

/// Decodes `bytes` (of media type `mime`) to 16 kHz mono.
pub fn decode_to_16k_mono(bytes: &[u8], mime: &str) -> Result<Vec<f32>> {
    let (samples, rate) = decode_mono(bytes, mime)?;
    resample(&samples, rate)
}

fn extension(mime: &str) -> Option<&'static str> {
    Some(match mime {
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/flac" | "audio/x-flac" => "flac",
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/ogg" | "audio/vorbis" => "ogg",
        _ => return None,
    })
}

/// Decodes every packet of the first audio track, averaging channels.
fn decode_mono(bytes: &[u8], mime: &str) -> Result<(Vec<f32>, u32)> {
    let source = MediaSourceStream::new(
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        Default::default(),
    );
    let mut hint = Hint::new();
    if let Some(ext) = extension(mime) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| anyhow::anyhow!("not a readable audio file ({mime}): {e}"))?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .context("the file has no audio track")?;
    let track_id = track.id;
    let rate = track
        .codec_params
        .sample_rate
        .context("the audio track has no sample rate")?;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| anyhow::anyhow!("unsupported audio codec: {e}"))?;

    let limit = MAX_SECONDS * rate as u64;
    let mut mono = Vec::new();
    let mut bad_packets = 0;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(DecodeError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(DecodeError::ResetRequired) => break,
            Err(e) => bail!("the audio stream is corrupt: {e}"),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(DecodeError::DecodeError(e)) => {
                bad_packets += 1;
                if bad_packets > 8 {
                    bail!("the audio stream is corrupt: {e}");
                }
                continue;
            }
            Err(e) => bail!("the audio stream is corrupt: {e}"),
        };
        let spec = *decoded.spec();
        let channels = spec.channels.count().max(1);
        let mut buffer = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
        buffer.copy_interleaved_ref(decoded);
        mono.extend(
            buffer
                .samples()
                .chunks(channels)
                .map(|frame| frame.iter().sum::<f32>() / channels as f32),
        );
        if mono.len() as u64 > limit {
            bail!("the memo is longer than {} minutes", MAX_SECONDS / 60);
        }
    }
    if mono.is_empty() {
        bail!("the audio file holds no samples");
    }
    Ok((mono, rate))
}

/// Resamples mono audio from `rate` to 16 kHz (FFT resampler, delay trimmed).
fn resample(input: &[f32], rate: u32) -> Result<Vec<f32>> {
    if rate == RATE {
        return Ok(input.to_vec());
    }
    let mut resampler = FftFixedIn::<f32>::new(rate as usize, RATE as usize, 1024, 2, 1)
        .context("creating the resampler")?;
    let expected = (input.len() as u64 * RATE as u64 / rate as u64) as usize;
    let delay = resampler.output_delay();
    let mut out = Vec::with_capacity(expected + delay + 2048);
    // Feed whole chunks; the tail and the flush are padded with silence.
    let mut chunk = vec![0f32; resampler.input_frames_next()];
    let mut pos = 0;
    while out.len() < expected + delay {
        let n = chunk.len().min(input.len().saturating_sub(pos));
        chunk[..n].copy_from_slice(&input[pos..pos + n]);
        chunk[n..].fill(0.0);
        pos += n;
        out.extend_from_slice(&resampler.process(&[&chunk], None)?[0]);
    }
    Ok(out[delay..delay + expected].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(rate: u32, channels: u16, seconds: f32, freq: f32) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for i in 0..(rate as f32 * seconds) as usize {
            let v = (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin();
            for _ in 0..channels {
                w.write_sample((v * 16000.0) as i16).unwrap();
            }
        }
        w.finalize().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn stereo_44k_becomes_16k_mono_of_the_same_length_and_pitch() {
        let samples = decode_to_16k_mono(&wav(44_100, 2, 1.5, 440.0), "audio/wav").unwrap();
        assert_eq!(samples.len(), 24_000);
        // Zero crossings of a 440 Hz tone over 1.5 s: about 2 × 440 × 1.5.
        let crossings = samples
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        assert!((1300..=1340).contains(&crossings), "{crossings}");
        let peak = samples[4000..20000]
            .iter()
            .fold(0f32, |m, v| m.max(v.abs()));
        assert!((0.45..0.52).contains(&peak), "{peak}");
    }

    #[test]
    fn sixteen_khz_passes_through() {
        assert_eq!(
            decode_to_16k_mono(&wav(16_000, 1, 0.5, 200.0), "audio/wav")
                .unwrap()
                .len(),
            8000
        );
    }

    #[test]
    fn corrupt_or_empty_audio_is_a_clear_error() {
        let mut broken = wav(16_000, 1, 0.5, 200.0);
        broken[8..12].copy_from_slice(b"JUNK");
        let err = decode_to_16k_mono(&broken, "audio/wav")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a readable audio file"), "{err}");
        let err = decode_to_16k_mono(&wav(16_000, 1, 0.0, 200.0), "audio/wav")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no samples"), "{err}");
        let err = decode_to_16k_mono(b"hello", "audio/wav")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a readable audio file"), "{err}");
    }
}
