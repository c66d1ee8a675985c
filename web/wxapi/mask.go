package wxapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// The journal masks every call's request and answer on its writer's goroutine, which
// shares the machine's cores with the calls: decoding each body into a generic value and
// encoding it again cost as much as the row's INSERT. The API's own bodies are small
// JSON objects without escapes, so maskFast masks them in one pass over the bytes and
// maskJSON keeps the generic path for everything else.

// maskJSON masks the secret fields of a JSON object, at any depth; a body with none, or
// that is not JSON, is kept byte for byte as it came (the API's bodies with secrets are
// all JSON).
func maskJSON(raw []byte) string {
	out, _ := maskBody(raw)
	return out
}

// maskBody is maskJSON with the body's top-level errcode (0 when it has none or is not
// JSON), read on the same pass.
func maskBody(raw []byte) (string, int) {
	if !json.Valid(raw) {
		return string(raw), 0
	}
	if out, code, ok := maskFast(raw); ok {
		return out, code
	}
	var v any
	json.Unmarshal(raw, &v)
	code := 0
	if m, ok := v.(map[string]any); ok {
		if f, ok := m["errcode"].(float64); ok {
			code = int(f)
		}
	}
	if !maskValue(v) {
		return string(raw), code
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(raw), code
	}
	return string(out), code
}

// maskFast masks the string values of maskedKeys in valid JSON that holds no backslash
// (so every '"' opens or closes a string and keys are compared as written) and reads the
// top-level errcode on the way. ok is false when b has a backslash: the caller then takes
// the generic path. A body without any secret field comes back unchanged.
func maskFast(b []byte) (out string, errcode int, ok bool) {
	if bytes.IndexByte(b, '\\') >= 0 {
		return "", 0, false
	}
	var sb strings.Builder
	done, depth := 0, 0 // done: how much of b is already in sb
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			end := i + 1 + bytes.IndexByte(b[i+1:], '"')
			key := b[i+1 : end]
			j := skipSpace(b, end+1)
			if j >= len(b) || b[j] != ':' {
				i = end // a string value
				continue
			}
			v := skipSpace(b, j+1)
			switch {
			case v < len(b) && b[v] == '"' && maskedKeys[strings.ToLower(string(key))]:
				vend := v + 1 + bytes.IndexByte(b[v+1:], '"')
				sb.Write(b[done : v+1])
				sb.WriteString(mask(string(b[v+1 : vend])))
				done, i = vend, vend
			case depth == 1 && string(key) == "errcode":
				n := v
				for n < len(b) && (b[n] == '-' || b[n] >= '0' && b[n] <= '9') {
					n++
				}
				errcode, _ = strconv.Atoi(string(b[v:n]))
				i = n - 1
			default:
				i = end
			}
		}
	}
	if done == 0 {
		return string(b), errcode, true
	}
	sb.Write(b[done:])
	return sb.String(), errcode, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// maskValue masks v's secret fields in place and tells whether it found any.
func maskValue(v any) bool {
	found := false
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && maskedKeys[strings.ToLower(k)] {
				t[k], found = mask(s), true
			} else if maskValue(x) {
				found = true
			}
		}
	case []any:
		for _, x := range t {
			if maskValue(x) {
				found = true
			}
		}
	}
	return found
}
