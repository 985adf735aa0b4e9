//! End-to-end: the `format=chat` export read the way OpenAI's tools read it — every
//! message validated by PyPI openai's own `ChatCompletionMessageParam` types and the
//! cookbook's format checks for chat fine-tuning data (`tests/openai/check_chat.py`),
//! for every modality, with and without a system message and with a custom prompt.

use e2e::{Body, TestHost};
use serde_json::json;
use std::path::PathBuf;

const ADMIN: &str = "chat-admin";
const WORKER: &str = "chat-worker";

#[test]
fn chat_exports_pass_openais_types_and_the_cookbooks_checks() {
    let python =
        PathBuf::from(e2e::python::prepared("TDS_OPENAI_PYTHON", "prepare-openai").unwrap());
    let host = TestHost::app(&[
        ("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN),
        ("SPIN_VARIABLE_WORKER_TOKEN", WORKER),
    ])
    .unwrap();
    let ada = host.new_user(ADMIN, "Ada");
    for text in [
        "plain",
        "\"quoted\", ünïcödé\nand a new line",
        "emoji 🎙️ and a tab\t",
    ] {
        host.contribute(&ada, json!({ "modality": "text", "text": text }));
    }
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
    let png = hex::decode("89504e470d0a1a0a00000000").unwrap();
    host.contribute(&ada, json!({ "modality": "screenshot", "data": b64(&png) }));
    host.complete_next_job(WORKER, "ocr", "Invoice 4521");
    let wav = hex::decode("52494646240000005741564566").unwrap();
    host.contribute(&ada, json!({ "modality": "voice", "data": b64(&wav) }));
    host.complete_next_job(WORKER, "transcribe", "The meeting moved to Tuesday.");
    // A screenshot in which OCR found no words: no assistant turn to train on, so
    // `chat` leaves it out (the other formats keep it).
    let blank = hex::decode("89504e470d0a1a0a00000001").unwrap();
    host.contribute(
        &ada,
        json!({ "modality": "screenshot", "data": b64(&blank) }),
    );
    host.complete_next_job(WORKER, "ocr", "");

    let dir = tempfile::tempdir().unwrap();
    for (name, query) in [
        ("default", "format=chat"),
        ("no-system", "format=chat&system="),
        (
            "prompt",
            "format=chat&system=Be%20terse.&prompt=What%20does%20this%20{modality}%20say%3F",
        ),
    ] {
        let r = host.call(
            "GET",
            &format!("/api/training-data/export?{query}"),
            Some(&ada),
            Body::None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-row-count"), Some("5"), "{name}");
        let file = dir.path().join(format!("{name}.jsonl"));
        std::fs::write(&file, &r.body).unwrap();
        let out = e2e::python::check(
            &python,
            "tests/openai/check_chat.py",
            &[file.as_os_str(), "5".as_ref()],
        );
        assert!(out.contains(": 5 chat examples valid"), "{name}: {out}");
    }
}
