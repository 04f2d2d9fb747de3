// Command sendbot answers parents' questions about local SEND support by
// quoting published documents, in Discord (serve) or in the terminal (ask).
//
// Run "sendbot help" for the subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// doctor shows this among its own checks.
	if w := envFileWarning(".env"); w != "" && (len(os.Args) < 2 || os.Args[1] != "doctor") {
		fmt.Fprintln(os.Stderr, "sendbot:", w)
	}
	getenv, err := loadEnv(".env", os.LookupEnv)
	if err == nil {
		err = run(ctx, os.Args[1:], getenv, os.Stdin, os.Stdout, os.Stderr)
	}
	if err != nil {
		var ue usageError
		if !errors.As(err, &ue) || ue.msg != "" {
			fmt.Fprintln(os.Stderr, "sendbot:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake in how sendbot was called; it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitCode is 2 for usage errors and 1 for everything else.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `sendbot answers parents' questions about local SEND support by quoting
published documents, with their sources.

Usage:
  sendbot ask "question" [--area A]      answer in the terminal
  sendbot search [--json] [--k N] [--area A] ["query"]
                                         machine-readable results; with no query,
                                         one query per line from standard input
  sendbot index                          (re)build the index from the corpus
  sendbot check [DIR]                    check a corpus folder and list every file
  sendbot fetch [--corpus DIR]           fetch the url and site entries of sources.yaml
                                         into the fetch cache (SENDBOT_FETCH_DIR)
  sendbot eval --questions FILE.jsonl    score answers against known good ones
                                         (recall@1/3/5, MRR, no-answer accuracy)
  sendbot serve                          run the Discord bot
  sendbot healthcheck                    ask a running serve's /healthz
                                         (SENDBOT_HTTP_ADDR); exit 0 when ready
  sendbot doctor                         check a deployment (token, Discord, clock,
                                         corpus, index, disk) and say what to fix
  sendbot version                        show the version

Settings come from the environment and from a .env file in the current
folder (see .env.example); flags override them. With no SENDBOT_CORPUS,
sendbot uses the corpus built into it. Documents fetched by sendbot fetch
are kept in SENDBOT_FETCH_DIR (default: under SENDBOT_DATA) and read with
the corpus.
`

// run is the whole program: main only adds signals, .env and exit codes.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{}
	}
	env := appEnv{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ask":
		return runAsk(ctx, env, rest)
	case "search":
		return runSearch(ctx, env, rest)
	case "index":
		return runIndex(ctx, env, rest)
	case "check":
		return runCheck(ctx, env, rest)
	case "eval":
		return runEval(ctx, env, rest)
	case "fetch":
		return runFetch(ctx, env, rest)
	case "serve":
		return runServe(ctx, env, rest)
	case "healthcheck":
		return runHealthcheck(ctx, env, rest)
	case "doctor":
		return runDoctor(ctx, env, rest)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// appEnv is what every subcommand gets from run.
type appEnv struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}
