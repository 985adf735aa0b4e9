//! Upload checks: media bytes must be of a type their modality takes, and agree with
//! what the client declared. The modalities, their types and the sniffing are the
//! `wire` crate's (the worker reads files with the same code).

use crate::error::ApiError;
use wire::media::{normalize_declared, sniff, Modality};

/// Parses a modality from a request; an unknown name is a 422 listing the four.
pub fn parse_modality(name: &str) -> Result<Modality, ApiError> {
    Modality::parse(name).ok_or_else(|| {
        ApiError::invalid(format!(
            "modality must be one of {} (got {name:?})",
            Modality::names(", ")
        ))
    })
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
    fn unknown_modalities_are_a_422_naming_the_four() {
        let e = parse_modality("video").unwrap_err();
        assert_eq!(e.status, 422);
        assert!(
            e.detail.contains("voice, screenshot, drawing, text"),
            "{}",
            e.detail
        );
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
