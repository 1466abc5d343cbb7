// Package reportparse reads the activity figures a team member types into
// chat, such as "hd 15 ho cai vneid, 3 tk ngan hang" or "hôm qua hướng dẫn 12
// người cài định danh", and turns them into (indicator code, value) pairs
// with the day they are about.
//
// A Parser is built once from the indicators' names and aliases (NewParser)
// and then reads free text (Parse) or the strict quick form of a command
// argument, "vneid 15 dvc 3 hôm qua" (ParseQuick). Matching is done on folded
// words (textvi.Fold), so diacritics, case, zero-width characters and emoji
// do not matter, and the chat abbreviations hd/hđ (hướng dẫn), bc (báo cáo),
// tk (tài khoản), ng (người), dc/đc (được), k/ko (không), sl (số lượng) and
// đt (điện thoại) are read as the words they stand for. Numbers follow
// textvi.ParseNumber ("1.250" is 1250, "97,4" is 97.4).
//
// The parser never invents a figure: every Pair is a number exactly as typed
// (Raw is text[Start:End]) next to words naming an indicator. Numbers that are
// part of a date, a time ("8h", "14:30"), a phone number, a year or a place
// ("thôn 3", "tổ 5") are never values. Anything it cannot place becomes a
// Problem for the caller to ask about, so the member confirms every figure
// before it is saved.
//
// reportparse uses textvi and the standard library only; handlers use it.
package reportparse
