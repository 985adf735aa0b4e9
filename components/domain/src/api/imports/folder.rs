//! An archive of media files as an import, by the rules `native-worker import` has for
//! a folder, except that a file's bytes, not its name, say what it is. With a
//! `manifest.jsonl` at its root, the manifest is the import: each of its lines is an
//! import line whose `path` names its file in the archive (a file the manifest does
//! not name is reported, not imported). Without one, every file is a line: audio
//! becomes a voice row and an image a screenshot, with the text of a sidecar
//! `<name>.txt` beside it as its known text; any other `.txt` file is a text row. Each
//! line's `source_id` is its path.

use super::archive::File;
use super::{jsonl_entries, Entry};
use crate::error::ApiError;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use wire::media::{sniff, Modality};

/// The manifest's name, at the archive's root.
pub const MANIFEST: &str = "manifest.jsonl";

/// The archive's lines, by its manifest or, without one, by its files.
pub fn entries(files: Vec<File>) -> Result<Vec<Entry>, ApiError> {
    let mut by_path: BTreeMap<String, Result<Vec<u8>, ApiError>> = BTreeMap::new();
    for f in files {
        if !hidden(&f.path) {
            by_path.insert(f.path, f.bytes);
        }
    }
    match by_path.remove(MANIFEST) {
        Some(manifest) => by_manifest(&manifest?, by_path),
        None => Ok(by_files(by_path)),
    }
}

/// Files an archiver adds that are nobody's data (`.DS_Store`, `__MACOSX/`); `..` is
/// not hidden but refused (`archive`).
fn hidden(path: &str) -> bool {
    path.split('/')
        .any(|part| (part.starts_with('.') && part != "..") || part == "__MACOSX")
}

fn by_manifest(
    manifest: &[u8],
    mut files: BTreeMap<String, Result<Vec<u8>, ApiError>>,
) -> Result<Vec<Entry>, ApiError> {
    let mut out = jsonl_entries(manifest)
        .map_err(|e| ApiError::bad_request(format!("{MANIFEST}: {}", e.detail)))?;
    let mut named = HashSet::new();
    for entry in &mut out {
        let Ok(value) = &mut entry.value else {
            continue;
        };
        let Some(path) = value
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        if value.get("source_id").is_none() {
            value["source_id"] = json!(path);
        }
        entry.source_id = Some(path.clone());
        let first_time = named.insert(path.clone());
        match files.remove(&path) {
            Some(Ok(bytes)) => entry.file = Some(bytes),
            Some(Err(e)) => entry.value = Err(e),
            None if !first_time => {
                entry.value = Err(ApiError::invalid(format!(
                    "path: {path:?} is an earlier line's file already"
                )))
            }
            None => {
                entry.value = Err(ApiError::invalid(format!(
                    "path: the archive has no file {path:?}"
                )))
            }
        }
    }
    out.extend(files.into_iter().map(|(path, bytes)| {
        let problem = bytes.err().unwrap_or_else(|| {
            ApiError::invalid(format!(
                "{path} is not named in {MANIFEST}; with a manifest, the manifest's lines are the import"
            ))
        });
        Entry::refused(problem).with_source(&path)
    }));
    Ok(out)
}

fn by_files(mut files: BTreeMap<String, Result<Vec<u8>, ApiError>>) -> Vec<Entry> {
    // Sidecars first: a `.txt` beside a media file of the same name is its text.
    let sidecar_of = |path: &str| -> Option<String> {
        let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
        Some(format!("{stem}.txt")).filter(|s| s != path)
    };
    let media: Vec<String> = files
        .iter()
        .filter(|(p, bytes)| {
            !p.ends_with(".txt") && bytes.as_ref().is_ok_and(|b| sniff(b).is_some())
        })
        .map(|(p, _)| p.clone())
        .collect();
    let mut sidecars = BTreeMap::new();
    for path in &media {
        if let Some(side) = sidecar_of(path) {
            if let Some(text) = files.remove(&side) {
                sidecars.insert(path.clone(), (side, text));
            }
        }
    }
    files
        .into_iter()
        .map(|(path, bytes)| {
            let bytes = match bytes {
                Ok(bytes) => bytes,
                Err(e) => return Entry::refused(e).with_source(&path),
            };
            if path.ends_with(".txt") {
                return match String::from_utf8(bytes) {
                    Ok(text) => {
                        Entry::line(json!({ "modality": "text", "text": text, "source_id": path }))
                    }
                    Err(_) => {
                        Entry::refused(ApiError::invalid(format!("{path} is not UTF-8 text")))
                            .with_source(&path)
                    }
                };
            }
            let modality = match sniff(&bytes) {
                Some(mime) if mime.starts_with("audio/") => Modality::Voice,
                Some(mime) if mime.starts_with("image/") => Modality::Screenshot,
                _ => {
                    return Entry::refused(ApiError::unsupported_media(format!(
                        "{path} is not a recognised audio or image file"
                    )))
                    .with_source(&path)
                }
            };
            let mut value = json!({ "modality": modality.as_str(), "source_id": path });
            match sidecars.remove(&path) {
                Some((_, Ok(text))) => match String::from_utf8(text) {
                    Ok(text) => value["text"] = json!(text),
                    Err(_) => {
                        return Entry::refused(ApiError::invalid(format!(
                            "{path}'s sidecar text is not UTF-8"
                        )))
                        .with_source(&path)
                    }
                },
                Some((_, Err(e))) => return Entry::refused(e).with_source(&path),
                None => {}
            }
            Entry {
                file: Some(bytes),
                ..Entry::line(value)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> File {
        File {
            path: path.into(),
            bytes: Ok(bytes.to_vec()),
        }
    }

    fn summary(entries: &[Entry]) -> Vec<(Option<String>, Result<String, u16>)> {
        entries
            .iter()
            .map(|e| {
                let source = e
                    .value
                    .as_ref()
                    .ok()
                    .and_then(|v| v.get("source_id"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or(e.source_id.clone());
                let value = match &e.value {
                    Ok(v) => Ok(v["modality"].as_str().unwrap_or_default().to_string()),
                    Err(p) => Err(p.status),
                };
                (source, value)
            })
            .collect()
    }

    const WAV: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0";

    #[test]
    fn a_manifest_names_the_files_and_the_rest_is_reported() {
        let manifest = b"{\"path\": \"a.wav\", \"modality\": \"voice\"}\n{\"path\": \"gone.wav\", \"modality\": \"voice\"}\n";
        let escaped = File {
            path: "../up.wav".into(),
            bytes: Err(ApiError::invalid("leaves the archive")),
        };
        let files = vec![
            file(MANIFEST, manifest),
            file("a.wav", WAV),
            file("b.wav", WAV),
            escaped,
            file(".DS_Store", b"x"),
        ];
        let entries = entries(files).unwrap();
        assert_eq!(
            summary(&entries),
            [
                (Some("a.wav".into()), Ok("voice".into())),
                (Some("gone.wav".into()), Err(422)),
                (Some("../up.wav".into()), Err(422)),
                (Some("b.wav".into()), Err(422)),
            ]
        );
        assert_eq!(entries[0].file.as_deref(), Some(WAV));
    }

    #[test]
    fn without_a_manifest_every_file_is_a_line_and_a_sidecar_is_its_text() {
        let files = vec![
            file("m/a.wav", WAV),
            file("m/a.txt", b"hello there"),
            file("notes/b.txt", b"a note"),
            file("x.bin", b"\0\x01"),
        ];
        let entries = entries(files).unwrap();
        assert_eq!(
            summary(&entries),
            [
                (Some("m/a.wav".into()), Ok("voice".into())),
                (Some("notes/b.txt".into()), Ok("text".into())),
                (Some("x.bin".into()), Err(415)),
            ]
        );
        assert_eq!(entries[0].value.as_ref().unwrap()["text"], "hello there");
    }
}
