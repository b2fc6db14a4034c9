-- id: major_hazard_legacy_clearance
-- name: 2023年及以前重大事故隐患存量（月末未销号数）
-- targets: T03
-- unit: 项
-- grain: month × (district | town), month ends from 2024-01
-- description: 存量 = 2023年及以前发现、到2023年12月31日仍未销号的重大事故隐患；value = numerator = 到月末仍未销号的数量，
--   denominator = 存量总数。方案：2024年全部消除2023年及以前排查发现的重大事故隐患存量。A hazard reported through
--   several channels counts once (dedup_group_id); 撤销 hazards do not count.
SELECT 'month' AS period_type, m AS period_start, 'district' AS dim_type, '' AS dim_code,
       toFloat64(uniqExactIf(dedup_group_id, isNull(closed_date) OR assumeNotNull(closed_date) > month_end)) AS numerator,
       toFloat64(uniqExact(dedup_group_id)) AS denominator, numerator AS value
FROM (
    SELECT dedup_group_id, closed_date,
           arrayJoin(arrayMap(i -> addMonths(toDate('2024-01-01'), i), range(36))) AS m,
           addDays(addMonths(m, 1), -1) AS month_end
    FROM fact_hazard FINAL
    WHERE _deleted = 0 AND level = '重大' AND found_date <= toDate('2023-12-31') AND status != '撤销'
      AND (isNull(closed_date) OR assumeNotNull(closed_date) > toDate('2023-12-31'))
)
WHERE m <= today()
GROUP BY m
UNION ALL
SELECT 'month' AS period_type, m AS period_start, 'town' AS dim_type, town AS dim_code,
       toFloat64(uniqExactIf(dedup_group_id, isNull(closed_date) OR assumeNotNull(closed_date) > month_end)) AS numerator,
       toFloat64(uniqExact(dedup_group_id)) AS denominator, numerator AS value
FROM (
    SELECT dedup_group_id, closed_date, CAST(town_code AS String) AS town,
           arrayJoin(arrayMap(i -> addMonths(toDate('2024-01-01'), i), range(36))) AS m,
           addDays(addMonths(m, 1), -1) AS month_end
    FROM fact_hazard FINAL
    WHERE _deleted = 0 AND level = '重大' AND found_date <= toDate('2023-12-31') AND status != '撤销'
      AND (isNull(closed_date) OR assumeNotNull(closed_date) > toDate('2023-12-31'))
)
WHERE m <= today()
GROUP BY m, town
