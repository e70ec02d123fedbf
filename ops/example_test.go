package ops_test

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/ops"
)

// A device signs a member's ballot answer; a replica decodes it, looks up
// the key of the device it names, and verifies it. The same bytes under
// another device's key are refused.
func ExampleSign() {
	dev, _ := identity.FromSeed(bytes.Repeat([]byte{1}, 32))
	other, _ := identity.FromSeed(bytes.Repeat([]byte{2}, 32))
	at := time.Date(2024, 7, 21, 9, 0, 0, 0, time.UTC)
	body, _ := codec.Marshal(ops.BallotAnswer{Answer: ballots.Answer{
		ID: "a1", BallotID: "b1", MemberID: "m1", Choice: ballots.ChoiceAgree, At: at, Seq: 1,
	}})
	s, err := ops.Sign(dev, ops.Op{Kind: ops.KindBallotAnswer, Device: dev.ID, DevSeq: 1, Member: "m1", At: at, Body: body})
	if err != nil {
		fmt.Println(err)
		return
	}
	wire, _ := s.Encode()

	got, op, err := ops.Decode(wire)
	if err != nil {
		fmt.Println(err)
		return
	}
	var a ops.BallotAnswer
	_ = op.DecodeBody(&a)
	fmt.Println("op:", op.Kind, "seq", op.DevSeq, "by", op.Member, "answer", a.Answer.Choice)
	fmt.Println("verified with its device's key:", got.Verify(dev.Pub, op) == nil)
	err = got.Verify(other.Pub, op)
	fmt.Println("with another device's key:", errors.Is(err, identity.ErrBadSignature))
	// Output:
	// op: ballot.answer seq 1 by m1 answer agree
	// verified with its device's key: true
	// with another device's key: true
}
