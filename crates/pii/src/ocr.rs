//! Text read from an image by OCR splits tokens where the glyphs are spaced out:
//! `name@example. com`, `4395-8983 -3669`, `e844: ffb4`. Before detection, a space
//! between a letter or digit and one of `. : - @` that joins it to the next letter or
//! digit is taken out (not before a capital after a full stop: that is a sentence); findings are mapped back to the text as read, so their spans
//! cover the split token whole.

/// Characters that join the parts of an address, a number or a key.
const JOINERS: [char; 4] = ['.', ':', '-', '@'];

/// The text with the stray spaces taken out, and for each of its characters the
/// index of the same character in `text`.
pub fn close_gaps(text: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut kept: Vec<char> = Vec::with_capacity(chars.len());
    let mut map = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let (p, pp) = (kept.last().copied(), kept.iter().rev().nth(1).copied());
            let (n, nn) = (chars.get(i + 1).copied(), chars.get(i + 2).copied());
            let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let joiner = |c: Option<char>| c.is_some_and(|c| JOINERS.contains(&c));
            let before_joiner = alnum(p) && joiner(n) && alnum(nn);
            // After a full stop, only a lower-case letter or a digit goes on a token: an
            // upper-case one starts a sentence.
            let after_joiner = joiner(p)
                && alnum(pp)
                && alnum(n)
                && !(p == Some('.') && n.is_some_and(char::is_uppercase));
            if before_joiner || after_joiner {
                continue;
            }
        }
        out.push(c);
        kept.push(c);
        map.push(i);
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_tokens_and_maps_back() {
        let (closed, map) =
            close_gaps("To: bo@example. com and 4395-8983 -3669, e844: ffb4 :c9. Hi there.");
        assert_eq!(
            closed,
            "To:bo@example.com and 4395-8983-3669, e844:ffb4:c9. Hi there."
        );
        assert_eq!(map[closed.find("com").unwrap()], 16);
    }
}
