package papers

// ErrorCodes lists every Error.Code this package returns, so the UI team can
// translate each one and a test can check that every code has a translation
// in both languages (and that no code used here is missing from the list).
var ErrorCodes = []string{
	"err.manifest.chunk_invalid",
	"err.manifest.chunker_unknown",
	"err.manifest.chunks_too_many",
	"err.manifest.decode_failed",
	"err.manifest.params_invalid",
	"err.manifest.size_mismatch",
	"err.paper.added_at_required",
	"err.paper.added_by_required",
	"err.paper.agenda_item_required",
	"err.paper.distribution_invalid",
	"err.paper.export_refused",
	"err.paper.file_empty",
	"err.paper.file_name_invalid",
	"err.paper.file_name_required",
	"err.paper.id_required",
	"err.paper.lineage_required",
	"err.paper.marking_invalid",
	"err.paper.media_type_invalid",
	"err.paper.member_duplicate",
	"err.paper.member_invalid",
	"err.paper.members_required",
	"err.paper.members_too_many",
	"err.paper.owner_ambiguous",
	"err.paper.owner_required",
	"err.paper.pages_invalid",
	"err.paper.recalled",
	"err.paper.recalled_at_invalid",
	"err.paper.title_required",
	"err.paper.title_too_long",
	"err.paper.too_large",
	"err.paper.version_number",
	"err.paper.versions_required",
}
