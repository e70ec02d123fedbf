package s3chunks

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ParseURL reads a bucket's address in the form a hub's configuration
// gives it (the --chunks option being prepared):
//
//	s3://BUCKET[/PREFIX]?endpoint=https://s3.example:9000[&region=REGION]
//
// The keys are not part of it: a URL ends up in process lists, logs and
// shell histories; the caller fills AccessKey and SecretKey from the
// environment or a file. A URL that carries a user or password is refused
// for that reason.
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Config{}, fmt.Errorf("s3chunks: %w", err)
	}
	if u.Scheme != "s3" {
		return Config{}, fmt.Errorf("s3chunks: %q: want s3://bucket/prefix?endpoint=…", s)
	}
	if u.User != nil {
		return Config{}, errors.New("s3chunks: the URL carries credentials; give the keys through the environment instead")
	}
	if u.Opaque != "" || u.Fragment != "" || u.Port() != "" {
		return Config{}, fmt.Errorf("s3chunks: %q: want s3://bucket/prefix?endpoint=…", s)
	}
	c := Config{Bucket: u.Host, Prefix: strings.TrimPrefix(u.Path, "/")}
	if err := checkBucket(c.Bucket); err != nil {
		return Config{}, err
	}
	if c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/") {
		c.Prefix += "/"
	}
	if strings.Contains(c.Prefix, "//") || strings.ContainsAny(c.Prefix, "\x00\\") {
		return Config{}, fmt.Errorf("s3chunks: prefix %q: empty or odd path segment", c.Prefix)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, fmt.Errorf("s3chunks: %w", err)
	}
	for k, v := range q {
		if len(v) != 1 {
			return Config{}, fmt.Errorf("s3chunks: %s given %d times", k, len(v))
		}
		switch k {
		case "endpoint":
			c.Endpoint = v[0]
		case "region":
			c.Region = v[0]
		default:
			return Config{}, fmt.Errorf("s3chunks: unknown parameter %q (endpoint, region)", k)
		}
	}
	ep, err := url.Parse(c.Endpoint)
	if c.Endpoint == "" || err != nil || (ep.Scheme != "http" && ep.Scheme != "https") || ep.Host == "" || ep.User != nil || (ep.Path != "" && ep.Path != "/") || ep.RawQuery != "" || ep.Fragment != "" {
		return Config{}, fmt.Errorf("s3chunks: endpoint %q: want http(s)://host[:port]", c.Endpoint)
	}
	c.Endpoint = ep.Scheme + "://" + ep.Host
	return c, nil
}

// URL is the inverse of ParseURL: c's address without its keys.
func (c Config) URL() string {
	u := url.URL{Scheme: "s3", Host: c.Bucket, Path: "/" + c.Prefix}
	q := url.Values{"endpoint": {c.Endpoint}}
	if c.Region != "" {
		q.Set("region", c.Region)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// checkBucket applies S3's bucket naming rules: 3 to 63 lowercase
// letters, digits, dots and hyphens, starting and ending with a letter or
// digit.
func checkBucket(b string) error {
	bad := len(b) < 3 || len(b) > 63
	for i := 0; i < len(b) && !bad; i++ {
		ch := b[i]
		alnum := ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9'
		bad = !alnum && ch != '.' && ch != '-' || (i == 0 || i == len(b)-1) && !alnum
	}
	if bad {
		return fmt.Errorf("s3chunks: bucket %q: want 3–63 lowercase letters, digits, dots or hyphens", b)
	}
	return nil
}
