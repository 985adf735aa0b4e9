//! Archives as import bodies: the files of a zip or tar, read under caps so that a
//! small body cannot expand without bound (an archive bomb). Each file keeps its path
//! inside the archive; a file that cannot be taken (a path leaving the archive, a
//! link, a file over the media limit) is its own problem, not the body's.

use crate::error::ApiError;
use std::io::Read;
use std::path::{Component, Path};

/// What one archive may hold: files, bytes unpacked together, and bytes a file.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Most files (as many as lines a request may carry).
    pub files: usize,
    /// Most bytes the files may expand to, together.
    pub unpacked: u64,
    /// Most bytes one file may have (the media limit).
    pub file: usize,
}

impl Caps {
    /// The caps of `POST /api/import`: [`super::MAX_LINES`] files, 256 MiB unpacked,
    /// and `max_file` bytes a file (`max_media_bytes`).
    pub fn of_import(max_file: usize) -> Self {
        Self {
            files: super::MAX_LINES,
            unpacked: 256 * 1024 * 1024,
            file: max_file,
        }
    }
}

/// The archive formats an import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip file (stored or deflated entries).
    Zip,
    /// A POSIX or GNU tar file (uncompressed).
    Tar,
}

/// One file of an archive: its path inside it, and its bytes or why it was not taken.
pub struct File {
    /// The path as the archive names it (`/`-separated).
    pub path: String,
    /// The bytes, or the problem that refused the file.
    pub bytes: Result<Vec<u8>, ApiError>,
}

/// The regular files of an archive, in archive order; directories are skipped. A body
/// that is not an archive of `kind` is a 400; more files, or more bytes unpacked, than
/// `caps` allow is a 413 and nothing is imported. A file larger than a file's cap is
/// read no further and refused on its own (413).
pub fn read(kind: Kind, body: &[u8], caps: Caps) -> Result<Vec<File>, ApiError> {
    let mut budget = Budget {
        caps,
        files: 0,
        bytes: 0,
    };
    match kind {
        Kind::Zip => read_zip(body, &mut budget),
        Kind::Tar => read_tar(body, &mut budget),
    }
}

/// What an archive has used of its caps so far.
struct Budget {
    caps: Caps,
    files: usize,
    bytes: u64,
}

impl Budget {
    /// Counts one more file; 413 past the cap.
    fn file(&mut self) -> Result<(), ApiError> {
        self.files += 1;
        if self.files > self.caps.files {
            return Err(ApiError::too_large(format!(
                "the archive holds more than {} files; send several",
                self.caps.files
            )));
        }
        Ok(())
    }

    /// Reads one file, no further than a file's cap: its bytes, or a 413 of its own.
    /// Counts what was read; 413 for the body once the archive expands past its cap.
    fn take(&mut self, reader: impl Read) -> Result<Result<Vec<u8>, ApiError>, ApiError> {
        let max_file = self.caps.file;
        let mut bytes = Vec::new();
        reader
            .take(max_file as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ApiError::bad_request(format!("the archive cannot be read: {e}")))?;
        self.bytes += bytes.len() as u64;
        if self.bytes > self.caps.unpacked {
            return Err(ApiError::too_large(format!(
                "the archive expands to more than {} bytes; send several",
                self.caps.unpacked
            )));
        }
        if bytes.len() > max_file {
            return Ok(Err(ApiError::too_large(format!(
                "the file is larger than {max_file} bytes (max_media_bytes)"
            ))));
        }
        Ok(Ok(bytes))
    }
}

/// A path that stays inside the archive: relative, without `..`; `None` otherwise.
fn inside(path: &str) -> Option<String> {
    let p = Path::new(path);
    let safe = p.components().all(|c| matches!(c, Component::Normal(_)))
        && p.components().next().is_some();
    safe.then(|| path.trim_start_matches("./").to_string())
}

fn escapes(path: &str) -> File {
    File {
        path: path.to_string(),
        bytes: Err(ApiError::invalid(format!(
            "the path {path:?} leaves the archive; files are taken from inside it only"
        ))),
    }
}

fn read_zip(body: &[u8], budget: &mut Budget) -> Result<Vec<File>, ApiError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body))
        .map_err(|e| ApiError::bad_request(format!("the body is not a zip archive: {e}")))?;
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| ApiError::bad_request(format!("zip entry {}: {e}", i + 1)))?;
        if entry.is_dir() {
            continue;
        }
        budget.file()?;
        let name = entry.name().to_string();
        let Some(path) = entry.enclosed_name().and(inside(&name)) else {
            files.push(escapes(&name));
            continue;
        };
        if entry.is_symlink() {
            files.push(not_regular(path));
            continue;
        }
        let bytes = budget.take(entry)?;
        files.push(File { path, bytes });
    }
    Ok(files)
}

fn read_tar(body: &[u8], budget: &mut Budget) -> Result<Vec<File>, ApiError> {
    let not_tar =
        |e: std::io::Error| ApiError::bad_request(format!("the body is not a tar archive: {e}"));
    let mut archive = tar::Archive::new(body);
    let mut files = Vec::new();
    for entry in archive.entries().map_err(not_tar)? {
        let entry = entry.map_err(not_tar)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        }
        budget.file()?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(path) = inside(&name) else {
            files.push(escapes(&name));
            continue;
        };
        if !kind.is_file() {
            files.push(not_regular(path));
            continue;
        }
        let bytes = budget.take(entry)?;
        files.push(File { path, bytes });
    }
    Ok(files)
}

fn not_regular(path: String) -> File {
    File {
        bytes: Err(ApiError::invalid(format!(
            "{path} is a link, not a file; archives are read for regular files only"
        ))),
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            // `set_path` refuses `..`; an attacker's tar writes the name bytes directly.
            header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(bytes);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.resize(out.len() + 1024, 0);
        out
    }

    #[test]
    fn files_come_with_their_paths_and_escapes_are_refused_alone() {
        for (kind, body) in [
            (
                Kind::Zip,
                zip_of(&[("a/b.txt", b"hello"), ("../evil.txt", b"x")]),
            ),
            (
                Kind::Tar,
                tar_of(&[("a/b.txt", b"hello"), ("../evil.txt", b"x")]),
            ),
        ] {
            let files = read(kind, &body, caps(1024)).unwrap();
            assert_eq!(files.len(), 2, "{kind:?}");
            assert_eq!(files[0].path, "a/b.txt");
            assert_eq!(files[0].bytes.as_deref().unwrap(), b"hello");
            let e = files[1].bytes.as_ref().unwrap_err();
            assert_eq!(e.status, 422);
            assert!(e.detail.contains("leaves the archive"), "{}", e.detail);
        }
    }

    fn caps(file: usize) -> Caps {
        Caps {
            files: 3,
            unpacked: 1024 * 1024,
            file,
        }
    }

    #[test]
    fn a_bomb_stops_at_its_caps_and_a_large_file_is_refused_alone() {
        // 2 MiB of zeros deflate to a few kilobytes.
        let zeros = vec![0u8; 1024 * 1024];
        let bomb = zip_of(&[("a.bin", &zeros), ("b.bin", &zeros)]);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let e = read(Kind::Zip, &bomb, caps(2 * 1024 * 1024)).err().unwrap();
        assert_eq!(e.status, 413);
        assert!(e.detail.contains("expands to more than"), "{}", e.detail);
        let tiny: &[u8] = b"x";
        let many = zip_of(&[("1", tiny), ("2", tiny), ("3", tiny), ("4", tiny)]);
        let e = read(Kind::Zip, &many, caps(10)).err().unwrap();
        assert_eq!(e.status, 413);
        assert!(e.detail.contains("more than 3 files"), "{}", e.detail);
        let files = read(Kind::Tar, &tar_of(&[("big.wav", &zeros)]), caps(1024)).unwrap();
        assert_eq!(files[0].bytes.as_ref().unwrap_err().status, 413);
    }

    #[test]
    fn a_body_that_is_not_the_archive_is_a_400() {
        assert_eq!(
            read(Kind::Zip, b"not a zip", caps(10))
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            read(Kind::Tar, b"not a tar", caps(10))
                .err()
                .unwrap()
                .status,
            400
        );
    }
}
