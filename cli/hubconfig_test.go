package cli

import (
	"strings"
	"testing"
)

func TestParseHubConfig(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]string
		err      string
	}{
		{"empty", "", map[string]string{}, ""},
		{"comments and blanks", "# a hub\n\n  store = postgres://db/x  \n", map[string]string{"store": "postgres://db/x"}, ""},
		{"value with =", "store = postgres://h/db?sslmode=disable\n", map[string]string{"store": "postgres://h/db?sslmode=disable"}, ""},
		{"all", "store=a\nchunks=b\ncache=c\nlisten=d\nmetrics=e\nlog-level=f\ns3-access-key=g\ns3-secret-key=h\npg-password=i\n",
			map[string]string{"store": "a", "chunks": "b", "cache": "c", "listen": "d", "metrics": "e", "log-level": "f", "s3-access-key": "g", "s3-secret-key": "h", "pg-password": "i"}, ""},
		{"unknown", "stor = x\n", nil, "line 1: unknown setting"},
		{"no equals", "store\n", nil, "line 1: want name = value"},
		{"twice", "cache=a\n# x\ncache=b\n", nil, "line 3: cache given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHubConfig([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// FuzzParseHubConfig: any bytes give a config or an error, never a panic,
// and whatever is accepted names only known settings.
func FuzzParseHubConfig(f *testing.F) {
	f.Add([]byte("store = postgres://db/x\n# c\ncache=/var/cache\n"))
	f.Add([]byte("=\n==\nstore"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseHubConfig(b)
		if err != nil {
			return
		}
		for k := range c {
			known := false
			for _, n := range hubConfigKeys {
				known = known || n == k
			}
			if !known {
				t.Fatalf("accepted unknown setting %q", k)
			}
		}
	})
}
