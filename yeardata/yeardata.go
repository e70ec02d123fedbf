// Package yeardata generates a year of committee activity as signed
// operations, at the scale Vietnam's eCabinet reported (75 sessions with
// about 10 agenda items each, 1,670 opinion ballots answered by some 30
// members), for benchmarks and load tests. It is deterministic for a seed.
package yeardata

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// Size says how much to generate.
type Size struct {
	Meetings     int
	ItemsPerMeet int
	Ballots      int
	Members      int // voters; every one answers every ballot
	// Body, when set, makes the year one body's among others on the same
	// hub: the body is created, its members belong to it, its meetings are
	// published and its ballots are put to it, and every ID is prefixed
	// with it so that several bodies' years can share one hub.
	Body string
}

// Year is the scale of one year of a national government's eCabinet.
var Year = Size{Meetings: 75, ItemsPerMeet: 10, Ballots: 1670, Members: 30}

// Data is a generated year: the device that must be enrolled for the
// secretary before the operations apply, and the operations in order.
type Data struct {
	Secretary *identity.Device // signs the secretariat's operations
	Ops       [][]byte         // encoded ops.Signed, in apply order
	Answers   int
}

type gen struct {
	rnd  *rand.Rand
	seqs map[string]uint64
	out  [][]byte
	at   time.Time
}

func deviceFrom(rnd *rand.Rand) *identity.Device {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(rnd.UintN(256))
	}
	d, err := identity.FromSeed(seed)
	if err != nil {
		panic(err)
	}
	return d
}

func (g *gen) emit(dev *identity.Device, member string, kind ops.Kind, body any) error {
	raw, err := codec.Marshal(body)
	if err != nil {
		return err
	}
	g.seqs[dev.ID]++
	g.at = g.at.Add(time.Minute)
	s, err := ops.Sign(dev, ops.Op{Kind: kind, Device: dev.ID, DevSeq: g.seqs[dev.ID], Member: member, At: g.at, Body: raw})
	if err != nil {
		return err
	}
	b, err := s.Encode()
	if err != nil {
		return err
	}
	g.out = append(g.out, b)
	return nil
}

// Generate makes the operations of a year for the committee whose
// secretary is secretaryID. The returned Secretary device must be enrolled
// for that member (core.Profile.EnrollDevice) before applying Ops.
func Generate(secretaryID string, size Size, seed uint64) (*Data, error) {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &gen{rnd: rnd, seqs: map[string]uint64{}, at: time.Date(2023, 1, 2, 8, 0, 0, 0, time.UTC)}
	sec := deviceFrom(rnd)
	d := &Data{Secretary: sec}
	type voter struct {
		id  string
		dev *identity.Device
	}
	var voters []voter
	pre := ""
	if size.Body != "" {
		pre = size.Body + "-"
		if err := g.emit(sec, secretaryID, ops.KindBodyPut, ops.BodyPut{Body: meetings.Body{ID: size.Body, Name: "Ban Chỉ đạo " + size.Body}}); err != nil {
			return nil, err
		}
	}
	for i := 0; i < size.Members; i++ {
		role := meetings.RoleMember
		if i == 0 {
			role = meetings.RoleChair
		}
		m := meetings.Member{ID: fmt.Sprintf("%sm%03d", pre, i), Name: fmt.Sprintf("Thành viên %d", i+1), Title: "Bộ trưởng", Role: role}
		if size.Body != "" {
			m.Role, m.Bodies = meetings.RoleMember, []meetings.Membership{{Body: size.Body, Role: role}}
		}
		if err := g.emit(sec, secretaryID, ops.KindMemberPut, ops.MemberPut{Member: m}); err != nil {
			return nil, err
		}
		v := voter{id: m.ID, dev: deviceFrom(rnd)}
		if err := g.emit(sec, secretaryID, ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: m.ID, PubKey: v.dev.Pub}); err != nil {
			return nil, err
		}
		voters = append(voters, v)
	}
	for i := 0; i < size.Meetings; i++ {
		mid := fmt.Sprintf("%smt%04d", pre, i)
		m := meetings.Meeting{ID: mid, Title: fmt.Sprintf("Phiên họp Chính phủ thường kỳ tháng %d (lần %d)", i%12+1, i+1),
			Start: time.Date(2023, time.Month(i%12+1), 1+i%27, 8, 0, 0, 0, time.UTC), Place: "Trụ sở Chính phủ", Status: meetings.StatusDraft, Rev: 1, Body: size.Body}
		if err := g.emit(sec, secretaryID, ops.KindMeetingCreate, ops.MeetingCreate{Meeting: m}); err != nil {
			return nil, err
		}
		for j := 0; j < size.ItemsPerMeet; j++ {
			it := meetings.AgendaItem{ID: fmt.Sprintf("%s-i%02d", mid, j), Title: fmt.Sprintf("Nội dung %d: báo cáo tình hình kinh tế - xã hội", j+1), Presenter: "Bộ Kế hoạch và Đầu tư", Minutes: 15 + rnd.IntN(30)}
			if err := g.emit(sec, secretaryID, ops.KindAgendaAdd, ops.AgendaAdd{MeetingID: mid, Item: it}); err != nil {
				return nil, err
			}
		}
		if size.Body != "" {
			if err := g.emit(sec, secretaryID, ops.KindMeetingStatus, ops.MeetingStatus{MeetingID: mid, Status: meetings.StatusPublished}); err != nil {
				return nil, err
			}
		}
	}
	eligible := make([]string, len(voters))
	for i, v := range voters {
		eligible[i] = v.id
	}
	choices := []ballots.Choice{ballots.ChoiceAgree, ballots.ChoiceAgree, ballots.ChoiceAgree, ballots.ChoiceDisagree, ballots.ChoiceOther}
	for i := 0; i < size.Ballots; i++ {
		bid := fmt.Sprintf("%sb%05d", pre, i)
		b := ballots.Ballot{ID: bid, Title: fmt.Sprintf("Phiếu lấy ý kiến số %d/PLYK", i+1), Question: "Đề nghị thành viên Chính phủ cho ý kiến về dự thảo Nghị định.",
			Options: ballots.VietnameseOptions(), Deadline: g.at.Add(72 * time.Hour), Eligible: eligible, Policy: ballots.VNGovernment(), Status: ballots.StatusDraft, Body: size.Body}
		if len(voters) > 0 {
			b.ChairID = voters[0].id
		} else {
			b.Policy.TieBreaker = ballots.TieBreakNone
		}
		if err := g.emit(sec, secretaryID, ops.KindBallotIssue, ops.BallotIssue{Ballot: b}); err != nil {
			return nil, err
		}
		for k, v := range voters {
			a := ballots.Answer{ID: fmt.Sprintf("%s-a%02d", bid, k), BallotID: bid, MemberID: v.id,
				Choice: choices[rnd.IntN(len(choices))], Comment: "Nhất trí với dự thảo, đề nghị cơ quan chủ trì tiếp thu ý kiến.", At: g.at}
			if err := g.emit(v.dev, v.id, ops.KindBallotAnswer, ops.BallotAnswer{Answer: a}); err != nil {
				return nil, err
			}
			d.Answers++
		}
		if i < size.Ballots-10 { // the last few stay open
			if err := g.emit(sec, secretaryID, ops.KindBallotClose, ops.BallotClose{BallotID: bid}); err != nil {
				return nil, err
			}
		}
	}
	d.Ops = g.out
	return d, nil
}

// Load generates a year for the secretary's profile p and applies it
// through the path pulled operations take (ApplyRemote, in pages), after
// enrolling the generator's device for the secretary.
func Load(p *core.Profile, size Size, seed uint64) (*Data, error) {
	d, err := Generate(p.Self().ID, size, seed)
	if err != nil {
		return nil, err
	}
	if err := p.EnrollDevice(p.Self().ID, d.Secretary.Pub); err != nil {
		return nil, err
	}
	// Pages stay well under Badger's transaction size limit (a fraction of
	// the 8 MiB memtable).
	const page = 200
	for i := 0; i < len(d.Ops); i += page {
		res, err := p.ApplyRemote(d.Ops[i:min(i+page, len(d.Ops))])
		if err != nil {
			return nil, err
		}
		if len(res.Rejected) > 0 {
			return nil, fmt.Errorf("page at %d: %d operations rejected, first: %w", i, len(res.Rejected), res.Rejected[0])
		}
	}
	return d, nil
}
