package web

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"time"
)

// DayCounts is the number of findings of each rule on one day.
type DayCounts struct {
	Day   time.Time
	Rules map[string]int
}

// chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartW, chartH     = 720, 220
	padL, padB, padTop = 36, 28, 10
	maxSeries          = 6
)

var palette = []string{"#b42318", "#0b5cad", "#9a6700", "#1a7f37", "#8250df", "#57606a", "#bc4c00"}

// FindingsChart draws findings per day as stacked bars, one colour per rule
// (the most frequent rules; the rest as "other"), with a legend. Rule ids
// come from ward's own registry, but are escaped like any text.
func FindingsChart(days []DayCounts) template.HTML {
	totals := map[string]int{}
	for _, d := range days {
		for r, n := range d.Rules {
			totals[r] += n
		}
	}
	if len(days) == 0 || len(totals) == 0 {
		return template.HTML(`<p class="empty">No findings in this period.</p>`)
	}
	rules := make([]string, 0, len(totals))
	for r := range totals {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		if totals[rules[i]] != totals[rules[j]] {
			return totals[rules[i]] > totals[rules[j]]
		}
		return rules[i] < rules[j]
	})
	series := rules
	if len(series) > maxSeries {
		series = append(append([]string(nil), rules[:maxSeries-1]...), "other")
	}
	index := map[string]int{}
	for i, r := range series {
		index[r] = i
	}
	stack := func(d DayCounts) []int {
		v := make([]int, len(series))
		for r, n := range d.Rules {
			i, ok := index[r]
			if !ok {
				i = len(series) - 1
			}
			v[i] += n
		}
		return v
	}
	peak := 1
	for _, d := range days {
		sum := 0
		for _, n := range stack(d) {
			sum += n
		}
		peak = max(peak, sum)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="100%%" role="img" aria-label="Findings by rule per day" style="max-width:%dpx;display:block">`, chartW, chartH+20*((len(series)+2)/3), chartW)
	plotH := float64(chartH - padB - padTop)
	slot := float64(chartW-padL) / float64(len(days))
	barW := slot * 0.7
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#d1d9e0"/>`, padL, chartH-padB, chartW, chartH-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%d</text><text x="%d" y="%d" text-anchor="end">0</text>`, padL-6, padTop+8, peak, padL-6, chartH-padB)
	for i, d := range days {
		x := float64(padL) + float64(i)*slot + (slot-barW)/2
		y := float64(chartH - padB)
		for s, n := range stack(d) {
			if n == 0 {
				continue
			}
			h := plotH * float64(n) / float64(peak)
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d on %s</title></rect>`,
				x, y, barW, h, palette[s%len(palette)], html.EscapeString(series[s]), n, d.Day.Format("Jan 2"))
		}
		if i%2 == 0 || len(days) <= 7 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+barW/2, chartH-padB+16, d.Day.Format("Jan 2"))
		}
	}
	for i, s := range series {
		x, y := padL+(i%3)*230, chartH+8+20*(i/3)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`,
			x, y, palette[i%len(palette)], x+14, y+9, html.EscapeString(s))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
