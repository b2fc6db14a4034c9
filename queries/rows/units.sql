-- One row per registered unit (the registry row set) with its passed training up to the as-of
-- day for the programs whose coverage the plan asks for: 明白人 (T84), 判定标准学习 (T10), and
-- the years of its 主要负责人专题 training (T06–T08). A unit with no record has the counts 0 and
-- an empty array (the LEFT JOIN's defaults), so coverage tests the count before the date.
SELECT enterprise_id, opened_date, closed_date, is_high_risk, dust_type, dust_workers, has_major_hazard_source, std_grade, town, park, industry, dept,
       mbr_n, mbr_first, std_n, std_first, principal_years
FROM {rows:registry}
ANY LEFT JOIN (
    SELECT enterprise_id,
           countIf(program = '明白人') AS mbr_n, minIf(training_date, program = '明白人') AS mbr_first,
           countIf(program = '判定标准学习') AS std_n, minIf(training_date, program = '判定标准学习') AS std_first,
           groupUniqArrayIf(toYear(training_date), program = '主要负责人专题' AND person_role IN ('主要负责人', '消防安全责任人')) AS principal_years
    FROM fact_training FINAL
    WHERE _deleted = 0 AND enterprise_id != '' AND exam_result != '未通过' AND training_date <= {as_of}
    GROUP BY enterprise_id
) USING enterprise_id
