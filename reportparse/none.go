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

// NoActivity reports whether text says the team did nothing ("tuần này
// không có hoạt động", "hôm nay không làm được gì vì mưa", "tuan nay khong
// co hoat dong"), and whether it says so of last week. It looks at words
// only: the caller checks first that the text holds no figures.
func NoActivity(text string) (ok, lastWeek bool) {
	var words []string
	for _, t := range textvi.Tokens(text) {
		if t.Kind == textvi.Word {
			words = appendWord(words, t.Key)
		}
	}
	ok = containsAny(words, noActivityPhrases)
	return ok, ok && containsAny(words, lastWeekPhrases)
}

// containsAny reports whether one of phrases is a run of words.
func containsAny(words []string, phrases [][]string) bool {
	for i := range words {
		for _, p := range phrases {
			if i+len(p) <= len(words) && slices.Equal(words[i:i+len(p)], p) {
				return true
			}
		}
	}
	return false
}
