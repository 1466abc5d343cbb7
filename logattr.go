package cnsbot

// Log attribute keys: every key a log line of the module carries, declared
// once so that log queries and dashboards stay stable across packages. Log
// calls pass these constants, never string literals (TestLogKeysAreConstants
// in logattr_test.go fails on a literal key); add a constant here when no
// existing one names the concept. Keys are snake_case; ids end in _id.
const (
	// An update and its handling.
	LogUpdateID  = "update_id"  // Telegram update id
	LogChatID    = "chat_id"    // Telegram chat id
	LogUserID    = "user_id"    // Telegram user id
	LogHandler   = "handler"    // name of the handler of an update
	LogError     = "error"      // the error, redacted where it may hold the token
	LogCode      = "code"       // Error.Code of an application error
	LogKey       = "key"        // Error.Key (locales key) of an application error
	LogUpdates   = "updates"    // number of updates (adopted, pruned)
	LogUpdateIDs = "update_ids" // update ids (given up)

	// Domain records.
	LogMemberID      = "member_id"       // Member.ID
	LogUnit          = "unit"            // OrgUnit.Code
	LogJoinRequestID = "join_request_id" // JoinRequest.ID
	LogBatchID       = "batch_id"        // outbox batch id
	LogMessageID     = "message_id"      // outbox message id
	LogRecipients    = "recipients"      // number of recipients of a batch

	// Schedules.
	LogSchedule    = "schedule"      // Schedule.Name
	LogSlot        = "slot"          // the instant a schedule fires for
	LogCron        = "cron"          // a schedule's cron expression
	LogFirstMissed = "first_missed"  // the first slot skipped
	LogLastRun     = "last_run"      // the last slot that ran
	LogCatchUpFrom = "catch_up_from" // the earliest slot still caught up

	// Outbound calls and the Telegram edge.
	LogRetryAfter = "retry_after" // the wait Telegram asked for
	LogRetryIn    = "retry_in"    // the wait before the next attempt
	LogUntil      = "until"       // the instant a pause ends
	LogCalls      = "calls"       // number of calls
	LogMessages   = "messages"    // number of messages
	LogBytes      = "bytes"       // size of a body in bytes
	LogOwner      = "owner"       // a process as named in a lease (package lease)
	LogHolder     = "holder"      // the owner that held a lease before

	// The process.
	LogVersion   = "version"   // build version
	LogBot       = "bot"       // the bot's username
	LogMode      = "mode"      // polling or webhook
	LogDatabase  = "database"  // the SQLite database (path)
	LogRedis     = "redis"     // the Redis server (redacted URL)
	LogComponent = "component" // the library a log line comes from

	// The configuration, logged by its LogValue: the same names as its YAML
	// keys (LogMode, LogRedis and LogDatabase above serve too).
	LogTelegram             = "telegram"
	LogAPIURL               = "api_url"
	LogPollTimeout          = "poll_timeout"
	LogWorkers              = "workers"
	LogUpdateRetention      = "update_retention"
	LogSynchronous          = "synchronous"
	LogToken                = "token" // always redacted
	LogWebhook              = "webhook"
	LogListen               = "listen"
	LogPublicURL            = "public_url"
	LogSecretToken          = "secret_token" // always redacted
	LogMaxConnections       = "max_connections"
	LogTLS                  = "tls"
	LogURL                  = "url"
	LogKeyPrefix            = "key_prefix"
	LogPath                 = "path"
	LogTimezone             = "timezone"
	LogLocale               = "locale"
	LogHTTP                 = "http"
	LogConversation         = "conversation"
	LogTTL                  = "ttl"
	LogEditWindow           = "edit_window"
	LogBroadcast            = "broadcast"
	LogRatePerSecond        = "rate_per_second"
	LogLimits               = "limits"
	LogUserUpdatesPerMinute = "user_updates_per_minute"
	LogMaxTextLength        = "max_text_length"
	LogLog                  = "log" // the log section
	LogLevel                = "level"
	LogFormat               = "format"
)
