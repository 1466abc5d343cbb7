// Package ask reads the questions leaders type in chat, in plain Vietnamese
// with or without diacritics ("tiến độ OCOP thế nào", "Bắc Hà đã báo cáo
// chưa", "tong vneid thang 7", "5/10 chỉ tiêu đạt chưa?"), and turns them
// into a Question: the command it stands for (Intent), the indicator, the
// unit and the period it names, and a line saying what was understood.
//
// ParsePeriod finds period words ("tuần trước", "tháng 7", "quý III",
// "6 tháng đầu năm", "từ 1/7 đến 15/7") and returns a cnsbot.Period. A
// Parser, built once from the indicators and units (NewParser), reads whole
// questions (Parse). Matching is done on the folded words of textvi.Tokens,
// so diacritics, case and tone placement do not matter.
//
// ask uses the root domain package, textvi and the standard library;
// handlers use it to answer free text like the /chitieu, /tiendo,
// /chuabaocao, /xuat and /bieudo commands.
package ask
