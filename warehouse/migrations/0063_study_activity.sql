-- "大学习、大培训"专项行动 activities (T65: one campaign each year): the ledger 区安委会办公室 keeps of
-- what towns, parks and departments held. One row per activity.

CREATE TABLE IF NOT EXISTS fact_study_activity (
    activity_id String,                     -- 活动编号 of the ledger
    organizer_kind LowCardinality(String),  -- 镇街 | 园区 | 部门
    organizer String,                       -- the organizer's name as written
    town_code LowCardinality(String),       -- '' for a department
    territorial_unit LowCardinality(String),
    dept_code LowCardinality(String),       -- '' for a town or park
    activity_date Date,
    activity_form LowCardinality(String),   -- 集中培训 | 专题讲座 | 知识竞赛 | 警示教育 | 线上学习 | 送教上门
    participants UInt32,
    units UInt32,                           -- 参加单位数
    remarks String,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY activity_id;
