package board

// SetMaxUpload bounds posted forms to n bytes until the returned func is
// called: a test of the bound sends kilobytes, not hundreds of MiB.
func SetMaxUpload(n int64) (restore func()) {
	old := maxUpload
	maxUpload = n
	return func() { maxUpload = old }
}
