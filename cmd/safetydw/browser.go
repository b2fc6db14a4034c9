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
	var force bool
	c := &cobra.Command{
		Use:   "screenshot",
		Short: "已生成看板页面的整页截图 (full-page PNG of a built page, opened offline)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := filepath.Join(flags.out, page)
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("%w\n  build the site first: safetydw dashboards build --out %s (请先生成看板)", err, flags.out)
			}
			if err := checkNewFile(png, "--png", force); err != nil { // before the browser starts
				return err
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
			// Into a temporary file beside --png, published only when the shot is complete.
			tmp, err := tempBeside(png)
			if err != nil {
				return err
			}
			if err := b.Screenshot(cmd.Context(), u, tmp, width); err != nil {
				os.Remove(tmp)
				return err
			}
			if err := publish(tmp, png, "--png", force); err != nil {
				return err
			}
			fmt.Println(png)
			return nil
		},
	}
	c.Flags().StringVar(&page, "page", "index.html", "page file inside --out (页面文件)")
	c.Flags().StringVar(&png, "png", "", "PNG file to write (截图文件)")
	c.Flags().IntVar(&width, "width", 1280, "viewport width in CSS pixels (宽度)")
	c.Flags().BoolVar(&force, "force", false, "overwrite an existing --png file (覆盖已有文件)")
	_ = c.MarkFlagRequired("png")
	return c
}
