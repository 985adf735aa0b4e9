//! Modalities and the media types each accepts, recognised from the bytes themselves
//! (magic numbers), never only from what a client declares: the app checks uploads
//! with them and the worker reads a local file's type with the same code.

use crate::jobs::JobKind;

names! {
    /// The four kinds of contribution.
    pub enum Modality {
        /// A voice memo: WAV, FLAC, MP3 or OGG.
        Voice = "voice",
        /// A screenshot: PNG, JPEG or WebP.
        Screenshot = "screenshot",
        /// A drawing: PNG, JPEG or WebP, optionally with stroke points.
        Drawing = "drawing",
        /// Plain text.
        Text = "text",
    }
}

impl Modality {
    /// Media types accepted for this modality.
    pub fn accepted(self) -> &'static [&'static str] {
        match self {
            Modality::Voice => &["audio/wav", "audio/flac", "audio/mpeg", "audio/ogg"],
            Modality::Screenshot | Modality::Drawing => &["image/png", "image/jpeg", "image/webp"],
            Modality::Text => &["text/plain"],
        }
    }

    /// The extraction job kind, if the content needs one.
    pub fn job_kind(self) -> Option<JobKind> {
        match self {
            Modality::Voice => Some(JobKind::Transcribe),
            Modality::Screenshot | Modality::Drawing => Some(JobKind::Ocr),
            Modality::Text => None,
        }
    }
}

/// Recognises a media type from the leading bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let riff = |kind: &[u8]| bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == kind;
    if riff(b"WAVE") {
        Some("audio/wav")
    } else if riff(b"WEBP") {
        Some("image/webp")
    } else if bytes.starts_with(b"fLaC") {
        Some("audio/flac")
    } else if bytes.starts_with(b"OggS") {
        Some("audio/ogg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"ID3")
        || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
    {
        Some("audio/mpeg")
    } else {
        None
    }
}

/// Maps common aliases to the canonical type; `None` for "no real claim"
/// (`application/octet-stream`) so the bytes decide.
pub fn normalize_declared(mime: &str) -> Option<String> {
    let base = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let canonical = match base.as_str() {
        "" | "application/octet-stream" => return None,
        "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => "audio/wav",
        "audio/x-flac" => "audio/flac",
        "audio/mp3" => "audio/mpeg",
        "image/jpg" => "image/jpeg",
        other => other,
    };
    Some(canonical.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_every_accepted_type() {
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some("audio/wav"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"fLaC\0\0"), Some("audio/flac"));
        assert_eq!(sniff(b"OggS\0\0"), Some("audio/ogg"));
        assert_eq!(sniff(b"ID3\x04"), Some("audio/mpeg"));
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90]), Some("audio/mpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"hello"), None);
    }

    #[test]
    fn names_and_job_kinds() {
        assert_eq!(Modality::names(", "), "voice, screenshot, drawing, text");
        assert_eq!(Modality::parse("drawing"), Some(Modality::Drawing));
        assert_eq!(Modality::parse("Drawing"), None);
        assert_eq!(Modality::Voice.job_kind(), Some(JobKind::Transcribe));
        assert_eq!(Modality::Text.job_kind(), None);
        assert_eq!(
            serde_json::to_value(Modality::Screenshot).unwrap(),
            "screenshot"
        );
        assert_eq!(
            normalize_declared("audio/x-wav; codec=1"),
            Some("audio/wav".into())
        );
        assert_eq!(normalize_declared("application/octet-stream"), None);
    }
}
