-- Sensor readings from the IoT platforms (电力监测, 气体检测, 粉尘涉爆, 重大危险源 …): the largest
-- table by far (millions of rows a day at district scale). Keyed by point and time; a reading
-- never changes its time, so monthly partitions are safe for ReplacingMergeTree dedup, and old
-- months are expired with ALTER TABLE … DROP PARTITION (18.16 has no TTL).

CREATE TABLE IF NOT EXISTS dim_sensor_point (
    point_id String,
    src_system LowCardinality(String),
    system LowCardinality(String),      -- 电力监测 | 气体检测 | 粉尘涉爆 | 重大危险源 | 煤矿安全监控 | 智慧工地 | 智慧消防
    enterprise_id String,
    metric LowCardinality(String),
    unit LowCardinality(String),
    lo Float32,
    hi Float32,
    sample_interval_s UInt32,
    installed_date Nullable(Date),
    status LowCardinality(String),
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(_version) ORDER BY point_id;

CREATE TABLE IF NOT EXISTS fact_sensor_reading (
    point_id String,
    ts DateTime('Asia/Shanghai'),
    value Float32,
    quality UInt8,                      -- 0 good; other codes as the platform sends them
    _version UInt64
) ENGINE = ReplacingMergeTree(_version) PARTITION BY toYYYYMM(ts) ORDER BY (point_id, ts);
