package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"safetydw/sample_data/samplegen"
)

func sampleCmd() *cobra.Command {
	var o samplegen.Options
	c := &cobra.Command{
		Use:   "sample",
		Short: "生成样例数据 (generate deterministic sample data)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sum, err := samplegen.Generate(o)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "写入 %d 个文件 (files) 到 %s: %v\n", sum.Files, o.Out, sum.Rows)
			return nil
		},
	}
	c.Flags().Int64Var(&o.Seed, "seed", 1, "random seed (随机种子)")
	c.Flags().Float64Var(&o.Scale, "scale", 0.1, "1.0 = a realistic district of ~6,000 enterprises (规模)")
	c.Flags().StringVar(&o.Out, "out", "sample_data_large", "output folder (输出目录)")
	c.Flags().IntVar(&o.SensorDays, "sensor-days", 0, "days of sensor readings (传感器数据天数, default 3)")
	c.AddCommand(serveCmd())
	return c
}
