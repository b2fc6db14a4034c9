-- One row per park and assessment of the 园区安全监管评估表, with the days it is the park's latest
-- (valid_from ≤ day < valid_to), the standard's number of supervisors (dim_park), the first
-- 规范化建设 acceptance day and the earliest risk grade as the baseline. A park never assessed has
-- one row that is valid on no day, so that it stays in every denominator.
SELECT park, town, is_chemical, required_staff, first_done_date, baseline_grade,
       tupleElement(s, 1) AS valid_from, tupleElement(s, 2) AS actual_staff, tupleElement(s, 3) AS risk_grade,
       if(length(sorted) = 0, toDate('1970-01-01'),
          if(i < length(sorted), tupleElement(sorted[i + 1], 1), toDate('2105-01-01'))) AS valid_to
FROM (
    SELECT CAST(park_code AS String) AS park, CAST(town_code AS String) AS town, is_chemical_park AS is_chemical,
           required_safety_staff AS required_staff, first_done_date, arraySort(assessments) AS sorted,
           if(length(sorted) > 0, tupleElement(sorted[1], 3), '') AS baseline_grade
    FROM dim_park ALL LEFT JOIN (
        SELECT CAST(park_code AS String) AS park_code, min(std_done_date) AS first_done_date,
               groupArray((assess_date, actual_safety_staff, CAST(risk_grade AS String))) AS assessments
        FROM fact_park_assessment FINAL
        WHERE _deleted = 0
        GROUP BY park_code
    ) USING park_code
) LEFT ARRAY JOIN sorted AS s, arrayEnumerate(sorted) AS i
