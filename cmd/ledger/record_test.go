package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain/entry"
)

// Every form of package entry is a command, with its fields as flags: a
// form added to the table and not wired to the root fails here.
func TestEveryFormIsACommand(t *testing.T) {
	root := newApp(io.Discard, io.Discard).rootCommand()
	for _, f := range entry.Forms() {
		path := strings.Fields(f.Group + " " + f.Name())
		c, rest, err := root.Find(path)
		require.NoError(t, err, "%v", path)
		require.Empty(t, rest, "%v", path)
		require.Equal(t, f.Name(), c.Name(), "form %v has no command", path)
		assert.Equal(t, f.Use, c.Use)
		assert.Equal(t, f.Short, c.Short)
		for _, fl := range f.Fields {
			flag := c.Flags().Lookup(fl.Name)
			if assert.NotNil(t, flag, "%v --%s", path, fl.Name) {
				assert.Equal(t, fl.Help, flag.Usage)
				assert.Equal(t, fl.Repeated, flag.Value.Type() == "stringArray", "%v --%s", path, fl.Name)
			}
		}
		assert.NotNil(t, c.Flags().Lookup("command-id"), "%v", path)
		assert.NotNil(t, c.Flags().Lookup("correlation-id"), "%v", path)
	}
}
