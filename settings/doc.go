// Package settings reads sendbot's settings from the environment: their
// names, their defaults, and, for a value written wrongly, an error that
// names the setting and says what to write. docs/settings.md documents
// the same settings for the people who set them, and a test keeps the
// two (and .env.example) listing the same names.
//
// Read keeps each setting as written, so a command is stopped only by a
// mistake in a setting it uses; the methods read the ones that need
// reading, and build the Config of the packages that take them.
//
//	s := settings.Read(os.Getenv)
//	log, err := s.Logger(os.Stderr)       // LOG_LEVEL, LOG_FORMAT
//	bc, err := s.Bot()                    // every setting of the bot
//	// err: SENDBOT_RATE_LIMIT "lots": write how many questions one person may ask a minute, …
//	lc, err := s.Library(log)            // SENDBOT_CORPUS, SENDBOT_BUILTIN_ENGLAND…
//	lib, err := library.Open(lc)
//	for _, err := range s.Problems() { … } // sendbot doctor: every mistake at once
package settings
