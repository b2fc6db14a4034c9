-- Reference data, loaded from warehouse/refdata/*.csv by `safetydw migrate`.
-- Targets are data: dashboards and bulletins read thresholds from ref_target, never from code.
-- Columns mirror the CSV headers one to one.

CREATE TABLE IF NOT EXISTS ref_target (
    target_id String,
    section String,
    seed_line UInt16,
    kind LowCardinality(String),        -- M | L | M+L
    quote String,                       -- the seed's words
    metric_id String,
    comparator LowCardinality(String),  -- >= | <= | = | done | trend | ''
    threshold Nullable(Float64),
    unit LowCardinality(String),
    deadline Nullable(Date),
    period_year UInt16,                 -- 0 when the target is not tied to one calendar year
    period_type LowCardinality(String),
    assumption String
) ENGINE = MergeTree ORDER BY target_id;

CREATE TABLE IF NOT EXISTS dim_town (
    town_code String,
    name String,
    kind LowCardinality(String),
    sort_order UInt8
) ENGINE = MergeTree ORDER BY town_code;

CREATE TABLE IF NOT EXISTS ref_alias (
    kind LowCardinality(String),        -- town | park | dept
    alias String,
    code String
) ENGINE = MergeTree ORDER BY (kind, alias);

CREATE TABLE IF NOT EXISTS dim_park (
    park_code String,
    name String,
    park_type LowCardinality(String),
    level LowCardinality(String),
    is_chemical_park UInt8,
    town_code String,
    required_safety_staff UInt16
) ENGINE = MergeTree ORDER BY park_code;

CREATE TABLE IF NOT EXISTS dim_department (
    dept_code String,
    name String,
    short_name String,
    dept_type String,
    has_safety_penalty_power UInt8,
    in_zero_penalty_ranking UInt8
) ENGINE = MergeTree ORDER BY dept_code;

CREATE TABLE IF NOT EXISTS dim_industry (
    industry_code String,
    name String,
    parent_code String,
    level UInt8,
    is_high_risk UInt8,
    lead_dept_code String
) ENGINE = MergeTree ORDER BY industry_code;

CREATE TABLE IF NOT EXISTS dim_coal_mine (
    mine_id String,
    name String,
    town_code String,
    operator String
) ENGINE = MergeTree ORDER BY mine_id;

CREATE TABLE IF NOT EXISTS ref_training_cohort (
    year UInt16,
    industry_code String,
    role String
) ENGINE = MergeTree ORDER BY (year, industry_code, role);
