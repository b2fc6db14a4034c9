-- One row per registered unit and T14 period that has ended by the as-of day, from 2024 (the plan's start): each
-- month for high-risk units, each quarter for the others ("主要负责人要每季度带队…至少开展1次检查
-- （高危行业领域每月至少1次）"), with led = 1 when the unit's 主要负责人 led at least one of its own
-- inspections (fact_self_inspection) in the period. Only periods the unit was in business for
-- throughout count: a unit opened or closed mid-quarter owes no check for it. date is the
-- period's first day. (18.16 lambdas cannot read a row's columns, hence has() on the months and
-- quarters of the checks rather than a range test.)
SELECT enterprise_id, date, is_high_risk, town, park, industry, dept,
       if(is_high_risk = 1, has(led_months, date), has(led_quarters, date)) AS led
FROM (
    SELECT enterprise_id, date, is_high_risk, town, park, industry, dept
    FROM (
        SELECT enterprise_id, date, addDays(addMonths(date, if(is_high_risk = 1, 1, 3)), -1) AS period_last, opened_date, closed_date,
               is_high_risk, town, park, industry, dept
        FROM (
            SELECT enterprise_id, opened_date, closed_date, is_high_risk, CAST(town_code AS String) AS town,
                   if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
                   CAST(industry_code AS String) AS industry, CAST(supervise_dept_code AS String) AS dept,
                   addMonths(toDate('2024-01-01'), arrayJoin(range(36))) AS date
            FROM dim_enterprise FINAL
            WHERE _deleted = 0
        )
        WHERE is_high_risk = 1 OR toMonth(date) % 3 = 1
    )
    WHERE period_last <= {as_of}
      AND (isNull(opened_date) OR assumeNotNull(opened_date) <= date)
      AND (isNull(closed_date) OR assumeNotNull(closed_date) > period_last)
) ANY LEFT JOIN (
    SELECT enterprise_id, groupUniqArray(toStartOfMonth(check_date)) AS led_months, groupUniqArray(toStartOfQuarter(check_date)) AS led_quarters
    FROM fact_self_inspection FINAL
    WHERE _deleted = 0 AND led_by_principal = 1 AND check_date <= {as_of}
    GROUP BY enterprise_id
) USING enterprise_id
