-- id: major_accidents
-- name: 较大及以上生产安全事故起数
-- targets: T01
-- unit: 起
-- grain: year × (district | town)
-- description: 生产安全事故中等级为较大、重大、特别重大的起数（numerator；denominator 为全部生产安全事故起数）。方案：杜绝发生较大及以上生产安全事故。
--   An accident counts by the higher of its declared level and the level its deaths, injuries and
--   losses give under the 条例 (level_by_numbers): one declared 一般 with three deaths is 较大.
SELECT 'year' AS period_type, toStartOfYear(toDate(occurred_at)) AS period_start, 'district' AS dim_type, '' AS dim_code,
       toFloat64(countIf(level IN ('较大', '重大', '特别重大') OR level_by_numbers IN ('较大', '重大', '特别重大'))) AS numerator, toFloat64(count()) AS denominator, numerator AS value
FROM fact_accident FINAL WHERE _deleted = 0 AND is_production_safety = 1
GROUP BY period_start
UNION ALL
SELECT 'year' AS period_type, toStartOfYear(toDate(occurred_at)) AS period_start, 'town' AS dim_type, CAST(town_code AS String) AS dim_code,
       toFloat64(countIf(level IN ('较大', '重大', '特别重大') OR level_by_numbers IN ('较大', '重大', '特别重大'))) AS numerator, toFloat64(count()) AS denominator, numerator AS value
FROM fact_accident FINAL WHERE _deleted = 0 AND is_production_safety = 1
GROUP BY period_start, town_code
