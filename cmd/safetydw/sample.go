package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"safetydw/sample_data/samplegen"
)

func sampleCmd() *cobra.Command {
	var o samplegen.Options
	var force bool
	c := &cobra.Command{
		Use:   "sample",
		Short: "生成样例数据 (generate deterministic sample data)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// A folder samplegen wrote holds traps.csv (its last file); it may be written again.
			// Any other folder with files in it is the user's: its files of the same names
			// (registry/enterprises.csv …) are overwritten only with --force.
			madeBySample := func(dir string) bool {
				st, err := os.Lstat(filepath.Join(dir, "traps.csv"))
				return err == nil && st.Mode().IsRegular()
			}
			if err := checkOutFolder(o.Out, "--out", force, madeBySample); err != nil {
				return err
			}
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
	c.Flags().StringVar(&o.Out, "out", "sample_data_large", "output folder: new, empty, or an earlier sample folder (输出目录)")
	c.Flags().BoolVar(&force, "force", false, "write into a folder that holds other files, overwriting those of the same names (写入已有目录)")
	c.Flags().IntVar(&o.SensorDays, "sensor-days", 0, "days of sensor readings (传感器数据天数, default 3)")
	c.AddCommand(serveCmd())
	return c
}
