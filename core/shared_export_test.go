package core

import "github.com/ecabinet/ecabinet/store"

// SetHubFault makes shared-log writes fail at a stage (shared.go's
// hubFault) until restore is called: for the crash-window tests.
func SetHubFault(f func(stage string) error) (restore func()) {
	prev := hubFault
	hubFault = f
	return func() { hubFault = prev }
}

// SetRevealTxnBytes bounds the reveals made in one transaction
// (reveal.go) until restore is called.
func SetRevealTxnBytes(n int) (restore func()) {
	prev := revealTxnBytes
	revealTxnBytes = n
	return func() { revealTxnBytes = prev }
}

// HubRevealsOwed counts the reveal queue's items (reveal.go).
func (p *Profile) HubRevealsOwed() (int, error) {
	n := 0
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixHubReveal+"/"), func(_, _ []byte) error { n++; return nil })
	})
	return n, err
}
