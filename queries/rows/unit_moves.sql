-- The registry's moves of units between towns and parks (fact_enterprise_status_change rows whose
-- unit changed, both ends known), per enterprise, oldest first: (change_date, old_unit, new_unit).
-- Facts join it (ANY LEFT JOIN {rows:unit_moves} USING enterprise_id) so that {town_at:date} and
-- {park_at:date} count each fact under the unit answerable for it on the fact's own date: a unit
-- that moved into a park on 2025-07-01 leaves its earlier facts with its town, so loading the
-- move never rewrites a past month's figures or rank. A unit that never moved has moves = [] and
-- keeps the unit decided at load. arraySort, not the order of groupArray: on a cluster one
-- enterprise's rows sit on several shards.
SELECT enterprise_id, arraySort(groupArray((change_date, CAST(old_unit AS String), CAST(new_unit AS String)))) AS moves
FROM fact_enterprise_status_change FINAL
WHERE _deleted = 0 AND old_unit != '' AND new_unit != '' AND old_unit != new_unit
GROUP BY enterprise_id
