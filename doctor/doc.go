// Package doctor checks a deployment of sendbot the way `sendbot serve`
// would use it, and says what to fix: the .env file and the settings (as
// package settings reads them), the token's form, whether Discord can be
// reached and accepts the token, this computer's clock against
// Discord's, the corpus, the index (opened read-only and asked one
// question, beside a running serve) and the room on disk for a reindex.
// It prints one line per check, "ok", "FIX" or "note", and changes
// nothing.
//
//	lib, err := library.Open(libraryConfig)
//	err = doctor.Run(ctx, doctor.Config{Out: os.Stdout, Token: token, Library: lib, LibraryErr: err})
//	// err: "doctor: 2 things to fix (the lines marked FIX above)"
package doctor
