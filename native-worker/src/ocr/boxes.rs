//! Word and line boxes from Tesseract's TSV output (level 4 rows are lines, level 5
//! rows words: left, top, width, height in the pixels it read, and a confidence of
//! 0..100), scaled back to the uploaded image's pixels and kept inside it.

use wire::layout::{Layout, LineBox, Rect, WordBox};

/// The layout in `tsv`, read from an image of size `read` whose original was `original`.
pub fn from_tsv(tsv: &str, read: (u32, u32), original: (u32, u32)) -> Layout {
    let scale = |v: i64, from: u32, to: u32| -> i64 {
        if from == 0 {
            0
        } else {
            (v as f64 * f64::from(to) / f64::from(from)).round() as i64
        }
    };
    let rect = |cols: &[&str]| -> Option<Rect> {
        let n = |i: usize| cols.get(i)?.trim().parse::<i64>().ok();
        let (left, top, width, height) = (n(6)?, n(7)?, n(8)?, n(9)?);
        let (ow, oh) = (i64::from(original.0), i64::from(original.1));
        let x = scale(left, read.0, original.0).clamp(0, ow);
        let y = scale(top, read.1, original.1).clamp(0, oh);
        Some(Rect {
            x,
            y,
            w: scale(width, read.0, original.0).clamp(0, ow - x),
            h: scale(height, read.1, original.1).clamp(0, oh - y),
        })
    };
    let (mut lines, mut boxes): (Vec<LineBox>, Vec<WordBox>) = (Vec::new(), Vec::new());
    for row in tsv.lines() {
        let cols: Vec<&str> = row.split('\t').collect();
        let Some(r) = rect(&cols) else { continue };
        match cols[0] {
            "4" => lines.push(LineBox {
                rect: r,
                text: String::new(),
            }),
            "5" => {
                let text = cols.get(11).map_or("", |t| t.trim());
                let Some(line) = lines.len().checked_sub(1) else {
                    continue;
                };
                if text.is_empty() {
                    continue;
                }
                let confidence = cols[10]
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|c| *c >= 0.0)
                    .map(|c| (c / 100.0).min(1.0));
                let joined = &mut lines[line].text;
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(text);
                boxes.push(WordBox {
                    rect: r,
                    text: text.to_string(),
                    confidence,
                    line,
                });
            }
            _ => {}
        }
    }
    // Lines without a word are dropped, and the words' line numbers follow.
    let kept: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].text.is_empty())
        .collect();
    for b in &mut boxes {
        b.line = kept.iter().position(|&i| i == b.line).unwrap_or(0);
    }
    let lines: Vec<LineBox> = kept.into_iter().map(|i| lines[i].clone()).collect();
    if boxes.is_empty() {
        return Layout::default();
    }
    Layout {
        boxes: Some(boxes),
        lines: Some(lines),
        ..Layout::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t400\t100\t-1\t
4\t1\t1\t1\t1\t0\t10\t10\t200\t30\t-1\t
5\t1\t1\t1\t1\t1\t10\t10\t90\t30\t96.5\tInvoice
5\t1\t1\t1\t1\t2\t110\t12\t100\t28\t91\t4521
4\t1\t1\t1\t2\t0\t0\t0\t0\t0\t-1\t
4\t1\t1\t1\t3\t0\t10\t50\t120\t30\t-1\t
5\t1\t1\t1\t3\t1\t10\t50\t120\t30\t88\tpaid
";

    #[test]
    fn words_get_boxes_lines_and_confidence() {
        let layout = from_tsv(TSV, (400, 100), (400, 100));
        let boxes = layout.boxes.unwrap();
        let lines = layout.lines.unwrap();
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            ["Invoice 4521", "paid"]
        );
        assert_eq!(boxes.len(), 3);
        assert_eq!(
            boxes[1].rect,
            Rect {
                x: 110,
                y: 12,
                w: 100,
                h: 28
            }
        );
        assert_eq!((boxes[1].line, boxes[2].line), (0, 1));
        assert_eq!(boxes[0].confidence, Some(0.965));
    }

    #[test]
    fn boxes_are_scaled_back_to_the_uploaded_image() {
        let layout = from_tsv(TSV, (400, 100), (800, 200));
        assert_eq!(
            layout.boxes.unwrap()[1].rect,
            Rect {
                x: 220,
                y: 24,
                w: 200,
                h: 56
            }
        );
        assert_eq!(from_tsv("", (1, 1), (1, 1)), Layout::default());
    }
}
