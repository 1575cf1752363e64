package supplychain

import (
	"bytes"
	"encoding/binary"
)

// inertFormat names the media, font, document or data format whose magic
// bytes open the content. Such files are data a program reads, not code a
// loader runs, so a binary in one of them is not reported as "not analysed".
// Only formats with a distinctive signature are listed: containers that can
// carry anything (zip, gzip, tar, OLE2 compound files, which include Office
// macros and installers) and model formats stay with their own checks or the
// not-analysed finding.
func inertFormat(head []byte) (string, bool) {
	has := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "PNG image", true
	case has(0, "\xff\xd8\xff"):
		return "JPEG image", true
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "GIF image", true
	case has(0, "RIFF") && has(8, "WEBP"):
		return "WebP image", true
	case has(0, "RIFF") && has(8, "WAVE"):
		return "WAV audio", true
	case has(0, "RIFF") && has(8, "AVI "):
		return "AVI video", true
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "TIFF image", true
	case has(0, "\x00\x00\x01\x00"), has(0, "\x00\x00\x02\x00"):
		// ICO/CUR: reserved 0, type 1 or 2, then an image count.
		if len(head) >= 6 && binary.LittleEndian.Uint16(head[4:]) > 0 {
			return "icon", true
		}
	case has(0, "BM") && len(head) >= 18:
		// BMP: the DIB header size is one of the few that exist.
		switch binary.LittleEndian.Uint32(head[14:]) {
		case 12, 40, 52, 56, 64, 108, 124:
			return "BMP image", true
		}
	case has(0, "8BPS"):
		return "Photoshop image", true
	case has(4, "ftyp"):
		return "MP4/QuickTime/HEIF media", true
	case has(0, "ID3"):
		return "MP3 audio", true
	case len(head) >= 4 && head[0] == 0xff && head[1]&0xe0 == 0xe0 && head[1]&0x18 != 0x08 && head[1]&0x06 != 0 &&
		head[2]&0xf0 != 0xf0 && head[2]&0x0c != 0x0c:
		// An MPEG audio frame header: sync bits, and no reserved version,
		// layer, bitrate or sampling rate.
		return "MPEG audio", true
	case has(0, "OggS"):
		return "Ogg media", true
	case has(0, "fLaC"):
		return "FLAC audio", true
	case has(0, "MThd"):
		return "MIDI file", true
	case has(0, "\x1a\x45\xdf\xa3"):
		return "Matroska/WebM media", true
	case has(0, "\x00\x01\x00\x00") && len(head) >= 12 && binary.BigEndian.Uint16(head[4:]) > 0 && binary.BigEndian.Uint16(head[4:]) < 64,
		has(0, "OTTO"), has(0, "true\x00"), has(0, "ttcf"):
		return "font", true
	case has(0, "wOFF"), has(0, "wOF2"):
		return "web font", true
	case has(0, "%PDF-"):
		return "PDF document", true
	case has(0, "PAR1"):
		return "Parquet data", true
	case has(0, "ARROW1"):
		return "Arrow data", true
	case has(0, "SQLite format 3\x00"):
		return "SQLite database", true
	case has(0, "Obj\x01"):
		return "Avro data", true
	case bytes.HasPrefix(head, []byte("#!/usr/bin/env bun\nbun-lockfile-format")):
		return "bun lockfile", true
	}
	return "", false
}

// mediaExtensions name media, font and document files by extension, for Git
// LFS pointers, whose content is not at hand.
var mediaExtensions = func() map[string]string {
	m := map[string]string{}
	for kind, exts := range map[string][]string{
		"an image":   {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".psd", ".avif", ".heic"},
		"audio":      {".mp3", ".wav", ".ogg", ".flac", ".m4a", ".aac", ".opus"},
		"a video":    {".mp4", ".mov", ".webm", ".avi", ".mkv"},
		"a font":     {".ttf", ".otf", ".woff", ".woff2", ".eot"},
		"a document": {".pdf"},
	} {
		for _, e := range exts {
			m[e] = kind
		}
	}
	return m
}()
