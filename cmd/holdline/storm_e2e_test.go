package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

// A reply means committed, also when the group commit shares one fsync
// among many requests: SIGKILL in the middle of a storm of registrations
// loses none that was acknowledged (issue #11, acceptance 4). Sixteen
// clients register callbacks as fast as the server answers; once a few
// hundred are acknowledged the process is killed while requests are still
// in flight, and every acknowledged one is there after the restart.
func TestAcknowledgedRegistrationsSurviveSIGKILLInAStorm(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg := benchConfig(t)
	p := startServer(t, data, "--config", cfg)
	const enough = 400
	st := startStorm(t, p.base, 16, "5")
	st.waitAcked(t, enough)
	// Killed with requests in flight: whatever was answered 201 is on disk.
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.Wait(t)
	acked := st.stop()

	p2 := startServer(t, data, "--config", cfg)
	for _, id := range acked {
		// Found, with its registration in its history (the Queue Manager
		// may have launched it since: any state will do).
		if it := getInteraction(t, p2.base, "Bench", id); it.ID != id || len(it.History) == 0 || it.History[0].Event != "Add" {
			t.Errorf("acknowledged registration %s after SIGKILL: %+v", id, it)
		}
	}
	t.Logf("%d registrations acknowledged before SIGKILL, all found after the restart", len(acked))
}

// storm is clients registering ASAP callbacks on the bench configuration's
// tenant as fast as the server answers, each with contacts of its own.
type storm struct {
	mu    sync.Mutex
	acked []string
	wg    sync.WaitGroup
	done  chan struct{}
}

// startStorm starts clients registering at base; contacts start with
// prefix, so that two storms on one server do not collide. A client stops
// at its first failure (a killed server ends them all).
func startStorm(t *testing.T, base string, clients int, prefix string) *storm {
	t.Helper()
	st := &storm{done: make(chan struct{})}
	client := &http.Client{}
	for c := range clients {
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-st.done:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"segment": "Bench", "contact": fmt.Sprintf("%s%02d%05d", prefix, c, i)})
				resp, err := client.Post(base+"/api/v1/tenants/Bench/callbacks", "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var it interaction
				ok := resp.StatusCode == http.StatusCreated && json.NewDecoder(resp.Body).Decode(&it) == nil
				resp.Body.Close()
				if !ok {
					return
				}
				st.mu.Lock()
				st.acked = append(st.acked, it.ID)
				st.mu.Unlock()
			}
		}()
	}
	return st
}

// waitAcked waits until n registrations are acknowledged.
func (st *storm) waitAcked(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d registrations to be acknowledged", n), func() bool { return len(st.ackedSoFar()) >= n })
}

// ackedSoFar are the ids acknowledged until now.
func (st *storm) ackedSoFar() []string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]string(nil), st.acked...)
}

// stop ends the storm and returns every id acknowledged.
func (st *storm) stop() []string {
	close(st.done)
	st.wg.Wait()
	return st.ackedSoFar()
}

// benchConfig is the bench configuration's path (one tenant, Bench, whose
// licences refuse nothing).
func benchConfig(t *testing.T) string {
	t.Helper()
	cfg, err := filepath.Abs(filepath.Join("..", "..", "internal", "loadgen", "bench.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
