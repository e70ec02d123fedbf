package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// vnTime is Vietnam's time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving).
// Meetings and deadlines are set in it and shown in it, so a minister
// travelling abroad sees the same hour as the Government Office that set it.
// A fixed zone needs no time zone database, which Windows lacks.
var vnTime = time.FixedZone("ICT", 7*60*60)

func inVN(t time.Time) time.Time { return t.In(vnTime) }

// weekday is the translated name of a day of the week.
func weekday(d time.Weekday) string {
	switch d {
	case time.Monday:
		return lang.X("monday", "Monday")
	case time.Tuesday:
		return lang.X("tuesday", "Tuesday")
	case time.Wednesday:
		return lang.X("wednesday", "Wednesday")
	case time.Thursday:
		return lang.X("thursday", "Thursday")
	case time.Friday:
		return lang.X("friday", "Friday")
	case time.Saturday:
		return lang.X("saturday", "Saturday")
	}
	return lang.X("sunday", "Sunday")
}

// fmtDate is a date with its weekday: "Thứ Tư, 19/07/2023" or
// "Wednesday, 19 July 2023".
func fmtDate(t time.Time) string {
	t = inVN(t)
	if currentLang == langEN {
		return weekday(t.Weekday()) + ", " + t.Format("2 January 2006")
	}
	return weekday(t.Weekday()) + ", " + t.Format("02/01/2006")
}

// fmtShortDate is a date without its weekday: "19/07/2023" or "19 Jul 2023".
func fmtShortDate(t time.Time) string {
	t = inVN(t)
	if currentLang == langEN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// fmtClock is the time of day, 24-hour: "08:00".
func fmtClock(t time.Time) string { return inVN(t).Format("15:04") }

// fmtDateTime is a date and time: "Thứ Tư, 19/07/2023 · 08:00".
func fmtDateTime(t time.Time) string { return fmtDate(t) + " · " + fmtClock(t) }

// fmtShortDateTime is "19/07/2023 08:00".
func fmtShortDateTime(t time.Time) string { return fmtShortDate(t) + " " + fmtClock(t) }

// parseDateTime reads a date ("19/07/2023", also "19/7/2023" or
// "19-07-2023") and a time ("08:00", "8:00" or "8h00") in Vietnam time.
func parseDateTime(date, clock string) (time.Time, bool) {
	date = strings.NewReplacer("-", "/", ".", "/", " ", "").Replace(strings.TrimSpace(date))
	parts := strings.Split(date, "/")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	d, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	clock = strings.NewReplacer("h", ":", "H", ":", ".", ":", " ", "").Replace(strings.TrimSpace(clock))
	if strings.HasSuffix(clock, ":") {
		clock += "00"
	}
	hm := strings.Split(clock, ":")
	if len(hm) != 2 {
		return time.Time{}, false
	}
	hh, err1 := strconv.Atoi(hm[0])
	mm, err2 := strconv.Atoi(hm[1])
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, hh, mm, 0, 0, vnTime)
	if t.Day() != d { // 31/02 rolled over
		return time.Time{}, false
	}
	return t, true
}

// dateInput and clockInput are what a date/time entry starts with.
func dateInput(t time.Time) string  { return inVN(t).Format("02/01/2006") }
func clockInput(t time.Time) string { return inVN(t).Format("15:04") }

func nDays(n int) string {
	if n == 1 {
		return lang.X("unit.day.one", "1 day")
	}
	return lang.X("unit.day.other", "{{.N}} days", map[string]any{"N": n})
}

func nHours(n int) string {
	if n == 1 {
		return lang.X("unit.hour.one", "1 hour")
	}
	return lang.X("unit.hour.other", "{{.N}} hours", map[string]any{"N": n})
}

func nMinutes(n int) string {
	if n == 1 {
		return lang.X("unit.minute.one", "1 minute")
	}
	return lang.X("unit.minute.other", "{{.N}} minutes", map[string]any{"N": n})
}

// fmtMinutes is a planned length: "2 giờ 15 phút", "45 phút".
func fmtMinutes(total int) string {
	h, m := total/60, total%60
	switch {
	case h == 0:
		return nMinutes(m)
	case m == 0:
		return nHours(h)
	}
	return nHours(h) + " " + nMinutes(m)
}

// countdown says how long is left until a ballot's deadline: "còn 2 ngày 3
// giờ", "quá hạn", "đã đóng", with the chip colour that goes with it.
func countdown(b ballots.Ballot, now time.Time) (string, chipKind) {
	if b.Status == ballots.StatusClosed {
		return lang.X("ballot.countdown.closed", "closed"), chipNeutral
	}
	left := b.Deadline.Sub(now)
	if left <= 0 {
		return lang.X("ballot.countdown.overdue", "overdue"), chipDanger
	}
	mins := int(left.Minutes())
	d, h := mins/(24*60), mins/60%24
	var span string
	switch {
	case d > 0 && h > 0:
		span = nDays(d) + " " + nHours(h)
	case d > 0:
		span = nDays(d)
	default:
		span = fmtMinutes(max(mins, 1))
	}
	text := lang.X("ballot.countdown.left", "{{.Span}} left", map[string]any{"Span": span})
	if left < 24*time.Hour {
		return text, chipWarning
	}
	return text, chipAccent
}

func meetingStatusText(s meetings.Status) string {
	switch s {
	case meetings.StatusDraft:
		return lang.X("meeting.status.draft", "Draft")
	case meetings.StatusPublished:
		return lang.X("meeting.status.published", "Published")
	case meetings.StatusInSession:
		return lang.X("meeting.status.in_session", "In session")
	case meetings.StatusClosed:
		return lang.X("meeting.status.closed", "Closed")
	}
	return string(s)
}

func meetingStatusKind(s meetings.Status) chipKind {
	switch s {
	case meetings.StatusPublished:
		return chipAccent
	case meetings.StatusInSession:
		return chipSuccess
	case meetings.StatusDraft:
		return chipWarning
	}
	return chipNeutral
}

func ballotStatusText(s ballots.Status) string {
	switch s {
	case ballots.StatusDraft:
		return lang.X("ballot.status.draft", "Draft")
	case ballots.StatusOpen:
		return lang.X("ballot.status.open", "Open")
	case ballots.StatusClosed:
		return lang.X("ballot.status.closed", "Closed")
	}
	return string(s)
}

func roleText(r meetings.Role) string {
	switch r {
	case meetings.RoleChair:
		return lang.X("role.chair", "Chair")
	case meetings.RoleMember:
		return lang.X("role.member", "Member")
	case meetings.RoleSecretary:
		return lang.X("role.secretary", "Secretary")
	case meetings.RoleGuest:
		return lang.X("role.guest", "Guest")
	}
	return string(r)
}

func roleKind(r meetings.Role) chipKind {
	switch r {
	case meetings.RoleChair:
		return chipDanger
	case meetings.RoleSecretary:
		return chipAccent
	case meetings.RoleMember:
		return chipSuccess
	}
	return chipNeutral
}

// roleByText maps a role select's text back to the role.
func roleByText(s string) meetings.Role {
	for _, r := range meetings.Roles {
		if roleText(r) == s {
			return r
		}
	}
	return meetings.RoleMember
}

func roleOptions() []string {
	out := make([]string, len(meetings.Roles))
	for i, r := range meetings.Roles {
		out[i] = roleText(r)
	}
	return out
}

// standingText is the standing of a ballot in words, with its colour.
func standingText(r ballots.Result, status ballots.Status) (string, chipKind) {
	switch r.Standing {
	case ballots.StandingPassed:
		return lang.X("result.standing.passed", "Passed"), chipSuccess
	case ballots.StandingRejected:
		return lang.X("result.standing.rejected", "Not passed"), chipDanger
	}
	if status == ballots.StatusClosed {
		return lang.X("result.standing.closed", "Closed"), chipNeutral
	}
	return lang.X("result.standing.open", "Collecting opinions"), chipAccent
}

// prospectText says what can still happen to an open ballot.
func prospectText(r ballots.Result, status ballots.Status) string {
	if status == ballots.StatusClosed {
		return lang.X("result.prospect.final", "The ballot is closed; this result is final.")
	}
	switch {
	case r.Standing == ballots.StandingPassed:
		return lang.X("result.prospect.decided_pass", "Already passed, whatever the remaining members answer.")
	case r.Standing == ballots.StandingRejected:
		return lang.X("result.prospect.cannot_pass", "Can no longer pass, whatever the remaining members answer.")
	case r.CanStillPass && r.CanStillFail:
		return lang.X("result.prospect.open", "Can still pass; can still fail.")
	}
	return ""
}

// reasonText explains a result's reason.
func reasonText(reason string) string {
	switch reason {
	case ballots.ReasonThresholdMet:
		return lang.X("result.reason.threshold_met", "Enough members agreed.")
	case ballots.ReasonThresholdNotMet:
		return lang.X("result.reason.threshold_not_met", "Not enough members agreed.")
	case ballots.ReasonChairTiebreak:
		return lang.X("result.reason.chair_tiebreak", "Exactly half agreed; the chair's side decides.")
	case ballots.ReasonQuorumNotMet:
		return lang.X("result.reason.quorum_not_met", "Too few members answered.")
	case ballots.ReasonNoMembers:
		return lang.X("result.reason.no_members", "Nobody is eligible to answer.")
	case ballots.ReasonPolicyInvalid:
		return lang.X("result.reason.policy_invalid", "The ballot's rule is not valid.")
	}
	return ""
}

// policyName is a built-in policy's name in words.
func policyName(p ballots.Policy) string {
	switch p.Name {
	case ballots.PresetVNGovernment:
		return lang.X("policy.vn-government", "Government rule (more than half of all members, chair breaks ties)")
	case ballots.PresetSimpleMajority:
		return lang.X("policy.simple-majority", "Simple majority of answers received")
	case ballots.PresetTwoThirds:
		return lang.X("policy.two-thirds", "Two thirds of all members")
	}
	return lang.X("policy.custom", "Custom rule")
}

// policyWords spells a policy out, whatever its name.
func policyWords(p ballots.Policy) string {
	var parts []string
	of := lang.X("policy.of_all", "of all members")
	if p.Denominator == ballots.DenominatorAnswers {
		of = lang.X("policy.of_answers", "of the answers received")
	}
	switch p.Threshold {
	case ballots.ThresholdTwoThirds:
		parts = append(parts, lang.X("policy.needs_two_thirds", "Passes when at least two thirds {{.Of}} agree", map[string]any{"Of": of}))
	default:
		parts = append(parts, lang.X("policy.needs_majority", "Passes when more than half {{.Of}} agree", map[string]any{"Of": of}))
	}
	if p.TieBreaker == ballots.TieBreakChair {
		parts = append(parts, lang.X("policy.tie_chair", "on an exact split, the chair's side wins"))
	}
	if p.NonResponse == ballots.NonResponseAgree {
		parts = append(parts, lang.X("policy.silence_agrees", "no answer counts as agreement"))
	} else {
		parts = append(parts, lang.X("policy.silence_nothing", "no answer counts for nothing"))
	}
	if !p.Quorum.IsZero() {
		parts = append(parts, lang.X("policy.quorum", "at least {{.Num}}/{{.Den}} of members must answer",
			map[string]any{"Num": p.Quorum.Num, "Den": p.Quorum.Den}))
	}
	return strings.Join(parts, "; ") + "."
}

// initials are the letters shown in a member's avatar: the first letters of
// the last two words of a Vietnamese name ("Phạm Minh Chính" → "MC").
func initials(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return "?"
	}
	if len(words) > 2 {
		words = words[len(words)-2:]
	}
	var b strings.Builder
	for _, w := range words {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])))
	}
	return b.String()
}

// percent is n/d as a whole percentage.
func percent(n, d int) string {
	if d == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", (n*100+d/2)/d)
}

// commentPreviewRunes is how much of a comment a confirmation shows.
const commentPreviewRunes = 300

// preview is s cut to at most n runes, with an ellipsis when cut.
func preview(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
