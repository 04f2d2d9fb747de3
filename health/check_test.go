package health

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestCheckAsksAServingMonitor(t *testing.T) {
	m := New(func() IndexState { return IndexState{Open: true, Documents: 7, BuiltAt: time.Now().Add(-time.Minute)} })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Serve(ctx, ln)
	addr := ln.Addr().String()

	st, err := Check(ctx, addr)
	if !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "not connected to the Discord gateway") || st.Index.Documents != 7 {
		t.Errorf("before the gateway connects: %+v, %v", st, err)
	}
	m.Gateway(true)
	_, port, _ := net.SplitHostPort(addr)
	if st, err := Check(ctx, ":"+port); err != nil || !st.Ready || st.Gateway != "connected" {
		t.Errorf("once connected, asked on :port: %+v, %v", st, err)
	}
	ln.Close()
	cancel()
	if _, err := Check(context.Background(), "127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "is sendbot serve running?") {
		t.Errorf("nothing listening: %v", err)
	}
}
