//! The 80-band mel filter bank Whisper was trained with (librosa's
//! `filters.mel(sr=16000, n_fft=400, n_mels=80)`: Slaney mel scale, Slaney area
//! normalisation). whisper.cpp reads it from the model file.

/// Sample rate Whisper expects.
pub const SAMPLE_RATE: f64 = 16_000.0;
/// FFT size of Whisper's STFT (25 ms windows).
pub const N_FFT: usize = 400;

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// `n_mels` triangular filters over the `N_FFT / 2 + 1` FFT bins, row-major.
pub fn filter_bank(n_mels: usize) -> Vec<f32> {
    let n_freqs = N_FFT / 2 + 1;
    let fft_freqs: Vec<f64> = (0..n_freqs)
        .map(|i| i as f64 * SAMPLE_RATE / N_FFT as f64)
        .collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut out = Vec::with_capacity(n_mels * n_freqs);
    for m in 0..n_mels {
        let (left, centre, right) = (mel_f[m], mel_f[m + 1], mel_f[m + 2]);
        let norm = 2.0 / (right - left);
        for &f in &fft_freqs {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            let weight = lower.min(upper).max(0.0) as f32;
            out.push((weight as f64 * norm) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from openai-whisper's `assets/mel_filters.npz` (`mel_80`).
    #[test]
    fn matches_whispers_own_filter_bank() {
        let bank = filter_bank(80);
        assert_eq!(bank.len(), 80 * 201);
        let at = |m: usize, f: usize| bank[m * 201 + f];
        let close = |a: f32, b: f32| (a - b).abs() < 1e-7;
        assert!(close(at(0, 1), 0.024_862_59), "{}", at(0, 1));
        assert!(close(at(10, 10), 0.019_908_22), "{}", at(10, 10));
        assert!(close(at(10, 11), 0.004_954_37), "{}", at(10, 11));
        assert!(close(at(79, 196), 0.001_795_04), "{}", at(79, 196));
        assert!(close(at(79, 199), 0.000_448_76), "{}", at(79, 199));
        assert_eq!(at(79, 200), 0.0);
        let sum: f64 = bank.iter().map(|&v| v as f64).sum();
        assert!((sum - 1.999_024_092).abs() < 1e-5, "{sum}");
    }
}
