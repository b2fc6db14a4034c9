-- The accident register kept by 应急局 (T01, T02, T29–T31). level is the declared level;
-- level_by_numbers applies the 条例 thresholds to the figures, so T01 can count 较大 and worse
-- accidents without trusting the declaration (level_mismatch marks the difference).

CREATE TABLE IF NOT EXISTS fact_accident (
    accident_id String,                     -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- 事故编号
    occurred_at DateTime('Asia/Shanghai'),
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    enterprise_id String,
    unit_name String,
    industry_code LowCardinality(String),
    accident_type LowCardinality(String),   -- the 20 classes of GB 6441
    level LowCardinality(String),           -- declared: 一般 | 较大 | 重大 | 特别重大
    level_by_numbers LowCardinality(String),
    level_mismatch UInt8,
    deaths UInt16,
    serious_injuries UInt16,
    injuries UInt16,
    direct_loss_wan Float64,                -- 万元
    is_production_safety UInt8,
    is_responsibility UInt8,
    is_concealed UInt8,                     -- 瞒报
    report_due Date,
    report_done Nullable(Date),
    criminal_investigation UInt8,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY accident_id;
