// Package demo generates and loads the demo data that `cnsbot demo` and
// `cnsbot shell` run on: the seed province of domain/BRIEF.md, Lào Cai in
// mid-2023, as a believable world.
//
// It sits beside the storage packages, not under them: Generate builds a
// Dataset in memory with the standard library only, and Load writes it
// through the root package's service interfaces (cnsbot.ImportService to
// write, the Unit, Member, Indicator and Team services to read ids back), so
// it works on any store.
//
// What Generate makes:
//
//   - Units: province Lào Cai (code 10), its 9 district-level units and 152
//     communes from the embedded laocai-units-2023.csv (the 2023 tree, all
//     still valid), and exactly 1.562 villages and residential groups spread
//     over the communes, coded <commune code>-NN ("Tổ dân phố số N" in wards
//     and towns, "Thôn …"/"Bản …" with highland names in rural communes).
//   - Roster: one team per village, 7.363 team members in all (1.562 team
//     leads and 5.801 members, 3 to 8 people a team). Leaders and admins are
//     counted separately: 162 leaders (1 province, 9 districts, 152 communes)
//     and 11 admins (2 province, 1 per district), so the roster holds 7.536
//     people. Names are Vietnamese (Kinh and highland family names in
//     proportion to the district), phones unique 09xxxxxxxx outside the block
//     0912000xxx, which is kept for the Personas.
//   - Indicators: the 11 activity indicators of BRIEF.md with the words people
//     type as aliases, and the 10 sector indicators CT01–CT10.
//   - Targets for now's year: per district and activity indicator, sized from
//     the district's generated last 52 weeks times 0,9–1,3; the province's are
//     the districts' sum. The sector plans sit at the province.
//   - Sector values: the seed's figures at the province, dated 21/07 of the
//     sector year, so that a leader sees "5/10 đạt và vượt", OCOP 156/163 and
//     97,4% against 95%. The sector year is now's year when now is on or after
//     21/07 (in loc), else the year before; its plans are written, and when it
//     is the year before, this year's plans too (with no values yet).
//   - Activity reports: the 52 weeks up to now, about 130.000 of them: each
//     team reports roughly weekly (a few never, some rarely, most nearly every
//     week; hardly anyone around Tết), 1–4 indicators at a time, by its usual
//     reporter or another member, as chat reports with no idempotency key.
//
// The unit tree and roster come from a fixed seed and do not depend on now;
// the reports and targets depend only on now, so the same now gives an equal
// Dataset. Communes2025 returns the 99 communes of the merged province since
// 1/7/2025 for tests of the reform; Load does not write them.
package demo
