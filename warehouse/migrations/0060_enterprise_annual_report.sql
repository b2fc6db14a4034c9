-- 企业安全生产主体责任落实情况年度填报: each unit's yearly self-report, collected by the towns and
-- parks and sent to 区安委会办公室 (T11, T73, T85, T93, T101, T113, T114). One row per unit and
-- report year; the unit's town, park and industry come from the registry at load time.

CREATE TABLE IF NOT EXISTS fact_enterprise_annual_report (
    report_id String,                       -- report_year:enterprise_id
    report_year UInt16,                     -- 填报年度 (2023–2026)
    enterprise_id String,
    enterprise_name String,
    town_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    industry_code LowCardinality(String),
    filed_date Date,                        -- 填报日期: when the report reached 区安委会办公室 (T113 on time)
    key_item_list UInt8,                    -- 已建立重大事故隐患排查重点事项清单 (T11)
    responsibility_list UInt8,              -- 已建立全员安全生产责任制清单 (T101)
    responsibility_list_date Nullable(Date),-- 责任制清单建立日期
    rescue_team LowCardinality(String),     -- 专职救援队伍 | 兼职救援人员 | 签订救援协议 | 无 (T73)
    morning_meeting UInt8,                  -- 推行安全生产“晨会” (T85)
    reward_scheme UInt8,                    -- 已建立内部安全生产奖励制度 (T93)
    invest_people Float64,                  -- 安全生产投入 人防, 万元 (T113)
    invest_tech Float64,                    -- 技防, 万元
    invest_works Float64,                   -- 工程防, 万元
    invest_management Float64,              -- 管理防, 万元
    fee_drawn Float64,                      -- 安全生产费用 本年提取, 万元 (T114)
    fee_used Float64,                       -- 本年使用, 万元
    fee_overspent UInt8,                    -- 使用 > 提取: allowed (last years' balance) but flagged for review
    remarks String,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY report_id;
