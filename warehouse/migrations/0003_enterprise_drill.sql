-- The enterprise registry and the drill facts: the first vertical slice (四不 drill share, T70–T72).
-- Mutable rows: ReplacingMergeTree(_version) keyed by the immutable natural key only, read with FINAL.
-- 18.16 has no is_deleted engine argument, so deletions are a _deleted flag that queries filter on.

CREATE TABLE IF NOT EXISTS dim_enterprise (
    enterprise_id String,               -- 统一社会信用代码 (USCC)
    name String,
    town_code LowCardinality(String),
    park_code LowCardinality(String),
    territorial_unit LowCardinality(String), -- the park when the unit sits in one, else the town
    industry_code LowCardinality(String),
    supervise_dept_code LowCardinality(String),
    scale LowCardinality(String),
    employees UInt32,
    is_high_risk UInt8,
    status LowCardinality(String),
    opened_date Nullable(Date),
    closed_date Nullable(Date),
    dust_type LowCardinality(String),
    dust_workers UInt16,
    has_major_hazard_source UInt8,
    is_hc_producer UInt8,
    std_grade LowCardinality(String),
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY enterprise_id;

CREATE TABLE IF NOT EXISTS fact_drill (
    drill_id String,                    -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,
    organizer_kind LowCardinality(String), -- 企业 | 部门 | 镇街 | 园区 (T70 counts only 企业)
    enterprise_id String,
    enterprise_name String,
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    drill_date Date,
    drill_type LowCardinality(String),  -- 综合 | 专项 | 现场处置
    scenario LowCardinality(String),
    is_evacuation UInt8,
    no_advance_notice UInt8,
    no_script UInt8,
    no_preset_scene UInt8,
    no_preset_location UInt8,
    -- 四不: all four at once (seed L33); rows with two or three flags are the trap this guards against.
    is_sibu UInt8 MATERIALIZED no_advance_notice AND no_script AND no_preset_scene AND no_preset_location,
    participants UInt32,
    verified_by_dept UInt8,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY drill_id;
