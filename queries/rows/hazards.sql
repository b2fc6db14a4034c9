-- One row per hazard record that was not withdrawn (撤销), with the unit columns hazard metrics
-- cut by: town (where the unit is), park (the park answerable for it), industry, and dept — the
-- department leading the unit's industry (dim_industry.lead_dept_code). A 重大 hazard reported
-- through several channels shares its dedup_group_id: count groups, not rows.
SELECT hazard_id, dedup_group_id, level, tags, channel, found_by_level, found_date, deadline_date, rectified_date,
       verified_date, verify_dept_code, closed_date, is_gua_pai, enterprise_id,
       CAST(town_code AS String) AS town,
       if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
       CAST(industry_code AS String) AS industry,
       transform(CAST(industry_code AS String), (SELECT groupArray(industry_code) FROM dim_industry),
                 (SELECT groupArray(lead_dept_code) FROM dim_industry), '') AS dept
FROM fact_hazard FINAL
WHERE _deleted = 0 AND status != '撤销'
