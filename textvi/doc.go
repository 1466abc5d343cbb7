// Package textvi handles Vietnamese text typed by people in chat: folding it
// to a matching key (Fold), finding one name inside another word by word
// (Contains, MatchWords, StripUnitType), sorting names the way a Vietnamese
// reader expects (Sort, Less, SortBy), reading numbers ("1.562", "97,4":
// ParseNumber) and days ("hôm qua", "14/7", "thứ hai": ParseDate, FindDate),
// and splitting text into folded words with their byte spans (Tokens), which
// the report parser builds on.
//
// People type with or without diacritics, in precomposed or decomposed
// Unicode, with old-style ("Hoà", "Thuỷ") or new-style ("Hòa", "Thủy") tone
// placement, and sometimes paste zero-width characters from other apps. All
// of that folds to one key: "Đồng Văn", "Dong  Van" and "đồng văn" are all
// "dong van". Folded keys are for matching only; names are shown as stored.
//
// textvi imports golang.org/x/text and the standard library only. handlers
// and storage use it; it uses nothing of cnsbot.
package textvi
