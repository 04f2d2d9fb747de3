//go:build unix

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// hangups delivers SIGHUP, which asks a running serve to reindex, until
// ctx ends.
func hangups(ctx context.Context) <-chan os.Signal {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	go func() {
		<-ctx.Done()
		signal.Stop(ch)
	}()
	return ch
}
