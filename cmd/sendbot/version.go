package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// versionString says which sendbot this is. Without build-time stamps it
// falls back to what the Go toolchain recorded (module version, VCS revision).
func versionString() string {
	v, c, d := version, commit, date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("sendbot %s (commit %s, built %s)", v, c, d)
}

// versionNumber is the version word of versionString ("dev", "v1.2.0"),
// for the User-Agent.
func versionNumber() string {
	if f := strings.Fields(versionString()); len(f) > 1 {
		return f[1]
	}
	return "dev"
}
