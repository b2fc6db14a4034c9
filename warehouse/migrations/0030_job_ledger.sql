-- The scheduler's job ledger (cron.Scheduler): one row per attempt of a job, so an operator sees
-- what ran, when it was due, what failed and why. Written after each attempt; rows written while
-- ClickHouse was down come later from the scheduler's spool file with their original times.
CREATE TABLE IF NOT EXISTS job_runs (
    run_id String,
    job String,
    trigger String,                       -- schedule | catchup | dependency
    scheduled_at DateTime('Asia/Shanghai'),
    started_at DateTime('Asia/Shanghai'),
    finished_at DateTime('Asia/Shanghai'),
    status String,                        -- ok | failed | retried | skipped | interrupted
    attempt UInt8,
    rows UInt64,
    quarantined UInt64,
    error String,
    owner String                          -- host:pid of the scheduler that ran it
) ENGINE = MergeTree PARTITION BY toYYYYMM(scheduled_at) ORDER BY (job, scheduled_at, started_at, run_id);

-- Leases: a scheduler runs a job only while it holds the job's lease, so two schedulers on two
-- hosts never run the same job together. 18.16 has no transactions: a lease is taken by inserting
-- a row and reading back (cron/lease.go says what window remains). A renewal or release inserts
-- the same (job, token) with a higher version.
CREATE TABLE IF NOT EXISTS job_leases (
    job String,
    token String,
    owner String,
    acquired_ns UInt64,                   -- holder's clock; earliest unexpired lease wins
    expires_ns UInt64,                    -- 0 when released
    version UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY (job, token);
