-- The platforms send a second, higher alarm threshold (上上限) besides the upper limit.
ALTER TABLE dim_sensor_point ADD COLUMN hihi Float32 AFTER hi;
