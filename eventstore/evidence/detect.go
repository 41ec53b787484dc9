package evidence

import (
	"archive/zip"
	"bytes"
	"net/http"
	"path"
	"strings"
)

// Media types the content alone does not tell apart.
const (
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typeOFD  = "application/ofd"
	typeDOC  = "application/msword"
	typeXLS  = "application/vnd.ms-excel"
)

// cfb starts an OLE compound file: Word 97-2003 and Excel 97-2003.
var cfb = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// DetectType returns the media type of a file named name holding
// content: by its bytes (net/http's sniffing, WebP included); a ZIP
// archive is a Word or Excel file by its entries (word/document.xml,
// xl/workbook.xml), an OFD file by its OFD.xml, and by its extension
// (.docx, .xlsx, .ofd) when its entries do not say; an OLE compound file
// is a Word or Excel 97-2003 file by its extension (.doc, .xls). A type
// it cannot tell comes back as net/http sniffs it (text/plain,
// application/octet-stream).
func DetectType(name string, content []byte) string {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	if bytes.HasPrefix(content, cfb) {
		switch ext {
		case ".doc":
			return typeDOC
		case ".xls":
			return typeXLS
		}
		return "application/x-ole-storage"
	}
	sniffed := http.DetectContentType(content)
	if sniffed != "application/zip" {
		return sniffed
	}
	if zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content))); err == nil {
		for _, f := range zr.File {
			switch strings.ToLower(f.Name) {
			case "word/document.xml":
				return typeDOCX
			case "xl/workbook.xml":
				return typeXLSX
			case "ofd.xml":
				return typeOFD
			}
		}
	}
	switch ext {
	case ".docx":
		return typeDOCX
	case ".xlsx":
		return typeXLSX
	case ".ofd":
		return typeOFD
	}
	return sniffed
}
