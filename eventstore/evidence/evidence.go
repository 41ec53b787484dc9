// Package evidence keeps the files of evidence (印证资料) the ledger's
// evidence_attached events list: photos, scanned approvals, contracts. The
// files live in a JetStream object store bucket next to the ledger's
// stream, <stream>_EVIDENCE, each under the lower-case hex SHA-256 of its
// content, so the same bytes are stored once and the digest an event
// records names the object that holds them. Check reads the files back
// and names each one missing or altered.
package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Bucket is the name of the evidence bucket of the ledger stream named
// stream. Its stream on the server is OBJ_<stream>_EVIDENCE.
func Bucket(stream string) string { return stream + "_EVIDENCE" }

// Store is the evidence bucket of one ledger stream. It is safe for
// concurrent use.
type Store struct {
	js        jetstream.JetStream
	bucket    string
	replicas  int
	chunkSize uint32

	mu  sync.Mutex
	obs jetstream.ObjectStore // nil until the bucket is found or created
}

// New opens the evidence store of store's stream. It creates nothing: the
// bucket is created (with the stream's replicas, on file storage) by the
// first Put, and until then Open finds nothing and Check finds every file
// missing.
func New(ctx context.Context, store *eventstore.Store, opts ...Option) (*Store, error) {
	c := config{bucket: Bucket(store.StreamName()), chunkSize: DefaultChunkSize}
	for _, o := range opts {
		o(&c)
	}
	s := &Store{js: store.JetStream(), bucket: c.bucket, replicas: max(store.Spec().Replicas, 1), chunkSize: c.chunkSize}
	if _, err := s.objects(ctx, false); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return s, nil
}

// BucketName is the name of the object store bucket the files are in.
func (s *Store) BucketName() string { return s.bucket }

// objects returns the bucket, creating it when create is set; without it
// a missing bucket is ErrNotFound.
func (s *Store) objects(ctx context.Context, create bool) (jetstream.ObjectStore, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.obs != nil {
		return s.obs, nil
	}
	obs, err := s.js.ObjectStore(ctx, s.bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		if !create {
			return nil, fmt.Errorf("evidence bucket %s: %w", s.bucket, ErrNotFound)
		}
		obs, err = s.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket: s.bucket, Description: "files of evidence the ledger's evidence_attached events list, each under its SHA-256",
			Storage: jetstream.FileStorage, Replicas: s.replicas,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("evidence bucket %s: %w", s.bucket, err)
	}
	s.obs = obs
	return obs, nil
}

// Put stores the content r holds as a file of evidence named name (its
// folders, if any, are dropped) and returns the file as a command's
// Meta.Evidence or an AttachEvidence lists it. The content is read whole
// (at most domain.MaxEvidenceBytes are kept in memory) and refused, with
// nothing stored, when it is empty, larger than domain.MaxEvidenceBytes,
// or of a type domain.EvidenceTypes does not accept (a *RefusedError,
// matching domain.ErrInvalid). Otherwise it is stored under its SHA-256:
// content the bucket holds already is not stored again.
func (s *Store) Put(ctx context.Context, name string, r io.Reader) (domain.EvidenceFile, error) {
	name = baseName(name)
	data, err := readLimited(r)
	if err != nil {
		return domain.EvidenceFile{}, fmt.Errorf("read %s: %w", name, err)
	}
	f, err := describe(name, data)
	if err != nil {
		return domain.EvidenceFile{}, err
	}
	obs, err := s.objects(ctx, true)
	if err != nil {
		return domain.EvidenceFile{}, err
	}
	if info, err := obs.GetInfo(ctx, f.SHA256); err == nil && info.Size == uint64(f.Size) && info.Digest == natsDigest(f.SHA256) {
		return f, nil // stored already: the same bytes once
	} else if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return domain.EvidenceFile{}, fmt.Errorf("evidence %s: %w", name, err)
	}
	// Absent, or altered since it was stored: (re)store it under its
	// digest. A failed Put removes the chunks it wrote.
	info, err := obs.Put(ctx, jetstream.ObjectMeta{
		Name: f.SHA256, Description: f.Name,
		Headers:  map[string][]string{"Content-Type": {f.Type}},
		Metadata: map[string]string{"name": f.Name, "type": f.Type},
		Opts:     &jetstream.ObjectMetaOptions{ChunkSize: s.chunkSize},
	}, bytes.NewReader(data))
	if err != nil {
		return domain.EvidenceFile{}, fmt.Errorf("store %s: %w", name, err)
	}
	if info.Digest != natsDigest(f.SHA256) {
		return domain.EvidenceFile{}, fmt.Errorf("store %s: the object store computed %s for SHA-256 %s", name, info.Digest, f.SHA256)
	}
	return f, nil
}

// Describe reads the content r holds as a file of evidence named name and
// returns the file as Put would store it, storing nothing: a caller with
// several files checks them all (and domain.CheckEvidence on the lot)
// before it stores any. It refuses what Put refuses.
func Describe(name string, r io.Reader) (domain.EvidenceFile, error) {
	name = baseName(name)
	data, err := readLimited(r)
	if err != nil {
		return domain.EvidenceFile{}, fmt.Errorf("read %s: %w", name, err)
	}
	return describe(name, data)
}

// readLimited reads r whole, but no more than one byte over
// domain.MaxEvidenceBytes. A reader that tells its size (a file, a
// bytes.Reader) is read into a buffer of that size at once.
func readLimited(r io.Reader) ([]byte, error) {
	hint := int64(512)
	switch v := r.(type) {
	case interface{ Len() int }:
		hint = int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			hint = st.Size()
		}
	}
	buf := make([]byte, 0, min(hint, domain.MaxEvidenceBytes)+1)
	lr := io.LimitReader(r, domain.MaxEvidenceBytes+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// baseName is name without its folders, whichever the separator.
func baseName(name string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// describe checks a file's content and returns it as an event lists it.
func describe(name string, data []byte) (domain.EvidenceFile, error) {
	shown := name
	if shown == "" {
		shown = "the file"
	}
	switch {
	case len(data) == 0:
		return domain.EvidenceFile{}, refused(ErrEmpty, name, "%s is empty", "%s 是空文件", shown)
	case len(data) > domain.MaxEvidenceBytes:
		return domain.EvidenceFile{}, refused(ErrTooLarge, name,
			"%s is larger than %d MiB; a file of evidence may be at most %d MiB",
			"%s 超过 %d MiB；每个佐证材料最大 %d MiB", shown, domain.MaxEvidenceBytes>>20, domain.MaxEvidenceBytes>>20)
	}
	typ := DetectType(name, data)
	if domain.EvidenceTypes[typ] == "" {
		return domain.EvidenceFile{}, refused(ErrType, name,
			"%s is a %s file; accepted are photos (JPEG, PNG, WebP), PDF, OFD, Word and Excel files",
			"%s 的类型是 %s；只接受照片（JPEG、PNG、WebP）、PDF、OFD、Word 和 Excel 文件", shown, typ)
	}
	sum := sha256.Sum256(data)
	f := domain.EvidenceFile{Name: name, Type: typ, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	if err := domain.CheckEvidence([]domain.EvidenceFile{f}); err != nil {
		return domain.EvidenceFile{}, &RefusedError{Kind: ErrName, Name: name, en: err.Error(), zhMsg: domain.Chinese(err)}
	}
	return f, nil
}

// natsDigest is the digest the object store records for content whose
// hex SHA-256 is sha.
func natsDigest(sha string) string {
	b, err := hex.DecodeString(sha)
	if err != nil {
		return ""
	}
	return "SHA-256=" + base64.URLEncoding.EncodeToString(b)
}

// Open returns the content of the file whose hex SHA-256 is sha, and the
// file as it was first stored (its name then, its type, size and digest).
// The reader fails at its end when the content does not match the digest
// the object store recorded. A file the bucket does not hold, or no
// bucket, is ErrNotFound.
func (s *Store) Open(ctx context.Context, sha string) (io.ReadCloser, domain.EvidenceFile, error) {
	obs, err := s.objects(ctx, false)
	if err != nil {
		return nil, domain.EvidenceFile{}, err
	}
	res, err := obs.Get(ctx, sha)
	if errors.Is(err, jetstream.ErrObjectNotFound) || errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, domain.EvidenceFile{}, fmt.Errorf("evidence %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, domain.EvidenceFile{}, fmt.Errorf("evidence %s: %w", sha, err)
	}
	info, err := res.Info()
	if err != nil {
		_ = res.Close()
		return nil, domain.EvidenceFile{}, fmt.Errorf("evidence %s: %w", sha, err)
	}
	f := domain.EvidenceFile{Name: info.Metadata["name"], Type: info.Metadata["type"], Size: int64(info.Size), SHA256: sha}
	if f.Name == "" {
		f.Name = info.Description
	}
	return res, f, nil
}
