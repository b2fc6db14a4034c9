-- Training and examination records (T06–T10, T66–T68, T84, T90). Persons are stored only as
-- person_key = hex(SHA-256(normalised ID number ‖ salt)) with a masked name and phone: no
-- column holds an ID number, a full name or a phone number. Coverage counts
-- uniqExact(person_key) or uniqExact(enterprise_id), never rows.

CREATE TABLE IF NOT EXISTS fact_training (
    record_id String,                       -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- 记录编号
    person_key String,
    person_name_masked String,              -- 张**
    phone_masked String,                    -- 138****5678
    enterprise_id String,                   -- '' for regulators
    unit_name String,
    dept_code LowCardinality(String),       -- the regulator's department (监管执法人员); '' for units' staff
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    person_role LowCardinality(String),     -- 主要负责人 / 消防安全责任人 / 安全管理人员 / 特种作业人员 / 从业人员 / 明白人 / 监管执法人员 …
    program LowCardinality(String),         -- 主要负责人专题 / 判定标准学习 / 工伤预防能力提升 / 特种作业取证 / 特种作业复审 / 明白人 / 执法跟班 …
    cohort_year UInt16,                     -- 年度批次; 0 outside cohorts
    training_date Date,
    hours Float64,
    exam_result LowCardinality(String),     -- 通过 | 未通过 | 无考试
    cert_no String,
    cert_expiry Nullable(Date),
    provider String,
    channel LowCardinality(String),         -- 线下 | 学习强安 | 济宁应急 …
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY record_id;
