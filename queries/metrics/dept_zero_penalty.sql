-- id: dept_zero_penalty
-- name: “零处罚”部门
-- targets: T78
-- unit: 个
-- grain: year × (dept | district)
-- description: 负有处罚职权的部门中，当年行政执法检查不少于 ref_parameter.zero_penalty_min_inspections 次（假设口径）而行政处罚决定为0的，记为“零处罚”。
--   dept rows: value 1 = 零处罚, numerator = 处罚决定数, denominator = 执法检查数; district rows: value = 零处罚部门数,
--   denominator = 开展执法检查的部门数。方案：对“零处罚”“只检查不处罚”的部门进行约谈通报。
--   The minimum number of inspections is an assumption kept in warehouse/refdata/parameters.csv.
WITH (SELECT toUInt64(any(value)) FROM ref_parameter WHERE name = 'zero_penalty_min_inspections') AS min_inspections
SELECT 'year' AS period_type, y AS period_start, 'dept' AS dim_type, dept AS dim_code,
       toFloat64(penalties) AS numerator, toFloat64(inspections) AS denominator,
       toFloat64(inspections >= min_inspections AND penalties = 0) AS value
FROM (
    SELECT CAST(dept_code AS String) AS dept, toStartOfYear(inspection_date) AS y, count() AS inspections
    FROM fact_inspection FINAL
    WHERE _deleted = 0 AND is_enforcement = 1
      AND dept_code IN (SELECT dept_code FROM dim_department WHERE in_zero_penalty_ranking = 1)
    GROUP BY dept, y
) ANY LEFT JOIN (
    SELECT CAST(dept_code AS String) AS dept, toStartOfYear(assumeNotNull(decision_date)) AS y, count() AS penalties
    FROM fact_enforcement_case FINAL
    WHERE _deleted = 0 AND decision_kind = '行政处罚' AND isNotNull(decision_date)
    GROUP BY dept, y
) USING dept, y
UNION ALL
WITH (SELECT toUInt64(any(value)) FROM ref_parameter WHERE name = 'zero_penalty_min_inspections') AS min_inspections -- each SELECT of a UNION needs its own WITH on 18.16
SELECT 'year' AS period_type, y AS period_start, 'district' AS dim_type, '' AS dim_code,
       toFloat64(sum(inspections >= min_inspections AND penalties = 0)) AS numerator, toFloat64(count()) AS denominator, numerator AS value
FROM (
    SELECT CAST(dept_code AS String) AS dept, toStartOfYear(inspection_date) AS y, count() AS inspections
    FROM fact_inspection FINAL
    WHERE _deleted = 0 AND is_enforcement = 1
      AND dept_code IN (SELECT dept_code FROM dim_department WHERE in_zero_penalty_ranking = 1)
    GROUP BY dept, y
) ANY LEFT JOIN (
    SELECT CAST(dept_code AS String) AS dept, toStartOfYear(assumeNotNull(decision_date)) AS y, count() AS penalties
    FROM fact_enforcement_case FINAL
    WHERE _deleted = 0 AND decision_kind = '行政处罚' AND isNotNull(decision_date)
    GROUP BY dept, y
) USING dept, y
GROUP BY y
