-- Government inspections and enforcement cases from the 互联网+执法 system (T12, T13, T23,
-- T56, T78–T80, T88, T109). A case points at the inspection that opened it, when one did.

CREATE TABLE IF NOT EXISTS fact_inspection (
    inspection_id String,                   -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- 检查编号
    dept_code LowCardinality(String),
    org_level LowCardinality(String),       -- 区 | 镇街 (委托执法) | 园区 | 市 (joint, city-led) | 省
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    enterprise_id String,
    enterprise_name String,
    industry_code LowCardinality(String),
    inspection_date Date,
    inspection_kind LowCardinality(String), -- 行政执法检查 | 督导检查 | 帮扶指导
    is_enforcement UInt8,                   -- 行政执法检查
    modes Array(String),                    -- 双随机, 日常, 专项, 复查, 四不两直, 联合检查, 明查暗访, 线上巡查, 非现场, 委托执法 …
    campaign LowCardinality(String),        -- 专项行动: 全员责任制 / 外包施工 / 电气焊 / 有限空间 / 高处坠落 / 许可条件回头看 / ''
    violations_found UInt16,
    hazards_general UInt16,
    hazards_major UInt16,
    preached_standard UInt8,                -- 凡执法必宣讲 (T12)
    spot_tested UInt16,                     -- T13
    spot_passed UInt16,
    in_internet_plus UInt8,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY inspection_id;

CREATE TABLE IF NOT EXISTS fact_enforcement_case (
    case_id String,                         -- src_system:案件编号
    src_system LowCardinality(String),
    src_id String,                          -- 案件编号, e.g. 兖应急罚〔2024〕15号
    inspection_id String,                   -- fact_inspection.inspection_id; '' for cases opened from reports
    dept_code LowCardinality(String),
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    enterprise_id String,
    party_name String,                      -- 当事人
    industry_code LowCardinality(String),
    filed_date Date,
    decision_date Nullable(Date),           -- NULL while the case is 在办
    case_status LowCardinality(String),     -- 在办 | 执行中 | 已结案
    decision_kind LowCardinality(String),   -- 行政处罚 | 不予处罚(首违/轻微) | 责令改正 | 行政强制 | 撤案 | '' while 在办
    violation_types Array(String),
    measures Array(String),                 -- 警告 / 罚款 / 没收 / 停产停业整顿 / 查封扣押 / 移送公安 …
    fine_entity Float64,                    -- yuan
    fine_individual Float64,                -- yuan, all fined persons together
    individuals_fined UInt8,
    is_double_penalty UInt8,                -- 一案双罚: fine_entity > 0 AND fine_individual > 0 (derived in ETL)
    is_upper_limit UInt8,
    is_criminal_transfer UInt8,
    is_typical_case UInt8,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY case_id;
