package main

import (
	"os"
	"testing"
)

// TestMain runs the tests in an English environment whatever the machine's
// locale: a Chinese LANG would change the default of --lang.
func TestMain(m *testing.M) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		_ = os.Unsetenv(name)
	}
	os.Exit(m.Run())
}
