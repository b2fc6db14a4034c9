-- id: overdue_major_hazards
-- name: 逾期未整改的重大事故隐患
-- params: town:String
-- description: 某镇街已过整改期限仍未整改完成（也未销号、撤销）的重大事故隐患，逾期最久的在前；
--   多渠道重复上报的同一隐患（同一去重组）只列一次。逾期天数按查询当天（北京时间）计算。
--   town 可写镇街名称、常用简称或代码，如 鼓楼街道、鼓楼、370812001。
SELECT
    hazard_id AS "隐患编号",
    enterprise_id AS "统一社会信用代码",
    enterprise_name AS "单位名称",
    std_clause AS "判定标准条款",
    channel AS "发现渠道",
    found_date AS "发现日期",
    deadline_date AS "整改期限",
    dateDiff('day', assumeNotNull(deadline_date), toDate(now(), 'Asia/Shanghai')) AS "逾期天数",
    status AS "状态",
    is_gua_pai AS "挂牌督办"
FROM fact_hazard FINAL
ANY LEFT JOIN
(
    SELECT enterprise_id, name AS enterprise_name FROM dim_enterprise FINAL WHERE _deleted = 0
) USING enterprise_id
WHERE _deleted = 0
  AND level = '重大'
  AND rectified_date IS NULL
  AND status NOT IN ('已销号', '撤销')
  AND deadline_date < toDate(now(), 'Asia/Shanghai')
  AND (town_code = @town OR town_code IN (SELECT code FROM ref_alias WHERE kind = 'town' AND alias = @town))
ORDER BY deadline_date, dedup_group_id, hazard_id
LIMIT 1 BY dedup_group_id
