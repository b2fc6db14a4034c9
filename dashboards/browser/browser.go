// Package browser drives Debian's headless Chromium for the dashboards: the test that opens
// every built page and checks it rendered, screenshots, and the PDF bulletins.
//
// Pages are always opened with the network forced offline, because the site must work on a
// machine with no internet: a page that still reaches for a CDN fails here the same way it
// would fail in the district office.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// DefaultPath is Debian's real binary. /usr/bin/chromium is a shell wrapper that sources
// /etc/chromium.d and adds flags of its own (stack-notes E).
const DefaultPath = "/usr/lib/chromium/chromium"

const (
	// pageTimeout bounds one page: load, render and capture.
	pageTimeout = 60 * time.Second
	// renderTimeout is how long to wait for initialized charts to draw. Only a broken
	// chart ever waits this long; a good page renders within a frame or two.
	renderTimeout = 5 * time.Second
	viewHeight    = 800
)

// Browser is one running Chromium; each call opens its own tab.
type Browser struct {
	ctx         context.Context // the first tab; each call's tab is a child of it
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dataDir     string
}

// Start launches Chromium: CHROMIUM_PATH when set, otherwise DefaultPath.
// The browser lives until Close; ctx only bounds the start.
func Start(ctx context.Context) (*Browser, error) {
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		path = DefaultPath
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no Chromium at %s (未找到 Chromium浏览器): install it with `apt-get install chromium fonts-wqy-zenhei` (or `make browser` as root), or set CHROMIUM_PATH: %w", path, err)
	}
	// Our own profile folder, so Close can remove it and two browsers never share one.
	dir, err := os.MkdirTemp("", "safetydw-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // we run as root in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("font-render-hinting", "none"), // same glyph shapes in PNG and PDF
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, viewHeight),
	)
	// The browser must outlive ctx (a command's start-up deadline), so it hangs off a
	// context without cancellation, and ctx only aborts the start below.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: bctx, cancel: cancel, allocCancel: allocCancel, dataDir: dir}
	stop := context.AfterFunc(ctx, cancel)
	// The first Do starts the process and binds its life to bctx.
	err = chromedp.Do(bctx)
	stop()
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start Chromium %s: %w", path, err)
	}
	return b, nil
}

// Close stops the browser, waits for its processes and removes its profile folder.
func (b *Browser) Close() {
	b.cancel()
	b.allocCancel() // waits for the process to exit
	_ = os.RemoveAll(b.dataDir)
}

// FileURL is the file:// URL of a local file, escaped, as the pages are opened offline.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Report is what a page did when opened offline.
type Report struct {
	URL            string
	Title          string          // document.title
	Text           string          // document.body.innerText, for content checks
	EChartsVersion string          // echarts.version; empty when ECharts did not load
	Console        []string        // console.error calls, uncaught exceptions, browser log errors
	FailedRequests []FailedRequest // every request that did not load
	Charts         []Chart         // every chart container of the page
	Width          int             // the viewport's width in CSS pixels
	ScrollWidth    int             // the document's width: more than Width means a horizontal scrollbar
}

// FailedRequest is a request the page made that did not load.
type FailedRequest struct {
	URL   string
	Error string // net::ERR_... as Chromium reports it
}

// Chart is one chart container: a go-echarts `.item` or any element ECharts initialized.
type Chart struct {
	ID       string `json:"id"`
	Renderer string `json:"renderer"` // "svg", "canvas", or "" when the element holds neither
	Rendered bool   `json:"rendered"` // svg with a path or text, or a canvas of nonzero size
	Text     string `json:"text"`     // the SVG text elements, one per line
}

// Problems says in one line each what is wrong with the page; empty means it is good.
func (r Report) Problems() []string {
	var p []string
	for _, m := range r.Console {
		p = append(p, "console: "+m)
	}
	for _, f := range r.FailedRequests {
		p = append(p, "request failed: "+f.URL+": "+f.Error)
	}
	if len(r.Charts) > 0 && r.EChartsVersion == "" {
		p = append(p, "ECharts did not load (echarts is undefined) but the page has charts")
	}
	for _, c := range r.Charts {
		if !c.Rendered {
			p = append(p, fmt.Sprintf("chart #%s rendered nothing (renderer %q)", c.ID, c.Renderer))
		}
	}
	if r.Width > 0 && r.ScrollWidth > r.Width {
		p = append(p, fmt.Sprintf("horizontal scrollbar: the page is %d px wide in a %d px viewport", r.ScrollWidth, r.Width))
	}
	return p
}

// chartsJS lists chart containers and what is drawn in them.
const chartsJS = `(() => {
  const els = new Set(document.querySelectorAll('.item, [_echarts_instance_]'));
  return [...els].map(el => {
    const svg = el.querySelector('svg'), canvas = el.querySelector('canvas');
    const c = {id: el.id || el.tagName.toLowerCase(), renderer: '', rendered: false, text: ''};
    if (svg) {
      c.renderer = 'svg';
      c.rendered = svg.querySelector('path, text') !== null;
      c.text = [...svg.querySelectorAll('text')].map(t => t.textContent).join('\n');
    } else if (canvas) {
      c.renderer = 'canvas';
      c.rendered = canvas.width > 0 && canvas.height > 0;
    }
    return c;
  });
})()`

// drawnJS is true once every chart ECharts initialized has drawn. Containers ECharts never
// touched are not waited for: by the load event every inline chart script has run.
const drawnJS = `[...document.querySelectorAll('[_echarts_instance_]')].every(el => {
  const svg = el.querySelector('svg'), canvas = el.querySelector('canvas');
  if (svg) return svg.querySelector('path, text') !== null;
  return !!canvas && canvas.width > 0 && canvas.height > 0;
})`

const pageJS = `({
  title: document.title,
  text: document.body ? document.body.innerText : '',
  version: typeof echarts === 'undefined' ? '' : String(echarts.version),
  width: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth
})`

// CheckPage opens url offline in a new tab, waits for the load event and for the charts to
// draw, and reports what went wrong.
func (b *Browser) CheckPage(ctx context.Context, url string) (Report, error) {
	return b.CheckPageWidth(ctx, url, 0)
}

// CheckPageWidth is CheckPage in a viewport width CSS pixels wide (a phone is 390), which also
// reports a horizontal scrollbar; 0 keeps the browser's window.
func (b *Browser) CheckPageWidth(ctx context.Context, url string, width int) (Report, error) {
	var (
		mu      sync.Mutex
		console []string
		failed  []FailedRequest
		urls    = map[network.RequestID]string{}
	)
	// A WithListener func runs in order on the tab's reader goroutine, from the tab's first
	// event: once a later command returns, every event sent before its reply is recorded.
	// The Events/Console iterators queue on another goroutine and give no such guarantee
	// (chromedp docs/API.md, examples 28 and 30).
	listener := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				console = append(console, "console."+string(ev.Type)+": "+argsText(ev.Args))
			}
		case *runtime.EventExceptionThrown:
			console = append(console, exceptionText(ev.ExceptionDetails))
		case *log.EventEntryAdded:
			// Network errors also come as loadingFailed, which has the URL and the reason.
			if e := ev.Entry; e.Level == log.EntryLevelError && e.Source != log.EntrySourceNetwork {
				console = append(console, string(e.Source)+": "+e.Text+at(e.URL, e.LineNumber))
			}
		case *network.EventRequestWillBeSent:
			urls[ev.RequestID] = ev.Request.URL
		case *network.EventLoadingFailed:
			msg := ev.ErrorText
			switch {
			case ev.BlockedReason == network.BlockedReasonInspector:
				msg = "blocked: not file:// (offline check)" // our own block list, see offline
			case ev.BlockedReason != "":
				msg = strings.TrimSpace(msg + " blocked: " + string(ev.BlockedReason))
			}
			failed = append(failed, FailedRequest{URL: urls[ev.RequestID], Error: msg})
		}
	}
	tab, done := b.tab(ctx, chromedp.WithListener(listener))
	defer done()

	r := Report{URL: url}
	steps := []chromedp.Action[chromedp.Void]{}
	if width > 0 {
		steps = append(steps, chromedp.EmulateViewport(int64(width), viewHeight))
	}
	if err := chromedp.Do(tab, append(steps, open(url))...); err != nil {
		return r, err
	}
	charts, err := chromedp.Run(tab, chromedp.Evaluate[[]Chart](chartsJS))
	if err != nil {
		return r, fmt.Errorf("%s: list charts: %w", url, err)
	}
	pg, err := chromedp.Run(tab, chromedp.Evaluate[struct {
		Title       string `json:"title"`
		Text        string `json:"text"`
		Version     string `json:"version"`
		Width       int    `json:"width"`
		ScrollWidth int    `json:"scrollWidth"`
	}](pageJS))
	if err != nil {
		return r, fmt.Errorf("%s: read page: %w", url, err)
	}
	r.Charts, r.Title, r.Text, r.EChartsVersion = charts, pg.Title, pg.Text, pg.Version
	if width > 0 {
		r.Width, r.ScrollWidth = pg.Width, pg.ScrollWidth
	}
	mu.Lock()
	r.Console, r.FailedRequests = console, failed
	mu.Unlock()
	return r, nil
}

// Screenshot writes a full-page PNG of url, width CSS pixels wide.
func (b *Browser) Screenshot(ctx context.Context, url, pngPath string, width int) error {
	if width <= 0 {
		width = 1280
	}
	tab, done := b.tab(ctx)
	defer done()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(width), viewHeight), open(url)); err != nil {
		return err
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", url, err)
	}
	return os.WriteFile(pngPath, png, 0o644)
}

// pageFooter numbers the printed pages; Chromium fills the pageNumber and totalPages spans.
const pageFooter = `<div style="width:100%;font-size:9px;text-align:center;color:#646a73;font-family:'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif">` +
	`第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`

// PrintPDF prints url on A4 with backgrounds, as the bulletins are printed: page numbers in the
// footer, the headings as the PDF's outline (its bookmarks), and the links of a table of
// contents as links inside the PDF. Links to other pages are dropped from the print: they name
// files on this machine, which the reader of a forwarded PDF does not have.
//
// A page with a table of contents (window.sdwTOC) gets the page each entry's target was printed
// on. That needs the print itself, so a page is printed twice unless the numbers are guessed
// right: previous, when it names an earlier print of the same page (the month's bulletin
// generated again), gives the guess, and one print is enough when the printed pages match it.
// It returns how many times the page was printed.
func (b *Browser) PrintPDF(ctx context.Context, url, pdfPath, previous string) (int, error) {
	tab, done := b.tab(ctx)
	defer done()
	if err := chromedp.Do(tab, open(url)); err != nil {
		return 0, err
	}
	hasTOC, err := chromedp.Run(tab, chromedp.Evaluate[bool](printLinksJS))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", url, err)
	}
	print := chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground(),
		chromedp.PDFMargins(0.5, 0.45, 0.6, 0.45), chromedp.PDFHeaderTemplate("<span></span>"), chromedp.PDFFooterTemplate(pageFooter),
		chromedp.PDFOutlineAndTagged())
	if !hasTOC {
		pdf, err := chromedp.Run(tab, print)
		if err != nil {
			return 1, fmt.Errorf("print %s: %w", url, err)
		}
		return 1, os.WriteFile(pdfPath, pdf, 0o644)
	}
	number := func(pages map[string]int) error {
		arg, err := json.Marshal(pages)
		if err != nil {
			return err
		}
		if _, err := chromedp.Run(tab, chromedp.Evaluate[int]("window.sdwTOC("+string(arg)+")")); err != nil {
			return fmt.Errorf("%s: number the contents: %w", url, err)
		}
		return nil
	}
	guess := map[string]int{}
	if old, err := os.ReadFile(previous); err == nil {
		guess, _ = destinationPages(old) // an unreadable earlier print only costs the second print
	}
	if err := number(guess); err != nil {
		return 0, err
	}
	pdf, err := chromedp.Run(tab, print)
	if err != nil {
		return 1, fmt.Errorf("print %s: %w", url, err)
	}
	pages, err := destinationPages(pdf)
	if err != nil {
		return 1, fmt.Errorf("%s: read the printed links' pages: %w", url, err)
	}
	if maps.Equal(pages, guess) {
		return 1, os.WriteFile(pdfPath, pdf, 0o644)
	}
	// The numbers only fill lines the contents already have, so nothing moves between prints.
	if err := number(pages); err != nil {
		return 1, err
	}
	if pdf, err = chromedp.Run(tab, print); err != nil {
		return 2, fmt.Errorf("print %s: %w", url, err)
	}
	return 2, os.WriteFile(pdfPath, pdf, 0o644)
}

// printLinksJS readies a page's links for print and says whether it has a table of contents.
// A link to a place in the same page is written as "#id", which Chromium prints as a link
// inside the PDF (to a named destination) only when the URL it resolves to is the document's
// base URL with a fragment (the pages set <base>); any other link loses its href.
const printLinksJS = `(function () {
  var here = location.href.split("#")[0];
  document.querySelectorAll("a[href]").forEach(function (a) {
    var u = a.href.split("#");
    if (u[0] === here && u[1]) {
      a.setAttribute("href", "#" + u[1]);
      return;
    }
    a.removeAttribute("href");
  });
  return typeof window.sdwTOC === "function";
})()`

// destinationPages maps each named destination of a printed PDF (the target of an in-page link,
// by its element id) to the page it is on.
func destinationPages(pdf []byte) (map[string]int, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	pc, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		return nil, err
	}
	xt := pc.XRefTable
	root, err := xt.Catalog()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	obj, ok := root.Find("Dests")
	if !ok {
		return out, nil
	}
	dests, err := xt.DereferenceDict(obj)
	if err != nil {
		return nil, err
	}
	for name, o := range dests {
		d, err := xt.Dereference(o)
		if err != nil {
			return nil, err
		}
		if dict, ok := d.(types.Dict); ok { // the long form << /D [page …] >>
			if d, err = xt.Dereference(dict["D"]); err != nil {
				return nil, err
			}
		}
		arr, ok := d.(types.Array)
		if !ok || len(arr) == 0 {
			return nil, fmt.Errorf("destination %s: %v is not [page …]", name, d)
		}
		ref, ok := arr[0].(types.IndirectRef)
		if !ok {
			return nil, fmt.Errorf("destination %s: %v names no page", name, arr[0])
		}
		n, err := xt.PageNumber(ref.ObjectNumber.Value())
		if err != nil || n == 0 {
			return nil, fmt.Errorf("destination %s: no page for object %d (%v)", name, ref.ObjectNumber.Value(), err)
		}
		out[name] = n
	}
	return out, nil
}

// tab opens a new tab that closes when done is called, ctx ends, or pageTimeout passes.
func (b *Browser) tab(ctx context.Context, opts ...chromedp.ContextOption) (context.Context, func()) {
	tab, cancelTab := chromedp.NewContext(b.ctx, opts...)
	tctx, cancel := context.WithTimeout(tab, pageTimeout)
	stop := context.AfterFunc(ctx, cancel)
	return tctx, func() { stop(); cancel(); cancelTab() }
}

// open forces the tab offline, loads url and waits for the charts to draw.
func open(url string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		offline(),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := chromedp.Navigate(url)(ctx, t); err != nil {
				return fmt.Errorf("open %s: %w", url, err)
			}
			return nil
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[chromedp.Void](drawnJS, chromedp.WithPollingTimeout(renderTimeout))(ctx, t)
			if errors.Is(err, chromedp.ErrPollingTimeout) {
				return nil // the report names the charts that did not draw
			}
			return err
		}),
	)
}

// offline cuts the tab off the network two ways: Chromium's offline emulation for every
// request, and a block list for every URL that is not file://, so a request fails with
// net::ERR_INTERNET_DISCONNECTED or net::ERR_BLOCKED_BY_CLIENT instead of reaching a CDN.
// navigator.onLine is set false too, as on a machine with no network.
func offline() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: true}}, // empty pattern: all requests
		}); err != nil {
			return fmt.Errorf("emulate offline: %w", err)
		}
		if _, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true}); err != nil {
			return fmt.Errorf("override network state: %w", err)
		}
		// The first matching pattern wins: file:// stays allowed, anything else is blocked.
		if _, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "file://*", Block: false},
			{URLPattern: "*://*:*/*", Block: true},
		}}); err != nil {
			return fmt.Errorf("block urls: %w", err)
		}
		return nil
	})
}

// argsText renders console arguments roughly as DevTools does: strings as they are,
// other values by their description.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal([]byte(a.Value), &s) == nil:
		case a.Description != "":
			s = a.Description
		case a.UnserializableValue != "":
			s = string(a.UnserializableValue)
		default:
			s = string(a.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// exceptionText is "Uncaught ReferenceError: echarts is not defined (file:///…:12)".
func exceptionText(d *runtime.ExceptionDetails) string {
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		first, _, _ := strings.Cut(d.Exception.Description, "\n")
		s += " " + first
	}
	url := d.URL
	if url == "" && d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 {
		url = d.StackTrace.CallFrames[0].URL
	}
	return s + at(url, d.LineNumber)
}

func at(url string, line int64) string {
	if url == "" {
		return ""
	}
	return fmt.Sprintf(" (%s:%d)", url, line+1)
}
