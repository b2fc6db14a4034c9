-- The 重大事故隐患告知清单 (T21): the hazard platform's record of each 重大 hazard told to the
-- unit's 主要负责人 and 实际控制人 (清单制管理), one row per hazard and person told. Names and
-- phones of the persons are personal data: only masked values are stored.

CREATE TABLE IF NOT EXISTS fact_hazard_notification (
    hazard_id String,                       -- src_system:隐患编号, as fact_hazard.hazard_id
    src_system LowCardinality(String),
    src_id String,                          -- 隐患编号 as the list gives it
    notice_role LowCardinality(String),     -- 主要负责人 | 实际控制人 | 主要负责人兼实际控制人
    person_name_masked String,              -- 张**
    phone_masked String,                    -- 138****5678
    notified_date Date,                     -- 告知日期
    notice_method LowCardinality(String),   -- 书面告知书 | 当面告知 | 短信 | 电话
    notifier_dept_code LowCardinality(String),
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (hazard_id, notice_role);
