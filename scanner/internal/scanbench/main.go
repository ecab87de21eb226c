// Command scanbench measures the scanner against zbarimg (and ZXingReader
// on real photos) in one run, and prints Markdown tables.
//
//	scanbench -corpus build/scan-corpus [-photos ../shared/qr-photos] [-md docs/scanner-benchmark.md]
//
// Times are wall-clock per image as a separate process for every decoder
// (scanbench re-executes itself with -one FILE for Nidan), so process
// start and image file decoding count alike for all. Nidan's in-process
// Decode time is shown beside it.
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
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	w := io.MultiWriter(os.Stdout, &out)
	fmt.Fprintf(w, "Measured %s on %s/%s, %d CPUs (GOMAXPROCS %d).\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if *corpus != "" {
		if err := benchCorpus(w, self, *corpus, *only); err != nil {
			log.Fatal(err)
		}
	}
	if *photos != "" {
		if err := benchPhotos(w, self, *photos, *photoCats); err != nil {
			log.Fatal(err)
		}
	}
	if *md != "" {
		if err := writeMarkdown(*md, out.String()); err != nil {
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

// runAll runs the three decoders, in corpusDecoders order, on one file.
func runAll(self, path string) (outs [3][]string, wall, cpu [3]time.Duration, err error) {
	cmds := [3]struct {
		parse func([]byte) ([]string, error)
		name  string
		args  []string
	}{
		{parseNidan, self, []string{"-one", path}},
		{parseZXing, "ZXingReader", zxingArgs(path)},
		{parseZbar, "zbarimg", zbarArgs(path)},
	}
	for k, c := range cmds {
		if outs[k], wall[k], cpu[k], err = run(c.parse, c.name, c.args...); err != nil {
			return
		}
	}
	return
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

func benchCorpus(w io.Writer, self, dir, only string) error {
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

		outs, d, c, err := runAll(self, path)
		if err != nil {
			return err
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
	fmt.Fprintf(w, "## Synthetic corpus (%d images)\n\n", len(entries))
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
	return nil
}

// benchPhotos runs Nidan, ZXingReader and zbarimg over the labelled phone
// photos. A code counts as read when a decoder returns one distinct
// non-empty text for it, at most the labelled count per image.
func benchPhotos(w io.Writer, self, dir, cats string) error {
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
		outs, d, c, err := runAll(self, f)
		if err != nil {
			return err
		}
		for k := range 3 {
			r.read[k] += min(n, distinct(outs[k]))
			r.times[k] = append(r.times[k], d[k])
			r.cpu[k] = append(r.cpu[k], c[k])
		}
		fmt.Fprintf(os.Stderr, "%s: labelled %d, nidan %d, zxing %d, zbar %d\n", f, n, distinct(outs[0]), distinct(outs[1]), distinct(outs[2]))
	}
	fmt.Fprintf(w, "## Real phone photos (%d images)\n\n", len(files))
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
	return nil
}

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
