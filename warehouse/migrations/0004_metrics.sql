-- Every metric of queries/metrics lands here, one row per metric × period × unit.
-- Partitioned by metric so a refresh can drop and rewrite one metric synchronously
-- (ALTER … DELETE is asynchronous on 18.16).

CREATE TABLE IF NOT EXISTS ads_metric_value (
    metric_id String,
    period_type LowCardinality(String), -- year | month
    period_start Date,
    dim_type LowCardinality(String),    -- district | town | park | dept | mine
    dim_code String,                    -- '' for the district as a whole
    numerator Float64,
    denominator Float64,
    value Float64,                      -- in the unit of the metric (percent for shares)
    refreshed_at DateTime('Asia/Shanghai')
) ENGINE = MergeTree PARTITION BY metric_id ORDER BY (metric_id, period_type, period_start, dim_type, dim_code);
