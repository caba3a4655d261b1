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
	cfg, err := filepath.Abs(filepath.Join("..", "..", "internal", "loadgen", "bench.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := startServer(t, data, "--config", cfg)
	const clients, enough = 16, 400
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	client := &http.Client{}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"segment": "Bench", "contact": fmt.Sprintf("5%02d%05d", c, i)})
				resp, err := client.Post(p.base+"/api/v1/tenants/Bench/callbacks", "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var it interaction
				ok := resp.StatusCode == http.StatusCreated && json.NewDecoder(resp.Body).Decode(&it) == nil
				resp.Body.Close()
				if !ok {
					return
				}
				mu.Lock()
				acked = append(acked, it.ID)
				mu.Unlock()
			}
		}()
	}
	waitFor(t, fmt.Sprintf("%d registrations to be acknowledged", enough), func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= enough
	})
	// Killed with requests in flight: whatever was answered 201 is on disk.
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.Wait(t)
	close(stop)
	wg.Wait()

	p2 := startServer(t, data, "--config", cfg)
	mu.Lock()
	defer mu.Unlock()
	for _, id := range acked {
		// Found, with its registration in its history (the Queue Manager
		// may have launched it since: any state will do).
		if it := getInteraction(t, p2.base, "Bench", id); it.ID != id || len(it.History) == 0 || it.History[0].Event != "Add" {
			t.Errorf("acknowledged registration %s after SIGKILL: %+v", id, it)
		}
	}
	t.Logf("%d registrations acknowledged before SIGKILL, all found after the restart", len(acked))
}
