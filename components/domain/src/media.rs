//! Modalities and the media types each accepts, recognised from the bytes themselves
//! (magic numbers), never only from what the client declares.

use crate::error::ApiError;

/// The four kinds of contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// A voice memo: WAV, FLAC, MP3 or OGG.
    Voice,
    /// A screenshot: PNG, JPEG or WebP.
    Screenshot,
    /// A drawing: PNG, JPEG or WebP, optionally with stroke points.
    Drawing,
    /// Plain text.
    Text,
}

/// Every modality, in documentation order.
pub const MODALITIES: [Modality; 4] = [
    Modality::Voice,
    Modality::Screenshot,
    Modality::Drawing,
    Modality::Text,
];

impl Modality {
    /// Parses the API name.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        MODALITIES
            .into_iter()
            .find(|m| m.as_str() == name)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "modality must be one of voice, screenshot, drawing, text (got {name:?})"
                ))
            })
    }
    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Voice => "voice",
            Modality::Screenshot => "screenshot",
            Modality::Drawing => "drawing",
            Modality::Text => "text",
        }
    }
    /// Media types accepted for this modality.
    pub fn accepted(self) -> &'static [&'static str] {
        match self {
            Modality::Voice => &["audio/wav", "audio/flac", "audio/mpeg", "audio/ogg"],
            Modality::Screenshot | Modality::Drawing => &["image/png", "image/jpeg", "image/webp"],
            Modality::Text => &["text/plain"],
        }
    }
    /// The extraction job kind, if the content needs one.
    pub fn job_kind(self) -> Option<&'static str> {
        match self {
            Modality::Voice => Some("transcribe"),
            Modality::Screenshot | Modality::Drawing => Some("ocr"),
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

/// Checks media bytes for a modality and returns their real type. A declared type that
/// disagrees with the bytes, or bytes of a type the modality does not take, is a 415.
pub fn validate(
    modality: Modality,
    bytes: &[u8],
    declared: Option<&str>,
) -> Result<&'static str, ApiError> {
    let accepted = modality.accepted().join(", ");
    let actual = sniff(bytes).ok_or_else(|| {
        ApiError::unsupported_media(format!(
            "the {} file is not a recognised media type (accepted: {accepted})",
            modality.as_str()
        ))
    })?;
    if let Some(declared) = declared.and_then(normalize_declared) {
        if declared != actual {
            return Err(ApiError::unsupported_media(format!(
                "declared media type {declared} does not match the content, which is {actual}"
            )));
        }
    }
    if !modality.accepted().contains(&actual) {
        return Err(ApiError::unsupported_media(format!(
            "{actual} is not accepted for {} (accepted: {accepted})",
            modality.as_str()
        )));
    }
    Ok(actual)
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
    fn validation_rules() {
        let png = b"\x89PNG\r\n\x1a\n....";
        assert_eq!(
            validate(Modality::Screenshot, png, Some("image/png")).unwrap(),
            "image/png"
        );
        assert_eq!(
            validate(Modality::Drawing, png, Some("application/octet-stream")).unwrap(),
            "image/png"
        );
        assert_eq!(
            validate(Modality::Voice, png, None).unwrap_err().status,
            415
        );
        assert_eq!(
            validate(Modality::Screenshot, png, Some("image/jpeg"))
                .unwrap_err()
                .status,
            415
        );
        assert_eq!(
            validate(Modality::Voice, b"RIFF\0\0\0\0WAVE", Some("audio/x-wav")).unwrap(),
            "audio/wav"
        );
    }
}
