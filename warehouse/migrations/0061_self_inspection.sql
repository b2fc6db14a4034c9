-- Enterprises' own safety inspections (企业安全检查记录, from the 双重预防机制 platform's export):
-- T14 asks the 主要负责人 to lead at least one each quarter, each month in high-risk industries.
-- One row per inspection.

CREATE TABLE IF NOT EXISTS fact_self_inspection (
    check_id String,                        -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- 检查编号
    enterprise_id String,
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    check_date Date,
    leader_role LowCardinality(String),     -- 带队人职务: 主要负责人 | 分管负责人 | 安全管理人员 | 车间班组负责人
    led_by_principal UInt8,                 -- leader_role = 主要负责人
    scope LowCardinality(String),           -- 综合检查 | 专项检查 | 季节性检查 | 节假日检查
    hazards_found_general UInt16,
    hazards_found_major UInt16,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY check_id;
