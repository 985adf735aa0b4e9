//! A user's lore profile kept: the profile written from their colour and texts (by
//! `crate::lore`, with or without Ollama) replaces any earlier one, with its
//! `lore_generated` entry.

use crate::context::Origin;
use crate::db::{transaction, Db, DbError};
use crate::store::activity::Activity;
use crate::store::lore::{self, NewLore};
use serde_json::json;

/// Stores `profile` for its user; `fallback` says why the built-in writer was used.
pub fn keep(
    db: &dyn Db,
    origin: &Origin,
    profile: &NewLore,
    fallback: Option<&str>,
) -> Result<(), DbError> {
    let now = crate::clock::now();
    transaction(db, || {
        lore::upsert(db, profile, &now)?;
        let data = json!({ "color": profile.color, "archetype": profile.archetype, "generator": profile.generator, "fallback": fallback });
        origin.log(
            db,
            Activity::LoreGenerated,
            Some(profile.user_id),
            data,
            &now,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn a_second_profile_replaces_the_first() {
        let db = fixture::db();
        let ada = fixture::user(&db, "Ada");
        let powers = vec!["focus".to_string()];
        let mut profile = NewLore {
            user_id: ada,
            color: "#336699",
            archetype: "The Scribe",
            origin_story: "Once.",
            powers: &powers,
            weaknesses: &[],
            theme_css: ":root{}",
            generator: "builtin",
        };
        keep(&db, &Origin::default(), &profile, None).unwrap();
        profile.archetype = "The Cartographer";
        keep(&db, &Origin::default(), &profile, Some("ollama timed out")).unwrap();
        let stored = lore::get(&db, ada).unwrap().unwrap();
        assert_eq!(stored["archetype"], "The Cartographer");
        assert_eq!(
            fixture::activity_types(&db)[1..],
            ["lore_generated", "lore_generated"]
        );
    }
}
