// Package handlers holds the bot's features, one file each: registration
// (start.go), help, cancel, language, join requests. A handler receives an
// Update already parsed by the Telegram edge (package bot) and returns an
// error; it talks to the domain's service interfaces and to a narrow Sender,
// never to storage packages or to package bot. Texts come from locales.
package handlers
