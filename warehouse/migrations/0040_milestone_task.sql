-- The task ledger (任务台账 / 重点工作台账) kept by 区安委会办公室 for the milestone targets (kind L,
-- and the milestone part of M+L): one row per task, as the owner department last reported it.
-- The status a department reports is kept as reported; whether it counts as done (evidence date
-- and document present) is decided where it is read (queries/lists/milestone_tasks.yaml).

CREATE TABLE IF NOT EXISTS fact_milestone_task (
    task_id String,                         -- 任务编号, the office's own numbering across files
    target_id LowCardinality(String),       -- the target (Txx, kind L or M+L) the task serves
    task_text String,                       -- 任务内容
    dept_code LowCardinality(String),       -- 责任部门
    due_date Date,                          -- 完成时限 (a plan date: may lie ahead)
    reported_status LowCardinality(String), -- 未开始 | 进行中 | 已完成, as the department reports it
    evidence_date Nullable(Date),           -- 完成日期
    evidence_doc String,                    -- 佐证材料 (文号)
    has_evidence UInt8,                     -- 1 when both 完成日期 and 佐证材料 are given
    report_date Date,                       -- 报送日期
    source_file String,
    source_row UInt32,
    _version UInt64,
    _deleted UInt8 DEFAULT 0,
    _loaded_at DateTime('Asia/Shanghai') DEFAULT now()
) ENGINE = ReplacingMergeTree(_version) ORDER BY task_id;
