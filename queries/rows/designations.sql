-- One row per unit on one of 区应急局's lists (fact_enterprise_designation: 工贸分级分类, 标准化标杆企业,
-- 示范引领企业) with the place and industry the registry gave it when loaded.
SELECT designation, designation_year, enterprise_id, designated_date, grade, CAST(town_code AS String) AS town,
       if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
       CAST(industry_code AS String) AS industry
FROM fact_enterprise_designation FINAL
WHERE _deleted = 0
