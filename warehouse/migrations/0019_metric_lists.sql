-- Item lists a refresh freezes beside the metrics (queries/lists/*.yaml): the overdue 重大 hazards
-- and the like, as the pages and bulletins show them, under the same refresh id and as-of date.
CREATE TABLE IF NOT EXISTS ads_list_row (
    refresh_id UInt64,
    as_of Date,
    list_id String,
    row_num UInt32,                     -- 1-based, in the list's own order
    cells Array(String)                 -- as shown, in the order of the list's columns
) ENGINE = MergeTree PARTITION BY refresh_id ORDER BY (list_id, as_of, row_num);
