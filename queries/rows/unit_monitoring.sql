-- One row per registered unit (the registry row set, with the scope attributes of T34, T36, T39)
-- and, per monitoring system, how many points it has in use and the earliest installation day.
-- A point without an installation day counts as installed from the start; a point 停用
-- (decommissioned) does not count (the registry keeps only its current status). A unit without
-- points has the counts 0 (the LEFT JOIN's defaults).
SELECT * FROM {rows:registry}
ANY LEFT JOIN (
    SELECT enterprise_id,
           countIf(system = '粉尘涉爆') AS dust_n, minIf(installed, system = '粉尘涉爆') AS dust_from,
           countIf(system = '电力监测') AS power_n, minIf(installed, system = '电力监测') AS power_from,
           countIf(system IN ('重大危险源', '煤矿安全监控', '粉尘涉爆', '气体检测')) AS risk_n,
           minIf(installed, system IN ('重大危险源', '煤矿安全监控', '粉尘涉爆', '气体检测')) AS risk_from
    FROM (
        SELECT enterprise_id, system, ifNull(installed_date, toDate('1970-01-01')) AS installed
        FROM dim_sensor_point FINAL
        WHERE _deleted = 0 AND status != '停用'
    )
    GROUP BY enterprise_id
) USING enterprise_id
