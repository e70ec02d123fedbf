package replica

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"testing"
)

// TestHealth_ReadyWhileTheStoreAnswers: /healthz is 200 with the log's head
// while the store reads, and 503 once it cannot (here: closed under the
// running hub, as a failed disk or a broken database would leave it).
func TestHealth_ReadyWhileTheStoreAnswers(t *testing.T) {
	hub := liveHubFor(t)
	anon := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}}}
	get := func() (int, Health) {
		t.Helper()
		r, err := anon.Get(hub.url + PathHealth)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type %q, want application/json", ct)
		}
		var h Health
		if err := json.NewDecoder(r.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		return r.StatusCode, h
	}
	head, err := hub.p.HubHead()
	if err != nil || head == 0 {
		t.Fatalf("hub head %d, %v: want the init operations in the log", head, err)
	}
	if status, h := get(); status != http.StatusOK || h.Status != "ok" || h.Head != head || h.Error != "" {
		t.Fatalf("ready hub: %d %+v, want 200 ok at head %d", status, h, head)
	}
	if err := hub.p.Close(); err != nil {
		t.Fatal(err)
	}
	if status, h := get(); status != http.StatusServiceUnavailable || h.Status != "unavailable" || h.Error == "" {
		t.Fatalf("hub whose store is closed: %d %+v, want 503 unavailable with a reason", status, h)
	}
}
