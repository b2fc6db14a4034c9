-- Hazards (隐患) from the province hazard platform, and the platform's life-cycle log.
-- fact_hazard holds each record's current state, keyed by the platform's record id; the
-- version is the platform's updated_at, so an older export loaded late never wins.
-- fact_hazard_event is the history (T03, T16, T17, T21) that merges would otherwise erase.

CREATE TABLE IF NOT EXISTS fact_hazard (
    hazard_id String,                       -- src_system:src_id
    src_system LowCardinality(String),
    src_id String,                          -- the platform's record id (YH…)
    channel_ref String,                     -- record number in the finding channel's own system (ZF…, ZC-…); not unique
    -- One physical hazard reported through several channels: a 重大 hazard's unit, 判定标准
    -- clause and Monday–Sunday week; other hazards are their own group. Count groups, not rows.
    dedup_group_id String,
    enterprise_id String,                   -- USCC
    town_code LowCardinality(String),       -- where the unit was when the hazard was found
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    level LowCardinality(String),           -- 一般 | 重大
    general_kind LowCardinality(String),    -- 一般: 立即整改 (deadline = found) | 限期整改; 重大: ''
    tags Array(String),                     -- 老旧装置, 有限空间, 粉尘涉爆, 电气焊, 外包施工, 全员责任制, 消防, 燃气 …
    std_clause String,                      -- 重大事故隐患判定标准 article, e.g. 工贸-粉尘-第4条
    channel LowCardinality(String),         -- 企业自查 | 督导检查 | 执法检查 | 群众举报 | 上级督查暗访 | 专家/第三方 | 保险机构 | 监测预警
    found_by_level LowCardinality(String),  -- 企业 | 镇街 | 园区 | 区 | 市 | 省 | 国家 (T16)
    found_by_dept String,                   -- as written; the only name of finders above the district
    found_by_dept_code LowCardinality(String), -- district department, '' above the district or for units and towns
    found_date Date,
    deadline_date Nullable(Date),
    is_gua_pai UInt8,                       -- 挂牌督办
    rectified_date Nullable(Date),
    verified_date Nullable(Date),
    verify_dept String,
    verify_dept_code LowCardinality(String),
    closed_date Nullable(Date),             -- 销号; set exactly when status is 已销号
    status LowCardinality(String),          -- 待整改 | 整改中 | 待验收 | 已验收 | 已销号 | 退回 | 撤销
    updated_at DateTime('Asia/Shanghai'),
    source_file String,
    source_row UInt32,
    _version UInt64,                        -- updated_at in milliseconds
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY hazard_id;

CREATE TABLE IF NOT EXISTS fact_hazard_event (
    hazard_id String,                       -- fact_hazard.hazard_id
    event_time DateTime('Asia/Shanghai'),
    event_type LowCardinality(String),      -- found | 挂牌 | plan | rectified | verify_fail | verify_pass | closed | 函告 | 约谈 | 通报 | 曝光 …
    actor_dept String,
    actor_dept_code LowCardinality(String),
    actor_level LowCardinality(String),
    note String,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (hazard_id, event_time, event_type);
