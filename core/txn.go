package core

import (
	"reflect"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/store"
)

// txn is a store transaction as apply sees it. On the batch paths (a page
// pulled from the hub, a page pushed to it) it carries a cache of the
// records read and written in the transaction, because consecutive
// operations keep reading the same few records (the ballot being answered,
// the members, their devices) and decoding them again each time would
// dominate a device's first sync.
type txn struct {
	*store.Tx
	cache map[string]any // decoded values by key; nil: no caching
}

func plainTxn(tx *store.Tx) *txn  { return &txn{Tx: tx} }
func cachedTxn(tx *store.Tx) *txn { return &txn{Tx: tx, cache: map[string]any{}} }
func (t *txn) remember(k []byte, v any) {
	if t.cache != nil {
		t.cache[string(k)] = v
	}
}

// Get reads the record under key into v (a pointer).
func (t *txn) Get(key []byte, v any) error {
	if c, ok := t.cache[string(key)]; ok && t.cache != nil {
		if c == nil {
			return store.ErrNotFound
		}
		cv, ev := reflect.ValueOf(c), reflect.ValueOf(v).Elem()
		if cv.Type().AssignableTo(ev.Type()) {
			ev.Set(cv)
			return nil
		}
		// GetRaw cached the record's bytes (a refusal's snapshot reads
		// the record that the next operation's rules decode): read it
		// as the store would.
		if b, ok := c.([]byte); ok {
			return codec.Unmarshal(b, v)
		}
	}
	if err := t.Tx.Get(key, v); err != nil {
		return err
	}
	t.remember(key, reflect.ValueOf(v).Elem().Interface())
	return nil
}

// GetRaw returns the bytes under key.
func (t *txn) GetRaw(key []byte) ([]byte, error) {
	if c, ok := t.cache[string(key)]; ok && t.cache != nil {
		if b, ok := c.([]byte); ok {
			return b, nil
		}
	}
	b, err := t.Tx.GetRaw(key)
	if err == nil {
		t.remember(key, b)
	}
	return b, err
}

// Has reports whether key exists.
func (t *txn) Has(key []byte) (bool, error) {
	if c, ok := t.cache[string(key)]; ok && t.cache != nil && c != nil {
		return true, nil
	}
	return t.Tx.Has(key)
}

// Put stores v (a value, not a pointer) under key.
func (t *txn) Put(key []byte, v any) error {
	if err := t.Tx.Put(key, v); err != nil {
		return err
	}
	t.remember(key, v)
	return nil
}

// PutRaw stores bytes under key.
func (t *txn) PutRaw(key, val []byte) error {
	if err := t.Tx.PutRaw(key, val); err != nil {
		return err
	}
	t.remember(key, val)
	return nil
}

// Delete removes key.
func (t *txn) Delete(key []byte) error {
	if t.cache != nil {
		delete(t.cache, string(key))
	}
	return t.Tx.Delete(key)
}
