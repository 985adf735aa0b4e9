//! Test inputs with known content, made by real tools at test time: speech by
//! espeak-ng, text rendered into PNG by ImageMagick (`/usr/bin/convert`; a `convert`
//! earlier on PATH may be something else).

use std::path::Path;
use std::process::Command;

/// Runs `cmd`, panicking with its stderr when it fails.
pub fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A WAV of `text` spoken by espeak-ng (a clear US voice, slightly slow).
pub fn speech(dir: &Path, name: &str, text: &str) -> Vec<u8> {
    let path = dir.join(name);
    run(Command::new("espeak-ng")
        .args(["-v", "en-us+m3", "-s", "140", "-g", "3", "-w"])
        .arg(&path)
        .arg(text));
    std::fs::read(path).unwrap()
}

/// A `width`×`height` PNG with `lines` of 36-pixel black text on white, plus any
/// extra ImageMagick drawing arguments.
pub fn rendered(
    dir: &Path,
    name: &str,
    size: (u32, u32),
    lines: &[&str],
    extra: &[&str],
) -> Vec<u8> {
    let path = dir.join(name);
    let mut cmd = Command::new("/usr/bin/convert");
    cmd.args(["-size", &format!("{}x{}", size.0, size.1), "xc:white"]);
    cmd.args(["-font", "DejaVu-Sans", "-pointsize", "36", "-fill", "black"]);
    for (i, line) in lines.iter().enumerate() {
        cmd.args(["-annotate", &format!("+30+{}", 70 + 50 * i), line]);
    }
    run(cmd.args(extra).arg(&path));
    std::fs::read(path).unwrap()
}

/// What OCR located in the `rendered` "Invoice 4521" screenshot (600×120): its two
/// word boxes and their line, as a completion carries them.
pub fn invoice_layout() -> serde_json::Value {
    serde_json::json!({
        "boxes": [
            { "x": 30, "y": 40, "w": 120, "h": 36, "text": "Invoice", "confidence": 0.96, "line": 0 },
            { "x": 160, "y": 40, "w": 90, "h": 36, "text": "4521", "confidence": 0.9, "line": 0 },
        ],
        "lines": [{ "x": 30, "y": 40, "w": 220, "h": 36, "text": "Invoice 4521" }],
    })
}
