package e2e

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// envWith is the test's environment without any locale variable, plus the
// passphrase and extra.
func envWith(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") || k == "ECABINET_PASSPHRASE" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "ECABINET_PASSPHRASE="+passphrase), extra...)
}

// runEnv runs binary with env.
func runEnv(t *testing.T, binary string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{code, o.String(), e.String()}
}

// okEnv runs a command that must succeed, decoding its --json output into v.
func okEnv(t *testing.T, binary string, env []string, v any, args ...string) {
	t.Helper()
	r := runEnv(t, binary, env, append(args, "--json")...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\n%s", filepath.Base(binary), strings.Join(args, " "), r.code, r.stderr)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
			t.Fatalf("%s %s: output is not JSON: %v\n%s", filepath.Base(binary), strings.Join(args, " "), err, r.stdout)
		}
	}
}

// TestHubBinary_StaticWithoutFyneOrCgo: the server build is a static
// executable (no interpreter, no shared library), built with cgo off, with
// no Fyne module in it.
func TestHubBinary_StaticWithoutFyneOrCgo(t *testing.T) {
	f, err := elf.Open(hubBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("ecabinet-hub has a %v program header: not a static executable", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("ecabinet-hub needs shared libraries %v", libs)
	}
	info, err := buildinfo.ReadFile(hubBin)
	if err != nil {
		t.Fatal(err)
	}
	cgo := ""
	for _, s := range info.Settings {
		if s.Key == "CGO_ENABLED" {
			cgo = s.Value
		}
	}
	if cgo != "0" {
		t.Errorf("ecabinet-hub built with CGO_ENABLED=%q, want 0", cgo)
	}
	if len(info.Deps) < 5 {
		t.Fatalf("build info lists only %d modules", len(info.Deps))
	}
	for _, m := range info.Deps {
		if strings.HasPrefix(m.Path, "fyne.io/") {
			t.Errorf("ecabinet-hub contains %s", m.Path)
		}
	}
}

// TestHeadless_CLocaleIsQuiet: under the C locales of servers and
// containers, no headless command of either binary, hub serve included,
// prints anything of Fyne's, and each prints what it should.
func TestHeadless_CLocaleIsQuiet(t *testing.T) {
	for _, b := range []string{bin, hubBin} {
		for _, lang := range []string{"C.UTF-8", "C"} {
			t.Run(filepath.Base(b)+"/LANG="+lang, func(t *testing.T) {
				env := envWith("LANG=" + lang)
				root := t.TempDir()
				data, prof := filepath.Join(root, "hub"), filepath.Join(root, "profile")
				var outs []result
				check := func(r result, want string, args ...string) {
					t.Helper()
					if r.code != 0 || !strings.Contains(r.stdout, want) {
						t.Fatalf("%s: exit %d, stdout %q, stderr %q; want %q on stdout", strings.Join(args, " "), r.code, r.stdout, r.stderr, want)
					}
					outs = append(outs, r)
				}
				for _, c := range []struct {
					want string
					args []string
				}{
					{"Created the hub of", []string{"hub", "init", "--data", data, "--name", "Văn phòng Chính phủ"}},
					{"", []string{"hub", "devices", "--data", data}},
					{"Created", []string{"--profile", prof, "init", "--name", "Nguyễn Văn A", "--role", "secretary"}},
					{"Nguyễn Văn A", []string{"--profile", prof, "member", "list"}},
					{"hub serve", []string{"help"}},
				} {
					check(runEnv(t, b, env, c.args...), c.want, c.args...)
				}
				// hub serve, until it is ready and told to stop.
				addr := freeAddr(t)
				cmd := exec.Command(b, "hub", "serve", "--data", data, "--listen", addr)
				cmd.Env = env
				log := &syncBuffer{}
				cmd.Stdout, cmd.Stderr = log, log
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(30 * time.Second)
				for !strings.Contains(log.String(), "hub ready") {
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						cmd.Wait()
						t.Fatalf("hub serve never became ready:\n%s", log.String())
					}
					time.Sleep(50 * time.Millisecond)
				}
				cmd.Process.Signal(syscall.SIGTERM)
				if err := cmd.Wait(); err != nil {
					t.Fatalf("hub serve: %v\n%s", err, log.String())
				}
				outs = append(outs, result{stderr: log.String()})
				for _, r := range outs {
					for _, s := range []string{r.stdout, r.stderr} {
						if strings.Contains(s, "Fyne") || strings.Contains(s, "locale") {
							t.Fatalf("a headless command printed Fyne's complaint:\n%s", s)
						}
					}
				}
			})
		}
	}
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
