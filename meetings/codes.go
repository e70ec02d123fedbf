package meetings

// ErrorCodes lists every Error.Code this package can return, so the UI team
// can translate each one and a test can check that every code has a
// translation (and, in this package, that no code is missing from the list).
var ErrorCodes = []string{
	"err.not_found",
	"err.invalid_transition",
	"err.consent.nothing_to_adopt",
	"err.consent.already_adopted",
	"err.consent.mark_invalid",
	"err.consent.not_adoptable",
	"err.meeting.no_quorum",

	"err.member.name_required",
	"err.member.name_too_long",
	"err.member.title_too_long",
	"err.member.role_invalid",
	"err.member.body_twice",

	"err.body.id_required",
	"err.body.name_required",
	"err.body.name_too_long",
	"err.member.email_invalid",
	"err.member.phone_invalid",

	"err.meeting.title_required",
	"err.meeting.title_too_long",
	"err.meeting.start_required",
	"err.meeting.place_too_long",
	"err.meeting.status_invalid",
	"err.meeting.closed",
	"err.meeting.not_in_session",

	"err.agenda.id_required",
	"err.agenda.duplicate_id",
	"err.agenda.title_required",
	"err.agenda.title_too_long",
	"err.agenda.presenter_too_long",
	"err.agenda.minutes_range",

	"err.attendance.member_required",

	"err.conclusion.not_held",
	"err.conclusion.too_long",
	"err.minutes.finalised",
	"err.minutes.not_closed",
	"err.minutes.time_required",
}
