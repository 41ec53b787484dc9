// Package chart draws a report's bar chart (report.Chart: projects by
// stage, investment plan against completed by unit, on-time rate by unit)
// as a standalone SVG file: a title, a value axis with its ticks and grid
// lines, a bar per category and series labelled with its value, the
// categories under the bars and a legend naming the series.
//
// The SVG is written by hand with encoding/xml's escaping: a column chart
// needs rectangles, lines and text only, and a plotting library would add
// dependencies (and its own font handling) for nothing this needs. The
// text names fonts that have Chinese glyphs on Linux, Windows and the
// Mac, falling back to the viewer's sans-serif, so unit and stage names
// show wherever the file is opened. The bytes depend on the chart only.
package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/keyprojects/ledger/projections/report"
)

// FontFamily is the font-family of every text of the chart.
const FontFamily = "Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif"

// The layout, in SVG user units (pixels).
const (
	marginLeft   = 80.0
	marginRight  = 24.0
	marginTop    = 56.0
	plotHeight   = 280.0
	labelsHeight = 56.0
	legendHeight = 32.0
	barWidth     = 36.0
	barGap       = 4.0
	groupPadding = 28.0
	minWidth     = 480.0
	ticks        = 5
)

// seriesColours fill the bars of each series in turn.
var seriesColours = []string{"#4472C4", "#ED7D31", "#A5A5A5", "#70AD47"}

// Write writes c as SVG to path, which must end in .svg.
func Write(path string, c report.Chart) error {
	if !strings.EqualFold(filepath.Ext(path), ".svg") {
		return fmt.Errorf("write chart %s: the file name must end in .svg", path)
	}
	var b bytes.Buffer
	if err := SVG(&b, c); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write chart %s: %w", path, err)
	}
	return nil
}

// Geometry is where SVG put a chart's plot: Scale is the height in
// pixels of one unit of value, so a bar of value v is v·Scale high.
type Geometry struct {
	Max, Step, Scale float64
}

// Axis returns the value axis of c: its top (a whole number of steps at
// or above the largest value), the step between ticks (1, 2 or 5 times
// a power of ten), and the pixels per unit of value.
func Axis(c report.Chart) Geometry {
	top := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			top = math.Max(top, v)
		}
	}
	step := 1.0
	if top > 0 {
		raw := top / ticks
		pow := math.Pow(10, math.Floor(math.Log10(raw)))
		for _, m := range []float64{1, 2, 5, 10} {
			if step = m * pow; step >= raw {
				break
			}
		}
		if c.Decimals == 0 {
			step = math.Max(1, math.Round(step))
		}
	}
	top = math.Max(step, math.Ceil(top/step-1e-9)*step)
	return Geometry{Max: top, Step: step, Scale: plotHeight / top}
}

// SVG writes c to w as a standalone SVG document.
func SVG(w io.Writer, c report.Chart) error {
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return errors.New("chart: a series has not one value per category")
		}
	}
	g := Axis(c)
	n := max(len(c.Series), 1)
	bars := float64(n)*barWidth + float64(n-1)*barGap
	cats := float64(max(len(c.Categories), 1))
	// Many categories are labelled at a slant: the labels then need room
	// below the axis, and the first one to the left of its bars.
	rotated := len(c.Categories) > 8
	left, labels := marginLeft, labelsHeight
	if rotated {
		longest := 0.0
		for _, cat := range c.Categories {
			longest = math.Max(longest, textWidth(cat, 11))
		}
		labels = math.Max(labelsHeight, longest*0.5+28)
		left = math.Max(marginLeft, longest*0.87-(bars+groupPadding)/2+16)
	}
	width := math.Max(minWidth, left+marginRight+(bars+groupPadding)*cats)
	group := (width - left - marginRight) / cats // the bars centred in it
	height := marginTop + plotHeight + labels + legendHeight
	base := marginTop + plotHeight
	right := width - marginRight

	var b svgWriter
	b.printf(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" font-size="12">`+"\n",
		num(width), num(height), num(width), num(height), FontFamily)
	b.printf(`<rect width="100%%" height="100%%" fill="#FFFFFF"/>` + "\n")
	b.text("title", width/2, 30, "middle", 16, "bold", "", c.Title)

	// The value axis: ticks, grid lines and the unit.
	for i := 0; float64(i)*g.Step <= g.Max+1e-9; i++ {
		v := float64(i) * g.Step
		y := base - v*g.Scale
		b.printf(`<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#D9D9D9" stroke-width="1"/>`+"\n", num(left), num(y), num(right), num(y))
		b.text("tick", left-8, y+4, "end", 11, "", "", tickLabel(v, g.Step))
	}
	b.printf(`<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#595959" stroke-width="1"/>`+"\n", num(left), num(marginTop), num(left), num(base))
	b.printf(`<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#595959" stroke-width="1"/>`+"\n", num(left), num(base), num(right), num(base))
	ux := left - 60
	b.text("unit", ux, marginTop+plotHeight/2, "middle", 12, "", fmt.Sprintf("rotate(-90 %s %s)", num(ux), num(marginTop+plotHeight/2)), c.Axis)

	// The bars, a group per category.
	for i, cat := range c.Categories {
		x0 := left + group*float64(i) + (group-bars)/2
		for j, s := range c.Series {
			v := s.Values[i]
			h := math.Max(0, v) * g.Scale
			x := x0 + float64(j)*(barWidth+barGap)
			b.printf(`<rect class="bar" data-series="%d" data-category="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
				j, escape(cat), strconv.FormatFloat(v, 'f', -1, 64), num(x), num(base-h), num(barWidth), num(h), seriesColours[j%len(seriesColours)],
				escape(s.Name+" "+cat+": "+value(v, c.Decimals)))
			b.text("value", x+barWidth/2, base-h-4, "middle", 10, "", "", value(v, c.Decimals))
		}
		cx := x0 + bars/2
		if rotated {
			b.text("category", cx, base+16, "end", 11, "", fmt.Sprintf("rotate(-30 %s %s)", num(cx), num(base+16)), cat)
		} else {
			b.text("category", cx, base+18, "middle", 11, "", "", cat)
		}
	}

	// The legend.
	lx := left
	ly := base + labels + 12
	for j, s := range c.Series {
		b.printf(`<rect class="legend-key" x="%s" y="%s" width="12" height="12" fill="%s"/>`+"\n", num(lx), num(ly-10), seriesColours[j%len(seriesColours)])
		b.text("legend", lx+18, ly, "start", 12, "", "", s.Name)
		lx += 36 + 8*float64(len([]rune(s.Name)))*1.4
	}
	b.printf("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// svgWriter collects the document.
type svgWriter struct{ bytes.Buffer }

func (b *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&b.Buffer, format, args...) }

// text writes a <text> of class class at x, y.
func (b *svgWriter) text(class string, x, y float64, anchor string, size float64, weight, transform, s string) {
	b.printf(`<text class="%s" x="%s" y="%s" text-anchor="%s" font-size="%s"`, class, num(x), num(y), anchor, num(size))
	if weight != "" {
		b.printf(` font-weight="%s"`, weight)
	}
	if transform != "" {
		b.printf(` transform="%s"`, transform)
	}
	b.printf(">%s</text>\n", escape(s))
}

// escape is s as XML text or attribute value.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// num is a coordinate, to two decimals at most.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// value is a bar's label.
func value(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// tickLabel is a tick's label, with as many decimals as the step needs.
func tickLabel(v, step float64) string {
	d := 0
	for d < 6 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-9 {
		d++
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// textWidth estimates the width of s in pixels at size: a Chinese
// character is as wide as the size, a Latin one a little over half.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r > 0x2E80 {
			w += size
		} else {
			w += size * 0.6
		}
	}
	return w
}
