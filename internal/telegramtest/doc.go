// Package telegramtest is a fake Telegram Bot API for tests: an httptest
// server that speaks the same wire protocol as api.telegram.org, so the real
// go-telegram/bot client can be pointed at it with tgbot.WithServerURL and
// tgbot.WithSkipGetMe.
//
// The server records every request (method, form fields, uploaded files),
// serves getUpdates from a queue the test fills with Push, answers the send
// and edit methods with realistic messages, and injects faults (429 with
// retry_after, 403 blocked, 500) so retry and error paths can be exercised.
// Tests wait on conditions with WaitFor and WaitMessages, which wake on every
// request instead of sleeping.
//
// The update builders (Message, Command, Contact, Callback, GroupMessage,
// Photo, Document, MyChatMember) produce updates shaped like Telegram's,
// including bot_command entities measured in UTF-16 code units.
//
// It is used by tests only and sits under internal/ so nothing in production
// can import it.
package telegramtest
