package files

import "strings"

// parseFlat reads the usual record the short way: one object of plain strings (no escape, no
// control character), numbers, true, false, null and flat arrays of those written without
// spaces, all valid UTF-8 (the caller checked). It fills j.pairs as the decoder would and
// says true; on anything else it says false and the record goes to the decoder, which
// decides what it is: the two must never disagree on a record parseFlat accepts
// (FuzzJSONRowsAsBefore). jsontext's decoder validates and tokenises each value through
// general code: 0.88 CPU-s against this scan's 0.48 for the scale-10 hazards export.
func (j *jsonRows) parseFlat(raw string) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return true // anything after the object is not read, as by the decoder
	}
	for {
		// "key"
		if i >= len(raw) || raw[i] != '"' {
			return false
		}
		end := plainStringEnd(raw, i+1)
		if end < 0 {
			return false
		}
		key := raw[i+1 : end]
		i = skipSpace(raw, end+1)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		i = skipSpace(raw, i+1)
		if i >= len(raw) {
			return false
		}
		var text string
		switch c := raw[i]; {
		case c == '"':
			end := plainStringEnd(raw, i+1)
			if end < 0 {
				return false
			}
			text, i = strings.TrimSpace(raw[i+1:end]), end+1
		case c == '-' || c >= '0' && c <= '9':
			end := numberEnd(raw, i)
			if end < 0 {
				return false
			}
			text, i = raw[i:end], end
		case c == 't' || c == 'f' || c == 'n':
			end := literalEnd(raw, i)
			if end < 0 {
				return false
			}
			switch c {
			case 't':
				text = "true"
			case 'f':
				text = "false"
			}
			i = end
		case c == '[':
			end := flatArrayEnd(raw, i)
			if end < 0 {
				return false
			}
			text, i = raw[i:end], end
		default: // an object, or no value
			return false
		}
		j.pairs = append(j.pairs, jsonPair{key: key, text: text})
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return false
		}
		switch raw[i] {
		case '}':
			return true
		case ',':
			i = skipSpace(raw, i+1)
		default:
			return false
		}
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// plainStringEnd is the index of the quote closing the string that starts at i, or -1 when
// the string has an escape or a control character or does not close.
func plainStringEnd(s string, i int) int {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i
		case c == '\\' || c < 0x20:
			return -1
		}
	}
	return -1
}

// numberEnd is the end of the JSON number that starts at i, or -1 when it is not one
// (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
func numberEnd(s string, i int) int {
	digits := func(i int) int {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	default:
		if i = digits(i); i < 0 {
			return -1
		}
	}
	if i < len(s) && s[i] == '.' {
		if i = digits(i + 1); i < 0 {
			return -1
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i = digits(i); i < 0 {
			return -1
		}
	}
	// 01 and 1x are no numbers: what follows must end the value.
	if i < len(s) && !endsValue(s[i]) {
		return -1
	}
	return i
}

// literalEnd is the end of true, false or null at i, or -1.
func literalEnd(s string, i int) int {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(s[i:], lit) {
			if end := i + len(lit); end == len(s) || endsValue(s[end]) {
				return end
			}
			return -1
		}
	}
	return -1
}

func endsValue(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// flatArrayEnd is the end of the array at i when its text is already what nestedText renders
// (no space, no nested array or object, no escape, nothing json.Marshal escapes: <, >, &,
// U+2028, U+2029), or -1.
func flatArrayEnd(s string, i int) int {
	i++
	if i < len(s) && s[i] == ']' {
		return i + 1
	}
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			end := plainStringEnd(s, i+1)
			if end < 0 || strings.ContainsAny(s[i+1:end], "<>&\u2028\u2029") {
				return -1
			}
			i = end + 1
		case c == '-' || c >= '0' && c <= '9':
			if i = numberEnd(s, i); i < 0 {
				return -1
			}
		case c == 't' || c == 'f' || c == 'n':
			if i = literalEnd(s, i); i < 0 {
				return -1
			}
		default:
			return -1
		}
		if i >= len(s) {
			return -1
		}
		switch s[i] {
		case ']':
			return i + 1
		case ',':
			i++
		default:
			return -1
		}
	}
	return -1
}
