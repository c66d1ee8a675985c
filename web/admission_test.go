package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// While every turn is taken, a page waits and is answered once one frees; a form post does
// not wait; an answered page holds no turn; a browser that leaves while it waits leaves no
// turn taken behind it.
func TestPagesWaitTheirTurn(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.csrf() // the form's token, fetched while pages still get their turn
	turns := e.srv.pageTurns
	held := 0 // the turns the test takes itself
	take := func() { turns <- struct{}{}; held++ }
	give := func() { <-turns; held-- }
	// A failure gives the test's turns back, or the server's Close would wait for the
	// requests still waiting.
	t.Cleanup(func() {
		for held > 0 {
			give()
		}
	})
	for range cap(turns) {
		take()
	}
	answered := inBackground(func() (*http.Response, error) { return http.Get(e.http.URL + "/login") })
	select {
	case code := <-answered:
		t.Fatalf("a page was answered (%d) while every turn was taken", code)
	case <-time.After(100 * time.Millisecond):
	}
	form := url.Values{"email": {"nobody@example.com"}, "password": {"wrong-password"}, "_csrf": {c.csrf()}}
	posted := inBackground(func() (*http.Response, error) { return c.hc.PostForm(e.http.URL+"/login", form) })
	select {
	case code := <-posted:
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("a form post while every page turn was taken: %d, want 422", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a form post waited for a page's turn")
	}
	give()
	select {
	case code := <-answered:
		if code != http.StatusOK {
			t.Fatalf("the waiting page: %d, want 200", code)
		}
	case <-time.After(time.Minute): // a bound for a hung server, not a speed test
		t.Fatal("the waiting page was not answered after a turn freed")
	}
	if n := len(turns); n != cap(turns)-1 {
		t.Fatalf("%d turns taken after the page was answered, want the test's own %d", n, cap(turns)-1)
	}

	take()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.http.URL+"/login", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("a page was answered (%d) while every turn was taken", res.StatusCode)
	}
	for held > 0 {
		give()
	}
	for deadline := time.Now().Add(time.Minute); len(turns) > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d turns still taken after the browser that waited left", len(turns))
		}
	}
}

// inBackground sends a request in the background; its answer's status arrives on the
// channel (0: no answer).
func inBackground(send func() (*http.Response, error)) <-chan int {
	status := make(chan int, 1)
	go func() {
		res, err := send()
		if err != nil {
			status <- 0
			return
		}
		res.Body.Close()
		status <- res.StatusCode
	}()
	return status
}
