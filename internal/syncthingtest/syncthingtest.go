// Package syncthingtest runs real Syncthing instances (the Debian
// `syncthing` package) on loopback for end-to-end tests of the sync
// folder: each has its own home, random 127.0.0.1 ports for sync and for
// its REST API, and global discovery, relays, NAT traversal, local
// discovery, usage and crash reporting and upgrades turned off. They share
// one folder with each other. Tests start and stop them; nothing is left
// running.
package syncthingtest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// ErrNoSyncthing means the syncthing binary is not installed.
var ErrNoSyncthing = errors.New("syncthing is not installed (apt-get install syncthing)")

// FolderID is the id of the shared folder.
const FolderID = "nidan-sync"

// Instance is one running Syncthing.
type Instance struct {
	Home   string // its configuration and database
	Folder string // the folder it syncs
	ID     string // its device id
	apiKey string
	gui    string // host:port of the REST API
	listen string // host:port of the sync protocol
	cmd    *exec.Cmd
	log    *bytes.Buffer
	done   chan struct{}
}

// Cluster is a set of instances that all share FolderID.
type Cluster struct {
	Instances []*Instance
}

// Start generates n instances under base (a temporary folder of the
// test), each syncing base/folder-i, connects them all to each other and
// waits until they are connected. Call Stop when done.
func Start(ctx context.Context, base string, n int) (*Cluster, error) {
	if !unixLike {
		return nil, fmt.Errorf("syncthing tests run on Linux (make test), not on %s: %w", runtime.GOOS, ErrNoSyncthing)
	}
	bin, err := exec.LookPath("syncthing")
	if err != nil {
		return nil, ErrNoSyncthing
	}
	c := &Cluster{}
	for i := range n {
		in, err := generate(ctx, bin, base, i)
		if err != nil {
			return nil, err
		}
		c.Instances = append(c.Instances, in)
	}
	for _, in := range c.Instances {
		if err := in.writeConfig(c.Instances); err != nil {
			return nil, err
		}
	}
	for _, in := range c.Instances {
		if err := in.start(bin); err != nil {
			c.Stop()
			return nil, err
		}
	}
	for _, in := range c.Instances {
		if err := in.waitAPI(ctx); err != nil {
			c.Stop()
			return nil, err
		}
	}
	if err := c.WaitConnected(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func generate(ctx context.Context, bin, base string, i int) (*Instance, error) {
	in := &Instance{Home: filepath.Join(base, fmt.Sprintf("syncthing-%d", i)), Folder: filepath.Join(base, fmt.Sprintf("folder-%d", i))}
	if err := os.MkdirAll(in.Folder, 0o700); err != nil {
		return nil, err
	}
	out, err := command(ctx, bin, in.Home, "generate", "--home="+in.Home, "--no-default-folder", "--skip-port-probing").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("syncthing generate: %v: %s", err, out)
	}
	cfg, err := os.ReadFile(filepath.Join(in.Home, "config.xml"))
	if err != nil {
		return nil, err
	}
	var parsed struct {
		Device []struct {
			ID string `xml:"id,attr"`
		} `xml:"device"`
		GUI struct {
			APIKey string `xml:"apikey"`
		} `xml:"gui"`
	}
	if err := xml.Unmarshal(cfg, &parsed); err != nil || len(parsed.Device) == 0 || parsed.GUI.APIKey == "" {
		return nil, fmt.Errorf("syncthing generate: unexpected config.xml (%v)", err)
	}
	in.ID, in.apiKey = parsed.Device[0].ID, parsed.GUI.APIKey
	id, err := command(ctx, bin, in.Home, "serve", "--home="+in.Home, "--device-id").Output()
	if err != nil {
		return nil, fmt.Errorf("syncthing --device-id: %w", err)
	}
	if got := strings.TrimSpace(string(id)); got != in.ID {
		return nil, fmt.Errorf("syncthing --device-id says %q, config.xml %q", got, in.ID)
	}
	if in.listen, err = freePort(); err != nil {
		return nil, err
	}
	if in.gui, err = freePort(); err != nil {
		return nil, err
	}
	return in, nil
}

// command runs syncthing with a private HOME and no upgrades or restarts.
func command(ctx context.Context, bin, home string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "STNOUPGRADE=1", "STNORESTART=1", "STNODEFAULTFOLDER=1", "STTRACE=")
	return cmd
}

// freePort returns a loopback address that was free a moment ago.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

var optionsRE = regexp.MustCompile(`(?s)<options>.*</options>`)
var guiRE = regexp.MustCompile(`(?s)<gui .*?</gui>`)
var deviceRE = regexp.MustCompile(`(?s)\s*<device id=.*?</device>`)

// writeConfig rewrites config.xml: loopback-only options, the REST API on
// its port, every instance as a device at its address, and the shared
// folder with a short watcher delay.
func (in *Instance) writeConfig(all []*Instance) error {
	path := filepath.Join(in.Home, "config.xml")
	cfg, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(cfg)
	s = deviceRE.ReplaceAllString(s, "")
	s = guiRE.ReplaceAllString(s, fmt.Sprintf(`<gui enabled="true" tls="false" debugging="false"><address>%s</address><apikey>%s</apikey><theme>default</theme></gui>`, in.gui, in.apiKey))
	s = optionsRE.ReplaceAllString(s, `<options>
        <listenAddress>tcp://`+in.listen+`</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <crashReportingEnabled>false</crashReportingEnabled>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <setLowPriority>false</setLowPriority>
    </options>`)
	var devs, folderDevs strings.Builder
	for i, o := range all {
		fmt.Fprintf(&devs, "\n    <device id=%q name=\"st%d\" compression=\"metadata\" introducer=\"false\"><address>tcp://%s</address><paused>false</paused><autoAcceptFolders>false</autoAcceptFolders></device>", o.ID, i, o.listen)
		fmt.Fprintf(&folderDevs, "<device id=%q></device>", o.ID)
	}
	folder := fmt.Sprintf("\n    <folder id=%q label=\"Nidan\" path=%q type=\"sendreceive\" rescanIntervalS=\"60\" fsWatcherEnabled=\"true\" fsWatcherDelayS=\"1\" ignorePerms=\"false\" autoNormalize=\"true\"><filesystemType>basic</filesystemType>%s<minDiskFree unit=\"%%\">0</minDiskFree><maxConflicts>10</maxConflicts></folder>",
		FolderID, in.Folder, folderDevs.String())
	s = strings.Replace(s, "\n    <gui ", folder+devs.String()+"\n    <gui ", 1)
	return os.WriteFile(path, []byte(s), 0o600)
}

func (in *Instance) start(bin string) error {
	in.log = &bytes.Buffer{}
	in.cmd = command(context.Background(), bin, in.Home, "serve", "--home="+in.Home, "--no-browser", "--no-restart", "--no-upgrade", "--logflags=0")
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	ownGroup(in.cmd)
	if err := in.cmd.Start(); err != nil {
		return fmt.Errorf("start syncthing: %w", err)
	}
	in.done = make(chan struct{})
	go func() { in.cmd.Wait(); close(in.done) }()
	return nil
}

// Log returns what the instance printed (for a failing test).
func (in *Instance) Log() string {
	if in.log == nil {
		return ""
	}
	return in.log.String()
}

// Stop ends every instance and waits for it to exit.
func (c *Cluster) Stop() {
	for _, in := range c.Instances {
		if in.cmd == nil || in.cmd.Process == nil {
			continue
		}
		in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.done:
		case <-time.After(10 * time.Second):
			killGroup(in.cmd)
			<-in.done
		}
	}
}

// rest calls the REST API.
func (in *Instance) rest(ctx context.Context, method, path string, out any) error {
	return in.restBody(ctx, method, path, "", out)
}

func (in *Instance) restBody(ctx context.Context, method, path, body string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+in.gui+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", in.apiKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("syncthing %s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (in *Instance) waitAPI(ctx context.Context) error {
	return poll(ctx, 60*time.Second, func() (bool, error) {
		select {
		case <-in.done:
			return false, fmt.Errorf("syncthing exited: %s", in.Log())
		default:
		}
		return in.rest(ctx, "GET", "/rest/system/ping", nil) == nil, nil
	})
}

// WaitConnected waits until every instance is connected to every other.
func (c *Cluster) WaitConnected(ctx context.Context) error {
	return poll(ctx, 60*time.Second, func() (bool, error) {
		for _, in := range c.Instances {
			var conns struct {
				Connections map[string]struct {
					Connected bool `json:"connected"`
				} `json:"connections"`
			}
			if err := in.rest(ctx, "GET", "/rest/system/connections", &conns); err != nil {
				return false, nil
			}
			for _, o := range c.Instances {
				if o != in && !conns.Connections[o.ID].Connected {
					return false, nil
				}
			}
		}
		return true, nil
	})
}

// Pause cuts the link: every instance pauses the shared folder, so no
// change crosses while the connections stay up (pausing the devices
// instead costs Syncthing about 20 s to reconnect).
func (c *Cluster) Pause(ctx context.Context) error { return c.setPaused(ctx, true) }

// Resume restores the link: the folder runs again on every instance, which
// first scans what changed locally while it was paused.
func (c *Cluster) Resume(ctx context.Context) error { return c.setPaused(ctx, false) }

func (c *Cluster) setPaused(ctx context.Context, paused bool) error {
	for _, in := range c.Instances {
		body := fmt.Sprintf(`{"paused": %v}`, paused)
		if err := in.restBody(ctx, "PATCH", "/rest/config/folders/"+FolderID, body, nil); err != nil {
			return err
		}
	}
	return nil
}

// poll calls f every 100 ms until it reports done, fails, or limit passes.
func poll(ctx context.Context, limit time.Duration, f func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := f()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("syncthing: gave up after %v", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
