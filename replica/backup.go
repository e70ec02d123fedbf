package replica

import (
	"bufio"
	"errors"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
)

// `hub backup` while `hub serve` runs: the serving process holds the data
// directory's lock, so the backup is made by it and streamed over the admin
// socket. The reply is one byte 0 and then the backup (encrypted, as
// core.Profile.Backup writes it), or, on a refusal, a CBOR AdminResponse as
// for other commands (which never starts with 0). A hub that stops mid-way
// cuts the stream short, which the backup's own framing reveals
// (store.CheckBackupComplete).

// AdminBackup is the admin command that streams a backup.
const AdminBackup = "backup"

// backupDeadline bounds how long one backup may hold its connection (and
// the store snapshot it reads): far more than a year of data takes.
const backupDeadline = time.Hour

// serveBackup answers AdminBackup on c.
func serveBackup(c net.Conn, p *core.Profile) {
	_ = c.SetDeadline(time.Now().Add(backupDeadline))
	w := bufio.NewWriterSize(c, 256<<10)
	if err := w.WriteByte(0); err != nil {
		return
	}
	if err := p.Backup(w); err != nil {
		return // the client sees a stream without its last frame
	}
	_ = w.Flush()
}

// ErrBackupIncomplete: the running hub's backup stream ended early.
var ErrBackupIncomplete = errors.New("the hub's backup stream ended before the backup was complete")

// BackupRunning asks the hub running on dir for a backup and copies it to
// w. It returns ErrHubNotRunning when no hub answers there. The caller
// checks the copy with store.CheckBackupComplete (core.CheckBackup).
func BackupRunning(dir string, w io.Writer) (int64, error) {
	c, err := net.DialTimeout("unix", filepath.Join(dir, adminSock), 2*time.Second)
	if err != nil {
		return 0, ErrHubNotRunning
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(backupDeadline))
	b, err := codec.Marshal(AdminRequest{Cmd: AdminBackup})
	if err != nil {
		return 0, err
	}
	if _, err := c.Write(b); err != nil {
		return 0, err
	}
	if uc, ok := c.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	br := bufio.NewReaderSize(c, 256<<10)
	first, err := br.Peek(1)
	if err != nil {
		return 0, ErrBackupIncomplete
	}
	if first[0] != 0 {
		out, err := io.ReadAll(io.LimitReader(br, 1<<20))
		if err != nil {
			return 0, err
		}
		var resp AdminResponse
		if err := codec.Unmarshal(out, &resp); err != nil {
			return 0, err
		}
		return 0, &Error{Code: resp.Code, Message: resp.Error}
	}
	_, _ = br.ReadByte()
	return io.Copy(w, br)
}
