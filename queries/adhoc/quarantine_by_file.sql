-- id: quarantine_by_file
-- name: 隔离区问题汇总（按文件、字段）
-- params:
-- description: 各数据源每个文件中未通过校验、未入库的行，按出问题的字段汇总：行数、行号（最多列 50 个，
--   行号含表头行）和一条问题说明示例，便于退回报送单位更正。同一文件内容只计一次。
SELECT
    source AS "数据源",
    locator AS "文件",
    field AS "字段",
    count() AS "问题行数",
    arrayStringConcat(arrayMap(n -> toString(n), arraySort(groupArray(50)(row_num))), '、') AS "行号",
    any(reason) AS "问题示例",
    max(quarantined_at) AS "最近隔离时间"
FROM etl_quarantine FINAL
GROUP BY source, locator, field
ORDER BY "数据源", "文件", "问题行数" DESC, "字段"
