package store

import (
	"strings"
	"testing"
)

// The demo has a version in every block of /versions, a code review in the ops queue, and
// counts as released.
func TestSeedDemoVersions(t *testing.T) {
	f := newFixture(t)
	d, err := f.st.SeedDemo(f.ctx)
	must(t, err)
	a, err := f.st.AccountByAppID(f.ctx, d.AppID)
	must(t, err)
	p, err := f.st.VersionsOf(f.ctx, a.ID)
	must(t, err)
	if !a.Released() || p.Online == nil || p.Online.Version.Version != "1.0.0" {
		t.Fatalf("online %+v, released %v", p.Online, a.Released())
	}
	if p.Review == nil || p.Review.Status != CodePending || p.Review.Version.Version != "1.1.0" || p.Review.Version.Uploader.Robot != 1 {
		t.Fatalf("review %+v", p.Review)
	}
	if p.Trial == nil || p.Trial.Version != "1.1.1" || p.Trial.WechatID != "demo_developer" {
		t.Fatalf("trial %+v", p.Trial)
	}
	var dev []string
	for _, v := range p.Dev {
		dev = append(dev, v.Version)
		if v.Package == nil || v.Package.FileCount() != 9 || strings.Join(v.Package.Pages, " ") != strings.Join(demoPages, " ") {
			t.Fatalf("package of %s: %+v", v.Version, v.Package)
		}
	}
	if strings.Join(dev, " ") != "1.2.0 1.1.1 1.1.0" {
		t.Fatalf("development versions %v", dev)
	}
	queue, err := f.st.ReviewQueue(f.ctx)
	must(t, err)
	if len(queue) != 1 || queue[0].Kind != ReviewCode || queue[0].Account.AppID != d.AppID {
		t.Fatalf("queue %+v", queue)
	}
	b, err := f.st.BasicInfoOf(f.ctx, a.ID)
	must(t, err)
	if !b.Filing.Filed() || b.Intro == "" || len(b.Categories) != 1 {
		t.Fatalf("basic info %+v", b)
	}
}
