package evidence

// An Option changes how New opens the evidence store.
type Option func(*config)

type config struct {
	bucket    string
	chunkSize uint32
}

// WithBucket stores the files in the object store bucket named bucket
// instead of <stream>_EVIDENCE.
func WithBucket(bucket string) Option { return func(c *config) { c.bucket = bucket } }

// WithChunkSize stores each file in chunks (messages) of at most n bytes
// instead of DefaultChunkSize.
func WithChunkSize(n uint32) Option { return func(c *config) { c.chunkSize = n } }

// DefaultChunkSize is the size of the messages a file is stored in: the
// object store's own default, 128 KiB.
const DefaultChunkSize = 128 * 1024
