package s3chunks

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Config
		err  string
	}{
		{"s3://papers?endpoint=https://s3.gov.example:9000", Config{Bucket: "papers", Endpoint: "https://s3.gov.example:9000"}, ""},
		{"s3://papers/org1?endpoint=http://127.0.0.1:7070&region=hn-1", Config{Bucket: "papers", Prefix: "org1/", Endpoint: "http://127.0.0.1:7070", Region: "hn-1"}, ""},
		{"s3://papers/a/b/?endpoint=https://s3.example/", Config{Bucket: "papers", Prefix: "a/b/", Endpoint: "https://s3.example"}, ""},
		{"https://papers?endpoint=https://x", Config{}, "want s3://"},
		{"s3://key:secret@papers?endpoint=https://x", Config{}, "credentials"},
		{"s3://Papers?endpoint=https://x", Config{}, "bucket"},
		{"s3://ab?endpoint=https://x", Config{}, "bucket"},
		{"s3://-papers?endpoint=https://x", Config{}, "bucket"},
		{"s3://papers", Config{}, "endpoint"},
		{"s3://papers?endpoint=ftp://x", Config{}, "endpoint"},
		{"s3://papers?endpoint=https://x/path", Config{}, "endpoint"},
		{"s3://papers?endpoint=https://x&endpoint=https://y", Config{}, "2 times"},
		{"s3://papers?endpoint=https://x&secret=s", Config{}, "unknown parameter"},
		{"s3://papers/a//b?endpoint=https://x", Config{}, "prefix"},
		{"s3://papers:9000?endpoint=https://x", Config{}, "want s3://"},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseURL(%q) = %+v, %v; want an error about %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseURL: any string is read or refused, never a panic; what is read
// has a valid bucket, an http(s) endpoint and a clean prefix, and its URL
// reads back as the same configuration.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"s3://papers/org1?endpoint=http://127.0.0.1:7070&region=r", "s3://a.b-c/x/y/?endpoint=https://h", "s3://", "s3://papers?endpoint=%zz", "s3://p%41pers?endpoint=https://h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseURL(s)
		if err != nil {
			return
		}
		if checkBucket(c.Bucket) != nil || !(strings.HasPrefix(c.Endpoint, "http://") || strings.HasPrefix(c.Endpoint, "https://")) ||
			(c.Prefix != "" && (!strings.HasSuffix(c.Prefix, "/") || strings.HasPrefix(c.Prefix, "/") || strings.Contains(c.Prefix, "//"))) {
			t.Fatalf("ParseURL(%q) accepted %+v", s, c)
		}
		back, err := ParseURL(c.URL())
		if err != nil || back != c {
			t.Fatalf("ParseURL(%q) = %+v; its URL %q reads back as %+v, %v", s, c, c.URL(), back, err)
		}
	})
}
