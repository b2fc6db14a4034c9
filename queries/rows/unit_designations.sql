-- One row per registered unit with the day 区应急局 first graded it in the 工贸分级分类 system
-- (fact_enterprise_designation, T35) by the as-of day; graded = 0 for a unit never graded. The
-- stock metric compares graded_first with each period end.
SELECT enterprise_id, opened_date, closed_date, town, park, industry, dept, graded, graded_first
FROM (
    SELECT enterprise_id, opened_date, closed_date, CAST(town_code AS String) AS town,
           if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
           CAST(industry_code AS String) AS industry, CAST(supervise_dept_code AS String) AS dept
    FROM dim_enterprise FINAL
    WHERE _deleted = 0
) ANY LEFT JOIN (
    SELECT enterprise_id, toUInt8(1) AS graded, min(designated_date) AS graded_first
    FROM fact_enterprise_designation FINAL
    WHERE _deleted = 0 AND designation = '工贸分级分类' AND designated_date <= {as_of}
    GROUP BY enterprise_id
) USING enterprise_id
