-- A re-sent readings file replaces the rows of its earlier sending (etl: DeleteWhere on
-- source_file), as every other fact table's file does; readings had no column naming their file.
-- Rows loaded before this column get ''.
ALTER TABLE fact_sensor_reading ADD COLUMN source_file String DEFAULT '' AFTER quality;
