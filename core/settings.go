package core

import (
	"errors"
	"strings"

	"github.com/ecabinet/ecabinet/store"
)

// ErrNoSetting is returned by Setting when nothing is stored under a name.
var ErrNoSetting = errors.New("setting not found")

// Setting reads a named value kept in the encrypted profile (hub address,
// certificates, the hub's CA, invites …) into v.
func (p *Profile) Setting(name string, v any) error {
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixSetting, name), v) })
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoSetting
	}
	return err
}

// PutSetting stores a named value durably.
func (p *Profile) PutSetting(name string, v any) error {
	return p.st.Update(func(tx *store.Tx) error { return tx.Put(store.Key(store.PrefixSetting, name), v) })
}

// UpdateSetting reads, changes and writes a setting in one transaction, so
// that, for example, an invite is used at most once.
func UpdateSetting[T any](p *Profile, name string, fn func(v *T, found bool) error) error {
	return p.st.Update(func(tx *store.Tx) error {
		var v T
		err := tx.Get(store.Key(store.PrefixSetting, name), &v)
		found := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := fn(&v, found); err != nil {
			return err
		}
		return tx.Put(store.Key(store.PrefixSetting, name), v)
	})
}

// SettingNames lists the names of settings that start with prefix.
func (p *Profile) SettingNames(prefix string) ([]string, error) {
	var out []string
	base := string(store.Key(store.PrefixSetting, ""))
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(base+prefix), func(k, _ []byte) error {
			out = append(out, strings.TrimPrefix(string(k), base))
			return nil
		})
	})
	return out, err
}
