//! The pure half of the optional Ollama path: the prompt, the `POST /api/generate`
//! request body, and checking the model's reply. Any error sends the caller back to the
//! built-in generator.

use super::{Analysis, Generated};
use serde_json::{json, Map, Value};

/// The most powers and weaknesses kept from a model's reply, matching the built-in
/// generator's ranges; extra items are dropped.
const MAX_POWERS: usize = 5;
const MAX_WEAKNESSES: usize = 4;

/// The instructions for the model: the colour reading, the mood, and the exact JSON
/// shape to answer in.
pub fn prompt(a: &Analysis) -> String {
    let s = &a.sentiment;
    let voice = if s.texts == 0 {
        "They have not shared any texts yet, so their voice is still a mystery.".to_string()
    } else {
        format!(
            "Across {} texts, their average VADER sentiment (compound, -1 to 1) is {:.2}, which reads as {}.",
            s.texts,
            s.mean_compound,
            s.mood.word()
        )
    };
    format!(
        "You write short, playful fantasy character profiles for the contributors of a \
         community data project.\n\
         This contributor chose the colour {hex} ({shade} {family}); colour psychology links \
         it with {traits}.\n\
         {voice}\n\
         Invent their lore. Reply with only a JSON object with exactly these keys:\n\
         \"archetype\": a title of 2 to 5 words,\n\
         \"origin_story\": one paragraph of 4 to 6 sentences that draws on the colour and the mood,\n\
         \"powers\": an array of 3 to 5 short strings,\n\
         \"weaknesses\": an array of 2 to 4 short strings.\n\
         Keep it kind and suitable for all ages.",
        hex = a.color,
        shade = a.reading.shade.word(),
        family = a.reading.family.name(),
        traits = a.reading.traits.join(", "),
    )
}

/// The body of a non-streaming, JSON-mode `POST /api/generate`.
pub fn request_body(model: &str, prompt: &str) -> Value {
    json!({ "model": model, "prompt": prompt, "stream": false, "format": "json" })
}

/// The lore inside Ollama's non-streaming reply (`{"response": "<json>", "done": true,
/// ...}`), or what is wrong with it.
pub fn parse_response(body: &[u8]) -> Result<Generated, String> {
    let outer: Value =
        serde_json::from_slice(body).map_err(|e| format!("Ollama's reply is not JSON: {e}"))?;
    if let Some(error) = outer.get("error") {
        return Err(format!("Ollama reported an error: {error}"));
    }
    if outer.get("done") == Some(&Value::Bool(false)) {
        return Err("Ollama's reply is incomplete (\"done\": false)".into());
    }
    let inner = outer
        .get("response")
        .and_then(Value::as_str)
        .ok_or("Ollama's reply has no \"response\" string")?;
    let lore: Value = serde_json::from_str(inner)
        .map_err(|e| format!("the model's response is not JSON: {e}"))?;
    let lore = lore
        .as_object()
        .ok_or("the model's response is not a JSON object")?;
    Ok(Generated {
        archetype: text(lore, "archetype")?,
        origin_story: text(lore, "origin_story")?,
        powers: list(lore, "powers", MAX_POWERS)?,
        weaknesses: list(lore, "weaknesses", MAX_WEAKNESSES)?,
    })
}

fn text(lore: &Map<String, Value>, key: &str) -> Result<String, String> {
    let value = lore
        .get(key)
        .ok_or(format!("the model's response has no \"{key}\""))?;
    non_empty(value).ok_or(format!("\"{key}\" must be a non-empty string"))
}

fn list(lore: &Map<String, Value>, key: &str, max: usize) -> Result<Vec<String>, String> {
    let wrong = || format!("\"{key}\" must be a non-empty array of non-empty strings");
    let items = lore
        .get(key)
        .ok_or(format!("the model's response has no \"{key}\""))?
        .as_array()
        .ok_or_else(wrong)?;
    let items: Option<Vec<String>> = items.iter().map(non_empty).collect();
    match items {
        Some(mut items) if !items.is_empty() => {
            items.truncate(max);
            Ok(items)
        }
        _ => Err(wrong()),
    }
}

fn non_empty(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lore::analyse;

    fn reply(inner: Value) -> Vec<u8> {
        let outer = json!({
            "model": "llama3.2",
            "created_at": "2024-01-01T00:00:00Z",
            "response": inner.to_string(),
            "done": true,
            "done_reason": "stop",
        });
        serde_json::to_vec(&outer).unwrap()
    }

    fn good() -> Value {
        json!({
            "archetype": "The Ember Knight",
            "origin_story": "Born in fire. Raised by embers.",
            "powers": ["Fire walk", " Courage ", "Heat shield"],
            "weaknesses": ["Impatience", "Burnout"],
        })
    }

    #[test]
    fn prompt_carries_the_analysis_and_the_format() {
        let texts = vec!["The book was good.".to_string()];
        let p = prompt(&analyse("red", &texts).unwrap());
        for needle in [
            "#e53935",
            "vivid red",
            "passion",
            "0.44",
            "hopeful",
            "\"origin_story\"",
            "JSON",
        ] {
            assert!(p.contains(needle), "{needle} missing from {p}");
        }
        let silent = prompt(&analyse("red", &[]).unwrap());
        assert!(silent.contains("not shared any texts"), "{silent}");
    }

    #[test]
    fn request_body_is_non_streaming_json_mode() {
        let body = request_body("llama3.2", "hi");
        assert_eq!(
            body,
            json!({"model": "llama3.2", "prompt": "hi", "stream": false, "format": "json"})
        );
    }

    #[test]
    fn parses_a_good_reply_and_trims_items() {
        let g = parse_response(&reply(good())).unwrap();
        assert_eq!(g.archetype, "The Ember Knight");
        assert_eq!(g.origin_story, "Born in fire. Raised by embers.");
        assert_eq!(g.powers, ["Fire walk", "Courage", "Heat shield"]);
        assert_eq!(g.weaknesses, ["Impatience", "Burnout"]);
    }

    #[test]
    fn keeps_at_most_five_powers_and_four_weaknesses() {
        let mut v = good();
        v["powers"] = json!(["a", "b", "c", "d", "e", "f", "g"]);
        v["weaknesses"] = json!(["a", "b", "c", "d", "e"]);
        let g = parse_response(&reply(v)).unwrap();
        assert_eq!((g.powers.len(), g.weaknesses.len()), (5, 4));
    }

    #[test]
    fn rejects_bad_replies_with_a_reason() {
        let with = |key: &str, value: Value| {
            let mut v = good();
            v[key] = value;
            reply(v)
        };
        let without = |key: &str| {
            let mut v = good();
            v.as_object_mut().unwrap().remove(key);
            reply(v)
        };
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"not json".to_vec(), "not JSON"),
            (
                br#"{"error":"model 'x' not found"}"#.to_vec(),
                "model 'x' not found",
            ),
            (br#"{"response":"{}","done":false}"#.to_vec(), "incomplete"),
            (br#"{"done":true}"#.to_vec(), "no \"response\""),
            (
                br#"{"response":42,"done":true}"#.to_vec(),
                "no \"response\"",
            ),
            (reply(json!("just a string")), "not a JSON object"),
            (
                serde_json::to_vec(&json!({"response": "{oops", "done": true})).unwrap(),
                "not JSON",
            ),
            (without("archetype"), "no \"archetype\""),
            (with("archetype", json!("  ")), "\"archetype\" must be"),
            (
                with("origin_story", json!(["a"])),
                "\"origin_story\" must be",
            ),
            (without("powers"), "no \"powers\""),
            (with("powers", json!("fire")), "\"powers\" must be"),
            (with("powers", json!([])), "\"powers\" must be"),
            (
                with("weaknesses", json!(["ok", 3])),
                "\"weaknesses\" must be",
            ),
            (
                with("weaknesses", json!(["ok", ""])),
                "\"weaknesses\" must be",
            ),
        ];
        for (body, reason) in cases {
            let err = parse_response(&body).unwrap_err();
            assert!(err.contains(reason), "{err:?} should mention {reason:?}");
        }
    }
}
