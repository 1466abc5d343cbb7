// Package chart draws the leaders' charts (/bieudo, /chart) as PNG images:
// a horizontal bar per indicator or per child unit, its length the
// completion in percent, its colour the status, with a line at the plan
// (100%).
//
// It draws with golang.org/x/image's OpenType rasterizer and the standard
// library's image packages: no external program, no cgo. The text is set in
// DejaVu Sans, embedded from fonts/ (see fonts/README.md and its LICENSE),
// because the Go fonts lack the precomposed Vietnamese letters (Ắ, ự, …)
// and a label must read "Tỷ lệ sản phẩm OCOP được đưa lên sàn TMĐT", not
// boxes. Labels are normalized to NFC so that every letter is one glyph.
//
// The package sits beside export: handlers build a Chart from figures and
// send the PNG; chart knows nothing of services or storage.
package chart
