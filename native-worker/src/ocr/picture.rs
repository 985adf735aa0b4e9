//! Decodes an uploaded image under memory limits and scales very large ones down,
//! so a huge or hostile screenshot costs bounded memory.

use anyhow::{Context, Result};
use image::{imageops::FilterType, DynamicImage, ImageReader, Limits};

/// The longest side OCR sees; larger images are scaled down (text stays readable).
pub const MAX_SIDE: u32 = 4096;
/// The most memory the decoder may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// A decoded image, ready for OCR.
pub struct Picture {
    /// The pixels OCR reads (scaled down when the image was larger than [`MAX_SIDE`]).
    pub rgb: image::RgbImage,
    /// The uploaded image's own size: boxes are reported in its pixels.
    pub original: (u32, u32),
}

impl Picture {
    /// The image in 8-bit grey.
    pub fn grey(&self) -> image::GrayImage {
        DynamicImage::ImageRgb8(self.rgb.clone()).into_luma8()
    }
}

/// Decodes PNG/JPEG/WebP bytes, flattening transparency onto white.
pub fn decode(bytes: &[u8]) -> Result<Picture> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .context("reading the image")?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(32_768);
    limits.max_image_height = Some(32_768);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| anyhow::anyhow!("not a readable image: {e}"))?;
    let original = (image.width(), image.height());
    let image = if image.width().max(image.height()) > MAX_SIDE {
        image.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle)
    } else {
        image
    };
    let rgba = image.into_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = p[3] as u32;
        let over_white = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([over_white(p[0]), over_white(p[1]), over_white(p[2])])
    });
    Ok(Picture { rgb, original })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, pixel: image::Rgba<u8>) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbaImage::from_pixel(w, h, pixel)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn transparency_becomes_white_and_huge_images_shrink() {
        let p = decode(&png(10, 5, image::Rgba([0, 0, 0, 0]))).unwrap();
        assert_eq!(p.rgb.get_pixel(3, 3).0, [255, 255, 255]);
        let big = decode(&png(8192, 100, image::Rgba([0, 0, 0, 255]))).unwrap();
        assert_eq!((big.rgb.width(), big.rgb.height()), (4096, 50));
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let err = decode(b"\x89PNG\r\n\x1a\nnot really")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("not a readable image"), "{err}");
    }
}
