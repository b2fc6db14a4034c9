package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"safetydw/sample_data/standin"
)

// serveCmd is `safetydw sample serve`: the sensor and hazard platforms' APIs, played from the
// JSON Lines files of a sample folder, for trying http sources without the real platforms.
func serveCmd() *cobra.Command {
	var addr, dir, tokenEnv string
	var specs []string
	c := &cobra.Command{
		Use:   "serve",
		Short: "启动传感器与隐患平台的 HTTP 替身 (serve sample JSON Lines as the platforms' paginated APIs)",
		Long: "把样例目录中的 JSON Lines 文件作为分页 JSON 接口提供：hazards/hazards.jsonl → /api/hazards。\n" +
			"Serves each *.jsonl of the folder (and its subfolders) at /api/<name>, with updated_since,\n" +
			"page/size and cursor pagination, and a bearer-token check when the --token-env variable is set.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eps, err := serveEndpoints(dir, specs)
			if err != nil {
				return err
			}
			if len(eps) == 0 {
				return fmt.Errorf("%s 中没有 JSON Lines 文件 (no *.jsonl files); generate them with `safetydw sample` or name them with --endpoint", dir)
			}
			srv := standin.New(eps...)
			if tokenEnv != "" {
				srv.Token = os.Getenv(tokenEnv)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("无法监听 %s (cannot listen): %w", addr, err)
			}
			for _, e := range eps {
				fmt.Fprintf(os.Stderr, "http://%s%s ← %s\n", ln.Addr(), e.Path, e.File)
			}
			if srv.Token != "" {
				fmt.Fprintf(os.Stderr, "需要访问令牌 (bearer token required): $%s\n", tokenEnv)
			}
			return standin.Serve(cmd.Context(), ln, srv)
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:18700", "listen address (监听地址)")
	c.Flags().StringVar(&dir, "dir", "sample_data", "folder of the JSON Lines files (数据目录)")
	c.Flags().StringVar(&tokenEnv, "token-env", "SAFETYDW_STANDIN_TOKEN", "environment variable with the bearer token to require; unset means no check (令牌环境变量)")
	c.Flags().StringArrayVar(&specs, "endpoint", nil, "PATH=FILE[:ID_FIELD[:UPDATED_FIELD]], e.g. /api/hazards=hazards/hazards.jsonl:hazard_id:updated_at; FILE relative to --dir; fields guessed when left out (指定接口)")
	return c
}

// serveEndpoints parses --endpoint flags, or discovers the folder's files when there are none.
func serveEndpoints(dir string, specs []string) ([]standin.Endpoint, error) {
	if len(specs) == 0 {
		return standin.Discover(dir)
	}
	var eps []standin.Endpoint
	for _, s := range specs {
		path, file, ok := strings.Cut(s, "=")
		if !ok || !strings.HasPrefix(path, "/") || file == "" {
			return nil, fmt.Errorf("--endpoint %q: 应为 PATH=FILE[:ID_FIELD[:UPDATED_FIELD]] (want PATH=FILE[:ID_FIELD[:UPDATED_FIELD]])", s)
		}
		file, fields, _ := strings.Cut(file, ":")
		id, updated, _ := strings.Cut(fields, ":")
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("--endpoint %s: %w", path, err)
		}
		eps = append(eps, standin.Endpoint{Path: path, File: file, IDField: id, UpdatedField: updated})
	}
	return eps, nil
}
