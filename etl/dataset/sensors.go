package dataset

func init() {
	Register("sensor_readings", func(Env) *Dataset { return SensorReadings() })
	Register("sensor_points", func(Env) *Dataset { return SensorPoints() })
}

// SensorPoints are the monitoring points the platforms report on (T33–T39 count their units).
func SensorPoints() *Dataset {
	return &Dataset{
		Name:        "sensor_points",
		Table:       "dim_sensor_point",
		Description: "监测点位 (sensor points), one row per point",
		Key:         "point_id",
		Columns: []Column{
			{Name: "point_id", Kind: String, Headers: []string{"点位编号", "监测点编号", "point_id"}, Required: true},
			{Name: "src_system", Kind: String},
			{Name: "system", Kind: String, Headers: []string{"监测系统", "system"}, Required: true,
				Parse: oneOf("电力监测", "气体检测", "粉尘涉爆", "重大危险源", "煤矿安全监控", "智慧工地", "智慧消防", "视频AI")},
			{Name: "enterprise_id", Kind: String, Headers: []string{"统一社会信用代码", "uscc"}, Parse: parseUSCC},
			{Name: "metric", Kind: String, Headers: []string{"监测指标", "metric"}, Required: true},
			{Name: "unit", Kind: String, Headers: []string{"计量单位", "unit"}},
			{Name: "lo", Kind: Float32, Headers: []string{"下限", "lo"}},
			{Name: "hi", Kind: Float32, Headers: []string{"上限", "hi"}},
			{Name: "hihi", Kind: Float32, Headers: []string{"上上限", "hihi"}},
			{Name: "sample_interval_s", Kind: UInt32, Headers: []string{"采样间隔(秒)", "采样间隔（秒）", "sample_interval_s"}},
			{Name: "installed_date", Kind: NullableDate, Headers: []string{"安装日期", "installed_date"}},
			{Name: "status", Kind: String, Headers: []string{"状态", "status"}},
			{Name: "source_file", Kind: String},
			{Name: "source_row", Kind: UInt32},
			{Name: "_version", Kind: UInt64},
		},
		Finish: func(r *Record) error {
			r.Set("src_system", r.Meta.SourceSystem)
			return nil
		},
	}
}

// SensorReadings are the platforms' time series. No Finish and no per-row lookups: at
// millions of rows a day this dataset is the ETL's hot path (see BENCHMARKS.md).
func SensorReadings() *Dataset {
	return &Dataset{
		Name:        "sensor_readings",
		Table:       "fact_sensor_reading",
		Description: "监测点读数 (sensor readings), one row per point and timestamp",
		NotFuture:   []string{"ts"},
		Columns: []Column{
			{Name: "point_id", Kind: String, Headers: []string{"point_id", "点位编号", "监测点编号"}, Required: true},
			{Name: "ts", Kind: DateTime, Headers: []string{"ts", "采集时间", "时间"}, Required: true},
			{Name: "value", Kind: Float32, Headers: []string{"value", "监测值", "数值"}, Required: true},
			{Name: "quality", Kind: Code8, Headers: []string{"quality", "数据质量", "质量"}},
			// A re-sent file replaces the readings of its earlier sending by this column.
			{Name: "source_file", Kind: String},
			{Name: "_version", Kind: UInt64},
		},
	}
}
