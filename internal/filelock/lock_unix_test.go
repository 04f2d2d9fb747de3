//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package filelock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain lets the test binary hold a lock as another process: with
// FILELOCK_HOLD set it takes that lock, says "locked", and holds it until
// its standard input closes.
func TestMain(m *testing.M) {
	if path := os.Getenv("FILELOCK_HOLD"); path != "" {
		unlock, err := TryLock(path)
		if err != nil {
			os.Stdout.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		bufio.NewReader(os.Stdin).ReadString('\n')
		unlock()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestALockHeldByAnotherProcessNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fetched.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("the other process: %q", line)
	}

	_, err := TryLock(path)
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) || held.PID != cmd.Process.Pid || held.Path != path {
		t.Fatalf("while another process holds it: %v (%+v), want it held by %d", err, held, cmd.Process.Pid)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	unlock, err := TryLock(path)
	if err != nil {
		t.Fatalf("once the other process let go: %v", err)
	}
	unlock()
}

// A process killed while it holds the lock does not leave it held.
func TestALockIsLetGoWhenItsHolderDies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fetched.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	stdin, _ := cmd.StdinPipe()
	defer stdin.Close()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("the other process: %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := TryLock(path)
	if err != nil {
		t.Fatalf("after its holder was killed: %v", err)
	}
	unlock()
}

func TestTwoLocksInOneProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fetched.lock")
	unlock, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryLock(path)
	var held *HeldError
	if !errors.As(err, &held) || held.PID != os.Getpid() {
		t.Errorf("a second lock in the same process: %v", err)
	}
	unlock()
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again()
}
