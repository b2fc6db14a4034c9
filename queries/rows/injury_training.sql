-- One row per registered unit in the scope of the 工伤预防能力提升 training (T66–T68): scope
-- '危化品' for the hazardous-chemicals units (HC and below), '五类' for the five other industries
-- [A] 煤矿, 建材, 建筑施工 (CONS and below), 道路运输, 机械制造 — the seed names neither list. trained
-- holds, per person trained at the unit since 2024 (exam not failed, up to the as-of day), the day
-- of their first such training, so a stock metric counts the persons trained by each period end.
SELECT enterprise_id, opened_date, closed_date, town, park, industry, dept,
       if(industry = 'HC' OR startsWith(industry, 'HC.'), '危化品', '五类') AS scope, trained
FROM {rows:registry}
ANY LEFT JOIN (
    SELECT enterprise_id, groupArray(first) AS trained
    FROM (
        SELECT enterprise_id, person_key, min(training_date) AS first
        FROM fact_training FINAL
        WHERE _deleted = 0 AND program = '工伤预防能力提升' AND enterprise_id != '' AND exam_result != '未通过'
          AND training_date >= toDate('2024-01-01') AND training_date <= {as_of}
        GROUP BY enterprise_id, person_key
    )
    GROUP BY enterprise_id
) USING enterprise_id
WHERE industry = 'HC' OR startsWith(industry, 'HC.') OR industry IN ('MINE', 'IT.BM', 'ROAD', 'IT.MECH', 'CONS')
   OR startsWith(industry, 'CONS.')
