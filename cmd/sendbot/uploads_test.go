package main

import (
	"strings"
	"testing"
)

func TestMaxUpload(t *testing.T) {
	tests := []struct {
		name, value string
		want        int64
		wantErr     bool
	}{
		{"default", "", 10 << 20, false},
		{"bytes", "500000", 500000, false},
		{"MB", "10MB", 10 << 20, false},
		{"MiB with a space", "8 MiB", 8 << 20, false},
		{"KB lower case", "512kb", 512 << 10, false},
		{"over what sendbot reads", "64MB", 0, true},
		{"zero", "0", 0, true},
		{"words", "ten megabytes", 0, true},
		{"negative", "-1MB", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config{MaxUpload: tt.value}.maxUpload()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("maxUpload(%q) = %d, %v; want %d (error %v)", tt.value, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "SENDBOT_MAX_UPLOAD") {
				t.Errorf("the error does not name the setting: %v", err)
			}
		})
	}
}
