// Package export writes reports out as CSV or XLSX tables for people who
// keep working in spreadsheets, as run by `cnsbot export reports` and the
// leaders' export.
//
// The CSV is UTF-8 with a byte order mark, which Excel on a Vietnamese
// Windows needs to show diacritics. The XLSX keeps numbers as numbers and
// dates as dates, so that sums and filters work, with a bold frozen header.
// Reports are read page by page through cnsbot.ReportService, and the names
// of units, teams, members and indicators are looked up through small caches.
package export
