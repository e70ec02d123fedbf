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
