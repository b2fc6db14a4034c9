-- One row per entry of the credit system's safety lists (严重失信主体名单, 黑名单), units and persons,
-- by the day it was listed: town as the list names it, park when the unit sits in a known park,
-- dept the department that decided the listing, industry from the registry.
SELECT entry_id, list_type, subject_kind, listed_date, removed_date,
       CAST(town_code AS String) AS town,
       if(territorial_unit IN (SELECT park_code FROM dim_park), CAST(territorial_unit AS String), '') AS park,
       CAST(dept_code AS String) AS dept,
       CAST(industry_code AS String) AS industry
FROM fact_credit_list FINAL
WHERE _deleted = 0
