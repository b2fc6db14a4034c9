package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"safetydw/cron"
	"safetydw/dashboards"
	"safetydw/queries"
)

// bulletinCmd publishes a month's bulletin (月通报) into --out's archive, out/bulletins/<month>/.
func bulletinCmd() *cobra.Command {
	var month, reason string
	var pdf, refreeze bool
	c := &cobra.Command{
		Use:   "bulletin",
		Short: "生成月通报：冻结当月数据并输出 HTML 与 A4 PDF (freeze a month and publish its bulletin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Every flag is checked before the warehouse is opened.
			if month == "" {
				return fmt.Errorf("--month 必填，例如 --month 2025-06 (--month is required)")
			}
			m, err := dashboards.ParseMonth(month, queries.Today())
			if err != nil {
				return err
			}
			if refreeze && strings.TrimSpace(reason) == "" {
				return fmt.Errorf("--refreeze 需要 --reason \"理由\"：重新冻结会被记录在案 (a refreeze needs --reason; it is recorded)")
			}
			if !refreeze && reason != "" {
				return fmt.Errorf("--reason 只用于 --refreeze (--reason only goes with --refreeze)")
			}
			p, err := pipeline(cmd.Context())
			if err != nil {
				return err
			}
			defer p.DB.Close()
			res, err := p.Bulletin(cmd.Context(), cron.BulletinOptions{Month: m, PDF: pdf, Refreeze: refreeze, Reason: reason})
			if err != nil {
				return err
			}
			fmt.Println(res.HTML)
			if res.PDF != "" {
				fmt.Println(res.PDF)
			}
			return nil
		},
	}
	c.Flags().StringVar(&month, "month", "", "bulletin month, YYYY-MM (通报月份)")
	c.Flags().BoolVar(&pdf, "pdf", false, "also print the A4 PDF with headless Chromium (同时输出 PDF)")
	c.Flags().BoolVar(&refreeze, "refreeze", false, "freeze the month again from the warehouse as it is now; recorded, old snapshot kept (重新冻结)")
	c.Flags().StringVar(&reason, "reason", "", "why the month is refrozen, required with --refreeze (重新冻结理由)")
	return c
}
