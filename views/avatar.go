package views

import (
	"crypto/sha256"
	"strings"
	"unicode"
	"unicode/utf8"
)

// avatarColors are the backgrounds of drawn avatars; white text on each reaches 4.5:1.
var avatarColors = []string{"#06824a", "#2b6cb0", "#805ad5", "#b7410e", "#2c7a7b", "#4a5568", "#b83280", "#975a16"}

// avatarColor picks a stable colour for seed (a WeChat ID or an AppID).
func avatarColor(seed string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(seed)))
	return avatarColors[int(sum[0])%len(avatarColors)]
}

// avatarLetter is the first letter of a WeChat ID (which starts with a letter), upper case.
func avatarLetter(seed string) string {
	r, _ := utf8.DecodeRuneInString(seed)
	if r == utf8.RuneError {
		return "?"
	}
	return string(unicode.ToUpper(r))
}

// markCell is one filled square of an account's drawn icon.
type markCell struct{ X, Y int }

// markCells draws a 5 × 5 pattern, mirrored left to right, from the AppID's hash: an
// account without an uploaded icon is still recognisable at a glance.
func markCells(appid string) []markCell {
	sum := sha256.Sum256([]byte(appid))
	var out []markCell
	for y := 0; y < 5; y++ {
		for x := 0; x < 3; x++ {
			if sum[1+y*3+x]&1 == 0 {
				continue
			}
			out = append(out, markCell{x, y})
			if x < 2 {
				out = append(out, markCell{4 - x, y})
			}
		}
	}
	return out
}
