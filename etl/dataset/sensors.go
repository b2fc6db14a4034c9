package dataset

func init() {
	Register("sensor_readings", func(Env) *Dataset { return SensorReadings() })
}

// SensorReadings are the platforms' time series. No Finish and no per-row lookups: at
// millions of rows a day this dataset is the ETL's hot path (see BENCHMARKS.md).
func SensorReadings() *Dataset {
	return &Dataset{
		Name:        "sensor_readings",
		Table:       "fact_sensor_reading",
		Description: "监测点读数 (sensor readings), one row per point and timestamp",
		Columns: []Column{
			{Name: "point_id", Kind: String, Headers: []string{"point_id", "点位编号", "监测点编号"}, Required: true},
			{Name: "ts", Kind: DateTime, Headers: []string{"ts", "采集时间", "时间"}, Required: true},
			{Name: "value", Kind: Float32, Headers: []string{"value", "监测值", "数值"}, Required: true},
			{Name: "quality", Kind: UInt8, Headers: []string{"quality", "数据质量", "质量"}, Parse: parseQuality},
			{Name: "_version", Kind: UInt64},
		},
	}
}

// parseQuality takes the platform's quality code as a small number (empty = 0, good).
func parseQuality(s string) (any, error) {
	if s == "" {
		return uint8(0), nil
	}
	n, err := parseCell(UInt16, s)
	if err == nil && n.u > 255 {
		err = &FieldError{"quality", "质量码超出范围 (quality code out of range)"}
	}
	return uint8(n.u), err
}
