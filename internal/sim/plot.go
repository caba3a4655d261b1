package sim

import (
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The charts a supervisor would want of a run, as plain SVG (no plotting dependency):
//
//   - NAME-ewt.svg: the announced wait against the actual one over the run — Holdline's mean quote,
//     its 95 % quote and the oracle's, against the mean potential wait of the callers who arrived
//     in each interval;
//   - NAME-errors.svg: the distribution of each estimator's error (quote − wait, seconds) as box
//     plots: the box holds the middle half, the whiskers 90 %;
//   - NAME-punctuality.svg (runs with ASAP callbacks): when reconnected customers reached an agent,
//     against when they would have holding, as a histogram.

// WritePlots writes the charts of every result into dir, creating it.
func WritePlots(dir string, results []*Result) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	for _, r := range results {
		charts := map[string]string{r.Name + "-ewt.svg": waitChart(r), r.Name + "-errors.svg": errorChart(r)}
		if len(r.punctual) > 0 {
			charts[r.Name+"-punctuality.svg"] = punctualityChart(r)
		}
		for name, svg := range charts {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(svg), 0o644); err != nil {
				return fmt.Errorf("plots: %w", err)
			}
		}
	}
	return nil
}

// Chart geometry: the plot area inside the margins of a 760×420 canvas.
const (
	chartW, chartH             = 760.0, 420.0
	marginL, marginR           = 70.0, 20.0
	marginT, marginB           = 50.0, 60.0
	plotW, plotH               = chartW - marginL - marginR, chartH - marginT - marginB
	fontAttrs                  = `font-family="sans-serif" font-size="12"`
	colourWait, colourHoldline = "#222222", "#1f6fd1"
)

// canvas builds one SVG document.
type canvas struct {
	b                      strings.Builder
	xmin, xmax, ymin, ymax float64
}

func newCanvas(title string, xmin, xmax, ymin, ymax float64) *canvas {
	if xmax <= xmin {
		xmax = xmin + 1
	}
	if ymax <= ymin {
		ymax = ymin + 1
	}
	c := &canvas{xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&c.b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&c.b, `<clipPath id="plot"><rect x="%g" y="%g" width="%g" height="%g"/></clipPath>`+"\n", marginL, marginT, plotW, plotH)
	c.text(chartW/2, 24, "middle", 15, title)
	return c
}

func (c *canvas) x(v float64) float64 { return marginL + (v-c.xmin)/(c.xmax-c.xmin)*plotW }
func (c *canvas) y(v float64) float64 { return marginT + plotH - (v-c.ymin)/(c.ymax-c.ymin)*plotH }

func (c *canvas) text(x, y float64, anchor string, size int, s string) {
	fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-family="sans-serif" font-size="%d">%s</text>`+"\n",
		x, y, anchor, size, html.EscapeString(s))
}

func (c *canvas) line(x1, y1, x2, y2 float64, colour string, width float64, dash string) {
	d := ""
	if dash != "" {
		d = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"%s/>`+"\n", x1, y1, x2, y2, colour, width, d)
}

func (c *canvas) rect(x, y, w, h float64, fill, stroke string) {
	fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"/>`+"\n", x, y, w, h, fill, stroke)
}

// polyline draws the points (data coordinates), skipping NaNs.
func (c *canvas) polyline(xs, ys []float64, colour string, width float64, dash string) {
	var pts []string
	flush := func() {
		if len(pts) > 1 {
			d := ""
			if dash != "" {
				d = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
			}
			fmt.Fprintf(&c.b, `<polyline clip-path="url(#plot)" fill="none" stroke="%s" stroke-width="%g"%s points="%s"/>`+"\n", colour, width, d, strings.Join(pts, " "))
		}
		pts = pts[:0]
	}
	for i := range xs {
		if math.IsNaN(ys[i]) {
			flush()
			continue
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", c.x(xs[i]), c.y(ys[i])))
	}
	flush()
}

// axes draws the frame, grid lines and tick labels, and the axis titles.
func (c *canvas) axes(xlabel, ylabel string, xticks []float64, xfmt func(float64) string) {
	c.rect(marginL, marginT, plotW, plotH, "none", "#999999")
	for _, v := range niceTicks(c.ymin, c.ymax, 6) {
		y := c.y(v)
		c.line(marginL, y, marginL+plotW, y, "#e4e4e4", 1, "")
		c.text(marginL-6, y+4, "end", 11, trimFloat(v))
	}
	for _, v := range xticks {
		x := c.x(v)
		c.line(x, marginT+plotH, x, marginT+plotH+4, "#999999", 1, "")
		c.text(x, marginT+plotH+18, "middle", 11, xfmt(v))
	}
	c.text(marginL+plotW/2, chartH-14, "middle", 12, xlabel)
	fmt.Fprintf(&c.b, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle" %s>%s</text>`+"\n", marginT+plotH/2, fontAttrs, html.EscapeString(ylabel))
}

// legend writes the entries top left of the plot area.
func (c *canvas) legend(entries [][3]string) { // label, colour, dash
	for i, e := range entries {
		y := marginT + 14 + float64(i)*16
		c.line(marginL+10, y-4, marginL+34, y-4, e[1], 2, e[2])
		c.text(marginL+40, y, "start", 11, e[0])
	}
}

func (c *canvas) String() string { return c.b.String() + "</svg>\n" }

// niceTicks returns about n round values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if span <= 0 || n < 1 {
		return []float64{lo}
	}
	step := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= float64(n) {
			step *= m
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func trimFloat(v float64) string {
	if math.Abs(v-math.Round(v)) < 1e-9 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", math.Round(v*100)/100)
}

// clock formats seconds into the run as the time of day.
func (r *Result) clock(start float64) func(float64) string {
	return func(t float64) string {
		s := int(start+t) % 86400
		return fmt.Sprintf("%02d:%02d", s/3600, s/60%60)
	}
}

// waitChart is announced against actual wait over the run.
func waitChart(r *Result) string {
	span := r.Hours * 3600
	bin := math.Max(300, math.Round(span/96/300)*300)
	n := int(math.Ceil(span / bin))
	type acc struct{ n, w, h, h95, o float64 }
	bins := make([]acc, n)
	for _, s := range r.samples {
		i := min(int(s.arrival/bin), n-1)
		b := &bins[i]
		b.n++
		b.w += s.wait
		b.h += s.quotes[estHoldline].mean
		b.h95 += s.quotes[estHoldline].p95
		b.o += s.quotes[estOracle].mean
	}
	xs := make([]float64, n)
	series := make([][]float64, 4)
	for k := range series {
		series[k] = make([]float64, n)
	}
	ymax := 10.0
	for i, b := range bins {
		xs[i] = (float64(i) + 0.5) * bin
		vals := []float64{b.w, b.h, b.h95, b.o}
		for k, v := range vals {
			series[k][i] = math.NaN()
			if b.n >= 3 {
				series[k][i] = v / b.n
				ymax = max(ymax, series[k][i])
			}
		}
	}
	c := newCanvas(fmt.Sprintf("%s: announced and actual wait (callers who found someone ahead, per %.0f min)", r.Name, bin/60), 0, span, 0, ymax*1.15)
	var xticks []float64
	step := math.Max(3600, math.Ceil(span/3600/8)*3600)
	for t := 0.0; t <= span; t += step {
		xticks = append(xticks, t)
	}
	c.axes("time of day (run starts at "+r.clock(r.startSeconds)(0)+")", "wait, seconds", xticks, r.clock(r.startSeconds))
	c.polyline(xs, series[2], colourHoldline, 1.2, "4 3")
	c.polyline(xs, series[3], "#999999", 1.5, "2 2")
	c.polyline(xs, series[1], colourHoldline, 2, "")
	c.polyline(xs, series[0], colourWait, 2, "")
	c.legend([][3]string{
		{"actual wait (potential, mean)", colourWait, ""},
		{"Holdline's EWT (announced, mean)", colourHoldline, ""},
		{"Holdline's 95 % quote (mean)", colourHoldline, "4 3"},
		{"oracle QL (true rates)", "#999999", "2 2"},
	})
	return c.String()
}

// errorChart is each estimator's error distribution as box plots.
func errorChart(r *Result) string {
	type box struct {
		name                   string
		p5, p25, p50, p75, p95 float64
	}
	var boxes []box
	lo, hi := 0.0, 0.0
	for _, e := range r.Estimators {
		k := slices.Index(EstimatorNames[:], e.Name)
		errs := make([]float64, len(r.samples))
		for i, s := range r.samples {
			errs[i] = s.quotes[k].mean - s.wait
		}
		if len(errs) == 0 {
			continue
		}
		b := box{e.Name, percentile(errs, 0.05), percentile(errs, 0.25), percentile(errs, 0.5), percentile(errs, 0.75), percentile(errs, 0.95)}
		lo, hi = math.Min(lo, b.p5), math.Max(hi, b.p95)
		boxes = append(boxes, b)
	}
	pad := (hi - lo) * 0.08
	c := newCanvas(fmt.Sprintf("%s: error of each estimator (quote − actual wait), callers who found someone ahead", r.Name), 0, float64(max(len(boxes), 1)), lo-pad, hi+pad)
	c.axes("estimator (box: middle 50 %, whiskers: 5th to 95th percentile, line: median)", "error, seconds", nil, nil)
	c.line(marginL, c.y(0), marginL+plotW, c.y(0), "#666666", 1, "3 3")
	for i, b := range boxes {
		x := c.x(float64(i) + 0.5)
		w := plotW / float64(len(boxes)) * 0.45
		colour := "#8c8c8c"
		if b.name == "holdline" {
			colour = colourHoldline
		}
		c.line(x, c.y(b.p5), x, c.y(b.p95), colour, 1.5, "")
		c.line(x-w/4, c.y(b.p5), x+w/4, c.y(b.p5), colour, 1.5, "")
		c.line(x-w/4, c.y(b.p95), x+w/4, c.y(b.p95), colour, 1.5, "")
		fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.25" stroke="%s"/>`+"\n",
			x-w/2, c.y(b.p75), w, math.Max(c.y(b.p25)-c.y(b.p75), 1), colour, colour)
		c.line(x-w/2, c.y(b.p50), x+w/2, c.y(b.p50), colour, 2.5, "")
		c.text(x, marginT+plotH+18, "middle", 11, b.name)
		if e := r.estimator(b.name); e != nil {
			c.text(x, marginT+plotH+32, "middle", 10, fmt.Sprintf("RRMSE %.2f", e.RRMSE))
		}
	}
	return c.String()
}

// punctualityChart is the histogram of reconnected ASAP customers' reach time against holding.
func punctualityChart(r *Result) string {
	const width = 5.0
	lo := math.Min(-60, math.Floor(slices.Min(r.punctual)/width)*width)
	hi := math.Max(60, math.Ceil(slices.Max(r.punctual)/width)*width)
	lo, hi = math.Max(lo, -300), math.Min(hi, 300)
	n := int((hi - lo) / width)
	counts := make([]float64, n)
	for _, d := range r.punctual {
		i := min(max(int((d-lo)/width), 0), n-1)
		counts[i]++
	}
	c := newCanvas(fmt.Sprintf("%s: ASAP callbacks reached an agent, against holding at their place (%d callbacks)", r.Name, len(r.punctual)),
		lo, hi, 0, slices.Max(counts)*1.15)
	c.axes("seconds later (+) or earlier (−) than holding; dashed: ±30 s", "callbacks", niceTicks(lo, hi, 10), trimFloat)
	for i, v := range counts {
		x0 := c.x(lo + float64(i)*width)
		c.rect(x0+0.5, c.y(v), c.x(lo+float64(i+1)*width)-x0-1, c.y(0)-c.y(v), colourHoldline, "none")
	}
	for _, v := range []float64{-30, 30} {
		c.line(c.x(v), marginT, c.x(v), marginT+plotH, "#c0392b", 1.5, "5 4")
	}
	return c.String()
}
