-- The registry's change log: status changes (在营 → 停产整顿 …) and moves between towns and
-- parks, so a fact can be attributed to the unit answerable for it on its own date.
CREATE TABLE IF NOT EXISTS fact_enterprise_status_change (
    enterprise_id String,
    change_date Date,
    old_status LowCardinality(String),  -- '' when the row records only a move
    new_status LowCardinality(String),
    old_unit LowCardinality(String),    -- territorial unit before: a town code or a park code
    new_unit LowCardinality(String),
    new_town_code LowCardinality(String),
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(_version) ORDER BY (enterprise_id, change_date);
