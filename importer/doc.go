// Package importer loads master data and sector values from CSV or XLSX
// files: units, members, indicators, targets and values, as run by
// `cnsbot import KIND FILE`.
//
// A file's first row is its header. Header names are matched without regard
// to case or Vietnamese diacritics, and Vietnamese names are accepted
// ("Họ và tên", "Số điện thoại", "Mã đơn vị"…). Every row is parsed and
// checked before anything is written; when any row is bad the import writes
// nothing and returns an *ImportError that lists every bad row by its line
// number. A good file goes to the matching cnsbot.ImportService method in one
// call, which is one transaction.
//
// The package sits beside storage: it uses the cnsbot service interfaces
// only, and cmd/cnsbot wires it to the SQLite services.
package importer
