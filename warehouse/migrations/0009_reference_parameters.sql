-- Numbers that metric definitions need besides the targets' thresholds (for example how many
-- inspections make a department's "零处罚" meaningful). Data, like the targets: assumptions are
-- changed in warehouse/refdata/parameters.csv, not in SQL.
CREATE TABLE IF NOT EXISTS ref_parameter (
    name String,
    value Float64,
    unit String,
    target_id String,
    note String
) ENGINE = MergeTree ORDER BY name;
