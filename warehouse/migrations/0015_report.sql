-- 举报 handling records (T19, T20, T97–T99). Links to hazards and cases keep the other
-- systems' own numbers: join linked_hazard_src_id to fact_hazard.src_id and linked_case_src_id
-- to fact_enforcement_case.src_id.

CREATE TABLE IF NOT EXISTS fact_report (
    report_id String,                       -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- 举报编号
    channel LowCardinality(String),         -- 12345 | 12350 | 网站 | 微信 | 信函 | 来访 | 企业内部
    received_at DateTime('Asia/Shanghai'),
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    enterprise_id String,
    subject_name String,                    -- 被举报对象
    subject_kind LowCardinality(String),    -- 企业 | 出租屋 | 闲置院落 | 废弃厂房 | 工地 | 其他
    property_id String,                     -- dim_property.property_id, '' when the report names only an address
    topic String,
    claims_major_hazard UInt8,
    is_anonymous UInt8,
    assigned_to String,                     -- 承办部门 as written
    assigned_dept_code LowCardinality(String), -- the department handling it, or ''
    assigned_town_code LowCardinality(String), -- the town handling it (属地), or ''
    accepted_at Nullable(DateTime('Asia/Shanghai')),
    verify_due Nullable(Date),
    verified_at Nullable(DateTime('Asia/Shanghai')),
    verify_result LowCardinality(String),   -- 属实 | 部分属实 | 不属实 | 无法核实 | 未核实
    linked_hazard_src_id String,
    linked_case_src_id String,
    feedback_at Nullable(DateTime('Asia/Shanghai')),
    reward_decided_date Nullable(Date),     -- the source keeps days, not times
    reward_amount Float64,                  -- yuan
    reward_paid_date Nullable(Date),
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY report_id;
