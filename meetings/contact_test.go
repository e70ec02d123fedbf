package meetings

import (
	"errors"
	"testing"
)

func TestMember_ValidateContact(t *testing.T) {
	tests := []struct {
		name, email, phone, code string
	}{
		{"none", "", "", ""},
		{"a ministry address and a Hanoi number", "hanh.nt@moha.gov.vn", "024 3845 8080", ""},
		{"an international mobile", "", "+84 (91) 234-5678", ""},
		{"no at sign", "hanh.moha.gov.vn", "", "err.member.email_invalid"},
		{"no dot in the domain", "hanh@localhost", "", "err.member.email_invalid"},
		{"two at signs", "a@b@c.vn", "", "err.member.email_invalid"},
		{"a space", "nguyen hanh@moha.gov.vn", "", "err.member.email_invalid"},
		{"letters in the number", "", "024 ABC 8080", "err.member.phone_invalid"},
		{"too few digits", "", "113", "err.member.phone_invalid"},
		{"full-width digits", "", "０２４３８４５８０８０", "err.member.phone_invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Member{Name: "Nguyễn Thị Hạnh", Role: RoleMember, Email: tc.email, Phone: tc.phone}
			err := m.Validate()
			var e *Error
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code != "" && (!errors.As(err, &e) || e.Code != tc.code):
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func FuzzMember_ValidateContact(f *testing.F) {
	f.Add("hanh.nt@moha.gov.vn", "024 3845 8080")
	f.Add("@", "+")
	f.Fuzz(func(t *testing.T, email, phone string) {
		err := Member{Name: "A", Role: RoleMember, Email: email, Phone: phone}.Validate()
		var e *Error
		if err != nil && (!errors.As(err, &e) || (e.Field != "email" && e.Field != "phone")) {
			t.Fatalf("%q %q: %v is not a field error", email, phone, err)
		}
	})
}
