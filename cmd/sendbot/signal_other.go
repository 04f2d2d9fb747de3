//go:build !unix

package main

import (
	"context"
	"os"
)

// hangups never delivers anything where there is no SIGHUP.
func hangups(context.Context) <-chan os.Signal { return nil }
