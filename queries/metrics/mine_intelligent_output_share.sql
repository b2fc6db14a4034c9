-- id: mine_intelligent_output_share
-- name: 煤矿智能化开采产量占比
-- targets: T46
-- unit: %
-- grain: year × (district | mine); month × district
-- description: 智能化开采产量 / 原煤产量，全区为各矿之和的比值（不是各矿比值的平均）。方案：2025年底前煤矿智能化开采产量达到90%以上。
--   A mine month that was not reported is simply absent: sums run over the months reported.
SELECT 'year' AS period_type, toStartOfYear(month) AS period_start, 'district' AS dim_type, '' AS dim_code,
       sum(intelligent_output_t) AS numerator, sum(raw_coal_output_t) AS denominator,
       if(denominator = 0, 0, 100 * numerator / denominator) AS value
FROM fact_mine_monthly FINAL WHERE _deleted = 0
GROUP BY period_start
UNION ALL
SELECT 'year' AS period_type, toStartOfYear(month) AS period_start, 'mine' AS dim_type, mine_id AS dim_code,
       sum(intelligent_output_t) AS numerator, sum(raw_coal_output_t) AS denominator,
       if(denominator = 0, 0, 100 * numerator / denominator) AS value
FROM fact_mine_monthly FINAL WHERE _deleted = 0
GROUP BY period_start, mine_id
UNION ALL
SELECT 'month' AS period_type, month AS period_start, 'district' AS dim_type, '' AS dim_code,
       sum(intelligent_output_t) AS numerator, sum(raw_coal_output_t) AS denominator,
       if(denominator = 0, 0, 100 * numerator / denominator) AS value
FROM fact_mine_monthly FINAL WHERE _deleted = 0
GROUP BY period_start
