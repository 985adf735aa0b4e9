//! End-to-end: a contribution's QR code and UPC-A barcode scan with a real barcode
//! reader (Debian's zbar-tools). Each SVG is rasterised (librsvg) at a whole number
//! of pixels per module; the QR code decodes to the verify URL, the UPC-A (with its
//! 9-module quiet zones) to the row's 12 digits.

use e2e::{Body, TestHost};
use serde_json::json;
use std::process::Command;

const ADMIN: &str = "scan-admin";

/// The viewBox size of an SVG, in modules.
fn modules(svg: &str) -> (usize, usize) {
    let view = svg.split("viewBox=\"0 0 ").nth(1).expect("a viewBox");
    let mut it = view.split(['"', ' ']).map(|n| n.parse().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

/// Rasterises `svg` at `px` pixels per module and returns what zbar reads with only
/// `symbologies` enabled (zbar decodes UPC-A inside its EAN-13 decoder).
fn scan(svg: &str, px: usize, symbologies: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = modules(svg);
    let (svg_path, png_path) = (dir.path().join("code.svg"), dir.path().join("code.png"));
    std::fs::write(&svg_path, svg).unwrap();
    let status = Command::new("rsvg-convert")
        .args([
            "-w",
            &(w * px).to_string(),
            "-h",
            &(h * px).to_string(),
            "-b",
            "white",
            "-o",
        ])
        .arg(&png_path)
        .arg(&svg_path)
        .status()
        .expect("rsvg-convert runs (apt-get install librsvg2-bin; .ci/run does)");
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable"])
        .args(symbologies.iter().map(|s| format!("-S{s}.enable")))
        .arg(&png_path)
        .output()
        .expect("zbarimg runs (apt-get install zbar-tools; .ci/run does)");
    assert!(
        out.status.success(),
        "zbar found no {symbologies:?} in {svg}"
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn the_qr_code_and_the_upc_a_barcode_scan_with_zbar() {
    let host = TestHost::app(&[("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN)]).unwrap();
    let token = host.new_user(ADMIN, "Ada");
    let row = host.contribute(&token, json!({ "modality": "text", "text": "scan me" }));
    let id = row["id"].as_i64().unwrap();
    let svg = |kind: &str| {
        let r = host.call(
            "GET",
            &format!("/api/proofs/{id}/{kind}.svg"),
            Some(&token),
            Body::None,
        );
        assert_eq!(r.status, 200);
        String::from_utf8(r.body).unwrap()
    };
    let qr = svg("qr");
    assert_eq!(
        scan(&qr, 4, &["qrcode"]),
        row["verify_url"].as_str().unwrap()
    );
    let upc = svg("upc");
    assert_eq!(
        modules(&upc),
        (9 + 95 + 9, 40),
        "quiet zones of 9 modules on both sides"
    );
    let digits = row["proof"]["upc"].as_str().unwrap();
    assert_eq!(digits.len(), 12);
    assert_eq!(scan(&upc, 3, &["ean13", "upca"]), digits);
}
