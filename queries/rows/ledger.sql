-- One row per item of the departments' task ledgers (农村公路危桥, 百吨王货车, 隐患自建房 …), for the
-- "count to zero / count to N" metrics: an item is open at a period end when it was identified by
-- then and not 销号 by then. Town is where the item is; park only when it sits in a known park.
SELECT ledger_type, item_id, identified_date, resolved_date, quantity, connected_smart_site,
       CAST(town_code AS String) AS town,
       if(park_code IN (SELECT park_code FROM dim_park), CAST(park_code AS String), '') AS park,
       CAST(dept_code AS String) AS dept
FROM fact_ledger_item FINAL
WHERE _deleted = 0
