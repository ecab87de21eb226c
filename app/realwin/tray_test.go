//go:build linux

package realwin

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// The tray as a panel sees it: a StatusNotifier watcher and host of the
// test's own on a private bus. The app registers its item with it, and the
// test opens the item's menu (com.canonical.dbusmenu) and clicks entries
// as a panel does when a person clicks them.

const sniWatcher = "org.kde.StatusNotifierWatcher"

type trayHost struct {
	t     *testing.T
	conn  *dbus.Conn
	props *prop.Properties
	mu    sync.Mutex
	items []string // "busname/path" of each registered item
}

// RegisterStatusNotifierItem is the watcher's method an app calls with its
// item's path (or bus name).
func (h *trayHost) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := service
	if strings.HasPrefix(service, "/") {
		id = string(sender) + service
	}
	h.items = append(h.items, id)
	h.props.SetMust(sniWatcher, "RegisteredStatusNotifierItems", h.items)
	return nil
}

func (h *trayHost) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// startTrayHost puts a watcher with a registered host on the bus at addr.
func startTrayHost(t *testing.T, addr string) *trayHost {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the test's bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	h := &trayHost{t: t, conn: conn}
	if err := conn.Export(h, "/StatusNotifierWatcher", sniWatcher); err != nil {
		t.Fatal(err)
	}
	h.props, err = prop.Export(conn, "/StatusNotifierWatcher", prop.Map{sniWatcher: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
		"ProtocolVersion":                {Value: int32(0)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(sniWatcher, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", sniWatcher, r, err)
	}
	return h
}

// waitItem waits for the app's item and returns its menu object.
func (h *trayHost) waitItem() dbus.BusObject {
	h.t.Helper()
	var item string
	waitFor(h.t, 30*time.Second, "the app to register its tray item", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		if len(h.items) > 0 {
			item = h.items[len(h.items)-1]
		}
		return item != ""
	})
	dest, path, _ := strings.Cut(item, "/")
	v, err := h.conn.Object(dest, dbus.ObjectPath("/"+path)).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		h.t.Fatalf("the tray item has no menu: %v", err)
	}
	return h.conn.Object(dest, v.Value().(dbus.ObjectPath))
}

// click activates the menu entry labelled label (looked up afresh: the app
// rebuilds its menu as the vault changes).
func (h *trayHost) click(menu dbus.BusObject, label string) {
	h.t.Helper()
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		h.t.Fatalf("tray menu: %v", err)
	}
	var labels []string
	var find func(children []dbus.Variant) int32
	find = func(children []dbus.Variant) int32 {
		for _, c := range children {
			f, ok := c.Value().([]any)
			if !ok || len(f) != 3 {
				continue
			}
			id, _ := f[0].(int32)
			props, _ := f[1].(map[string]dbus.Variant)
			l, _ := props["label"].Value().(string)
			l = strings.ReplaceAll(l, "_", "") // dbusmenu's mnemonic marks
			labels = append(labels, l)
			if l == label {
				return id
			}
			if sub, ok := f[2].([]dbus.Variant); ok {
				if id := find(sub); id != 0 {
					return id
				}
			}
		}
		return 0
	}
	id := find(layout.Children)
	if id == 0 {
		h.t.Fatalf("the tray menu has no %q; it has %q", label, labels)
	}
	if err := menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		h.t.Fatalf("click %q in the tray menu: %v", label, err)
	}
}

func (p *proc) visible() bool {
	out, _ := p.s.xdoOut("search", "--onlyvisible", "--name", "^Nidan$")
	return strings.Contains(out, p.window)
}

// TestCloseToTrayAndQuitFromIt: with a tray host, closing the window hides
// it to the tray (the process goes on), the tray copies a code and brings
// the window back, and its Quit ends the app.
func TestCloseToTrayAndQuitFromIt(t *testing.T) {
	bus := privateBus(t)
	host := startTrayHost(t, bus)
	s, p := unlocked(t, "DBUS_SESSION_BUS_ADDRESS="+bus)
	menu := host.waitItem()

	s.key("alt+F4")
	waitFor(t, 10*time.Second, "the window to hide to the tray", func() bool { return !p.visible() })
	time.Sleep(time.Second)
	if p.exited() {
		t.Fatalf("closing with a tray host ended the app:\n%s", p.out.String())
	}

	from := time.Now()
	host.click(menu, "Copy code")
	host.click(menu, "Test (bob@example.org)")
	s.checkCopied("bob@example.org", from)

	host.click(menu, "Show / hide")
	waitFor(t, 10*time.Second, "the tray to bring the window back", p.visible)

	host.click(menu, "Quit")
	err, ok := p.waitExit(10 * time.Second)
	if !ok {
		t.Fatal("Quit in the tray menu did not end the app")
	}
	if err != nil {
		t.Fatalf("the app exited with %v", err)
	}
	if !strings.Contains(p.out.String(), "nidan-trace: quit\n") {
		t.Fatalf("the app ended without quitting:\n%s", p.out.String())
	}
}

// traceCount is how many "nidan-trace: EVENT" lines the app has written.
func (p *proc) traceCount(event string) int {
	return strings.Count(p.out.String(), "nidan-trace: "+event+"\n")
}

// TestTrayShowHideRepeatedly: "Show / hide" in the tray, clicked again and
// again, hides and shows the window each time, and Alt+F4 between keeps
// the two in step. Each click is checked twice: the app says it acted
// (its "shown"/"hidden" trace), so a click the tray lost is told apart
// from a window the app showed that stayed unmapped (xwininfo's state).
// The clicks come at a person's pace: fyne's tray drops a click that
// arrives while the same entry's previous click is still being handled.
func TestTrayShowHideRepeatedly(t *testing.T) {
	bus := privateBus(t)
	host := startTrayHost(t, bus)
	s, p := unlocked(t, "DBUS_SESSION_BUS_ADDRESS="+bus)
	menu := host.waitItem()
	mapState := func() string {
		out, _ := s.d.cmd(s.env, "xwininfo", "-id", p.window).CombinedOutput()
		for _, l := range strings.Split(string(out), "\n") {
			if _, st, ok := strings.Cut(l, "Map State:"); ok {
				return strings.TrimSpace(st)
			}
		}
		return strings.TrimSpace(string(out))
	}
	// expect waits for the app's trace of one more event and then for the
	// window to be shown or hidden as that event says.
	expect := func(round int, event string, was int, visible bool) {
		t.Helper()
		waitFor(t, 10*time.Second, fmt.Sprintf("round %d: the app to trace %q (the click reached it)", round, event),
			func() bool { return p.traceCount(event) > was })
		deadline := time.Now().Add(10 * time.Second)
		for p.visible() != visible {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the app traced %q but the window is %s", round, event, mapState())
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second) // a person's pace before the next click
	}
	const rounds = 6
	start := time.Now()
	for i := 0; i < rounds && time.Since(start) < 2*time.Minute; i++ {
		hidden := p.traceCount("hidden")
		if i%2 == 0 {
			s.xdo("windowactivate", "--sync", p.window)
			s.key("alt+F4")
		} else {
			host.click(menu, "Show / hide")
		}
		expect(i, "hidden", hidden, false)
		shown := p.traceCount("shown")
		host.click(menu, "Show / hide")
		expect(i, "shown", shown, true)
	}
	if p.exited() {
		t.Fatalf("the app ended:\n%s", p.out.String())
	}
}
