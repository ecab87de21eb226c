// Command scanbench measures the scanner against zbarimg (and ZXingReader
// on real photos) in one run, and prints Markdown tables.
//
//	scanbench -corpus build/scan-corpus [-photos ../shared/qr-photos] [-md docs/scanner-benchmark.md]
//
// Times are wall-clock per image as a separate process for every decoder
// (scanbench re-executes itself with -one FILE for Nidan), so process
// start and image file decoding count alike for all. Each decoder runs
// -reps times on every image, in a rotating order, and the fastest round
// counts. Nidan's in-process Decode time is shown beside it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/scanner"
)

type entry struct {
	File     string   `json:"file"`
	Category string   `json:"category"`
	Texts    []string `json:"texts"`
}

func main() {
	corpus := flag.String("corpus", "", "synthetic corpus `dir` (from corpusgen)")
	photos := flag.String("photos", "", "real photo set `dir` (qr-photos)")
	md := flag.String("md", "", "write the tables to this Markdown `file` too")
	only := flag.String("only", "", "run only this corpus `category`")
	photoCats := flag.String("photo-cats", "", "run only these photo `categories` (comma-separated)")
	one := flag.String("one", "", "decode one `file` and print each text Go-quoted on a line (used by the benchmark itself)")
	reps := flag.Int("reps", 3, "run every decoder this many `times` per image and keep its fastest round")
	flag.Parse()
	log.SetFlags(0)
	if *one != "" {
		rs, err := scanner.DecodeFile(*one)
		if err != nil && !errors.Is(err, scanner.ErrNoCode) {
			log.Fatal(err)
		}
		if err := writeNidan(os.Stdout, scanner.Texts(rs)); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *reps < 1 {
		log.Fatal("scanbench: -reps must be at least 1")
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	start, loadBefore := time.Now().UTC(), loadAverage()
	var out bytes.Buffer
	w := io.MultiWriter(os.Stdout, &out)
	if *corpus != "" {
		if err := benchCorpus(w, self, *corpus, *only, *reps); err != nil {
			log.Fatal(err)
		}
	}
	if *photos != "" {
		if err := benchPhotos(w, self, *photos, *photoCats, *reps); err != nil {
			log.Fatal(err)
		}
	}
	end := time.Now().UTC()
	header := fmt.Sprintf("Measured %s, %s–%s UTC, on %s/%s, %d CPUs (GOMAXPROCS %d), load average %s before and %s after, "+
		"by scanbench built from %s; fastest of %d rounds per image and decoder.\n\n",
		start.Format("2006-01-02"), start.Format("15:04"), end.Format("15:04"), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), runtime.GOMAXPROCS(0), loadBefore, loadAverage(), buildRevision(), *reps)
	fmt.Print(header)
	if *md != "" {
		if err := writeMarkdown(*md, header+out.String()); err != nil {
			log.Fatal(err)
		}
	}
}

// run executes a decoder on one file and returns the texts that parse
// reads from its output, its wall time and its CPU time. The exit status
// is not checked (zbarimg exits 4 when it finds nothing); output that does
// not parse is an error.
func run(parse func([]byte) ([]string, error), name string, args ...string) ([]string, time.Duration, time.Duration, error) {
	cmd := exec.Command(name, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	start := time.Now()
	_ = cmd.Run()
	d := time.Since(start)
	var cpu time.Duration
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	texts, err := parse(stdout.Bytes())
	if err != nil {
		return nil, d, cpu, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return texts, d, cpu, nil
}

// runAll runs the three decoders (results in corpusDecoders order) reps
// times on one file and keeps each decoder's fastest wall and CPU time.
// Noise on a machine only ever adds time (another process, a cold cache,
// a lower clock), so the fastest round is the decoder's own cost, and it
// moves far less between runs than a single round does. Round r starts
// with decoder r mod 3, so no decoder always runs right after the same
// other one. A decoder that returns different texts in two rounds is an
// error: the counts would depend on the round.
func runAll(self, path string, reps int) (outs [3][]string, wall, cpu [3]time.Duration, err error) {
	cmds := [3]struct {
		parse func([]byte) ([]string, error)
		name  string
		args  []string
	}{
		{parseNidan, self, []string{"-one", path}},
		{parseZXing, "ZXingReader", zxingArgs(path)},
		{parseZbar, "zbarimg", zbarArgs(path)},
	}
	for r := range reps {
		for i := range 3 {
			k := (r + i) % 3
			c := cmds[k]
			texts, d, u, err := run(c.parse, c.name, c.args...)
			if err != nil {
				return outs, wall, cpu, err
			}
			if r == 0 {
				outs[k], wall[k], cpu[k] = texts, d, u
				continue
			}
			if !sameSet(texts, outs[k]) {
				return outs, wall, cpu, fmt.Errorf("%s on %s: round %d returned %q, round 1 %q", corpusDecoders[k], path, r+1, texts, outs[k])
			}
			wall[k], cpu[k] = min(wall[k], d), min(cpu[k], u)
		}
	}
	return outs, wall, cpu, nil
}

// sameSet reports whether a and b hold the same texts, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// loadAverage returns the one-minute load average, or "unknown" where
// /proc/loadavg does not exist.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// buildRevision names the commit this binary was built from, as go build
// records it, or else (GOFLAGS=-buildvcs=false) as git describes the
// working tree it runs in, which make bench-scan has just built from.
func buildRevision() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 7 {
				rev = rev[:7]
			}
			if dirty {
				rev += " with uncommitted changes"
			}
			return "commit " + rev
		}
	}
	out, err := exec.Command("git", "describe", "--always", "--dirty= with uncommitted changes", "--abbrev=7").Output()
	if err != nil {
		return "an unknown commit"
	}
	return "commit " + strings.TrimSpace(string(out))
}

// score counts how many expected texts were found and how many returned
// texts were wrong or extra.
func score(want, got []string) (found, fp int) {
	left := slices.Clone(want)
	for _, g := range got {
		if i := slices.Index(left, g); i >= 0 {
			left = slices.Delete(left, i, i+1)
			found++
		} else {
			fp++
		}
	}
	return found, fp
}

// The decoders of the synthetic table, in column order.
var corpusDecoders = []string{"Nidan", "ZXingReader", "zbarimg"}

type tally struct {
	codes, images    int
	found            [3]int
	fp               [3]int
	times            [3][]time.Duration
	cpu              [3][]time.Duration
	inproc           []time.Duration
	imagesAllCorrect [3]int
}

func benchCorpus(w io.Writer, self, dir, only string, reps int) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	var entries []entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return err
	}
	var order []string
	tallies := map[string]*tally{}
	nidanNoSlower := 0
	for _, e := range entries {
		if only != "" && e.Category != only {
			continue
		}
		t := tallies[e.Category]
		if t == nil {
			t = &tally{}
			tallies[e.Category] = t
			order = append(order, e.Category)
		}
		path := filepath.Join(dir, e.File)
		t.images++
		t.codes += len(e.Texts)

		start := time.Now()
		rs, err := scanner.DecodeFile(path)
		t.inproc = append(t.inproc, time.Since(start))
		if err != nil && !errors.Is(err, scanner.ErrNoCode) {
			return err
		}
		_ = rs

		outs, d, c, err := runAll(self, path, reps)
		if err != nil {
			return err
		}
		if c[0] <= c[1] {
			nidanNoSlower++
		}
		for k := range 3 {
			t.times[k] = append(t.times[k], d[k])
			t.cpu[k] = append(t.cpu[k], c[k])
			f, fp := score(e.Texts, outs[k])
			t.found[k] += f
			t.fp[k] += fp
			if f == len(e.Texts) && fp == 0 {
				t.imagesAllCorrect[k]++
			}
			if f < len(e.Texts) || fp > 0 {
				fmt.Fprintf(os.Stderr, "%s: %s found %d/%d, %d false\n", e.File, corpusDecoders[k], f, len(e.Texts), fp)
			}
		}
	}
	fmt.Fprintf(w, "### Synthetic corpus (%d images)\n\n", len(entries))
	fmt.Fprintln(w, "Found (and false) per decoder, then median wall ms and median CPU ms per image of each decoder's process, and Nidan's in-process median.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| category | images | codes | Nidan found | ZXingReader found | zbarimg found | false N/Z/z | Nidan ms | ZXingReader ms | zbarimg ms | Nidan CPU ms | ZXingReader CPU ms | zbarimg CPU ms | Nidan in-process ms |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var all tally
	line := func(name string, t *tally, bold bool) {
		b := ""
		if bold {
			b = "**"
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s%s%s | %s%s%s | %s%s%s | %d/%d/%d | %s | %s | %s | %s | %s | %s | %s |\n", name, t.images, t.codes,
			b, pct(t.found[0], t.codes), b, b, pct(t.found[1], t.codes), b, b, pct(t.found[2], t.codes), b,
			t.fp[0], t.fp[1], t.fp[2],
			ms(median(t.times[0])), ms(median(t.times[1])), ms(median(t.times[2])),
			ms(median(t.cpu[0])), ms(median(t.cpu[1])), ms(median(t.cpu[2])), ms(median(t.inproc)))
	}
	for _, c := range order {
		t := tallies[c]
		line(c, t, false)
		all.images += t.images
		all.codes += t.codes
		for k := range 3 {
			all.found[k] += t.found[k]
			all.fp[k] += t.fp[k]
			all.times[k] = append(all.times[k], t.times[k]...)
			all.cpu[k] = append(all.cpu[k], t.cpu[k]...)
		}
		all.inproc = append(all.inproc, t.inproc...)
	}
	line("**all**", &all, true)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Per image, Nidan's CPU time was at most ZXingReader's on %d of %d images; total CPU time %s s against %s s.\n\n",
		nidanNoSlower, all.images, secs(sum(all.cpu[0])), secs(sum(all.cpu[1])))
	return nil
}

// benchPhotos runs Nidan, ZXingReader and zbarimg over the labelled phone
// photos. A code counts as read when a decoder returns one distinct
// non-empty text for it, at most the labelled count per image.
func benchPhotos(w io.Writer, self, dir, cats string, reps int) error {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.jpg"))
	if err != nil {
		return err
	}
	if cats != "" {
		keep := strings.Split(cats, ",")
		files = slices.DeleteFunc(files, func(f string) bool {
			return !slices.Contains(keep, filepath.Base(filepath.Dir(f)))
		})
	}
	slices.Sort(files)
	type row struct {
		images, labelled int
		read             [3]int
		times            [3][]time.Duration
		cpu              [3][]time.Duration
	}
	var order []string
	rows := map[string]*row{}
	nidanNoSlower := 0
	for _, f := range files {
		n, err := labelled(strings.TrimSuffix(f, ".jpg") + ".txt")
		if err != nil {
			return err
		}
		cat := filepath.Base(filepath.Dir(f))
		r := rows[cat]
		if r == nil {
			r = &row{}
			rows[cat] = r
			order = append(order, cat)
		}
		r.images++
		r.labelled += n
		outs, d, c, err := runAll(self, f, reps)
		if err != nil {
			return err
		}
		for k := range 3 {
			r.read[k] += min(n, distinct(outs[k]))
			r.times[k] = append(r.times[k], d[k])
			r.cpu[k] = append(r.cpu[k], c[k])
		}
		if c[0] <= c[1] {
			nidanNoSlower++
		}
		fmt.Fprintf(os.Stderr, "%s: labelled %d, nidan %d, zxing %d, zbar %d; CPU ms %s, %s, %s\n", f, n,
			distinct(outs[0]), distinct(outs[1]), distinct(outs[2]), ms(c[0]), ms(c[1]), ms(c[2]))
	}
	fmt.Fprintf(w, "### Real phone photos (%d images)\n\n", len(files))
	fmt.Fprintln(w, "Codes read per decoder, then median wall ms and median CPU ms per photo of each decoder's process (image decoding included).")
	fmt.Fprintln(w)
	fmt.Fprint(w, "| category | images | codes | ")
	for _, n := range corpusDecoders {
		fmt.Fprintf(w, "%s read | ", n)
	}
	for _, n := range corpusDecoders {
		fmt.Fprintf(w, "%s ms | ", n)
	}
	for _, n := range corpusDecoders {
		fmt.Fprintf(w, "%s CPU ms | ", n)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var all row
	line := func(name string, r *row, total bool) {
		if total {
			fmt.Fprintf(w, "| %s | %d | %d | **%d (%s)** | **%d (%s)** | **%d (%s)** |", name, r.images, r.labelled,
				r.read[0], pct(r.read[0], r.labelled), r.read[1], pct(r.read[1], r.labelled), r.read[2], pct(r.read[2], r.labelled))
		} else {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d |", name, r.images, r.labelled, r.read[0], r.read[1], r.read[2])
		}
		fmt.Fprintf(w, " %s | %s | %s | %s | %s | %s |\n", ms(median(r.times[0])), ms(median(r.times[1])), ms(median(r.times[2])),
			ms(median(r.cpu[0])), ms(median(r.cpu[1])), ms(median(r.cpu[2])))
	}
	for _, c := range order {
		r := rows[c]
		line(c, r, false)
		all.images += r.images
		all.labelled += r.labelled
		for k := range 3 {
			all.read[k] += r.read[k]
			all.times[k] = append(all.times[k], r.times[k]...)
			all.cpu[k] = append(all.cpu[k], r.cpu[k]...)
		}
	}
	line("**all**", &all, true)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Per photo, Nidan's CPU time was at most ZXingReader's on %d of %d photos; total CPU time %s s against %s s.\n\n",
		nidanNoSlower, len(files), secs(sum(all.cpu[0])), secs(sum(all.cpu[1])))
	return nil
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }

// labelled counts the codes in a label file: each code is four corner
// points, written either one code a line (8 numbers, after "SETS") or one
// point a line (2 numbers), so the count is the numbers over eight.
func labelled(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || l == "SETS" {
			continue
		}
		n += len(strings.Fields(l))
	}
	return n / 8, nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f", d.Seconds()*1000) }

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(a)/float64(b))
}

// writeMarkdown replaces the generated part of the benchmark document
// (between the marker comments), keeping the prose around it.
func writeMarkdown(path, tables string) error {
	const begin, end = "<!-- scanbench:begin -->", "<!-- scanbench:end -->"
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := string(old)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		doc = "# Scanner benchmark\n\n" + begin + "\n" + end + "\n"
		i, j = strings.Index(doc, begin), strings.Index(doc, end)
	}
	doc = doc[:i+len(begin)] + "\n" + tables + doc[j:]
	return os.WriteFile(path, []byte(doc), 0o644)
}
