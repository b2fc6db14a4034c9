-- ETL bookkeeping: one row per run, one per processed file, one per quarantined row, one per watermark.
-- These tables answer "what came in, when, and what was refused" without reading the facts.

CREATE TABLE IF NOT EXISTS etl_runs (
    run_id String,
    job LowCardinality(String),
    source LowCardinality(String),
    started_at DateTime('Asia/Shanghai'),
    finished_at DateTime('Asia/Shanghai'),
    status LowCardinality(String),      -- ok | failed
    rows_read UInt64,
    rows_loaded UInt64,
    rows_quarantined UInt64,
    files_skipped UInt32,               -- files already loaded earlier (same content hash)
    error String
) ENGINE = MergeTree ORDER BY (started_at, run_id);

-- A file is loaded once per content hash: a re-sent identical file is skipped, a corrected one loads.
CREATE TABLE IF NOT EXISTS etl_files (
    source LowCardinality(String),
    sha256 String,
    path String,
    size UInt64,
    rows_read UInt64,
    rows_loaded UInt64,
    rows_quarantined UInt64,
    run_id String,
    loaded_at DateTime('Asia/Shanghai')
) ENGINE = ReplacingMergeTree ORDER BY (source, sha256);

CREATE TABLE IF NOT EXISTS etl_quarantine (
    run_id String,
    source LowCardinality(String),
    locator String,                     -- file path, API page or table the row came from
    locator_sha256 String,              -- content hash of the file, so a corrected file is a new locator
    row_num UInt32,                     -- 1-based physical row (header included)
    field String,
    reason String,
    raw String,
    quarantined_at DateTime('Asia/Shanghai')
) ENGINE = ReplacingMergeTree ORDER BY (source, locator_sha256, row_num);

-- Moved only after the batch it covers was inserted.
CREATE TABLE IF NOT EXISTS etl_watermarks (
    source LowCardinality(String),
    cursor_ts DateTime('Asia/Shanghai'),
    cursor_id String,
    run_id String,
    _version UInt64
) ENGINE = ReplacingMergeTree(_version) ORDER BY source;
