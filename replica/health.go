package replica

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Health is the body of GET /healthz: readiness, for a load balancer or
// an orchestrator. The hub is ready when its store answers a read (the
// log's head) and, for a scaled-out hub, its database and its bucket
// answer ("database: …" or "bucket: …" otherwise): 200 with Status "ok";
// otherwise 503 with Status "unavailable" and the reason. It needs no client certificate and tells
// nothing a device could not learn from its own pulls.
type Health struct {
	Status string `json:"status"`
	// Head is the newest position of the hub's log, when ready.
	Head uint64 `json:"head,omitempty"`
	// Error says why the hub is not ready.
	Error string `json:"error,omitempty"`
}

// health answers GET /healthz by reading the log's head from the store.
func (h *Hub) health(w http.ResponseWriter, r *http.Request) {
	var out Health
	status := http.StatusOK
	head, err := h.p.HubHead()
	if err != nil {
		status = http.StatusServiceUnavailable
		out = Health{Status: "unavailable", Error: "store: " + err.Error()}
	} else {
		out = Health{Status: "ok", Head: head}
	}
	// A scaled-out hub is ready only when its database and its bucket
	// answer too; the answer names the one that does not.
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	for _, c := range h.checks {
		if err := c.check(ctx); err != nil {
			status = http.StatusServiceUnavailable
			out = Health{Status: "unavailable", Error: c.name + ": " + err.Error()}
			break
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}
