package cli

import (
	"errors"
	"fmt"
	"testing"
)

// The database's error reaches the operator once: the innermost cause, a
// line that pgx repeats per connection attempt said once.
func TestUnwrapAll(t *testing.T) {
	refused := errors.New("127.0.0.1:1 (127.0.0.1): dial error: connect: connection refused")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"plain", refused, refused.Error()},
		{"wrapped", fmt.Errorf("open log: %w", fmt.Errorf("connect: %w", refused)), refused.Error()},
		{"two attempts alike", errors.New(refused.Error() + "\n" + refused.Error()), refused.Error()},
		{"two attempts differ", errors.New("tls: refused\n" + refused.Error()), "tls: refused; " + refused.Error()},
	} {
		if got := unwrapAll(tc.err); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
