//! Settings read from Spin variables, with the documented defaults.

use crate::error::ApiError;
use tlog::cosignature::WitnessKey;

/// Default largest accepted media file: 25 MiB.
pub const DEFAULT_MAX_MEDIA_BYTES: usize = 25 * 1024 * 1024;
/// Default largest accepted text contribution: 100 KiB.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 100 * 1024;

/// The app's runtime configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `admin_token`; `None` when unset or empty (admin calls then answer 503).
    pub admin_token: Option<String>,
    /// `allow_anonymous`: contributions without a token, owned by nobody (the
    /// ownerless mode; campaigns give anonymous people an account instead).
    pub allow_anonymous: bool,
    /// `campaigns`: open collection campaigns are on (off: their routes answer 404).
    pub campaigns: bool,
    /// `campaign_joins_per_hour`: campaign joins one client address may make in an hour.
    pub campaign_joins_per_hour: usize,
    /// `campaign_contributions_per_hour`: campaign contributions one client address may
    /// make in an hour.
    pub campaign_contributions_per_hour: usize,
    /// `review_votes_required`: how many reviewers' votes decide a row (1: the first
    /// decision is final).
    pub review_votes_required: usize,
    /// `max_media_bytes`: largest voice/screenshot/drawing file.
    pub max_media_bytes: usize,
    /// `max_text_bytes`: largest text contribution (UTF-8 bytes).
    pub max_text_bytes: usize,
    /// `public_base_url`: base of public links (verify URLs); `None` = the request's host.
    pub public_base_url: Option<String>,
    /// `log_origin`: the Merkle log's name in checkpoints (for a bare seed key).
    pub log_origin: String,
    /// `log_signing_key`: Ed25519 key signing checkpoints; `None` = the key the app
    /// generates and keeps in its database (`crate::signing`).
    pub log_signing_key: Option<String>,
    /// `ip_retention_days`: days the activity log keeps full IP addresses.
    pub ip_retention_days: usize,
    /// `worker_token`: bearer token of extraction/publication workers; `None` = unset.
    pub worker_token: Option<String>,
    /// `ollama_url`: base URL of an Ollama server writing lore stories; `None` = the
    /// built-in generator.
    pub ollama_url: Option<String>,
    /// `ollama_model`: the Ollama model asked.
    pub ollama_model: String,
    /// `ollama_timeout_ms`: how long a lore story may take before the built-in
    /// generator is used instead.
    pub ollama_timeout_ms: usize,
    /// `log_witnesses`: the witnesses asked to cosign checkpoints (empty: none).
    pub log_witnesses: Vec<Witness>,
    /// `release_build_steps`: build steps one request runs on a release (each hashes
    /// up to 2,000 rows, hashes the manifest, builds one file or publishes); a release
    /// that needs more goes on in the background.
    pub release_build_steps: usize,
    /// `import_batches_per_request`: batches of 500 lines one request writes of an
    /// import at most (unset, 0 here: as many as 20 seconds allow); an import that needs
    /// more goes on with `POST /api/imports/{id}/continue`, or the worker steps it on.
    pub import_batches_per_request: usize,
}

/// A witness of the log: its cosigning key and where it takes checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// Its cosigning key (the name is the key's).
    pub key: WitnessKey,
    /// Its submission prefix: `<url>/add-checkpoint` takes checkpoints.
    pub url: String,
}

/// Parses `log_witnesses`: entries separated by commas or newlines, each a witness
/// verifier key and its URL separated by a space.
fn witnesses(value: &str) -> Result<Vec<Witness>, ApiError> {
    let bad = |why: String| {
        ApiError::unavailable(format!(
            "variable log_witnesses (\"<vkey> <url>, ...\"): {why}"
        ))
    };
    let mut out: Vec<Witness> = Vec::new();
    for entry in value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (vkey, url) = entry
            .split_once(char::is_whitespace)
            .ok_or_else(|| bad(format!("{entry:?} has no URL after the key")))?;
        let key = WitnessKey::parse(vkey).map_err(|e| bad(e.to_string()))?;
        let url = url.trim().trim_end_matches('/').to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(bad(format!("{url:?} is not an http(s) URL")));
        }
        if out.iter().any(|w| w.key.name == key.name) {
            return Err(bad(format!("witness {} is listed twice", key.name)));
        }
        out.push(Witness { key, url });
    }
    Ok(out)
}

/// Most votes a row may need.
pub const MAX_REVIEW_VOTES: usize = 9;

/// Default Ollama model for lore stories.
pub const DEFAULT_OLLAMA_MODEL: &str = "llama3.2";

/// Default origin line of the log's checkpoints.
pub const DEFAULT_LOG_ORIGIN: &str = "training-data-service/log";

impl Default for Settings {
    fn default() -> Self {
        Self {
            admin_token: None,
            allow_anonymous: false,
            campaigns: false,
            campaign_joins_per_hour: 10,
            campaign_contributions_per_hour: 120,
            review_votes_required: 2,
            max_media_bytes: DEFAULT_MAX_MEDIA_BYTES,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            public_base_url: None,
            log_origin: DEFAULT_LOG_ORIGIN.to_string(),
            log_signing_key: None,
            ip_retention_days: 30,
            worker_token: None,
            ollama_url: None,
            ollama_model: DEFAULT_OLLAMA_MODEL.to_string(),
            ollama_timeout_ms: 8000,
            log_witnesses: Vec::new(),
            release_build_steps: 8,
            import_batches_per_request: 0,
        }
    }
}

impl Settings {
    /// Reads every setting through `get` (a variable lookup; `None` = not set).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ApiError> {
        let defaults = Settings::default();
        let number = |name: &str, default: usize| -> Result<usize, ApiError> {
            match get(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        ApiError::unavailable(format!(
                            "variable {name} must be a positive integer, got {v:?}"
                        ))
                    }),
            }
        };
        let flag = |name: &str| match get(name).as_deref().map(str::trim) {
            None | Some("") | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::unavailable(format!(
                "variable {name} must be true or false, got {other:?}"
            ))),
        };
        Ok(Self {
            admin_token: get("admin_token").filter(|t| !t.is_empty()),
            allow_anonymous: flag("allow_anonymous")?,
            campaigns: flag("campaigns")?,
            campaign_joins_per_hour: number(
                "campaign_joins_per_hour",
                defaults.campaign_joins_per_hour,
            )?,
            campaign_contributions_per_hour: number(
                "campaign_contributions_per_hour",
                defaults.campaign_contributions_per_hour,
            )?,
            review_votes_required: match number("review_votes_required", 2)? {
                n @ 1..=MAX_REVIEW_VOTES => n,
                n => {
                    return Err(ApiError::unavailable(format!(
                        "variable review_votes_required must be between 1 and {MAX_REVIEW_VOTES}, got {n}"
                    )))
                }
            },
            max_media_bytes: number("max_media_bytes", defaults.max_media_bytes)?,
            max_text_bytes: number("max_text_bytes", defaults.max_text_bytes)?,
            public_base_url: get("public_base_url")
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            log_origin: get("log_origin")
                .filter(|o| !o.trim().is_empty())
                .unwrap_or(defaults.log_origin),
            log_signing_key: get("log_signing_key").filter(|k| !k.trim().is_empty()),
            worker_token: get("worker_token").filter(|t| !t.is_empty()),
            ollama_url: get("ollama_url")
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            ollama_model: get("ollama_model")
                .filter(|m| !m.trim().is_empty())
                .unwrap_or(defaults.ollama_model),
            ollama_timeout_ms: number("ollama_timeout_ms", defaults.ollama_timeout_ms)?,
            log_witnesses: witnesses(&get("log_witnesses").unwrap_or_default())?,
            release_build_steps: number("release_build_steps", defaults.release_build_steps)?,
            import_batches_per_request: number(
                "import_batches_per_request",
                defaults.import_batches_per_request,
            )?,
            ip_retention_days: match get("ip_retention_days").as_deref().map(str::trim) {
                None | Some("") => defaults.ip_retention_days,
                Some(v) => v.parse().map_err(|_| {
                    ApiError::unavailable(format!(
                        "variable ip_retention_days must be a whole number of days, got {v:?}"
                    ))
                })?,
            },
        })
    }

    /// The checkpoint signing key, if configured; a malformed key is a 503 naming it.
    pub fn log_key(&self) -> Result<Option<tlog::checkpoint::LogKey>, ApiError> {
        self.log_signing_key
            .as_deref()
            .map(|k| {
                tlog::checkpoint::LogKey::parse(k, &self.log_origin)
                    .map_err(|e| ApiError::unavailable(e.to_string()))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.max_media_bytes, DEFAULT_MAX_MEDIA_BYTES);
        assert!(!s.allow_anonymous && s.admin_token.is_none());
        let s = Settings::from_lookup(|n| match n {
            "admin_token" => Some("secret".into()),
            "allow_anonymous" => Some("true".into()),
            "max_text_bytes" => Some("10".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.admin_token.as_deref(), Some("secret"));
        assert!(s.allow_anonymous);
        assert_eq!(s.max_text_bytes, 10);
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let e =
            Settings::from_lookup(|n| (n == "max_media_bytes").then(|| "lots".into())).unwrap_err();
        assert_eq!(e.status, 503);
        assert!(e.detail.contains("max_media_bytes"));
    }
}
