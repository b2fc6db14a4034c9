-- One row per registered unit (dim_enterprise, current registry) with the days it was open, its
-- scope attributes (high risk, dust, major hazard source, current standardisation grade) and its
-- dimension columns: town where it is, park only when the park answerable for it is a known
-- park, industry, and the department supervising it. Metrics that need no training records read
-- this rather than units, which also scans fact_training.
SELECT enterprise_id, opened_date, closed_date, is_high_risk, CAST(dust_type AS String) AS dust_type, dust_workers,
       has_major_hazard_source, CAST(std_grade AS String) AS std_grade, CAST(town_code AS String) AS town,
       if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
       CAST(industry_code AS String) AS industry, CAST(supervise_dept_code AS String) AS dept
FROM dim_enterprise FINAL
WHERE _deleted = 0
