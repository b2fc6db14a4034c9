-- The grid platform's ledger of 出租屋, 闲置院落 and 废弃厂房 (T93–T96), current state. Owners
-- and grid workers are personal data: only masked names are stored. No patrol or utility
-- records reach the warehouse yet, so the latest patrol date of the ledger stands in for
-- fact_property_patrol.

CREATE TABLE IF NOT EXISTS dim_property (
    property_id String,                     -- 房屋编号, the district's ledger number (FW…)
    ptype LowCardinality(String),           -- 出租屋 | 闲置院落 | 废弃厂房
    town_code LowCardinality(String),
    village String,                         -- 村(社区)
    address String,
    owner_name_masked String,               -- 产权人, masked (张**)
    current_use LowCardinality(String),     -- 居住 / 仓储 / 商铺 / 小作坊 / 群租 / 违规生产 / 闲置 …
    is_rented UInt8,
    tenant_kind LowCardinality(String),     -- 个人 | 个体户 | 企业 | '' when not rented
    risk_level LowCardinality(String),      -- 高 | 中 | 低
    registered_date Date,
    deregistered_date Nullable(Date),
    grid_worker_name_masked String,
    last_patrol_date Nullable(Date),        -- T95: patrolled within 30 days
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY property_id;
