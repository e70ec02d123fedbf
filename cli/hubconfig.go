package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// hubConfig is what `hub serve --config FILE` reads (the systemd unit's
// way of giving the scaled-out hub its settings, and the keys that must
// not be on a command line): one "name = value" a line, # comments. A flag
// given on the command line wins over the file.
//
//	store         = postgres://ecabinet@db.example/ecabinet
//	chunks        = s3://ecabinet-papers?endpoint=https://s3.example:9000
//	cache         = /var/lib/ecabinet-hub/cache
//	listen        = 0.0.0.0:8443
//	metrics       = 127.0.0.1:9464
//	log-level     = info
//	s3-access-key = …   (else AWS_ACCESS_KEY_ID)
//	s3-secret-key = …   (else AWS_SECRET_ACCESS_KEY)
//	pg-password   = …   (else PGPASSWORD, or ~/.pgpass)
type hubConfig map[string]string

// hubConfigKeys are the names a config file may set.
var hubConfigKeys = []string{"store", "chunks", "cache", "listen", "metrics", "log-level", "s3-access-key", "s3-secret-key", "pg-password"}

// maxConfig bounds a config file: a few hundred bytes in practice.
const maxConfig = 64 << 10

// parseHubConfig reads a config file's text; an unknown name, a line
// without "=", a name given twice are errors naming the line.
func parseHubConfig(b []byte) (hubConfig, error) {
	if len(b) > maxConfig {
		return nil, fmt.Errorf("longer than %d bytes", maxConfig)
	}
	c := hubConfig{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxConfig)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want name = value", n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		known := false
		for _, n := range hubConfigKeys {
			known = known || n == k
		}
		if !known {
			return nil, fmt.Errorf("line %d: unknown setting %q (%s)", n, k, strings.Join(hubConfigKeys, ", "))
		}
		if _, dup := c[k]; dup {
			return nil, fmt.Errorf("line %d: %s given twice", n, k)
		}
		c[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// readHubConfig reads and parses a config file; an error is the command's,
// translated.
func readHubConfig(path string) (hubConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, failf("cli.err.read_file", "path", path, "err", err.Error())
	}
	c, err := parseHubConfig(b)
	if err != nil {
		return nil, failf("cli.err.hub_config", "path", path, "err", err.Error())
	}
	return c, nil
}
