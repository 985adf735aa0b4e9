-- 0011: keep what the engines located. Each text version may carry its layout (JSON,
-- wire::layout::Layout): a transcript's timed segments and words, its language and the
-- audio's length; an image's word and line boxes. Erased with the version.

ALTER TABLE text_versions ADD COLUMN layout TEXT;

-- The engine's own signals that an extraction is likely wrong (no speech, a very low
-- mean probability, a transcript much shorter than the audio, a low OCR confidence):
-- the reason, or NULL. The quality scan reports such rows and the review queue offers
-- them first (its partial index of flagged rows keeps that cheap).
ALTER TABLE training_contributions ADD COLUMN extraction_flag TEXT;
CREATE INDEX review_queue_flagged ON training_contributions (id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1
    AND extraction_flag IS NOT NULL;
