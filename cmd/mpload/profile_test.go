package main

import "testing"

// The share of a suspect is the cum% of the first row of a focused listing; a focus that
// matches nothing gives no row.
func TestCumShare(t *testing.T) {
	matched := `Type: alloc_space
Active filters:
   focus=go-i18n
Showing nodes accounting for 0, 0% of 505.91MB total
Showing top 1 nodes out of 72
      flat  flat%   sum%        cum   cum%
         0     0%     0%       20MB  3.95%  github.com/labstack/echo/v4.(*Echo).ServeHTTP
`
	none := `Type: cpu
Active filters:
   focus=nothingmatches
Showing nodes accounting for 0, 0% of 6.02s total
      flat  flat%   sum%        cum   cum%
`
	if got := cumShare(matched); got != 3.95 {
		t.Errorf("matched: %v, want 3.95", got)
	}
	if got := cumShare(none); got != 0 {
		t.Errorf("no rows: %v, want 0", got)
	}
}
