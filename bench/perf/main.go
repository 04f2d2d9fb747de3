// Command perf measures sendbot's index at the sizes a regional or national
// deployment reaches, side by side with SQLite FTS5, and writes
// bench/RESULTS.md (issue 7).
//
//	go run ./bench/perf -passages 10000,100000
//
// It generates a deterministic synthetic corpus (fixed seed) from the words
// of ../shared/corpus with bench/synth: word and heading bigrams, never
// whole sentences, in Markdown files spread over twenty fictional areas
// and a few national files. For each size it then
//
//   - builds the index with the bot's own code (corpus.Reader into
//     index.RebuildFrom, with the built-in glossary) in a child process
//     of its own (this command again, as `perf build-child`), and times
//     it and reads its peak resident memory (ru_maxrss);
//   - runs a fixed set of parent-style questions (synth.Questions) through index.Live.Search,
//     the path the bot takes (area filter, synonyms, highlighting);
//   - runs the sendbot binary on that index: `search --json` under
//     /usr/bin/time for the peak RSS with the index open, and `ask` for
//     the cold start (process start to first answer, index already built);
//   - builds SQLite FTS5 on the same passages and runs the same questions
//     (bench/perf/fts5.py, which reuses bench/fts5/compare.py).
//
// Then it rebuilds ../shared/corpus a few times while two askers put the
// shared eval questions to the open index without pause, and reports how
// long answers took during the rebuilds (-rebuilds; 0 skips it).
//
// It also runs `sendbot eval` on ../shared so the recall sits next to the
// timings. It needs python3 and /usr/bin/time; without ../shared/corpus it
// says so and stops.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sendbot/sendbot/bench/synth"
	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/index"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == buildChildCommand {
		if err := buildChild(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "perf build-child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}

// startProfile starts a CPU profile of the searches at n passages, to
// path.n, and returns what stops it; with no path it does nothing.
func startProfile(path string, n int) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", path, n))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// options are the command-line flags.
type options struct {
	sizes  []int
	shared string
	rounds int
	// cpuProfile is where to write a profile of the searches, if set.
	cpuProfile string
	ftsRounds  int
	seed       uint64
	out        string
	work       string
	keep       bool
	skipCLI    bool
	questions  string
	rebuilds   int
	heldBuild  bool
}

func parseOptions() (options, error) {
	var o options
	sizes := flag.String("passages", "10000,100000", "comma-separated corpus sizes, in passages (1000000 is supported)")
	flag.StringVar(&o.shared, "shared", "../shared", "the shared test data folder (its corpus/ gives the vocabulary)")
	flag.IntVar(&o.rounds, "rounds", 100, "how many times each question is asked of sendbot")
	flag.IntVar(&o.ftsRounds, "fts-rounds", 20, "how many times each question is asked of FTS5 (slower: 20 rounds take 4 minutes at 1,000,000 passages)")
	flag.Uint64Var(&o.seed, "seed", 7, "seed of the synthetic corpus")
	flag.StringVar(&o.out, "out", "bench/RESULTS.md", "where to write the results")
	flag.StringVar(&o.work, "work", "", "work folder (default: a new temporary folder, removed at the end)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work folder")
	flag.IntVar(&o.rebuilds, "rebuilds", 5, "how many times the shared corpus is rebuilt while questions are answered (0 skips it)")
	flag.BoolVar(&o.heldBuild, "held", false, "build as sendbot index did before issue 25, reading the whole corpus first, instead of file by file while building")
	flag.BoolVar(&o.skipCLI, "skip-cli", false, "skip the RSS and cold-start runs of the sendbot binary")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the searches (not of the builds) to this file, for go tool pprof")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			return o, fmt.Errorf("-passages: %q is not a size of at least 100", s)
		}
		o.sizes = append(o.sizes, n)
	}
	o.questions = filepath.Join(o.shared, "eval", "dev-questions.jsonl")
	return o, nil
}

func run() error {
	o, err := parseOptions()
	if err != nil {
		return err
	}
	corpusDir := filepath.Join(o.shared, "corpus")
	if _, err := os.Stat(corpusDir); err != nil {
		fmt.Fprintf(os.Stderr, "perf: skipped: no corpus at %s to take the vocabulary from (%v)\n", corpusDir, err)
		return nil
	}
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "sendbot-perf-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(work)
		}
	}

	exe := filepath.Join(work, "sendbot")
	if !o.skipCLI {
		if out, err := exec.Command("go", "build", "-o", exe, "./cmd/sendbot").CombinedOutput(); err != nil {
			return fmt.Errorf("build sendbot: %v\n%s", err, out)
		}
	}
	recall, err := evalRecall(o, work)
	if err != nil {
		return err
	}
	var rows []row
	for _, n := range o.sizes {
		r, err := measure(o, work, exe, n)
		if err != nil {
			return fmt.Errorf("%d passages: %w", n, err)
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "%+v\n", r)
	}
	var re *reindexRow
	if o.rebuilds > 0 {
		fmt.Fprintf(os.Stderr, "reindex: rebuilding ../shared/corpus %d times while answering\n", o.rebuilds)
		r, err := reindexCost(o, work, o.rebuilds, 2)
		if err != nil {
			return fmt.Errorf("reindex while answering: %w", err)
		}
		re = &r
	}
	return writeResults(o, rows, recall, re)
}

// row is the measurements at one corpus size.
type row struct {
	Asked, Passages, Documents int
	LoadS, BuildS              float64
	BuildRSSKiB                int64 // the build's child process's peak RSS
	IndexBytes                 int64
	P50, P95, P99              time.Duration
	Unanswered                 int
	FTSBuildS                  float64
	FTSBytes                   int64
	FTSP50, FTSP95, FTSP99     time.Duration
	FTSEmpty                   int
	RSSKiB                     int64
	ColdStart                  time.Duration
}

func measure(o options, work, exe string, n int) (row, error) {
	r := row{Asked: n}
	dir := filepath.Join(work, fmt.Sprintf("corpus-%d", n))
	fmt.Fprintf(os.Stderr, "%d passages: writing %s\n", n, dir)
	if err := os.RemoveAll(dir); err != nil {
		return r, err
	}
	// The generator's vocabulary is learnt for each size and dropped once
	// the corpus is written. Kept, its hundreds of thousands of pointers
	// were marked by every collection while sendbot answered, which a
	// bot's process does not hold: at 100,000 passages the collections
	// took 7-18 ms instead of 4-7 ms, and answers caught in one made p99.
	v, err := synth.Learn(filepath.Join(o.shared, "corpus"))
	if err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "vocabulary: %d words of ../shared/corpus\n", v.Words())
	if err := synth.Generate(dir, v, n, o.seed); err != nil {
		return r, err
	}
	v = nil

	// Build, as `sendbot index` does, in a process of its own so that its
	// peak memory is the build's alone.
	idxDir := filepath.Join(work, fmt.Sprintf("index-%d", n))
	fmt.Fprintf(os.Stderr, "%d passages: building the index\n", n)
	b, err := buildInChild(dir, idxDir, o.heldBuild)
	if err != nil {
		return r, err
	}
	r.Passages, r.Documents, r.LoadS, r.BuildS, r.BuildRSSKiB = b.Passages, b.Documents, b.LoadS, b.BuildS, b.MaxRSSKiB
	if r.IndexBytes, err = du(idxDir); err != nil {
		return r, err
	}
	// The passages again, for FTS5; the searches below run once they are
	// dropped.
	fsys := os.DirFS(dir)
	c, err := corpus.Load(fsys)
	if err != nil {
		return r, err
	}
	passagesFile := filepath.Join(work, fmt.Sprintf("passages-%d.jsonl", n))
	if err := writePassages(passagesFile, c.Documents); err != nil {
		return r, err
	}
	c = nil
	runtime.GC()

	// Search through Live, as the bot does.
	fmt.Fprintf(os.Stderr, "%d passages: searching\n", n)
	live, err := index.OpenLive(idxDir)
	if err != nil {
		return r, err
	}
	ctx := context.Background()
	var lat []time.Duration
	stopProfile, err := startProfile(o.cpuProfile, n)
	if err != nil {
		live.Close()
		return r, err
	}
	for round := -1; round < o.rounds; round++ { // round -1 warms up
		for _, q := range synth.Questions {
			t := time.Now()
			res, err := live.Search(ctx, index.Query{Text: q.Text, Area: q.Area})
			d := time.Since(t)
			if err != nil {
				stopProfile()
				live.Close()
				return r, fmt.Errorf("search %q: %w", q.Text, err)
			}
			if round < 0 {
				continue
			}
			lat = append(lat, d)
			if len(res.Hits) == 0 {
				r.Unanswered++
			}
		}
	}
	stopProfile()
	live.Close()
	r.P50, r.P95, r.P99 = percentiles(lat)

	fmt.Fprintf(os.Stderr, "%d passages: FTS5\n", n)
	if err := fts5(o, work, passagesFile, &r); err != nil {
		return r, err
	}
	if !o.skipCLI {
		fmt.Fprintf(os.Stderr, "%d passages: sendbot binary (RSS, cold start)\n", n)
		if err := cli(o, work, exe, dir, idxDir, &r); err != nil {
			return r, err
		}
	}
	os.Remove(passagesFile)
	return r, nil
}

// cliSource is the Source the sendbot binary expects of an index of dir
// (cmd/sendbot locate: the corpus fingerprint and the built-in glossary's
// version; there are no fetched or uploaded documents), so that the binary
// opens the index built here instead of building its own. If that ever
// drifts, cli notices the binary rebuilding and fails.
func cliSource(dir string, fsys fs.FS) (index.Source, error) {
	fp, err := corpus.Fingerprint(fsys)
	if err != nil {
		return index.Source{}, err
	}
	return index.Source{Name: dir, Fingerprint: fp + "+glossary:" + corpus.BuiltinGlossaryVersion()}, nil
}

// cli runs the sendbot binary on the built index: `search --json` with
// every question under /usr/bin/time for the peak RSS, and `ask` three
// times for the cold start (the median is kept).
func cli(o options, work, exe, corpusDir, idxDir string, r *row) error {
	env := append(os.Environ(), "SENDBOT_DATA="+filepath.Join(work, "data"), "SENDBOT_AREA=")
	var stdin bytes.Buffer
	for range 3 {
		for _, q := range synth.Questions {
			stdin.WriteString(q.Text + "\n")
		}
	}
	cmd := exec.Command("/usr/bin/time", "-f", "maxrss=%M", exe, "search", "--json", "--corpus", corpusDir, "--index", idxDir)
	cmd.Env = env
	cmd.Stdin = &stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sendbot search: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "building the index") {
		return errors.New("the sendbot binary rebuilt the index instead of opening it: cliSource no longer matches cmd/sendbot's fingerprint")
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "maxrss="); ok {
			r.RSSKiB, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if r.RSSKiB == 0 {
		return fmt.Errorf("no peak RSS in /usr/bin/time's output:\n%s", stderr.String())
	}
	var starts []time.Duration
	for range 3 {
		cmd := exec.Command(exe, "ask", "--corpus", corpusDir, "--index", idxDir, synth.Questions[0].Text)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("sendbot ask: %v\n%s", err, out.String())
		}
		starts = append(starts, time.Since(t))
		if strings.Contains(out.String(), "building the index") {
			return errors.New("sendbot ask rebuilt the index instead of opening it")
		}
	}
	slices.Sort(starts)
	r.ColdStart = starts[1]
	return nil
}

// fts5Report is what bench/perf/fts5.py prints.
type fts5Report struct {
	Passages  int       `json:"passages"`
	BuildS    float64   `json:"build_seconds"`
	SizeBytes int64     `json:"size_bytes"`
	Latencies []float64 `json:"latencies_seconds"`
	Empty     int       `json:"empty"`
}

func fts5(o options, work, passagesFile string, r *row) error {
	qfile := filepath.Join(work, "questions.json")
	data, _ := json.Marshal(synth.Questions)
	if err := os.WriteFile(qfile, data, 0o644); err != nil {
		return err
	}
	db := filepath.Join(work, "fts5.db")
	defer os.Remove(db)
	cmd := exec.Command("python3", "bench/perf/fts5.py", "--passages", passagesFile,
		"--queries", qfile, "--rounds", strconv.Itoa(o.ftsRounds), "--db", db)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("fts5.py: %v\n%s", err, stderr.String())
	}
	var rep fts5Report
	if err := json.Unmarshal(out, &rep); err != nil {
		return fmt.Errorf("fts5.py output: %w", err)
	}
	if rep.Passages != r.Passages {
		return fmt.Errorf("fts5.py indexed %d passages, sendbot %d", rep.Passages, r.Passages)
	}
	lat := make([]time.Duration, len(rep.Latencies))
	for i, s := range rep.Latencies {
		lat[i] = time.Duration(s * float64(time.Second))
	}
	r.FTSBuildS, r.FTSBytes, r.FTSEmpty = rep.BuildS, rep.SizeBytes, rep.Empty/o.ftsRounds
	r.FTSP50, r.FTSP95, r.FTSP99 = percentiles(lat)
	return nil
}

// evalRecall runs `sendbot eval` on the shared corpus and questions and
// returns its recall@3, with a data folder of its own so that it does not
// touch the index cache of any other sendbot.
func evalRecall(o options, work string) (float64, error) {
	cmd := exec.Command("go", "run", "./cmd/sendbot", "eval", "--corpus", filepath.Join(o.shared, "corpus"),
		"--questions", o.questions, "--json")
	cmd.Env = append(os.Environ(), "SENDBOT_DATA="+filepath.Join(work, "eval-data"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("sendbot eval: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Recall3 float64 `json:"recall_at_3"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return 0, fmt.Errorf("sendbot eval output: %w", err)
	}
	return rep.Recall3, nil
}

// writePassages writes the passages as bench/fts5/compare.py reads them.
func writePassages(path string, docs []corpus.Document) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, d := range docs {
		for _, p := range d.Passages {
			if err := enc.Encode(map[string]any{"id": p.ID + "@" + d.Path, "title": d.Title, "section": p.Section,
				"text": p.Text, "area": d.Area, "national": corpus.IsNational(d.Area)}); err != nil {
				f.Close()
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func percentiles(d []time.Duration) (p50, p95, p99 time.Duration) {
	if len(d) == 0 {
		return
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return at(0.50), at(0.95), at(0.99)
}

func du(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}

func writeResults(o options, rows []row, recall float64, re *reindexRow) error {
	var b strings.Builder
	b.WriteString("# sendbot performance\n\n")
	held := ""
	if o.heldBuild {
		held = " -held"
	}
	b.WriteString("Written by `go run ./bench/perf -passages " + joinSizes(o.sizes) + held + "` (issue 7); do not edit by hand.\n\n")
	fmt.Fprintf(&b, "Run on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %s, %d cores (`nproc`)\n", cpuModel(), nproc())
	fmt.Fprintf(&b, "- Memory: %s\n", memTotal())
	fmt.Fprintf(&b, "- Go: %s; Python %s (SQLite %s)\n\n", goVersion(), pythonVersion(), sqliteVersion())
	b.WriteString("## Corpus and method\n\n")
	fmt.Fprintf(&b, "Synthetic Markdown corpus, seed %d: bigram chains of the words, headings and titles of ../shared/corpus; "+
		"%d passages a file, spread over %d fictional areas (\"Area 01\"…) with one file in %d national (England). "+
		"%d parent-style questions (a third with an area), each asked after one warm-up round %d times "+
		"through `index.Live.Search` (area filter, synonyms, highlighting; p99 is the slowest 1%% of %d answers) and %d times through FTS5 (bm25 with sendbot's field weights, "+
		"porter unicode61, the OR query and area-or-national filter of bench/fts5/compare.py, first 3 rows). "+
		"Build = %s, with the built-in glossary, in a process of its own; "+
		"build RSS = that process's peak resident memory (ru_maxrss), reading and building. "+
		"RSS = peak resident memory (`/usr/bin/time`) of `sendbot search --json` answering every question three times with the index open "+
		"(serve needs Discord; this is the same index, opened the same way). "+
		"Cold start = median of three `sendbot ask` runs, process start to exit after the first answer, index already built, files in the page cache.\n\n",
		o.seed, synth.PerFile, synth.Areas, synth.Areas+1, len(synth.Questions), o.rounds, o.rounds*len(synth.Questions), o.ftsRounds, buildMethod(o))
	fmt.Fprintf(&b, "Eval on ../shared (`sendbot eval --questions %s`): **recall@3 %.3f**.\n\n", filepath.Base(o.questions), recall)
	b.WriteString("## Results\n\n")
	b.WriteString("| passages | read s | build s | build RSS | passages/s | index size | p50 | p95 | p99 | no hits | FTS5 build s | FTS5 size | FTS5 p50 | FTS5 p95 | FTS5 p99 | FTS5 p50 ÷ sendbot p50 | RSS | cold start |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %s | %.1f | %s | %.0f | %s | %s | %s | %s | %d/%d | %.1f | %s | %s | %s | %s | %.2f× | %s | %s |\n",
			r.Passages, seconds(r.LoadS), r.BuildS, rss(r.BuildRSSKiB), float64(r.Passages)/r.BuildS, mib(r.IndexBytes),
			ms(r.P50), ms(r.P95), ms(r.P99), r.Unanswered/o.rounds, len(synth.Questions),
			r.FTSBuildS, mib(r.FTSBytes), ms(r.FTSP50), ms(r.FTSP95), ms(r.FTSP99),
			float64(r.FTSP50)/float64(r.P50), rss(r.RSSKiB), ms(r.ColdStart))
	}
	b.WriteString("\n\"no hits\" counts the questions sendbot returned no passage for (it declines when too few of the question's words match); " +
		"FTS5, which cannot decline, returned no row for " + rowsFTSEmpty(rows) + ".\n")
	if re != nil {
		writeReindex(&b, re)
	}
	// The sections other benchmarks wrote, after othersMarker, are kept.
	if old, err := os.ReadFile(o.out); err == nil {
		if at := strings.Index(string(old), othersMarker); at >= 0 {
			b.WriteString("\n" + string(old[at:]))
		}
	}
	if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Print(b.String())
	return nil
}

// othersMarker begins the part of bench/RESULTS.md that other
// benchmarks (bench/replicas, bench/manifest) write, which perf keeps.
const othersMarker = "<!-- Below: other benchmarks' figures, recorded by hand; bench/perf keeps them. -->"

// buildMethod says how the index was built, for the method's paragraph.
func buildMethod(o options) string {
	if o.heldBuild {
		return "`index.Rebuild` after reading the whole corpus with `corpus.Load`, as `sendbot index` did before issue 25 (read s apart)"
	}
	return "`index.RebuildFrom` reading the Markdown files one at a time (`corpus.Reader`) while it builds, as `sendbot index` does, so the corpus is never held (read s: within build s)"
}

// seconds is s to a tenth, or – for none.
func seconds(s float64) string {
	if s == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", s)
}

func rowsFTSEmpty(rows []row) string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d of the questions at %d passages", r.FTSEmpty, r.Passages))
	}
	return strings.Join(out, ", ")
}

func joinSizes(s []int) string {
	var parts []string
	for _, n := range s {
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

func rss(kib int64) string {
	if kib == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func nproc() int {
	out, err := exec.Command("nproc").Output()
	if n, err2 := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && err2 == nil {
		return n
	}
	return runtime.NumCPU()
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(v)
			if kib, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
			}
		}
	}
	return "unknown"
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

func pythonVersion() string {
	out, err := exec.Command("python3", "-c", "import platform; print(platform.python_version())").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func sqliteVersion() string {
	out, err := exec.Command("python3", "-c", "import sqlite3; print(sqlite3.sqlite_version)").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
