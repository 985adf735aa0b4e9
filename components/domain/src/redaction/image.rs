//! A redacted copy of an image: the given boxes filled with black, written as PNG
//! (whatever the original's format), so nothing of what they covered survives.

use wire::layout::Rect;

/// Why an image could not be redacted.
#[derive(Debug)]
pub struct RedactError(pub String);

/// `bytes` (PNG, JPEG or WebP) with each box filled, as PNG.
pub fn fill(bytes: &[u8], boxes: &[Rect]) -> Result<Vec<u8>, RedactError> {
    let mut img = image::load_from_memory(bytes)
        .map_err(|e| RedactError(format!("the image could not be read: {e}")))?
        .into_rgba8();
    let (width, height) = img.dimensions();
    for r in boxes {
        // A pixel of margin round each box: OCR boxes hug the glyphs.
        let x0 = (r.x - 1).clamp(0, width as i64) as u32;
        let y0 = (r.y - 1).clamp(0, height as i64) as u32;
        let x1 = (r.x + r.w + 1).clamp(0, width as i64) as u32;
        let y1 = (r.y + r.h + 1).clamp(0, height as i64) as u32;
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RedactError(format!("the redacted image could not be written: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_boxes_and_keeps_the_rest() {
        let white = image::RgbaImage::from_pixel(40, 20, image::Rgba([255, 255, 255, 255]));
        let mut png = std::io::Cursor::new(Vec::new());
        white.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let out = fill(
            png.get_ref(),
            &[Rect {
                x: 10,
                y: 5,
                w: 5,
                h: 5,
            }],
        )
        .unwrap();
        let img = image::load_from_memory(&out).unwrap().into_rgba8();
        assert_eq!(img.get_pixel(12, 7).0, [0, 0, 0, 255]);
        assert_eq!(img.get_pixel(9, 4).0, [0, 0, 0, 255]);
        assert_eq!(img.get_pixel(30, 15).0, [255, 255, 255, 255]);
        assert!(fill(b"not an image", &[]).is_err());
    }
}
