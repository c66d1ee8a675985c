package web

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server (go-smtp) in the test process. It refuses the next
// refuse messages at DATA with 451, holds a message at DATA while hold is open, and keeps
// every message it accepts.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	// refuse is how many of the next messages get 451; tries counts DATA commands.
	refuse, tries int
	hold          chan struct{}
	// entered receives a value each time DATA starts; accepted each time a message is kept.
	entered, accepted chan struct{}
	got               []smtpMessage
}

type smtpMessage struct {
	from string
	to   []string
	data []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{entered: make(chan struct{}, 16), accepted: make(chan struct{}, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	srv.Domain = "relay.test"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.got...)
}

func (s *smtpServer) dataTries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries
}

type smtpSession struct {
	srv  *smtpServer
	from string
	to   []string
}

func (c *smtpSession) Reset()        { c.from, c.to = "", nil }
func (c *smtpSession) Logout() error { return nil }

func (c *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

func (c *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = append(c.to, to)
	return nil
}

func (c *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := c.srv
	s.entered <- struct{}{}
	s.mu.Lock()
	s.tries++
	hold := s.hold
	if s.refuse > 0 {
		s.refuse--
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailbox busy, try again later"}
	}
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	s.mu.Lock()
	s.got = append(s.got, smtpMessage{from: c.from, to: c.to, data: data})
	s.mu.Unlock()
	s.accepted <- struct{}{}
	return nil
}

// refuseNext makes the relay refuse the next n messages.
func (s *smtpServer) refuseNext(n int) {
	s.mu.Lock()
	s.refuse = n
	s.mu.Unlock()
}

// holdData makes the relay hang at DATA until release is called: a relay that is slow
// or stuck.
func (s *smtpServer) holdData() (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.hold = ch
	s.mu.Unlock()
	return func() { close(ch) }
}

// await waits for one signal on ch, failing the test after 10 seconds.
func await(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
