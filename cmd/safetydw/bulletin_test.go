package main

import (
	"context"
	"strings"
	"testing"
)

// Careless flags are refused before the warehouse is opened (the address below answers nothing,
// so reaching it would fail differently), each with a Chinese message naming the flag.
func TestBulletinFlags(t *testing.T) {
	t.Setenv("CLICKHOUSE_ADDR", "127.0.0.1:1")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--month 必填"},
		{[]string{"--month", "2025-6"}, "--month \"2025-6\"：格式应为 YYYY-MM"},
		{[]string{"--month", "六月"}, "格式应为 YYYY-MM"},
		{[]string{"--month", "2023-12"}, "--month 2023-12：早于治本攻坚三年行动"},
		{[]string{"--month", "2099-01"}, "--month 2099-01：该月尚未结束"},
		{[]string{"--month", "2025-06", "--refreeze"}, "--refreeze 需要 --reason"},
		{[]string{"--month", "2025-06", "--refreeze", "--reason", "   "}, "--refreeze 需要 --reason"},
		{[]string{"--month", "2025-06", "--reason", "补录"}, "--reason 只用于 --refreeze"},
	} {
		cmd := bulletinCmd()
		cmd.SetArgs(c.args)
		err := cmd.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("bulletin %v: %v, want %q", c.args, err, c.want)
		}
	}
}
