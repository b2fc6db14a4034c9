-- The departments' "count to zero / count to N" task ledgers (T38, T40, T41, T43, T44, T48, T53,
-- T54, T58–T60, T106, T107, T110): dangerous bridges, 百吨王 trucks, self-built houses, old
-- equipment, confined-space points… One row per item of one ledger type.

CREATE TABLE IF NOT EXISTS fact_ledger_item (
    ledger_type LowCardinality(String),
    item_id String,                         -- 条目编号, unique within its ledger type
    town_code LowCardinality(String),
    park_code LowCardinality(String),
    territorial_unit LowCardinality(String),
    enterprise_id String,
    dept_code LowCardinality(String),       -- 责任部门
    identified_date Date,
    due_date Nullable(Date),
    resolved_date Nullable(Date),           -- 销号; set exactly when status is 已销号
    status LowCardinality(String),
    quantity Float64,
    qty_unit LowCardinality(String),        -- 座 / km / 辆 / 处 / 项 / 台 / 个 / 家 / 套
    connected_smart_site UInt8,             -- T38
    evidence_ref String,                    -- acceptance document number
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (ledger_type, item_id);
