package doctor

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCheckClock(t *testing.T) {
	sent := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	got := sent.Add(200 * time.Millisecond)
	tests := []struct {
		name, date string
		want       string
		fixes      int
	}{
		{"in step", sent.Format(http.TimeFormat), "ok    clock      within 1m0s of Discord's", 0},
		{"an hour behind", sent.Add(time.Hour).Format(http.TimeFormat), "FIX   clock      this computer's clock is 1h0m0s behind Discord's", 1},
		{"ten minutes ahead", sent.Add(-10 * time.Minute).Format(http.TimeFormat), "clock is 10m0s ahead of Discord's", 1},
		{"no Date", "", "note  clock      not checked", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			d := &doctor{cfg: Config{Out: &out}}
			d.checkClock(tt.date, sent, got)
			if !strings.Contains(out.String(), tt.want) || d.fixes != tt.fixes {
				t.Errorf("said %q (%d to fix), want %q (%d)", out.String(), d.fixes, tt.want, tt.fixes)
			}
		})
	}
}
