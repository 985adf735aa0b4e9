//! What an export does with personal data (`pii=`): masks it (the default), leaves
//! rows with findings out, or keeps it (the admin only, with a reason). Under `mask`,
//! every text a row carries is masked with typed placeholders (the text, a
//! transcript's segments and words, an image's word and line boxes), and an image's
//! words that hold a finding are filled before the bytes leave; the recordings of
//! voice rows with findings are left out of the `hf` bundle's `voice` config (audio
//! cannot be masked), unless a reviewer dismissed every finding.

use crate::db::Db;
use crate::error::ApiError;
use crate::redaction::{self, Redacted};
use crate::store::contributions::{Contribution, PiiRows};
use crate::store::{pii_findings, release_pii};
use pii::{Finding, Kind};
use std::collections::{BTreeMap, HashMap};
use wire::layout::Layout;

/// The `pii` query parameter of exports: a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PiiPolicy {
    /// Typed placeholders in place of every finding; redacted images.
    #[default]
    Mask,
    /// Rows with findings (or not scanned yet) are left out.
    Drop,
    /// Everything as stored (admin only, logged with a reason).
    Keep,
}

impl PiiPolicy {
    /// Parses the parameter.
    pub fn parse(name: &str) -> Result<Self, ApiError> {
        match name {
            "mask" => Ok(PiiPolicy::Mask),
            "drop" => Ok(PiiPolicy::Drop),
            "keep" => Ok(PiiPolicy::Keep),
            other => Err(ApiError::invalid(format!(
                "pii must be one of mask, drop, keep (got {other:?})"
            ))),
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiPolicy::Mask => "mask",
            PiiPolicy::Drop => "drop",
            PiiPolicy::Keep => "keep",
        }
    }

    /// Which rows the policy leaves out of an export.
    pub fn rows(self) -> PiiRows {
        match self {
            PiiPolicy::Drop => PiiRows::Clean,
            _ => PiiRows::All,
        }
    }
}

/// One row's findings that count, with the text they are spans of.
struct RowFindings {
    text: String,
    findings: Vec<Finding>,
}

/// A page of rows' personal data under `mask` (empty under the other policies).
#[derive(Default)]
pub struct PageFindings {
    by_row: HashMap<i64, RowFindings>,
}

impl PageFindings {
    /// The findings of the current texts of `rows` (one statement); a row never
    /// scanned is scanned here, in memory.
    pub fn read(db: &dyn Db, rows: &[Contribution], policy: PiiPolicy) -> Result<Self, ApiError> {
        if policy != PiiPolicy::Mask {
            return Ok(Self::default());
        }
        let scanned: Vec<(i64, i64)> = rows
            .iter()
            .filter(|r| r.pii_count.is_some_and(|n| n > 0))
            .filter_map(|r| Some((r.id, r.text_version?)))
            .collect();
        let stored = pii_findings::of_versions(db, &scanned)?
            .into_iter()
            .map(|(id, found)| {
                let counting = found.iter().filter(|f| f.counts()).map(|f| f.as_finding());
                (id, counting.collect())
            })
            .collect();
        Ok(Self::of(rows, stored))
    }

    /// The findings release `number` froze for `rows` (its own copy, so later reviews
    /// leave the release as it was cut); a row not scanned then is scanned here.
    pub fn frozen(
        db: &dyn Db,
        number: i64,
        rows: &[Contribution],
        policy: PiiPolicy,
    ) -> Result<Self, ApiError> {
        if policy != PiiPolicy::Mask {
            return Ok(Self::default());
        }
        let ids: Vec<i64> = rows
            .iter()
            .filter(|r| r.pii_count.is_some_and(|n| n > 0))
            .map(|r| r.id)
            .collect();
        Ok(Self::of(rows, release_pii::of_rows(db, number, &ids)?))
    }

    /// The rows' findings that count: `stored` for the rows scanned, the detector's
    /// for the rows never scanned.
    fn of(rows: &[Contribution], mut stored: HashMap<i64, Vec<Finding>>) -> Self {
        let mut by_row = HashMap::new();
        for row in rows {
            let text = row.extracted_text.clone().unwrap_or_default();
            let findings: Vec<Finding> = match row.pii_count {
                None => crate::redaction::detect(row.modality, row.text_source, &text, &[]),
                Some(_) => stored.remove(&row.id).unwrap_or_default(),
            };
            if !findings.is_empty() {
                by_row.insert(row.id, RowFindings { text, findings });
            }
        }
        Self { by_row }
    }

    /// Whether row `id` has findings that count.
    pub fn has(&self, id: i64) -> bool {
        self.by_row.contains_key(&id)
    }

    /// Masks each row's text.
    pub fn mask_rows(&self, rows: &mut [Contribution]) {
        for row in rows {
            if let Some(f) = self.by_row.get(&row.id) {
                row.extracted_text = Some(pii::mask(&f.text, &f.findings));
            }
        }
    }

    /// Row `id`'s layout with its pieces masked.
    fn layout(&self, id: i64, layout: &Layout) -> Layout {
        match self.by_row.get(&id) {
            Some(f) => redaction::mask_layout(layout, &f.text, &f.findings),
            None => layout.clone(),
        }
    }

    /// Masks every layout of the page in place.
    pub fn mask_layouts(&self, layouts: &mut HashMap<i64, Layout>) {
        for (id, layout) in layouts.iter_mut() {
            if self.by_row.contains_key(id) {
                *layout = self.layout(*id, layout);
            }
        }
    }

    /// Row `id`'s image (`bytes`, its words located by `layout`) redacted.
    pub fn redact_image(&self, id: i64, bytes: Vec<u8>, layout: Option<&Layout>) -> Redacted {
        match self.by_row.get(&id) {
            Some(f) => redaction::redact_image(bytes, layout, &f.text, &f.findings),
            None => Redacted::Unchanged(bytes),
        }
    }

    /// Adds the page's findings to `counts` (per kind) and returns the rows with any.
    pub fn count_into(&self, counts: &mut BTreeMap<Kind, u64>) -> u64 {
        for f in self.by_row.values() {
            for one in &f.findings {
                *counts.entry(one.kind).or_default() += 1;
            }
        }
        self.by_row.len() as u64
    }
}

/// What an export did with personal data, for its dataset card and its log entry.
#[derive(Debug, Clone, Default)]
pub struct PiiSummary {
    /// The policy.
    pub policy: PiiPolicy,
    /// Findings masked, per kind.
    pub masked: BTreeMap<Kind, u64>,
    /// Rows whose text was masked.
    pub rows_masked: u64,
    /// Images filled.
    pub images_redacted: u64,
    /// Images left out because their findings could not be located in them.
    pub images_left_out: u64,
    /// Voice recordings left out because their transcripts hold findings.
    pub audio_left_out: u64,
}
