package chattemplate

import (
	"fmt"
	"strings"
)

// printf emulates Python's % formatting for %s, %c (given as strings) and %%.
func printf(format string, args []string) string {
	var b strings.Builder
	i := 0
	for k := 0; k < len(format); k++ {
		if format[k] != '%' || k+1 >= len(format) {
			b.WriteByte(format[k])
			continue
		}
		k++
		switch format[k] {
		case '%':
			b.WriteByte('%')
		case 'c':
			if i < len(args) {
				var n int
				if _, err := fmt.Sscan(args[i], &n); err == nil && n > 0 && n < 0x110000 {
					b.WriteRune(rune(n))
				} else {
					b.WriteString(args[i])
				}
				i++
			}
		default:
			if i < len(args) {
				b.WriteString(args[i])
				i++
			}
		}
	}
	return b.String()
}

// pyFormat emulates str.format for positional {} and {N} fields.
func pyFormat(format string, args []string) string {
	var b strings.Builder
	next := 0
	for k := 0; k < len(format); k++ {
		if format[k] != '{' {
			b.WriteByte(format[k])
			continue
		}
		end := strings.IndexByte(format[k:], '}')
		if end < 0 {
			b.WriteString(format[k:])
			break
		}
		field := format[k+1 : k+end]
		idx := next
		if field != "" {
			if _, err := fmt.Sscan(field, &idx); err != nil {
				b.WriteString(format[k : k+end+1]) // attribute fields stay visible
				k += end
				continue
			}
		} else {
			next++
		}
		if idx >= 0 && idx < len(args) {
			b.WriteString(args[idx])
		}
		k += end
	}
	return b.String()
}
