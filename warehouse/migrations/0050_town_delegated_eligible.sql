-- Whether a town 具备条件 for 委托/派驻执法 (T88: 具备条件的镇（街道）全部实现委托或派驻执法), from
-- towns.csv. [A] 1 for every town until 应急局 names the ones that are not.
ALTER TABLE dim_town ADD COLUMN delegated_enforcement_eligible UInt8 DEFAULT 1 AFTER sort_order;
