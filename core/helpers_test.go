package core_test

import (
	"sort"

	"github.com/ecabinet/ecabinet/meetings"
)

func memberNamed(name string) meetings.Member {
	return meetings.Member{Name: name, Title: "Thành viên", Role: meetings.RoleMember}
}

func sortStrings(s []string) { sort.Strings(s) }

func memberSecretary() meetings.Member {
	return meetings.Member{Name: "Văn phòng Chính phủ", Role: meetings.RoleSecretary}
}
