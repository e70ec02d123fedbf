package core

import (
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
)

// RewrapForTest submits a paper.rewrap op of this device's key of a paper
// for one device, whoever owns it: what a tampered client could sign, for
// the tests of the applier's rule (papers_rewrap_test.go).
func (p *Profile) RewrapForTest(paperID, device string) error {
	key, err := p.lineageKey(paperID)
	if err != nil {
		return err
	}
	p.modelMu.RLock()
	pub := p.m.devices[device]
	p.modelMu.RUnlock()
	w, err := papers.WrapKey(key, paperID, device, pub)
	if err != nil {
		return err
	}
	_, err = p.submit(ops.KindPaperRewrap, ops.PaperRewrap{PaperID: paperID, Keys: []papers.WrappedKey{w}}, 0)
	return err
}
