// Command cnsbot runs the community digital technology teams' Telegram bot
// and its tools: the bot itself (run), a terminal shell on the demo data
// (shell), migrations, the demo data, imports and exports. It is the only
// package that imports every other one: it reads the config, opens the
// records and the conversation store, and wires handlers to the Telegram
// edge.
package main
