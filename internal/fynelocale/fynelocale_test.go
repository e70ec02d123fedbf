package fynelocale

import (
	"go/build"
	"testing"
)

func TestQuiet(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, true},
		{"C.utf8 in LC_ALL", map[string]string{"LC_ALL": "C.utf8", "LANG": "vi_VN.UTF-8"}, true},
		{"POSIX with codeset", map[string]string{"LC_MESSAGES": "POSIX.UTF-8"}, true},
		{"C with modifier", map[string]string{"LANG": "C@euro"}, true},
		{"plain C is already quiet", map[string]string{"LANG": "C"}, false},
		{"plain POSIX is already quiet", map[string]string{"LANG": "POSIX"}, false},
		{"a real locale", map[string]string{"LANG": "vi_VN.UTF-8"}, false},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "C.UTF-8"}, false},
		{"LANGUAGE already set", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "vi"}, false},
		{"nothing set", map[string]string{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range c.env {
				env[k] = v
			}
			got := quiet(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if got != c.want {
				t.Fatalf("quiet = %v, want %v", got, c.want)
			}
			if want := c.env["LANGUAGE"]; !c.want && env["LANGUAGE"] != want {
				t.Fatalf("LANGUAGE = %q, want it left at %q", env["LANGUAGE"], want)
			}
			if c.want && env["LANGUAGE"] != "en" {
				t.Fatalf("LANGUAGE = %q, want en", env["LANGUAGE"])
			}
		})
	}
}

// TestImportsOnlyOsAndStrings: the init order argument in the package
// comment holds only while this package imports no more than go-locale.
func TestImportsOnlyOsAndStrings(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp != "os" && imp != "strings" {
			t.Errorf("fynelocale imports %s; only os and strings keep it initialised before Fyne's lang", imp)
		}
	}
}
