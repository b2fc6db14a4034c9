-- Monthly bulletin snapshots (queries/snapshot.go). Publishing month M freezes every metric value
-- and item list as of M's cut-off (its last day, China time) under a snapshot id, with the targets,
-- units and derived figures (ranking, completeness) as JSON in the header. Generating M again reads
-- the snapshot, whatever was loaded since. A refreeze writes a new snapshot and a ledger row; the
-- old snapshot is kept. The header is written last: a freeze that failed half-way has no header
-- and is never read.
CREATE TABLE IF NOT EXISTS rpt_snapshot (
    snapshot_id UInt64,
    month Date,                         -- first day of the bulletin month
    as_of Date,                         -- the cut-off: the month's last day
    compare_as_of Date,                 -- the month end before, for "change vs last month"
    definitions_hash String,            -- sha256 of queries/metrics/*.yaml as frozen
    content_hash String,                -- sha256 of the canonical figures (values, lists, frame); no timestamps
    sources Array(String),              -- every source etl_runs knows, by name
    watermarks Array(DateTime('Asia/Shanghai')), -- per source: its last successful load when frozen
    frame String,                       -- JSON: targets, units and derived figures as frozen
    created_at DateTime('Asia/Shanghai'),
    created_by String,
    reason String                       -- empty for a first freeze; the refreeze's reason otherwise
) ENGINE = MergeTree ORDER BY (month, snapshot_id);

CREATE TABLE IF NOT EXISTS rpt_snapshot_value (
    snapshot_id UInt64,
    as_of Date,
    metric_id String,
    period_type LowCardinality(String),
    period_start Date,
    period_end Date,
    partial UInt8,
    dim_type LowCardinality(String),
    dim_code String,
    numerator Float64,
    denominator Float64,
    value Float64
) ENGINE = MergeTree PARTITION BY snapshot_id ORDER BY (metric_id, as_of, period_type, dim_type, dim_code, period_start);

CREATE TABLE IF NOT EXISTS rpt_snapshot_list_row (
    snapshot_id UInt64,
    as_of Date,
    list_id String,
    row_num UInt32,
    cells Array(String)
) ENGINE = MergeTree PARTITION BY snapshot_id ORDER BY (list_id, as_of, row_num);

-- Who refroze which month, when and why: the old snapshot stays readable by its id.
CREATE TABLE IF NOT EXISTS rpt_snapshot_refreeze (
    month Date,
    old_snapshot_id UInt64,
    new_snapshot_id UInt64,
    old_content_hash String,
    new_content_hash String,
    refrozen_at DateTime('Asia/Shanghai'),
    refrozen_by String,
    reason String
) ENGINE = MergeTree ORDER BY (month, refrozen_at);
