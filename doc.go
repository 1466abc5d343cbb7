// Package cnsbot is the domain of the community digital technology teams'
// reporting bot: the unit tree, teams, members and their roles, indicators,
// targets, reports, periods, and the application error type. It imports the
// standard library only; storage, Telegram and the terminal shell sit around
// it and implement or use the service interfaces declared here.
package cnsbot
