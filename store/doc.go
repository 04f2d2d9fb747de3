// Package store says where sendbot keeps its state, and tests that each
// place behaves alike. There are two:
//
//   - the embedded default, for one bot on one machine: files under
//     SENDBOT_DATA (package feedback's votes, package gaps' words,
//     package library's audit log) and the answers More results pages
//     through in memory (Pages, here);
//   - PostgreSQL (package store/postgres), when DATABASE_URL is set, so
//     that replicas serving one bot share all of it.
//
// The bot uses each through a small interface of its own (bot.Config's
// Feedback, Gaps, Audit and Pages); this package's tests run the same
// behaviour tests against both kinds.
package store
