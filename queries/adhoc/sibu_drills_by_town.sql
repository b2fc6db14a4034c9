-- id: sibu_drills_by_town
-- name: 镇街企业“四不”演练明细
-- params: town:String year:UInt16
-- description: 某镇街某年度各企业组织的应急演练次数、其中“四不”演练次数与占比，口径同指标 sibu_drill_share
--   （企业组织的演练；2026 年起不含综合演练）。town 可写镇街名称、常用简称或代码，如 鼓楼街道、鼓楼、370812001。
--   占比最低的企业排在前面。
SELECT
    enterprise_id AS "统一社会信用代码",
    any(enterprise_name) AS "单位名称",
    count() AS "演练次数",
    countIf(is_sibu = 1) AS "四不演练次数",
    round(100 * countIf(is_sibu = 1) / count(), 1) AS "四不占比（%）",
    max(drill_date) AS "最近演练日期"
FROM fact_drill FINAL
WHERE _deleted = 0
  AND organizer_kind = '企业'
  AND toYear(drill_date) = @year
  AND NOT (toYear(drill_date) >= 2026 AND drill_type = '综合')
  AND (town_code = @town OR town_code IN (SELECT code FROM ref_alias WHERE kind = 'town' AND alias = @town))
GROUP BY enterprise_id
ORDER BY "四不占比（%）", "演练次数" DESC, "统一社会信用代码"
