package main

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Plot geometry: two panels side by side, each a bar chart.
const (
	svgWidth, svgHeight = 960, 440
	panelWidth          = 380
	plotTop, plotHeight = 110, 250
)

var modeColors = map[string]string{
	"floor": "#8c8c8c", "atrium": "#4878d0", "atrium-dedup": "#3a9a4f", "gateway": "#d65f5f",
}

// svg draws throughput per mode (left) and p50/p99 latency per mode (right).
func (rep report) svg() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", svgWidth, svgHeight)
	text(&b, svgWidth/2, 26, "middle", 16, "bold", "Atrium federated benchmark: TestQuery")
	text(&b, svgWidth/2, 46, "middle", 12, "normal", fmt.Sprintf("wrk -t %d -c %d, %v per mode after %v warm-up, %s, commit %s",
		rep.Cfg.Threads, rep.Cfg.Connections, rep.Cfg.Duration, rep.Cfg.Warmup, rep.When.Format("2006-01-02 15:04 MST"), rep.Commit))

	var labels, colors []string
	var rps, p50, p99 []float64
	for _, r := range rep.Results {
		labels = append(labels, r.Label)
		rps = append(rps, r.Wrk.ReqPerSec)
		p50 = append(p50, ms(r.Wrk.P50))
		p99 = append(p99, ms(r.Wrk.P99))
		c, ok := modeColors[r.Mode]
		if !ok {
			c = "#666666"
		}
		colors = append(colors, c)
	}
	barChart(&b, 70, "Throughput, requests/s (higher is better)", labels,
		[][]float64{rps}, [][]string{colors}, nil, func(_, i int) string {
			if share := rep.Results[i].FloorShare; !math.IsNaN(share) && rep.Results[i].Mode != "floor" {
				return fmt.Sprintf("%.0f\n%s of floor", rps[i], percent(share))
			}
			return fmt.Sprintf("%.0f", rps[i])
		})
	latency := [][]float64{p50, p99}
	const light, dark = "#9ecae1", "#2b6ca3"
	barChart(&b, svgWidth-panelWidth-30, "Latency, ms (lower is better)", labels,
		latency, [][]string{repeat(light, len(labels)), repeat(dark, len(labels))},
		[][2]string{{"p50", light}, {"p99", dark}}, func(s, i int) string { return fmt.Sprintf("%.1f", latency[s][i]) })
	b.WriteString("</svg>\n")
	return b.String()
}

// barChart draws one panel at x0: series[s][i] is the bar of series s for label i, bars of
// one label grouped side by side. legend names the series and their colours when there
// are several; value(s, i) labels a bar, in lines stacked upwards.
func barChart(b *strings.Builder, x0 int, title string, labels []string, series [][]float64, colors [][]string, legend [][2]string, value func(s, i int) string) {
	text(b, x0+panelWidth/2, plotTop-38, "middle", 13, "bold", title)
	for s, l := range legend {
		lx := x0 + panelWidth/2 - 30*len(legend) + 60*s
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", lx, plotTop-30, l[1])
		text(b, lx+16, plotTop-20, "start", 12, "normal", l[0])
	}
	maxV := 0.0
	for _, s := range series {
		for _, v := range s {
			if !math.IsNaN(v) && v > maxV {
				maxV = v
			}
		}
	}
	step, top := niceScale(maxV)
	y := func(v float64) float64 { return plotTop + plotHeight - v/top*plotHeight }
	for i := 0; float64(i)*step <= top+step/2; i++ {
		v := float64(i) * step
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e0e0e0"/>`+"\n", x0, x0+panelWidth, y(v), y(v))
		text(b, x0-6, int(y(v))+4, "end", 11, "normal", tickLabel(v))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#333"/>`+"\n", x0, x0+panelWidth, plotTop+plotHeight, plotTop+plotHeight)
	if len(labels) == 0 {
		text(b, x0+panelWidth/2, plotTop+plotHeight/2, "middle", 12, "normal", "no results")
		return
	}
	slot := float64(panelWidth) / float64(len(labels))
	barW := slot * 0.7 / float64(len(series))
	for i, label := range labels {
		cx := float64(x0) + slot*(float64(i)+0.5)
		for s := range series {
			v := series[s][i]
			if math.IsNaN(v) {
				continue
			}
			x := cx - barW*float64(len(series))/2 + barW*float64(s)
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`+"\n",
				x, y(v), barW-2, y(0)-y(v), colors[s][i], html.EscapeString(label), html.EscapeString(strings.ReplaceAll(value(s, i), "\n", " ")))
			lines := strings.Split(value(s, i), "\n")
			for l, line := range lines {
				text(b, int(x+barW/2), int(y(v))-4-14*(len(lines)-1-l), "middle", 11, "normal", line)
			}
		}
		// Two lines under the axis: "atrium" / "dedup off".
		first, rest, _ := strings.Cut(label, " ")
		text(b, int(cx), plotTop+plotHeight+18, "middle", 12, "normal", first)
		if rest != "" {
			text(b, int(cx), plotTop+plotHeight+33, "middle", 12, "normal", rest)
		}
	}
}

// niceScale returns a tick step of 1, 2 or 5 times a power of ten and the top of an
// axis that holds maxV in about five steps.
func niceScale(maxV float64) (step, top float64) {
	if maxV <= 0 || math.IsNaN(maxV) || math.IsInf(maxV, 0) {
		return 1, 5
	}
	raw := maxV / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * pow; step >= raw {
			break
		}
	}
	return step, math.Ceil(maxV/step) * step
}

func tickLabel(v float64) string {
	if v >= 1 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func text(b *strings.Builder, x, y int, anchor string, size int, weight, s string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="%s" font-size="%d" font-weight="%s">%s</text>`+"\n",
		x, y, anchor, size, weight, html.EscapeString(s))
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
