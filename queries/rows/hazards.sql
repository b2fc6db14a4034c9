-- One row per hazard record that was not withdrawn (撤销), with the unit columns hazard metrics
-- cut by: town (where the unit is), park (the park answerable for it), industry, and dept — the
-- department leading the unit's industry (dim_industry.lead_dept_code). A 重大 hazard reported
-- through several channels shares its dedup_group_id: count groups, not rows. Town and park are
-- those of the unit on the hazard's found date ({rows:unit_moves}), not the registry's today.
SELECT hazard_id, dedup_group_id, level, tags, channel, found_by_level, found_date, deadline_date, rectified_date,
       verified_date, verify_dept_code, closed_date, is_gua_pai, enterprise_id,
       {town_at:found_date} AS town, {park_at:found_date} AS park,
       CAST(industry_code AS String) AS industry,
       transform(CAST(industry_code AS String), {lookup:industries:industry_code:lead_dept_code}, '') AS dept
FROM (
    SELECT * FROM fact_hazard FINAL WHERE _deleted = 0 AND status != '撤销'
) ANY LEFT JOIN {rows:unit_moves} USING enterprise_id
