package board

// SetMaxUpload bounds the forms posted to s to n bytes: a test of the
// bound sends kilobytes, not hundreds of MiB.
func SetMaxUpload(s *Server, n int64) { s.maxUpload = n }
