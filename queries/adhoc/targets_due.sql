-- id: targets_due
-- name: 年度到期目标及完成情况
-- params: year:UInt16
-- description: 期限在该年度内或属于该年度考核的目标，附已建指标的全区年度值与是否达标（最近一次完整计算）；
--   尚无指标或无数据的显示“无数据”，里程碑和趋势类目标显示“—”。“阈值为解读”为 1 的目标值由本项目设定（方案原文无具体数值）。
--   一个目标由多个指标度量时各占一行。
SELECT
    target_id AS "目标编号",
    section AS "章节",
    quote AS "方案原文",
    deadline AS "期限",
    comparator AS "比较",
    threshold AS "目标值",
    threshold_assumed AS "阈值为解读",
    unit AS "单位",
    metric_id AS "指标",
    actual AS "全区实际值",
    multiIf(comparator NOT IN ('>=', '<=', '='), '—',
            actual IS NULL, '无数据',
            comparator = '>=' AND actual >= threshold, '达标',
            comparator = '<=' AND actual <= threshold, '达标',
            comparator = '=' AND actual = threshold, '达标',
            '未达标') AS "状态"
FROM ref_target
ANY LEFT JOIN
(
    -- toNullable: a target without a value gets NULL from the LEFT JOIN, not 0
    SELECT target_id, metric_id, actual
    FROM (SELECT target_id, metric_id FROM metric_target)
    ANY LEFT JOIN
    (
        SELECT metric_id, toNullable(round(value, 1)) AS actual
        FROM metric_value
        WHERE period_type = 'year' AND dim_type = 'district' AND toYear(period_start) = @year
    ) USING metric_id
) USING target_id
WHERE toYear(deadline) = @year OR period_year = @year
ORDER BY deadline, target_id
