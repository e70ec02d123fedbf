package core

// VerifiedAhead counts the entries of a checked page whose signature was
// verified ahead (the others would be verified again when applied).
func (pg *CheckedPage) VerifiedAhead() int {
	n := 0
	for _, v := range pg.pre {
		if v.key != nil {
			n++
		}
	}
	return n
}

// Unflushed is how many bytes of pulled operations wait for a flush.
func (p *Profile) Unflushed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unflushed
}
