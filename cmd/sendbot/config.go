package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"github.com/joho/godotenv"

	"github.com/sendbot/sendbot/library"
	"github.com/sendbot/sendbot/settings"
)

// loadEnv returns a getenv that reads the process environment first and
// then the .env file at path, if there is one. A .env file never
// overrides a variable that is already set.
func loadEnv(path string, lookup func(string) (string, bool)) (func(string) string, error) {
	vars, err := godotenv.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		vars, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w (each line should look like NAME=value)", path, err)
	}
	return func(key string) string {
		if v, ok := lookup(key); ok {
			return v
		}
		return vars[key]
	}, nil
}

// envFileWarning says what to do when the .env file at path holds a
// Discord token that other users of the computer can read, or "".
// Windows keeps no such permission bits.
func envFileWarning(path string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	vars, err := godotenv.Read(path)
	if err != nil || strings.TrimSpace(vars["DISCORD_TOKEN"]) == "" {
		return ""
	}
	return fmt.Sprintf("warning: %s holds your Discord token and other users of this computer can read it (permissions %s). Fix it with: chmod 600 %s",
		path, st.Mode().Perm(), path)
}

// newFlags makes a subcommand's flag set with the flags every subcommand
// shares: where the corpus and the index are.
func newFlags(name string, cfg *settings.Settings, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Corpus, "corpus", cfg.Corpus, "corpus folder (default: $SENDBOT_CORPUS, else the built-in corpus)")
	fs.StringVar(&cfg.Index, "index", cfg.Index, "index folder (default: $SENDBOT_INDEX, else under the data folder)")
	return fs
}

// parseFlags parses args and turns flag errors into usage errors. Flags may
// come before or after the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{}
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// libraryConfig is where the library of documents is kept, as the
// settings say, for this version of sendbot; the subcommands that fetch
// or take uploads add FetchAllow and MaxUploadBytes.
func libraryConfig(cfg settings.Settings, log *slog.Logger) (library.Config, error) {
	lc, err := cfg.Library(log)
	lc.Version = versionNumber()
	return lc, err
}

// openLibrary opens the configured library, logging to stderr.
func openLibrary(cfg settings.Settings, stderr io.Writer) (*library.Library, error) {
	log, err := cfg.Logger(stderr)
	if err != nil {
		return nil, err
	}
	lc, err := libraryConfig(cfg, log)
	if err != nil {
		return nil, err
	}
	return library.Open(lc)
}
