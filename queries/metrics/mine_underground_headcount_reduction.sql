-- id: mine_underground_headcount_reduction
-- name: 煤矿井下人员减少比例
-- targets: T47
-- unit: %
-- grain: month × (district | mine), from 2024
-- description: 1 − 当月井下平均人数 / 2023年月均井下人数（基线，假设口径）。全区为各矿之和的比值，只计当月报送的煤矿。
--   方案：“井下人员减少10%左右”。numerator = this month's headcount, denominator = the 2023 baseline.
SELECT 'month' AS period_type, month AS period_start, 'mine' AS dim_type, mine_id AS dim_code,
       toFloat64(headcount) AS numerator, baseline AS denominator, 100 * (1 - numerator / denominator) AS value
FROM (
    SELECT mine_id, month, underground_headcount_avg AS headcount
    FROM fact_mine_monthly FINAL WHERE _deleted = 0 AND month >= toDate('2024-01-01')
) ALL INNER JOIN (
    SELECT mine_id, avg(underground_headcount_avg) AS baseline
    FROM fact_mine_monthly FINAL WHERE _deleted = 0 AND toYear(month) = 2023
    GROUP BY mine_id
) USING mine_id
UNION ALL
SELECT 'month' AS period_type, month AS period_start, 'district' AS dim_type, '' AS dim_code,
       toFloat64(sum(headcount)) AS numerator, sum(baseline) AS denominator, 100 * (1 - numerator / denominator) AS value
FROM (
    SELECT mine_id, month, underground_headcount_avg AS headcount
    FROM fact_mine_monthly FINAL WHERE _deleted = 0 AND month >= toDate('2024-01-01')
) ALL INNER JOIN (
    SELECT mine_id, avg(underground_headcount_avg) AS baseline
    FROM fact_mine_monthly FINAL WHERE _deleted = 0 AND toYear(month) = 2023
    GROUP BY mine_id
) USING mine_id
GROUP BY period_start
