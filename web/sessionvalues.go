package web

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
)

// sessionValues is how a session's values are kept in its row: JSON, one map per type
// (every value the console keeps is a number or a text). Sessions were kept as gob before,
// and a gob stream describes its types before its values, so every request built a new
// decoder for them: 5 % of a console page's time. A row still in gob is read as gob.
type sessionValues struct {
	Ints  map[string]int64  `json:"i,omitempty"`
	Texts map[string]string `json:"s,omitempty"`
}

func encodeSessionValues(values map[any]any) ([]byte, error) {
	var v sessionValues
	for k, val := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session key %v is not a string", k)
		}
		switch t := val.(type) {
		case int64:
			if v.Ints == nil {
				v.Ints = map[string]int64{}
			}
			v.Ints[key] = t
		case string:
			if v.Texts == nil {
				v.Texts = map[string]string{}
			}
			v.Texts[key] = t
		default:
			return nil, fmt.Errorf("session value %s is a %T, not an int64 or a string", key, val)
		}
	}
	return json.Marshal(v)
}

func decodeSessionValues(data []byte) (map[any]any, error) {
	out := map[any]any{}
	if !bytes.HasPrefix(data, []byte("{")) {
		err := gob.NewDecoder(bytes.NewReader(data)).Decode(&out)
		return out, err
	}
	var v sessionValues
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	for k, i := range v.Ints {
		out[k] = i
	}
	for k, s := range v.Texts {
		out[k] = s
	}
	return out, nil
}
