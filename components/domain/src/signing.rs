//! Which key signs the log's checkpoints: the `log_signing_key` variable when it is
//! set, else a key the app generates on first use and keeps in the database
//! (`app_secrets`), so a first run needs no configuration and every instance on one
//! database signs with the same key. Setting the variable later takes over; the
//! generated key stays stored, so checkpoints it signed stay verifiable.

use crate::config::Settings;
use crate::db::Db;
use crate::error::ApiError;
use crate::store::secrets;
use tlog::checkpoint::LogKey;

/// The `app_secrets` name of the generated key's seed.
const GENERATED: &str = "log_signing_key";

/// What the dashboard and the log say while the generated key signs.
pub const GENERATED_KEY_WARNING: &str = "checkpoints are signed with a key the app generated and keeps in its database: production should set its own Spin variable log_signing_key (README: rotating the log's key)";

/// The key that signs new checkpoints.
pub fn log_key(db: &dyn Db, settings: &Settings) -> Result<LogKey, ApiError> {
    if let Some(key) = settings.log_key()? {
        return Ok(key);
    }
    let seed = match secrets::get(db, GENERATED)? {
        Some(seed) => seed,
        None => {
            eprintln!("warning: {GENERATED_KEY_WARNING}");
            secrets::get_or_create(db, GENERATED)?
        }
    };
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| ApiError::internal("the stored log key is not a 32-byte seed"))?;
    LogKey::from_seed(seed, &settings.log_origin).map_err(|e| ApiError::unavailable(e.to_string()))
}

/// Verifier keys of earlier keys whose checkpoints this database holds: the
/// generated key, once the variable has taken over.
pub fn retired_verifier_keys(db: &dyn Db, settings: &Settings) -> Result<Vec<String>, ApiError> {
    let Some(current) = settings.log_key()? else {
        return Ok(Vec::new());
    };
    let Some(seed) = secrets::get(db, GENERATED)? else {
        return Ok(Vec::new());
    };
    let Ok(seed) = <[u8; 32]>::try_from(seed) else {
        return Ok(Vec::new());
    };
    let generated = LogKey::from_seed(seed, &settings.log_origin)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok((generated.verifier_key() != current.verifier_key())
        .then(|| generated.verifier_key())
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::native_sqlite::SqliteDb;

    #[test]
    fn the_generated_key_is_made_once_and_the_variable_takes_over() {
        let db = SqliteDb::migrated();
        let unset = Settings::default();
        let first = log_key(&db, &unset).unwrap().verifier_key();
        assert_eq!(
            log_key(&db, &unset).unwrap().verifier_key(),
            first,
            "kept in the database"
        );
        assert!(retired_verifier_keys(&db, &unset).unwrap().is_empty());
        let set = Settings {
            log_signing_key: Some(base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                [3u8; 32],
            )),
            ..Settings::default()
        };
        let configured = log_key(&db, &set).unwrap().verifier_key();
        assert_ne!(configured, first);
        assert_eq!(retired_verifier_keys(&db, &set).unwrap(), vec![first]);
    }
}
