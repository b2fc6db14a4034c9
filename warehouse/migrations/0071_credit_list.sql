-- The credit system's safety lists (T31, T102): units and persons put on the 安全生产严重失信主体名单
-- or the district's 安全生产“黑名单” for joint punishment, with the day they came off. Persons'
-- names are personal data: only masked names are stored.

CREATE TABLE IF NOT EXISTS fact_credit_list (
    entry_id String,                        -- 名单编号 of the credit system
    list_type LowCardinality(String),       -- 严重失信主体名单 | 黑名单
    subject_kind LowCardinality(String),    -- 单位 | 个人
    enterprise_id String,                   -- the unit, or the person's unit
    unit_name String,
    person_name_masked String,              -- 张**, persons only
    town_code LowCardinality(String),
    park_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    reason String,                          -- 列入事由
    dept_code LowCardinality(String),       -- 认定部门
    listed_date Date,
    removed_date Nullable(Date),            -- 移出日期; NULL while on the list
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY entry_id;
