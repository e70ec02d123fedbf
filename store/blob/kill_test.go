//go:build !windows

package blob

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/papers"
)

// endless is an import that never ends: noise, reporting on stdout each
// time another MiB has been read, so the parent knows chunks are being
// written.
type endless struct {
	n   int64
	out io.Writer
}

func (e *endless) Read(p []byte) (int, error) {
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	copy(p, noise(uint64(e.n), len(p)))
	before := e.n >> 20
	e.n += int64(len(p))
	if e.n>>20 != before {
		fmt.Fprintln(e.out, e.n>>20)
	}
	return len(p), nil
}

// TestKill_GivenAProcessKilledMidImport_ThenOnlyWholeChunksRemain kills a
// real process with SIGKILL while Put is writing chunks, then reopens its
// store: no temp file is left, every chunk file there opens under its
// name, and Sweep frees them since no manifest names them.
func TestKill_GivenAProcessKilledMidImport_ThenOnlyWholeChunksRemain(t *testing.T) {
	if dir := os.Getenv("BLOB_KILL_CHILD_DIR"); dir != "" {
		s, err := OpenStore(dir, small)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		_, err = s.Put(key(21), &endless{out: os.Stdout})
		fmt.Println("error", err)
		os.Exit(2)
	}
	dir := filepath.Join(t.TempDir(), "papers")
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKill_GivenAProcessKilledMidImport_ThenOnlyWholeChunksRemain$")
		cmd.Env = append(os.Environ(), "BLOB_KILL_CHILD_DIR="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		target := 2 + 3*round // MiB read before the kill, so the kill lands at various points
		for sc.Scan() {
			var mib int
			if _, err := fmt.Sscan(sc.Text(), &mib); err != nil {
				t.Fatalf("child: %s", sc.Text())
			}
			if mib >= target {
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		go io.Copy(io.Discard, stdout) //nolint:errcheck // drain until the pipe closes
		werr := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(werr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child ended with %v, not by the kill", werr)
		}
		time.Sleep(10 * time.Millisecond)
	}

	leftovers, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	s, err := OpenStore(dir, small)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(s.dir.tmpDir()); len(left) != 0 {
		t.Fatalf("temp files left after open: %d", len(left))
	}
	l, err := newLineage(key(21))
	if err != nil {
		t.Fatal(err)
	}
	whole := 0
	if err := s.dir.walk(func(id papers.ChunkID, size int64) error {
		ct, err := s.dir.read(id)
		if err != nil {
			return err
		}
		if _, err := l.open(nil, id, ct); err != nil {
			return fmt.Errorf("chunk %s (%d bytes) does not open: %w", id, size, err)
		}
		whole++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if whole == 0 {
		t.Fatal("no chunk was written before the kills: the test killed too early to mean anything")
	}
	n, freed, err := s.Sweep(nil)
	if err != nil || n != whole || freed == 0 {
		t.Fatalf("Sweep = %d, %d, %v; want %d chunks", n, freed, err, whole)
	}
	t.Logf("3 kills left %d whole chunks and %d temp files (removed at open); Sweep freed %d bytes", whole, len(leftovers), freed)
}
