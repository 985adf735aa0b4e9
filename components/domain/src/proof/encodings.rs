//! Human- and machine-friendly encodings of a content hash: hex SHA-256, a 24-word
//! BIP-39 phrase, an EIP-55 checksummed Keccak address, a UPC-A number and barcode,
//! and QR codes. They are the owner's: derived from the unsalted hash, they never go
//! on a public page.

use crate::hashing::sha256_hex;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tiny_keccak::{Hasher, Keccak};

/// Keccak-256 (the pre-standard SHA-3 variant Ethereum uses).
pub fn keccak256(bytes: &[u8]) -> [u8; 32] {
    let mut k = Keccak::v256();
    k.update(bytes);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

/// EIP-55 mixed-case checksum of a 20-byte address, `0x`-prefixed.
pub fn eip55(address: &[u8; 20]) -> String {
    let lower = hex::encode(address);
    let hash = keccak256(lower.as_bytes());
    let mut out = String::from("0x");
    for (i, c) in lower.chars().enumerate() {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
        out.push(if c.is_ascii_alphabetic() && nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// `0x` + EIP-55 of the last 20 bytes of Keccak-256 of the content.
pub fn ethereum_checksum(content: &[u8]) -> String {
    let hash = keccak256(content);
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    eip55(&address)
}

/// The 24-word BIP-39 English mnemonic of a 32-byte hash.
pub fn bip39_words(hash: &[u8; 32]) -> String {
    bip39::Mnemonic::from_entropy(hash)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// The UPC-A check digit of 11 data digits.
pub fn upc_check_digit(data: &[u8; 11]) -> u8 {
    let sum: u32 = data
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A 12-digit UPC-A: 11 data digits from the hash (its first 8 bytes, big-endian,
/// modulo 10^11) and the check digit.
pub fn upc_from_hash(hash: &[u8; 32]) -> String {
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    let n = u64::from_be_bytes(first) % 100_000_000_000;
    let text = format!("{n:011}");
    let mut digits = [0u8; 11];
    for (d, c) in digits.iter_mut().zip(text.bytes()) {
        *d = c - b'0';
    }
    format!("{text}{}", upc_check_digit(&digits))
}

/// The UPC-A barcode as SVG: its bars with the 9-module quiet zones on both sides,
/// 2 px per module, so a scanner (or zbar on a raster of it) reads it.
pub fn upc_svg(upc: &str) -> String {
    // A UPC-A is the EAN-13 with a leading zero; the check digit is verified there.
    let Ok(barcode) = barcoders::sym::ean13::EAN13::new(format!("0{upc}")) else {
        return String::new();
    };
    let modules = barcode.encode();
    let width = modules.len() + 2 * UPC_QUIET_ZONE;
    let mut path = String::new();
    let mut x = 0;
    while x < modules.len() {
        if modules[x] == 0 {
            x += 1;
            continue;
        }
        let start = x;
        while x < modules.len() && modules[x] == 1 {
            x += 1;
        }
        path.push_str(&format!(
            "M{} 0h{}v{UPC_HEIGHT}h-{}z",
            start + UPC_QUIET_ZONE,
            x - start,
            x - start
        ));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {UPC_HEIGHT}\" width=\"{}\" height=\"{}\" shape-rendering=\"crispEdges\"><rect width=\"{width}\" height=\"{UPC_HEIGHT}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
        width * 2,
        UPC_HEIGHT * 2
    )
}

/// White modules UPC-A requires on each side of the bars (its quiet zones).
pub const UPC_QUIET_ZONE: usize = 9;
/// Bar height in modules.
const UPC_HEIGHT: usize = 40;

/// The QR code of `text` (error correction M). The mask is fixed rather than chosen by
/// scoring all eight: every mask decodes, and the scoring is ~98 % of the encoding time
/// (~0.5 ms of a contribution's proof budget; see BENCHMARKS.md).
pub fn qr_code(text: &str) -> Option<qrcodegen::QrCode> {
    let segments = qrcodegen::QrSegment::make_segments(text);
    qrcodegen::QrCode::encode_segments_advanced(
        &segments,
        qrcodegen::QrCodeEcc::Medium,
        qrcodegen::Version::MIN,
        qrcodegen::Version::MAX,
        Some(qrcodegen::Mask::new(2)),
        true,
    )
    .ok()
}

/// A QR code of `text` as SVG, the dark modules drawn as one path of horizontal runs.
pub fn qr_svg(text: &str) -> String {
    let Some(code) = qr_code(text) else {
        return String::new();
    };
    let width = code.size();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if code.get_module(x, y) {
                let start = x;
                while x < width && code.get_module(x, y) {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + quiet, y + quiet));
            } else {
                x += 1;
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"200\" height=\"200\" \
         shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// Every encoding of one content: the `proof` object of the API.
pub fn proof_object(
    content_hash_hex: &str,
    ethereum_checksum: &str,
    qr_data: &str,
    with_svg: bool,
) -> Value {
    let mut hash = [0u8; 32];
    let _ = hex::decode_to_slice(content_hash_hex, &mut hash);
    let upc = upc_from_hash(&hash);
    let mut proof = json!({
        "qr_data": qr_data,
        "upc": upc,
        "sha256": content_hash_hex,
        "bip39_hash": bip39_words(&hash),
        "ethereum_checksum": ethereum_checksum,
    });
    if with_svg {
        proof["qr_svg"] = qr_svg(qr_data).into();
    }
    proof
}

/// The raw 32-byte SHA-256 of content (and its hex form).
pub fn content_hash(content: &[u8]) -> ([u8; 32], String) {
    let raw: [u8; 32] = Sha256::digest(content).into();
    (raw, sha256_hex(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip55_spec_vectors() {
        // The test cases published in EIP-55.
        for expected in [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let mut addr = [0u8; 20];
            hex::decode_to_slice(expected[2..].to_ascii_lowercase(), &mut addr).unwrap();
            assert_eq!(eip55(&addr), expected);
        }
    }

    #[test]
    fn keccak_of_empty_input() {
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert!(ethereum_checksum(b"hello").starts_with("0x"));
        assert_eq!(ethereum_checksum(b"hello").len(), 42);
    }

    #[test]
    fn upc_check_digits() {
        // Published examples: 036000291452 and 012345678905.
        assert_eq!(upc_check_digit(&[0, 3, 6, 0, 0, 0, 2, 9, 1, 4, 5]), 2);
        assert_eq!(upc_check_digit(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]), 5);
        let (hash, _) = content_hash(b"hello");
        let upc = upc_from_hash(&hash);
        assert_eq!(upc.len(), 12);
        let svg = upc_svg(&upc);
        // 95 modules of bars plus a 9-module quiet zone on each side; the first bar
        // starts after the left one.
        assert!(svg.contains("viewBox=\"0 0 113 40\""), "{svg}");
        assert!(svg.contains("<path d=\"M9 0h1v40h-1z"), "{svg}");
    }

    #[test]
    fn bip39_is_24_words_and_reversible() {
        let (hash, _) = content_hash(b"hello");
        let words = bip39_words(&hash);
        assert_eq!(words.split(' ').count(), 24);
        let back = bip39::Mnemonic::parse(&words).unwrap().to_entropy();
        assert_eq!(back, hash);
        // The all-zero entropy vector from the BIP-39 reference set.
        assert!(bip39_words(&[0u8; 32]).ends_with("abandon art"));
    }

    #[test]
    fn qr_codes_decode_back_to_the_url() {
        let url = "https://data.example.org/verify/AbCdEfGhIjKlMnOpQrStUv";
        let code = qr_code(url).unwrap();
        let (scale, quiet) = (4, 4);
        let px = (code.size() + 2 * quiet) * scale;
        let img = rqrr::PreparedImage::prepare_from_greyscale(px as usize, px as usize, |x, y| {
            let (mx, my) = ((x as i32) / scale - quiet, (y as i32) / scale - quiet);
            if code.get_module(mx, my) {
                0
            } else {
                255
            }
        });
        let mut img = img;
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, url);
    }

    #[test]
    fn qr_codes_render() {
        let svg = qr_svg("https://example.com/verify/abc");
        assert!(svg.starts_with("<svg") && svg.contains("<path"));
    }
}
