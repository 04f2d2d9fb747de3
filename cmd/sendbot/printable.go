package main

import (
	"strconv"
	"strings"
	"unicode"
)

// printable is s as the terminal should show it: unchanged when it is
// plain text, else quoted as Go quotes strings, so that a file, area or
// title holding a line break, a tab or an escape code cannot forge a line
// of a report or drive the terminal.
func printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool {
		return r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' '
	}) {
		return strconv.Quote(s)
	}
	return s
}
