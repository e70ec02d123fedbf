package core

import (
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Bodies: the organisation's bodies (meetings/body.go), kept like members.
// The main body exists without a record (profiles made before bodies have
// none): it is named after the organisation until a body.put names it.

func (p *Profile) applyBodyPut(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.BodyPut).Body
	b.Name = strings.TrimSpace(b.Name)
	if err := b.Validate(); err != nil {
		return applied{}, err
	}
	if err := tx.Put(store.Key(store.PrefixBody, b.ID), b); err != nil {
		return applied{}, err
	}
	return applied{
		after:  func() { p.m.bodies[b.ID] = b },
		events: []Event{{TopicBodies, b.ID}},
	}, nil
}

// Bodies lists the organisation's bodies, removed ones left out, the main
// body first and the others by name.
func (p *Profile) Bodies() []meetings.Body {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	return p.m.bodyList()
}

// Body returns one body, removed ones included.
func (p *Profile) Body(id string) (meetings.Body, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	b, ok := p.m.body(meetings.BodyOf(id))
	if !ok {
		return meetings.Body{}, ErrNotFound
	}
	return b, nil
}

// CreateBody adds a body (the organisation's secretariat only).
func (p *Profile) CreateBody(name string) (meetings.Body, error) {
	b := meetings.Body{ID: identity.NewID(), Name: strings.TrimSpace(name)}
	if err := b.Validate(); err != nil {
		return meetings.Body{}, err
	}
	_, err := p.submit(ops.KindBodyPut, ops.BodyPut{Body: b}, 0)
	return b, err
}

// RenameBody renames a body, the main body included.
func (p *Profile) RenameBody(id, name string) error {
	b, err := p.Body(id)
	if err != nil {
		return err
	}
	b.Name = strings.TrimSpace(name)
	if err := b.Validate(); err != nil {
		return err
	}
	_, err = p.submit(ops.KindBodyPut, ops.BodyPut{Body: b}, 0)
	return err
}

// body returns a body by ID; the main body always exists.
func (m *model) body(id string) (meetings.Body, bool) {
	if b, ok := m.bodies[id]; ok {
		return b, true
	}
	if id == meetings.MainBody {
		return meetings.Body{ID: meetings.MainBody, Name: m.orgName()}, true
	}
	return meetings.Body{}, false
}

func (m *model) bodyList() []meetings.Body {
	main, _ := m.body(meetings.MainBody)
	out := []meetings.Body{main}
	for _, b := range m.bodies {
		if b.ID != meetings.MainBody && !b.Removed {
			out = append(out, b)
		}
	}
	rest := out[1:]
	col := collate.New(language.Vietnamese) // not safe to share between goroutines
	sort.Slice(rest, func(i, j int) bool {
		if c := col.CompareString(rest[i].Name, rest[j].Name); c != 0 {
			return c < 0
		}
		return rest[i].ID < rest[j].ID
	})
	return out
}

// orgName is the organisation's name: its hub's system member, whom every
// replica knows ("" before the profile has joined one).
func (m *model) orgName() string {
	name := ""
	for _, v := range m.members {
		if v.Role == meetings.RoleSystem && !v.Removed && (name == "" || v.Name < name) {
			name = v.Name
		}
	}
	return name
}
