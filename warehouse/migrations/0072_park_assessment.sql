-- The 园区安全监管评估表 (T25, T28, T50): each park assessed by 应急局 at the end of each half-year:
-- safety supervisors in post (the standard's number is dim_park.required_safety_staff), the
-- 规范化建设 stage and its acceptance day, and for chemical parks the 安全风险等级 (A 高, B 较高,
-- C 一般, D 较低).

CREATE TABLE IF NOT EXISTS fact_park_assessment (
    park_code LowCardinality(String),
    assess_date Date,                       -- 评估日期
    actual_safety_staff UInt16,             -- 实配安全监管人员
    std_status LowCardinality(String),      -- 未启动 | 建设中 | 已验收
    std_done_date Nullable(Date),           -- 规范化建设验收日期; set exactly when 已验收
    risk_grade LowCardinality(String),      -- A | B | C | D, chemical parks only; '' otherwise
    assessor_dept_code LowCardinality(String),
    note String,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (park_code, assess_date);
