package fetch

import "testing"

func TestSizeReadsAsPeopleWriteIt(t *testing.T) {
	for n, want := range map[int64]string{812: "812 bytes", 12 << 10: "12 KiB", 32 << 20: "32 MiB", 66 << 30: "66 GiB", 1536 << 20: "1.5 GiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
