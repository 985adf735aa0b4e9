//! `native-worker find-pii`: the service's personal-data detector over a JSONL stream,
//! for benchmarks and audits outside the service. Each input line is a text
//! (`{"id", "text", "names"?}`) or an image (`{"id", "image": path}`, read by the same
//! OCR engine as a job, and scanned as the service scans OCR text); each output line gives the findings (kind, character span,
//! confidence) and, for an image, its OCR text and the pixel boxes the service would
//! fill when it redacts it.

use crate::extract::Engines;
use anyhow::Context as _;
use serde::Deserialize;
use serde_json::json;
use std::io::{BufRead, Write};
use wire::media::Modality;

/// One input line.
#[derive(Deserialize)]
struct Item {
    id: serde_json::Value,
    text: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    image: Option<std::path::PathBuf>,
}

/// Reads items from `input`, writes one result line per item to `output`. `ocr` builds
/// the OCR engine, once, when the first image arrives.
pub fn run(
    input: impl BufRead,
    mut output: impl Write,
    ocr: impl Fn() -> anyhow::Result<Engines>,
) -> anyhow::Result<()> {
    let mut engines: Option<Engines> = None;
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let item: Item =
            serde_json::from_str(&line).with_context(|| format!("line {}: not an item", n + 1))?;
        let names: Vec<&str> = item.names.iter().map(String::as_str).collect();
        let result = match (&item.text, &item.image) {
            (Some(text), _) => {
                json!({ "id": item.id, "text": text, "findings": pii::detect(text, &names) })
            }
            (None, Some(path)) => {
                if engines.is_none() {
                    engines = Some(ocr()?);
                }
                let engines = engines.as_mut().context("the OCR engine")?;
                let bytes =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let mime = wire::media::sniff(&bytes).context("not a recognised image")?;
                let kind = Modality::Screenshot
                    .job_kind()
                    .context("screenshots have a job")?;
                let x = engines
                    .extract(kind, Modality::Screenshot, mime, &bytes)
                    .map_err(|f| anyhow::anyhow!("{}: {}", path.display(), f.error))?;
                // Scanned as the service scans an engine's text of a screenshot.
                let source = Some(wire::lifecycle::TextSource::Machine);
                let findings =
                    domain::redaction::detect(Modality::Screenshot, source, &x.text, &names);
                let located = domain::redaction::Located::new(&x.layout, &x.text);
                let boxes: Vec<_> = findings
                    .iter()
                    .flat_map(|f| {
                        located.boxes(std::slice::from_ref(f)).into_iter().map(
                            |r| json!({ "kind": f.kind, "x": r.x, "y": r.y, "w": r.w, "h": r.h }),
                        )
                    })
                    .collect();
                json!({ "id": item.id, "text": x.text, "findings": findings, "boxes": boxes })
            }
            (None, None) => anyhow::bail!("line {}: an item needs text or image", n + 1),
        };
        writeln!(output, "{result}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_get_their_findings_one_line_each() {
        let input = b"{\"id\": \"a\", \"text\": \"mail bo@example.com\"}\n\n{\"id\": 2, \"text\": \"Hi Bo Diddley\", \"names\": [\"Bo Diddley\"]}\n";
        let mut out = Vec::new();
        run(&input[..], &mut out, || anyhow::bail!("no image here")).unwrap();
        let lines: Vec<serde_json::Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines[0]["findings"][0]["kind"], "email");
        assert_eq!(lines[0]["findings"][0]["start"], 5);
        assert_eq!(lines[1]["id"], 2);
        assert_eq!(lines[1]["findings"][0]["kind"], "name");
        assert!(run(&b"{\"id\": 1}\n"[..], Vec::new(), || anyhow::bail!("none")).is_err());
    }
}
