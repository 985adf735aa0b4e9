-- 0011: keep what the engines located. Each text version may carry its layout (JSON,
-- wire::layout::Layout): a transcript's timed segments and words, its language and the
-- audio's length; an image's word and line boxes. Erased with the version.

ALTER TABLE text_versions ADD COLUMN layout TEXT;
