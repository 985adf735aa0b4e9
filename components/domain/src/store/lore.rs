//! The `user_lore` table, and the user's own texts the lore is read from.

use crate::db::{Db, DbError};
use serde_json::{json, Value};

/// A profile to store (one per user; generating again replaces it).
pub struct NewLore<'a> {
    pub user_id: i64,
    /// `#rrggbb`.
    pub color: &'a str,
    pub archetype: &'a str,
    pub origin_story: &'a str,
    pub powers: &'a [String],
    pub weaknesses: &'a [String],
    pub theme_css: &'a str,
    /// `builtin` or `ollama:<model>`.
    pub generator: &'a str,
}

/// Inserts or replaces a user's profile.
pub fn upsert(db: &dyn Db, lore: &NewLore, now: &str) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO user_lore (user_id, color, archetype, origin_story, powers, weaknesses, theme_css, generator, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT(user_id) DO UPDATE SET color = excluded.color, archetype = excluded.archetype, \
         origin_story = excluded.origin_story, powers = excluded.powers, weaknesses = excluded.weaknesses, \
         theme_css = excluded.theme_css, generator = excluded.generator, created_at = excluded.created_at",
        &[
            lore.user_id.into(),
            lore.color.into(),
            lore.archetype.into(),
            lore.origin_story.into(),
            json!(lore.powers).to_string().into(),
            json!(lore.weaknesses).to_string().into(),
            lore.theme_css.into(),
            lore.generator.into(),
            now.into(),
        ],
    )?;
    Ok(())
}

/// A user's lore profile as JSON, if one was generated.
pub fn get(db: &dyn Db, user_id: i64) -> Result<Option<Value>, DbError> {
    let rows = db.execute(
        "SELECT color, archetype, origin_story, powers, weaknesses, generator, created_at FROM user_lore WHERE user_id = ?",
        &[user_id.into()],
    )?;
    let parse = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s));
    Ok(rows.first().map(|r| {
        json!({
            "user_id": user_id,
            "color": r.text("color"),
            "archetype": r.text("archetype"),
            "origin_story": r.text("origin_story"),
            "powers": parse(r.text("powers")),
            "weaknesses": parse(r.text("weaknesses")),
            "generator": r.text("generator"),
            "created_at": r.text("created_at"),
        })
    }))
}

/// A user's stored theme stylesheet.
pub fn theme_css(db: &dyn Db, user_id: i64) -> Result<Option<String>, DbError> {
    let rows = db.execute(
        "SELECT theme_css FROM user_lore WHERE user_id = ?",
        &[user_id.into()],
    )?;
    Ok(rows.first().map(|r| r.text("theme_css")))
}

/// The user's own words the sentiment is read from: their texts and voice transcripts
/// (newest 500, live rows only).
pub fn texts_of(db: &dyn Db, user_id: i64) -> Result<Vec<String>, DbError> {
    let rows = db.execute(
        "SELECT extracted_text FROM training_contributions WHERE user_id = ? AND deleted_at IS NULL \
         AND status = 'complete' AND modality IN ('text', 'voice') AND extracted_text IS NOT NULL \
         ORDER BY id DESC LIMIT 500",
        &[user_id.into()],
    )?;
    Ok(rows.iter().map(|r| r.text("extracted_text")).collect())
}

/// Erases a user's lore profile and theme.
pub fn delete(db: &dyn Db, user_id: i64) -> Result<(), DbError> {
    db.execute("DELETE FROM user_lore WHERE user_id = ?", &[user_id.into()])?;
    Ok(())
}
