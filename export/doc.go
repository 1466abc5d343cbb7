// Package export writes reports out as CSV or XLSX tables for people who
// keep working in spreadsheets, as run by `cnsbot export reports` and the
// leaders' export.
//
// The CSV is UTF-8 with a byte order mark, which Excel on a Vietnamese
// Windows needs to show diacritics. The XLSX keeps numbers as numbers and
// dates as dates, so that sums and filters work, with a bold frozen header.
// Reports are read page by page through cnsbot.ReportService, and the names
// of units, teams, members and indicators are looked up through small caches.
//
// WriteProgressXLSX and WriteProgressCSV write the leaders' progress table
// (/xuat): STT, Chỉ tiêu, ĐVT, KH năm, TH kỳ này, Lũy kế, TH/KH (%), Ghi
// chú, one sheet for the caller's scope and one per child unit, the status
// shown by the colour of the completion cell. progress.go says how numbers
// are stored and displayed.
package export
