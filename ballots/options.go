package ballots

// Choices lists every known choice, in the order ballots usually offer them.
var Choices = []Choice{ChoiceAgree, ChoiceDisagree, ChoiceOther, ChoiceBlank}

// Valid reports whether c is one of the known choices. The rule engine only
// knows what agree and disagree mean, so a ballot cannot offer an invented
// choice whose weight nobody defined.
func (c Choice) Valid() bool {
	for _, k := range Choices {
		if c == k {
			return true
		}
	}
	return false
}

// TakesSide reports whether the choice is for or against (agree, disagree);
// other opinions and blank ballots are answers received that take no side.
func (c Choice) TakesSide() bool { return c == ChoiceAgree || c == ChoiceDisagree }

// VietnameseOptions returns the options of the usual Vietnamese opinion
// ballot: Đồng ý / Không đồng ý / Ý kiến khác. The labels are data of the
// ballot, not translations, because the signed ballot must show members the
// exact words the secretariat issued.
func VietnameseOptions() []Option {
	return []Option{
		{Choice: ChoiceAgree, Label: "Đồng ý"},
		{Choice: ChoiceDisagree, Label: "Không đồng ý"},
		{Choice: ChoiceOther, Label: "Ý kiến khác"},
	}
}

// EnglishOptions returns the same three options labelled in English, for
// committees that work in English.
func EnglishOptions() []Option {
	return []Option{
		{Choice: ChoiceAgree, Label: "Agree"},
		{Choice: ChoiceDisagree, Label: "Disagree"},
		{Choice: ChoiceOther, Label: "Other opinion"},
	}
}

// Offers reports whether the ballot offers choice c, the check an answer
// must pass before it can count.
func (b Ballot) Offers(c Choice) bool {
	for _, o := range b.Options {
		if o.Choice == c {
			return true
		}
	}
	return false
}
