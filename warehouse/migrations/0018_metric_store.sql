-- The metric store written by `safetydw metrics refresh` (queries.Refresh). Every refresh writes
-- all metrics under a new refresh_id (its own partition), at its as-of date and at the end of the
-- month before (for "change vs last month"), then records itself complete in ads_metric_refresh.
-- Readers take the latest complete refresh, so two refreshes at once (the scheduler and a manual
-- run) never show a half-written or doubled metric; old refreshes' partitions are dropped.
DROP TABLE IF EXISTS ads_metric_value;

CREATE TABLE IF NOT EXISTS ads_metric_value (
    refresh_id UInt64,
    as_of Date,                         -- the day the values stand at ("today" of the refresh)
    metric_id String,
    period_type LowCardinality(String), -- month | year
    period_start Date,
    period_end Date,                    -- last day counted: the period's end, or as_of when partial
    partial UInt8,                      -- 1 when the period was not over on as_of (2026年1–11月)
    dim_type LowCardinality(String),    -- district | town | park | dept | industry | mine | enterprise
    dim_code String,                    -- '' for the district as a whole
    numerator Float64,
    denominator Float64,
    value Float64                       -- in the metric's unit (percent for shares); nan when undefined
) ENGINE = MergeTree PARTITION BY refresh_id ORDER BY (metric_id, as_of, period_type, dim_type, dim_code, period_start);

CREATE TABLE IF NOT EXISTS ads_metric_refresh (
    refresh_id UInt64,
    as_of Date,
    compare_as_of Date,                 -- the month end before as_of, computed in the same refresh
    started_at DateTime('Asia/Shanghai'),
    finished_at DateTime('Asia/Shanghai'),
    definitions_hash String,            -- sha256 of queries/metrics/*.yaml as refreshed
    metrics UInt32,
    rows UInt64,
    status LowCardinality(String),      -- complete | failed
    error String
) ENGINE = MergeTree ORDER BY refresh_id;

CREATE TABLE IF NOT EXISTS ads_metric_def (
    refresh_id UInt64,
    metric_id String,
    name String,
    unit String,
    direction LowCardinality(String),
    kind LowCardinality(String),
    targets Array(String),
    grains Array(String),
    dimensions Array(String),
    topic String,
    description String,
    definition String                   -- the spec file as it was refreshed
) ENGINE = MergeTree PARTITION BY refresh_id ORDER BY metric_id;

-- Target links live in the metric specs alone (queries/metrics/*.yaml → ads_metric_def.targets).
ALTER TABLE ref_target DROP COLUMN metric_id;

-- Analysts' views of the latest complete refresh.
CREATE VIEW IF NOT EXISTS metric_value AS
SELECT metric_id, period_type, period_start, period_end, partial, dim_type, dim_code, numerator, denominator, value, as_of
FROM ads_metric_value
WHERE (refresh_id, as_of) IN (SELECT refresh_id, as_of FROM ads_metric_refresh WHERE status = 'complete' ORDER BY refresh_id DESC LIMIT 1);

CREATE VIEW IF NOT EXISTS metric_target AS
SELECT metric_id, name, unit, direction, arrayJoin(targets) AS target_id
FROM ads_metric_def
WHERE refresh_id IN (SELECT refresh_id FROM ads_metric_refresh WHERE status = 'complete' ORDER BY refresh_id DESC LIMIT 1);
