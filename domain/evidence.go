package domain

import (
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Evidence (印证资料) is the files that prove a step, a reason or an
// issue: a photo of the site, a scanned approval, a contract, minutes.
// The files themselves are kept outside the events (in an object store);
// an evidence_attached event carries each file's name, type, size and
// SHA-256, so the hash chain binds the files' content and an altered or
// missing file is found by comparing it against its digest.
//
// Files come with a step in the same command (Meta.Evidence): Decide then
// adds an evidence_attached event after the step's, stored with it or not
// at all. AttachEvidence adds files to an event already stored.

// EvidenceAttached is the event type of files attached to an event.
const EvidenceAttached EventType = "evidence_attached"

// The limits on evidence: how many files one command attaches, how large
// one file may be, and the media types accepted.
const (
	MaxEvidenceFiles = 20
	MaxEvidenceBytes = 25 << 20 // 25 MiB: a phone photo or a scanned approval
)

// EvidenceTypes are the media types accepted as evidence, with the
// Chinese name of each kind of file.
var EvidenceTypes = map[string]string{
	"image/jpeg":      "JPEG 图片",
	"image/png":       "PNG 图片",
	"image/webp":      "WebP 图片",
	"application/pdf": "PDF 文件",
	"application/ofd": "OFD 版式文件",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       "Excel 表格",
	"application/msword":       "Word 97-2003 文档",
	"application/vnd.ms-excel": "Excel 97-2003 表格",
}

// EvidenceFile is one file of evidence as an event records it.
type EvidenceFile struct {
	// Name is the file's name as it was uploaded, without folders.
	Name string `cbor:"name" json:"name"`
	// Type is its media type, one of EvidenceTypes.
	Type string `cbor:"type" json:"type"`
	// Size is its length in bytes.
	Size int64 `cbor:"size" json:"size"`
	// SHA256 is the hex SHA-256 of its content; the object store keeps
	// the file under this name.
	SHA256 string `cbor:"sha256" json:"sha256"`
}

// IsImage reports whether the file is a picture a page can show.
func (f EvidenceFile) IsImage() bool { return strings.HasPrefix(f.Type, "image/") }

// EvidenceAttachedData lists files attached to one of the project's
// events, named by its id (About).
type EvidenceAttachedData struct {
	About string         `cbor:"about" json:"about"`
	Files []EvidenceFile `cbor:"files" json:"files"`
}

// EventType implements Payload.
func (*EvidenceAttachedData) EventType() EventType { return EvidenceAttached }

// AttachEvidence attaches files to an event of the project already
// stored, named by its id: a photo taken after the step was recorded, the
// scanned approval that arrived later.
type AttachEvidence struct {
	Meta
	Project ProjectID
	About   string // the id of the event the files document
	Files   []EvidenceFile
	On      Date
}

// Target implements Command.
func (c AttachEvidence) Target() ProjectID { return c.Project }

// Action implements Command.
func (c AttachEvidence) Action() string { return "attach evidence to " + c.About }

// Attached is a file of evidence as the project's state keeps it: the
// file and the event it documents.
type Attached struct {
	EvidenceFile
	About string `json:"about"`
	On    Date   `json:"on"`
}

// CheckEvidence refuses files a command may not attach: too many, a name
// missing or too long, a type not accepted, an empty or too large file,
// a digest that is not a SHA-256. It is the rule Decide applies; an
// upload form calls it before it stores anything.
func CheckEvidence(files []EvidenceFile) error {
	if len(files) > MaxEvidenceFiles {
		return invalidf("%d files attached at once; at most %d", len(files), MaxEvidenceFiles).
			zh("一次附了 %d 个文件；最多 %d 个", len(files), MaxEvidenceFiles)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if err := checkFile(f, seen); err != nil {
			return err
		}
		name := strings.TrimSpace(f.Name)
		switch {
		case EvidenceTypes[f.Type] == "":
			return invalidf("%s is a %s file; accepted are photos (JPEG, PNG, WebP), PDF, OFD, Word and Excel files", name, typeOrUnknown(f.Type)).
				zh("%s 的类型是 %s；只接受照片（JPEG、PNG、WebP）、PDF、OFD、Word 和 Excel 文件", name, typeOrUnknown(f.Type))
		case f.Size <= 0:
			return invalidf("%s is empty", name).zh("%s 是空文件", name)
		case f.Size > MaxEvidenceBytes:
			return invalidf("%s is %s; a file of evidence may be at most %s", name, FormatBytes(f.Size), FormatBytes(MaxEvidenceBytes)).
				zh("%s 大小为 %s；每个佐证材料最大 %s", name, FormatBytes(f.Size), FormatBytes(MaxEvidenceBytes))
		}
	}
	return nil
}

// checkFile refuses a file without a plain name or a SHA-256, or one
// whose content seen already holds.
func checkFile(f EvidenceFile, seen map[string]bool) error {
	name := strings.TrimSpace(f.Name)
	switch {
	case name == "":
		return invalidf("a file has no name").zh("文件缺少文件名")
	case utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, "/\\\x00") || name != path.Base(name):
		return invalidf("the file name %q is not a plain name of at most 200 characters", name).
			zh("文件名“%s”不是不超过 200 个字符的普通文件名", name)
	case f.Size < 0:
		return invalidf("%s has a negative size", name).zh("%s 的大小为负数", name)
	}
	if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 || f.SHA256 != strings.ToLower(f.SHA256) {
		return invalidf("%s: %q is not a SHA-256 in lower-case hex", name, f.SHA256).zh("%s：“%s”不是小写十六进制的 SHA-256", name, f.SHA256)
	}
	if seen[f.SHA256] {
		return invalidf("%s is given twice", name).zh("%s 重复给出", name)
	}
	seen[f.SHA256] = true
	return nil
}

func typeOrUnknown(t string) string {
	if t == "" {
		return "unknown"
	}
	return t
}

// FormatBytes says a size in bytes as people read it: 25.0 MiB, 300.0 KiB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// attach refuses files Decide may not store.
func (d *decision) attach(files []EvidenceFile) error {
	if err := CheckEvidence(files); err != nil {
		return d.refuse(ErrInvalid, "%v", "attach photos, PDF, OFD, Word or Excel files of at most 25 MiB", err).
			zh("%s", "请附照片、PDF、OFD、Word 或 Excel 文件，每个不超过 25 MiB", Chinese(err))
	}
	return nil
}

// withEvidence adds to the events of a command that came with files the
// evidence_attached event that lists them, about the command's first
// event, in the same batch.
func (d *decision) withEvidence(evs []Event) ([]Event, error) {
	files := d.cmd.CommandMeta().Evidence
	if len(files) == 0 || len(evs) == 0 {
		return evs, nil
	}
	if isUnitCommand(d.cmd) || isPublication(d.cmd) {
		return nil, d.refuse(ErrInvalid, "files attached", "files of evidence go with a project's steps, reasons and issues").zh("附了文件", "佐证材料只能附在项目的步骤、原因说明和督办事项上")
	}
	if err := d.attach(files); err != nil {
		return nil, err
	}
	ev := d.events(evs[0].OccurredOn, &EvidenceAttachedData{About: evs[0].ID, Files: files})[0]
	ev.ID = fmt.Sprintf("%s-%d", d.key, len(evs))
	return append(evs, ev), nil
}

func (d *decision) attachEvidence(c AttachEvidence) ([]Event, error) {
	about := strings.TrimSpace(c.About)
	if about == "" {
		return nil, d.refuse(ErrInvalid, "no event named", "name the event the files document by its id (ledger history shows it)").
			zh("未指明佐证的是哪条记录", "请填写该记录的编号（ledger history 可查）")
	}
	if len(c.Files) == 0 {
		return nil, d.refuse(ErrInvalid, "no file given", "attach at least one file").zh("未附文件", "请至少附一个文件")
	}
	if len(c.CommandMeta().Evidence) > 0 {
		return nil, d.refuse(ErrInvalid, "files given twice", "give the files in Files only").zh("文件重复给出", "文件只能给一次")
	}
	if err := d.attach(c.Files); err != nil {
		return nil, err
	}
	on, err := d.date(c.On)
	if err != nil {
		return nil, err
	}
	return d.events(on, &EvidenceAttachedData{About: about, Files: c.Files}), nil
}
