-- Whether a target's threshold is written in the seed or is our reading of words such as
-- 基本 / 常态化 / 左右; pages mark the latter so nobody mistakes it for the plan's own number.
ALTER TABLE ref_target ADD COLUMN threshold_assumed UInt8 AFTER threshold;
