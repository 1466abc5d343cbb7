// Package schedule fires cnsbot's reminder schedules: cron-style times in
// Asia/Ho_Chi_Minh (Parse), checked before they are stored (Validate), with
// the product's defaults on out of the box (DefaultSchedules), run by a
// Scheduler that hands each slot to a Runner (the handlers, which work out
// the audience and queue the messages in the outbox).
//
// # Exactly once
//
// A slot is the instant a schedule's cron names. Before the Runner runs,
// the Scheduler claims the slot in the store (cnsbot.ScheduleService
// ClaimSlot: an insert that a UNIQUE (schedule, slot) constraint lets
// through once). Whoever else reaches the same slot — a restarted process,
// a second bot process on the same database — finds it taken and does
// nothing. A claimed slot is never claimed again, so the Runner runs at
// most once per slot: if the process dies while the Runner works, the slot
// stays claimed, unfinished, and is not retried; a Runner error is recorded
// in the run and not retried either (the outbox retries the sends). Redis
// plays no part: the database is the one thing both processes share for
// certain.
//
// # Catch-up
//
// A restarted Scheduler considers the slots of the last CatchUp (1 hour by
// default): a slot missed while no process ran fires late, once, if it is
// that recent; older ones are skipped and logged at start from the last
// recorded runs. The same limit applies when the process stalled. A
// schedule that is new at start (first boot, or added in chat while the bot
// was down) can fire at once for a slot of that last hour too: schedules
// carry no creation time to tell it from a missed slot. Paused schedules
// do not fire, and their slots are not caught up on resume.
//
// # Run now
//
// RunNow runs a schedule by hand, paused or not, in a manual slot: the
// current minute plus one nanosecond (ManualSlot). Cron slots fall on whole
// minutes, so a manual run is claimed and recorded like a cron slot without
// ever taking one, and a second manual run of the same schedule within the
// same minute (a double tap) is refused with ECONFLICT. IsManual tells the
// two kinds of runs apart. A manual run carries the key of the button press
// that asked for it: the same press handled again after a crash goes on in
// the slot it claimed (ClaimKeyedSlot), and its Runner finds the batch the
// key queued instead of queueing a second one.
//
// # Defaults and deadlines
//
// weekly_missing reminds the teams with no report this week on Friday at
// 16:00. monthly_cutoff reminds the teams with no report this month on the
// 13th at 16:00, the day before the administrative cut-off: the monthly
// report of Nghị định 09/2019 covers the 15th of the month before to the
// 14th, so the 14th is the last day. weekly_digest sends leaders a digest
// of the figures on Monday at 08:00.
//
// escalation runs daily at 09:00 and its Runner decides whom to address
// from the deadline rule: the weekly deadline is the end of the ISO week
// (Sunday). On Monday at 09:00 the teams that were silent all of last week
// are escalated to their team lead; on Tuesday at 09:00 those still silent
// for last week go to their commune leader. On other days the run sends
// nothing and is recorded with no recipients.
//
// schedule imports robfig/cron for parsing specs, cnsbot and the standard
// library; it knows neither Telegram nor storage.
package schedule
