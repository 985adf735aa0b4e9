//! The `user_lore` table.

use crate::db::{Db, DbError};
use serde_json::{json, Value};

/// A user's lore profile as JSON, if one was generated.
pub fn get(db: &dyn Db, user_id: i64) -> Result<Option<Value>, DbError> {
    let rows = db.execute(
        "SELECT color, archetype, origin_story, powers, weaknesses, generator, created_at FROM user_lore WHERE user_id = ?",
        &[user_id.into()],
    )?;
    let parse = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s));
    Ok(rows.first().map(|r| {
        json!({
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
