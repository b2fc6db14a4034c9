package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"safetydw/dashboards/browser"
)

// screenshotCmd takes a full-page PNG of a built page, opened offline from the --out folder
// as a reader would open it, to look at a page without a desktop browser.
func screenshotCmd() *cobra.Command {
	var page, png string
	var width int
	c := &cobra.Command{
		Use:   "screenshot",
		Short: "已生成看板页面的整页截图 (full-page PNG of a built page, opened offline)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := filepath.Join(flags.out, page)
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("%w\n  build the site first: safetydw dashboards build --out %s (请先生成看板)", err, flags.out)
			}
			u, err := browser.FileURL(path)
			if err != nil {
				return err
			}
			b, err := browser.Start(cmd.Context())
			if err != nil {
				return err
			}
			defer b.Close()
			if err := b.Screenshot(cmd.Context(), u, png, width); err != nil {
				return err
			}
			fmt.Println(png)
			return nil
		},
	}
	c.Flags().StringVar(&page, "page", "index.html", "page file inside --out (页面文件)")
	c.Flags().StringVar(&png, "png", "", "PNG file to write (截图文件)")
	c.Flags().IntVar(&width, "width", 1280, "viewport width in CSS pixels (宽度)")
	_ = c.MarkFlagRequired("png")
	return c
}
