-- Coal mines' monthly reports (煤矿月报): output, intelligent mining and underground headcount
-- (T45–T47). One row per mine and month; a month a mine did not report has no row, so
-- completeness checks compare against the mines of dim_coal_mine and the months since 2023-01.

CREATE TABLE IF NOT EXISTS fact_mine_monthly (
    mine_id String,                         -- dim_coal_mine.mine_id
    month Date,                             -- first day of the report month
    raw_coal_output_t Float64,              -- 原煤产量, tonnes
    intelligent_output_t Float64,           -- 智能化开采产量, tonnes (T46: a ratio of sums)
    faces_total UInt16,
    faces_intelligent UInt16,
    underground_headcount_avg UInt32,       -- T47 against each mine's 2023 average
    underground_headcount_max_shift UInt32,
    total_headcount UInt32,
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY (mine_id, month);
