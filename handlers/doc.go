// Package handlers holds the bot's features, one file each (start.go,
// report.go, progress.go, broadcast.go …). Each feature is a small type over
// one shared base (deps.go: the services, texts, clock, settings and caches)
// and declares what it is once, as entries of the feature table
// (feature.go): commands and aliases, roles, chat types, help line, buttons,
// flows and the question intent it answers. The Router (router.go) routes
// messages, buttons and questions by that table, /trogiup and Telegram's "/"
// menu (menu.go) are drawn from it, and its one check is the only place a
// role or a chat type is tested.
//
// A handler receives an Update already parsed by the Telegram edge (package
// bot) and returns an error; it talks to the domain's service interfaces and
// to a narrow Sender, never to storage packages or to package bot. Texts
// come from locales.
package handlers
