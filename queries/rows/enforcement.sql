-- One row per enforcement event a department answers for — an inspection (on its date) or a case
-- decision (on the decision's date) — so the department metrics count both in one scan.
SELECT inspection_date AS date, CAST(dept_code AS String) AS dept, CAST(town_code AS String) AS town,
       toUInt8(1) AS is_inspection, is_enforcement, toUInt8(violations_found > 0) AS found_violation,
       preached_standard, has(modes, '双随机') AS random_check, in_internet_plus,
       '' AS decision_kind, 0. AS fine_entity, 0. AS fine_individual, toUInt8(0) AS is_double_penalty
FROM fact_inspection FINAL
WHERE _deleted = 0
UNION ALL
SELECT assumeNotNull(decision_date) AS date, CAST(dept_code AS String) AS dept, CAST(town_code AS String) AS town,
       toUInt8(0), toUInt8(0), toUInt8(0), toUInt8(0), toUInt8(0), toUInt8(0),
       CAST(decision_kind AS String), fine_entity, fine_individual, is_double_penalty
FROM fact_enforcement_case FINAL
WHERE _deleted = 0 AND isNotNull(decision_date)
