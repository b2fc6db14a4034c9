-- A re-sent readings file replaces the rows of its earlier sending (etl: DeleteWhere on
-- source_file), as every other fact table's file does; readings had no column naming their file.
-- LowCardinality: one file's name repeats on every one of its readings, and the loader's hot
-- path sends it dictionary-encoded, about a byte a row instead of the name. Rows loaded before
-- this column get ''.
ALTER TABLE fact_sensor_reading ADD COLUMN source_file LowCardinality(String) DEFAULT '' AFTER quality;
