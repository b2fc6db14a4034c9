-- One row per registered unit (dim_enterprise, current registry) and campaign year 2023–2026, with
-- what the unit's annual self-report for that year says (fact_enterprise_annual_report, T11, T73,
-- T85, T93, T101, T113, T114) as filed by the as-of day. A unit that has not filed has reported = 0
-- and every flag and amount 0 (the LEFT JOIN's defaults), so it counts against each share.
-- open_in_year: in business at the year's end (a unit closed during the year files no report);
-- date is the year's first day, so the year grain counts each unit once.
SELECT enterprise_id, report_year, toDate(concat(toString(report_year), '-01-01')) AS date, open_in_year, is_high_risk, scale,
       town, park, industry, dept, reported, filed_date, key_item_list, responsibility_list, responsibility_list_date, rescue_team,
       morning_meeting, reward_scheme, invest_total, fee_drawn, fee_used
FROM (
    SELECT enterprise_id, report_year, is_high_risk, scale, town, park, industry, dept,
           (isNull(opened_date) OR toYear(assumeNotNull(opened_date)) <= report_year)
             AND (isNull(closed_date) OR toYear(assumeNotNull(closed_date)) > report_year) AS open_in_year
    FROM (
        SELECT enterprise_id, opened_date, closed_date, is_high_risk, CAST(scale AS String) AS scale, CAST(town_code AS String) AS town,
               if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
               CAST(industry_code AS String) AS industry, CAST(supervise_dept_code AS String) AS dept,
               arrayJoin([toUInt16(2023), toUInt16(2024), toUInt16(2025), toUInt16(2026)]) AS report_year
        FROM dim_enterprise FINAL
        WHERE _deleted = 0
    )
) ANY LEFT JOIN (
    SELECT enterprise_id, report_year, toUInt8(1) AS reported, filed_date, key_item_list, responsibility_list, responsibility_list_date,
           CAST(rescue_team AS String) AS rescue_team, morning_meeting, reward_scheme,
           invest_people + invest_tech + invest_works + invest_management AS invest_total, fee_drawn, fee_used
    FROM fact_enterprise_annual_report FINAL
    WHERE _deleted = 0 AND filed_date <= {as_of}
) USING (enterprise_id, report_year)
