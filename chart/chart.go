package chart

import (
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"cnsbot"
	"cnsbot/locales"
)

// The embedded fonts: DejaVu Sans 2.37, regular and bold.
var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
)

// Width is the width of every chart in pixels. Telegram shows a photo at
// the phone's width, so the font sizes below are chosen for 900 px shrunk
// to about 400 points.
const Width = 900

// MaxBars is how many bars fit a chart that Telegram still accepts as a
// photo (width + height at most 10000 px). Send more as a document, or
// chart the top and bottom units.
const MaxBars = 180

// Layout in pixels.
const (
	margin       = 28
	titleSize    = 30
	subtitleSize = 21
	labelSize    = 21
	valueSize    = 21
	tickSize     = 18
	legendSize   = 19
	rowHeight    = 46
	barHeight    = 30
	labelWidth   = 400 // the widest label column, left of the bars
	gap          = 14  // between labels and bars, and a bar and its value
	axisHeight   = 34  // tick labels under the bars
	legendHeight = 40
)

// Colours.
var (
	background = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.RGBA{0x21, 0x25, 0x29, 0xff} // text
	muted      = color.RGBA{0x5f, 0x66, 0x6d, 0xff} // subtitle, ticks
	grid       = color.RGBA{0xe3, 0xe6, 0xea, 0xff}
	band       = color.RGBA{0xf6, 0xf7, 0xf9, 0xff} // every other row
	targetInk  = color.RGBA{0x34, 0x3a, 0x40, 0xff}
)

// statusColours are the bar colours: green for vượt and đạt, amber for
// chưa đạt, red for chậm, grey without a plan.
var statusColours = map[cnsbot.Status]color.RGBA{
	cnsbot.StatusExceeded:   {0x2b, 0x8a, 0x3e, 0xff},
	cnsbot.StatusMet:        {0x2b, 0x8a, 0x3e, 0xff},
	cnsbot.StatusInProgress: {0xf0, 0x8c, 0x00, 0xff},
	cnsbot.StatusBehind:     {0xd6, 0x33, 0x33, 0xff},
	cnsbot.StatusNoPlan:     {0xad, 0xb5, 0xbd, 0xff},
}

// Legend names the colours of a chart in the reader's language; the
// caller takes the words from its locale files. An empty name draws the
// swatch alone.
type Legend struct {
	Met        string // green: met or exceeded ("Đạt và vượt")
	InProgress string // amber: in progress ("Chưa đạt")
	Behind     string // red: behind ("Chậm")
	NoPlan     string // grey: no plan to compare with ("Chưa có kế hoạch")
}

// legendEntry is one colour in the legend.
type legendEntry struct {
	statuses []cnsbot.Status
	name     func(Legend) string
}

// legend lists the colours in the order of statusColours' meaning.
var legend = []legendEntry{
	{[]cnsbot.Status{cnsbot.StatusExceeded, cnsbot.StatusMet}, func(l Legend) string { return l.Met }},
	{[]cnsbot.Status{cnsbot.StatusInProgress}, func(l Legend) string { return l.InProgress }},
	{[]cnsbot.Status{cnsbot.StatusBehind}, func(l Legend) string { return l.Behind }},
	{[]cnsbot.Status{cnsbot.StatusNoPlan}, func(l Legend) string { return l.NoPlan }},
}

// Bar is one row of a chart.
type Bar struct {
	Label  string        // drawn left of the bar, cut with "…" when too long
	Value  float64       // the bar's length, in percent (completion)
	Status cnsbot.Status // the bar's colour
	Text   string        // drawn at the bar's end, e.g. "103%"; empty: Value as a percentage in Lang
}

// Chart is a horizontal bar chart of completions in percent.
type Chart struct {
	Title    string  // first line, bold
	Subtitle string  // second line, e.g. the unit and the period; may be empty
	Bars     []Bar   // top to bottom, at most MaxBars
	Target   float64 // where to draw the plan line, usually 100; 0 draws none
	Lang     string  // "vi" (default) or "en": the language of the default value texts
	Legend   Legend  // the colours' names, in the reader's language
	// Thresholds placed the bars' statuses: a default value text is
	// rounded so that it never reads as another status (99,9%, not 100%).
	Thresholds cnsbot.Thresholds
}

// LegendNames returns the names the legend draws, in order: one per colour
// the bars use.
func (c *Chart) LegendNames() []string {
	var out []string
	for _, e := range c.legendEntries() {
		out = append(out, e.name(c.Legend))
	}
	return out
}

// legendEntries are the legend's entries for the colours the bars use.
func (c *Chart) legendEntries() []legendEntry {
	used := map[cnsbot.Status]bool{}
	for _, b := range c.Bars {
		if _, ok := statusColours[b.Status]; !ok {
			used[cnsbot.StatusNoPlan] = true
			continue
		}
		used[b.Status] = true
	}
	var out []legendEntry
	for _, e := range legend {
		if used[e.statuses[0]] || len(e.statuses) > 1 && used[e.statuses[1]] {
			out = append(out, e)
		}
	}
	return out
}

// PNG draws the chart Width pixels wide, as tall as its bars need, and
// writes it to w as a PNG.
func (c *Chart) PNG(w io.Writer) error {
	img, err := c.Draw()
	if err != nil {
		return err
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("encode chart: %w", err)
	}
	return nil
}

// Title lines: a long indicator name goes on a second line rather than
// being cut ("…dịch vụ công tr…"); only beyond two lines is it cut.
const (
	maxTitleLines = 2
	titleGap      = 6 // between two title lines
)

// titleLines is the title wrapped to the chart's width.
func (c *Chart) titleLines(f *faces) []string {
	return wrapLines(f.title, c.Title, Width-2*margin, maxTitleLines)
}

// Height returns the height in pixels of the chart's image.
func (c *Chart) Height() int {
	lines := 1
	if f, err := newFaces(); err == nil {
		lines = max(len(c.titleLines(f)), 1)
		f.close()
	}
	return c.height(lines)
}

// height is the image's height with the title on n lines.
func (c *Chart) height(n int) int {
	h := margin + n*titleSize + (n-1)*titleGap + 10
	if c.Subtitle != "" {
		h += subtitleSize + 10
	}
	h += legendHeight + 6
	h += len(c.Bars)*rowHeight + axisHeight + margin
	return h
}

// Draw draws the chart into a new image.
func (c *Chart) Draw() (*image.RGBA, error) {
	if len(c.Bars) > MaxBars {
		return nil, fmt.Errorf("draw chart: %d bars, at most %d fit a photo", len(c.Bars), MaxBars)
	}
	faces, err := newFaces()
	if err != nil {
		return nil, err
	}
	defer faces.close()
	lang := locales.Normalize(c.Lang)

	title := c.titleLines(faces)
	img := image.NewRGBA(image.Rect(0, 0, Width, c.height(max(len(title), 1))))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	p := &painter{img: img}

	// Title, subtitle and legend.
	y := margin
	for i, line := range title {
		if i > 0 {
			y += titleSize + titleGap
		}
		p.text(faces.title, ink, margin, y, line)
	}
	y += titleSize + 10
	if c.Subtitle != "" {
		p.text(faces.subtitle, muted, margin, y, fit(faces.subtitle, c.Subtitle, Width-2*margin))
		y += subtitleSize + 10
	}
	p.legend(faces.legend, c, margin, y+8)
	y += legendHeight + 6

	texts := make([]string, len(c.Bars))
	labels := make([]string, len(c.Bars))
	labelW := 0 // the label column: as wide as the longest label, up to labelWidth
	for i, b := range c.Bars {
		texts[i] = b.Text
		if texts[i] == "" {
			texts[i] = locales.FormatPercent(lang, c.Thresholds.DisplayPercent(finite(b.Value), 0))
		}
		texts[i] = norm.NFC.String(texts[i])
		labels[i] = fit(faces.label, b.Label, labelWidth)
		labelW = max(labelW, measure(faces.label, labels[i]))
	}
	axisTop, step := axisMax(c)
	x0 := margin + labelW + gap
	x1 := barsEnd(x0, axisTop, c.Bars, texts, faces.value)
	top, bottom := y, y+len(c.Bars)*rowHeight
	scale := func(v float64) int {
		v = math.Max(0, math.Min(finite(v), axisTop))
		return x0 + int(math.Round(v/axisTop*float64(x1-x0)))
	}

	// Bands, grid and the plan line first, then bars and texts over them.
	for i := range c.Bars {
		if i%2 == 1 {
			p.rect(0, top+i*rowHeight, Width, top+(i+1)*rowHeight, band)
		}
	}
	lastTick := math.MinInt
	for v := 0.0; v <= axisTop+1e-9; v += step {
		x := scale(v)
		p.rect(x, top, x+1, bottom, grid)
		label := strconv.FormatFloat(v, 'f', -1, 64) + "%"
		lw := measure(faces.tick, label)
		if x-lw/2 > lastTick+8 { // skip a label that would touch the last
			p.text(faces.tick, muted, x-lw/2, bottom+8, label)
			lastTick = x - lw/2 + lw
		}
	}
	if c.Target > 0 {
		x := scale(c.Target)
		// Dashed, so that it reads as a reference and not as a bar.
		for yy := top - 4; yy < bottom+4; yy += 10 {
			p.rect(x-1, yy, x+2, min(yy+6, bottom+4), targetInk)
		}
	}
	for i, b := range c.Bars {
		rowTop := top + i*rowHeight
		mid := rowTop + rowHeight/2
		p.textMiddle(faces.label, ink, margin, mid, labels[i])
		end := max(scale(b.Value), x0+2)
		colour, ok := statusColours[b.Status]
		if !ok {
			colour = statusColours[cnsbot.StatusNoPlan]
		}
		p.rect(x0, mid-barHeight/2, end, mid+barHeight/2, colour)
		if finite(b.Value) > axisTop {
			// Cut off at the scale's end: a white gap says the bar goes on.
			p.rect(end-14, mid-barHeight/2, end-10, mid+barHeight/2, background)
		}
		// The text sits on the row's own background, over the plan line.
		bg := background
		if i%2 == 1 {
			bg = band
		}
		tx := end + gap/2 + 2
		p.rect(tx-3, mid-barHeight/2, tx+measure(faces.value, texts[i])+3, mid+barHeight/2, bg)
		p.textMiddle(faces.value, ink, tx, mid, texts[i])
	}
	p.rect(x0, top, x0+2, bottom, muted) // the zero axis
	return img, nil
}

// barsEnd returns where the scale ends, as far right as the value texts
// allow: each text must fit after its own bar, a long text at a short bar
// taking no room from the others.
func barsEnd(x0 int, axisTop float64, bars []Bar, texts []string, face font.Face) int {
	right := Width - margin
	x1 := float64(right - measure(face, "100%")/2) // room for the last tick label
	for i, b := range bars {
		v := math.Min(math.Max(finite(b.Value), 0), axisTop)
		room := float64(right - gap - measure(face, texts[i]) - x0)
		if v <= 0 {
			continue
		}
		x1 = math.Min(x1, float64(x0)+room*axisTop/v)
	}
	return max(int(x1), x0+100)
}

// axisMax returns the right end of the scale and the tick step: a round
// number covering the largest bar, the target and 100, but no more than
// twice the target (or 200%): an indicator at 500% would squeeze every
// other bar, so its bar is cut off and its text tells the value.
func axisMax(c *Chart) (top, step float64) {
	limit := 2 * math.Max(100, c.Target)
	top = math.Max(100, c.Target)
	for _, b := range c.Bars {
		top = math.Max(top, finite(b.Value))
	}
	top = math.Min(top, limit)
	for _, s := range []float64{20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000} {
		if top/s <= 5 {
			return math.Ceil(top/s-1e-9) * s, s
		}
	}
	s := math.Pow(10, math.Ceil(math.Log10(top/5)))
	return math.Ceil(top/s-1e-9) * s, s
}

// finite is v, or 0 for NaN and the infinities.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// painter draws on an image.
type painter struct{ img *image.RGBA }

// rect fills [x0,x1)×[y0,y1).
func (p *painter) rect(x0, y0, x1, y1 int, c color.Color) {
	draw.Draw(p.img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Over)
}

// text draws s with its top (the face's ascent) at y.
func (p *painter) text(face font.Face, c color.Color, x, y int, s string) {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: face}
	d.Dot = fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + face.Metrics().Ascent}
	d.DrawString(s)
}

// textMiddle draws s with its capital letters centred on y; the marks above
// Vietnamese capitals (Ấ) rise into the row's padding.
func (p *painter) textMiddle(face font.Face, c color.Color, x, y int, s string) {
	capHeight := face.Metrics().CapHeight
	if capHeight < 0 { // sfnt measures it upwards, as a negative y
		capHeight = -capHeight
	}
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: face}
	d.Dot = fixed.Point26_6{X: fixed.I(x), Y: fixed.I(y) + capHeight/2}
	d.DrawString(s)
}

// legend draws a swatch and a name for each colour the bars use.
func (p *painter) legend(face font.Face, c *Chart, x, y int) {
	const swatch = 18
	for _, e := range c.legendEntries() {
		name := e.name(c.Legend)
		mid := y + swatch/2
		p.rect(x, y, x+swatch, y+swatch, statusColours[e.statuses[0]])
		p.textMiddle(face, ink, x+swatch+8, mid, name)
		x += swatch + 8 + measure(face, name) + 28
	}
}

// measure is the width of s in face, in whole pixels.
func measure(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// fit returns s in NFC, cut with "…" to at most width pixels in face.
func fit(face font.Face, s string, width int) string {
	s = norm.NFC.String(strings.Join(strings.Fields(s), " "))
	if measure(face, s) <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // the longest prefix that fits is r[:lo]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measure(face, strings.TrimRight(string(r[:mid]), " ")+"…") <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ,;:-–—") + "…"
}

// wrapLines breaks s at spaces into at most n lines that each fit width,
// the last one cut with "…" when the text goes on beyond it. A single word
// wider than width is cut too.
func wrapLines(face font.Face, s string, width, n int) []string {
	words := strings.Fields(norm.NFC.String(s))
	var lines []string
	for len(words) > 0 && len(lines) < n {
		if len(lines) == n-1 {
			lines = append(lines, fit(face, strings.Join(words, " "), width))
			break
		}
		k := 1
		for k < len(words) && measure(face, strings.Join(words[:k+1], " ")) <= width {
			k++
		}
		lines = append(lines, fit(face, strings.Join(words[:k], " "), width))
		words = words[k:]
	}
	return lines
}

// The fonts are parsed once; faces are made per drawing because an
// opentype face keeps a buffer and is not safe for concurrent use.
var (
	parseOnce             sync.Once
	regularFont, boldFont *opentype.Font
	parseErr              error
)

func parseFonts() error {
	parseOnce.Do(func() {
		if regularFont, parseErr = opentype.Parse(regularTTF); parseErr != nil {
			parseErr = fmt.Errorf("parse DejaVuSans.ttf: %w", parseErr)
			return
		}
		if boldFont, parseErr = opentype.Parse(boldTTF); parseErr != nil {
			parseErr = fmt.Errorf("parse DejaVuSans-Bold.ttf: %w", parseErr)
		}
	})
	return parseErr
}

// faces are the sizes and weights a chart uses.
type faces struct {
	title, subtitle, label, value, tick, legend font.Face
}

func newFaces() (*faces, error) {
	if err := parseFonts(); err != nil {
		return nil, err
	}
	f := &faces{}
	for _, s := range []struct {
		face *font.Face
		font *opentype.Font
		size float64
	}{
		{&f.title, boldFont, titleSize},
		{&f.subtitle, regularFont, subtitleSize},
		{&f.label, regularFont, labelSize},
		{&f.value, boldFont, valueSize},
		{&f.tick, regularFont, tickSize},
		{&f.legend, regularFont, legendSize},
	} {
		face, err := opentype.NewFace(s.font, &opentype.FaceOptions{Size: s.size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			f.close()
			return nil, fmt.Errorf("make font face: %w", err)
		}
		*s.face = face
	}
	return f, nil
}

func (f *faces) close() {
	for _, face := range []font.Face{f.title, f.subtitle, f.label, f.value, f.tick, f.legend} {
		if face != nil {
			face.Close()
		}
	}
}
