package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionShowsWhatTheBuildStamped builds sendbot as the Makefile
// does, with the version, commit and date stamped in, and runs
// `sendbot version`.
func TestVersionShowsWhatTheBuildStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sendbot: skipped under -short")
	}
	bin := buildSendbot(t, "-ldflags",
		"-X main.version=v1.2.3 -X main.commit=0123456789abcdef0123 -X main.date=2026-01-02T03:04:05Z")
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("sendbot version: %v\n%s", err, out)
	}
	want := "sendbot v1.2.3 (commit 0123456789ab, built 2026-01-02T03:04:05Z)"
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("sendbot version = %q, want %q", got, want)
	}
}

// buildSendbot builds the sendbot binary into a temporary folder, with
// any extra go build flags.
func buildSendbot(t testing.TB, flags ...string) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Skip("no go tool to build sendbot with")
		}
	}
	bin := filepath.Join(t.TempDir(), "sendbot")
	args := append(append([]string{"build"}, flags...), "-o", bin, ".")
	out, err := exec.Command(goTool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestVersionFromAPlainBuild builds sendbot with plain `go build` (no
// stamps) in a git checkout: `sendbot version` shows the commit and its
// date that Go recorded in the binary.
func TestVersionFromAPlainBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sendbot: skipped under -short")
	}
	head, err := exec.Command("git", "log", "-1", "--format=%H %cI").Output()
	if err != nil {
		t.Skipf("not a git checkout, or no git: %v", err)
	}
	commit, when, _ := strings.Cut(strings.TrimSpace(string(head)), " ")
	// GOFLAGS may turn VCS stamping off (some CI images do); a user's
	// go build has it on.
	bin := buildSendbot(t, "-buildvcs=true")
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("sendbot version: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	if !strings.Contains(got, "commit "+commit[:12]) || strings.Contains(got, "unknown") {
		t.Errorf("sendbot version = %q, want commit %s and its date (%s)", got, commit[:12], when)
	}
}
