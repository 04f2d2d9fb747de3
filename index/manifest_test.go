package index

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendbot/sendbot/internal/testkit"
)

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir string)
		want    error
		message string
	}{
		{name: "as built", damage: func(*testing.T, string) {}},
		{name: "truncated", damage: func(t *testing.T, dir string) {
			f := testkit.LargestFile(t, dir, ManifestName)
			fi, _ := os.Stat(f)
			if err := os.Truncate(f, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, want: ErrDamaged, message: "bytes, the manifest says"},
		{name: "changed in place", damage: func(t *testing.T, dir string) {
			f := testkit.LargestFile(t, dir, ManifestName)
			data, _ := os.ReadFile(f)
			data[len(data)/2] ^= 0xff
			if err := os.WriteFile(f, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: ErrDamaged, message: "another SHA-256"},
		{name: "file missing", damage: func(t *testing.T, dir string) {
			if err := os.Remove(testkit.LargestFile(t, dir, ManifestName)); err != nil {
				t.Fatal(err)
			}
		}, want: ErrDamaged, message: "is missing"},
		{name: "no manifest", damage: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, ManifestName)); err != nil {
				t.Fatal(err)
			}
		}, want: ErrDamaged, message: "has no " + ManifestName},
		{name: "no index", damage: func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}, want: ErrNoIndex},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			rebuildTest(t, dir, "v0")
			tt.damage(t, dir)
			err := Verify(dir)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify of the index as built: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Verify = %v, want %v saying %q", err, tt.want, tt.message)
			}
		})
	}
}

// TestPublishedRefusesADamagedIndex is a replica whose builder published
// an index that arrived damaged: it keeps answering from the one it has,
// and switches once a good one is published.
func TestPublishedRefusesADamagedIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	rebuildTest(t, dir, "v0")
	l, err := OpenPublished(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })

	rebuildTest(t, dir, "v1")
	f := testkit.LargestFile(t, dir, ManifestName)
	fi, _ := os.Stat(f)
	if err := os.Truncate(f, fi.Size()-1); err != nil {
		t.Fatal(err)
	}
	if !l.Changed() {
		t.Fatal("Changed is false after the builder published a new index")
	}
	if err := l.Reload(); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Reload of a truncated index = %v, want ErrDamaged", err)
	}
	if got := l.Info().Source.Fingerprint; got != "v0" {
		t.Fatalf("after refusing the damaged index, serving %q, want v0", got)
	}
	if err := askShortBreaks(l); err != nil {
		t.Fatalf("after refusing the damaged index: %v", err)
	}
	if !l.Changed() {
		t.Fatal("Changed is false while the damaged index is still refused, so it would not be tried again")
	}

	rebuildTest(t, dir, "v2")
	if err := l.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := l.Info().Source.Fingerprint; got != "v2" {
		t.Fatalf("after a good index was published, serving %q, want v2", got)
	}
	if err := askShortBreaks(l); err != nil {
		t.Fatal(err)
	}
}

func TestOpenPublishedWaitsForAManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := OpenPublished(dir); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("OpenPublished of no index = %v, want ErrNoIndex", err)
	}
	rebuildTest(t, dir, "v0")
	if err := os.Remove(filepath.Join(dir, ManifestName)); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPublished(dir); !errors.Is(err, ErrDamaged) {
		t.Fatalf("OpenPublished of an index with no manifest = %v, want ErrDamaged", err)
	}
}
