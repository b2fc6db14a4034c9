package cron

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A job that panics or fails keeps its schedule; a slow job is skipped, not stacked.
func TestScheduleSurvivesPanicsAndSkipsOverlaps(t *testing.T) {
	var panicky, slow, failing atomic.Int32
	jobs := []Job{
		{Name: "panicky", Spec: "@every 1s", Run: func(context.Context) error {
			if panicky.Add(1) == 1 {
				panic("boom")
			}
			return nil
		}},
		{Name: "slow", Spec: "@every 1s", Run: func(ctx context.Context) error {
			slow.Add(1)
			time.Sleep(2500 * time.Millisecond)
			return nil
		}},
		{Name: "failing", Spec: "@every 1s", Run: func(context.Context) error {
			failing.Add(1)
			return errors.New("source down")
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4200*time.Millisecond)
	defer cancel()
	var out syncBuffer
	if err := Schedule(ctx, jobs, false, &out); err != nil {
		t.Fatal(err)
	}
	// Ticks at about 1, 2, 3 and 4 s: the panicking job runs again after its panic (with the
	// chain in the other order it would stop at 1); the 2.5 s job runs at 1 s and 4 s only.
	if n := panicky.Load(); n < 3 {
		t.Errorf("panicking job ran %d times, want at least 3", n)
	}
	if n := slow.Load(); n < 1 || n > 2 {
		t.Errorf("slow job ran %d times, want 1 or 2 (overlapping runs skipped)", n)
	}
	if n := failing.Load(); n < 3 {
		t.Errorf("failing job ran %d times, want at least 3", n)
	}
	if !strings.Contains(out.String(), "failing 失败 (failed): source down") {
		t.Errorf("the failure is not logged:\n%s", out.String())
	}
}

func TestScheduleRejectsBadSpec(t *testing.T) {
	err := Schedule(context.Background(), []Job{{Name: "x", Spec: "every hour", Run: func(context.Context) error { return nil }}}, false, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "job x") {
		t.Fatalf("err = %v", err)
	}
}
