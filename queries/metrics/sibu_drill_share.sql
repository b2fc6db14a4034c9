-- id: sibu_drill_share
-- name: 企业“四不”演练占比
-- targets: T70 T71 T72
-- unit: %
-- grain: year × (district | town)
-- description: 企业组织的应急演练中，同时满足“不提前通知、不设定脚本、不预设场景、不预设地点”的演练所占比例。
--   按演练计数（domain.md T70 主口径）。2026 年起分母不含综合演练（方案：“2026年，除综合性的演练外”）。
--   Rows with only two or three of the four flags do not count as 四不.
SELECT
    'year' AS period_type,
    toStartOfYear(drill_date) AS period_start,
    'district' AS dim_type,
    '' AS dim_code,
    toFloat64(countIf(is_sibu = 1)) AS numerator,
    toFloat64(count()) AS denominator,
    100 * numerator / denominator AS value
FROM fact_drill FINAL
WHERE _deleted = 0 AND organizer_kind = '企业' AND NOT (toYear(drill_date) >= 2026 AND drill_type = '综合')
GROUP BY period_start
UNION ALL
SELECT
    'year' AS period_type,
    toStartOfYear(drill_date) AS period_start,
    'town' AS dim_type,
    CAST(town_code AS String) AS dim_code,
    toFloat64(countIf(is_sibu = 1)) AS numerator,
    toFloat64(count()) AS denominator,
    100 * numerator / denominator AS value
FROM fact_drill FINAL
WHERE _deleted = 0 AND organizer_kind = '企业' AND NOT (toYear(drill_date) >= 2026 AND drill_type = '综合')
GROUP BY period_start, town_code
