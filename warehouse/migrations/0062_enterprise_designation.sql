-- 区应急局's lists of units it grades or designates: 工贸行业分级分类 (T35, class A–D from the grading
-- system), 安全生产标准化标杆企业 (T75) and 示范引领企业 (T76). One row per unit, list and year.

CREATE TABLE IF NOT EXISTS fact_enterprise_designation (
    designation_id String,                  -- designation:year:enterprise_id
    designation LowCardinality(String),     -- 工贸分级分类 | 标准化标杆企业 | 示范引领企业
    designation_year UInt16,
    enterprise_id String,
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    grade LowCardinality(String),           -- 分级分类 A | B | C | D; '' for the other lists
    designated_date Date,
    doc_no String,                          -- 认定文号
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY designation_id;
