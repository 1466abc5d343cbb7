// Package locales holds every text the bot sends, in Vietnamese (the
// default) and English, and the one formatter for numbers and dates.
//
// Texts live in the embedded vi.yaml and en.yaml as flat dotted snake_case
// keys ("error.invalid_phone", "start.welcome") whose values are
// text/template strings for Telegram's HTML parse mode. Load parses them
// once into a Catalog; Catalog.T renders one for a user's language. Inside a
// template, num, pct, date, datetime and esc format numbers, percentages and
// dates the user's way (vi "1.562", "97,4%", "21/07/2023"; en "1,562",
// "97.4%", "2023-07-21") and escape user text. Go code formats the same way
// with FormatNumber, FormatInt, FormatPercent, FormatDate and
// FormatDateTime.
//
// The root package's Error carries a locales key and args, never prose, so
// the bot layer renders any error in the user's language with T. locales
// imports the standard library and go-yaml only.
package locales
