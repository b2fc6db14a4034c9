-- The district's yearly 安全生产责任制考核 of towns and departments and its 督查激励 selection (T119):
-- one row per unit, year and item, with the score and the result.

CREATE TABLE IF NOT EXISTS fact_assessment_result (
    unit_kind LowCardinality(String),       -- 镇街 | 部门
    unit_code LowCardinality(String),       -- town code or dept code
    assess_year String,                     -- 考核年度, e.g. 2024
    item LowCardinality(String),            -- 安全生产责任制考核 | 督查激励
    score Float64,                          -- 得分 (0–100), 考核 only; 0 for 督查激励
    result LowCardinality(String),          -- 优秀 | 良好 | 合格 | 不合格 | 获得激励 | 未获激励
    note String,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (unit_code, assess_year, item);
