package reportparse

import (
	"slices"

	"cnsbot/textvi"
)

// noActivityPhrases are the words, folded and with chat abbreviations
// spelled out, that say a team did nothing.
var noActivityPhrases = [][]string{
	{"khong", "co", "hoat", "dong"},
	{"chua", "co", "hoat", "dong"},
	{"khong", "hoat", "dong"},
	{"khong", "lam", "duoc", "gi"},
	{"chua", "lam", "duoc", "gi"},
	{"khong", "lam", "gi"},
	{"khong", "phat", "sinh"},
	{"no", "activity"},
	{"nothing", "to", "report"},
	{"did", "nothing"},
	{"nothing", "this", "week"},
	{"nothing", "today"},
}

// lastWeekPhrases name the week before this one.
var lastWeekPhrases = [][]string{
	{"tuan", "truoc"}, {"tuan", "qua"}, {"last", "week"},
}

// questionWords before the words of noActivityPhrases make a text a
// question ("tổ nào không có hoạt động"), not a team's word about itself;
// after them "nào" only insists ("không có hoạt động nào").
var questionWords = map[string]bool{"nao": true, "ai": true, "sao": true, "which": true, "who": true, "what": true}

// NoActivity reports whether text says the team did nothing ("tuần này
// không có hoạt động", "hôm nay không làm được gì vì mưa", "tuan nay khong
// co hoat dong"), and whether it says so of last week. A question is not
// such a text. It looks at words only: the caller checks first that the
// text holds no figures.
func NoActivity(text string) (ok, lastWeek bool) {
	var words []string
	for _, t := range textvi.Tokens(text) {
		if t.Key == "?" {
			return false, false
		} else if t.Kind == textvi.Word {
			words = appendWord(words, t.Key)
		}
	}
	at := indexAny(words, noActivityPhrases)
	if at < 0 || slices.ContainsFunc(words[:at], func(w string) bool { return questionWords[w] }) {
		return false, false
	}
	return true, indexAny(words, lastWeekPhrases) >= 0
}

// indexAny returns where the first of phrases to occur in words starts, -1
// when none does.
func indexAny(words []string, phrases [][]string) int {
	for i := range words {
		for _, p := range phrases {
			if i+len(p) <= len(words) && slices.Equal(words[i:i+len(p)], p) {
				return i
			}
		}
	}
	return -1
}
