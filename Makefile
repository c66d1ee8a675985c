# The two commands a newcomer needs: `make run` and `make test`. Everything they need is
# installed from here (npm packages into node_modules, Go modules into the module cache).
SHELL := /bin/bash
GO    ?= go
BIN   := bin/mpconsole
ASSETS := static/assets/htmx.min.js static/assets/weui.min.css
# Test-only: axe-core, injected into every page by the accessibility test; never embedded.
TEST_ASSETS := web/testdata/axe.min.js
TEMPL := $(wildcard views/*.templ)
SHOTS ?= screenshots

.PHONY: run test check generate build bench load profile assets clean screenshots

run: build
	./$(BIN) serve

build: $(ASSETS) generate
	$(GO) build -o $(BIN) ./cmd/mpconsole

# -timeout: the web package's race-enabled suite takes 5–10 minutes on a busy 2-core
# machine, close to go test's default limit of 10.
test: $(ASSETS) $(TEST_ASSETS)
	$(GO) test -race -count=1 -timeout 30m ./...

# One PNG per page of every surface, in both languages, at 1366 and 390 px (the console
# also at 1024), into $(SHOTS)/ (git-ignored), to look at every page after a change.
screenshots: $(ASSETS)
	rm -rf $(SHOTS)
	E2E_REQUIRED=1 SCREENSHOTS=$(abspath $(SHOTS)) $(GO) test -count=1 -run '^TestScreenshotGallery$$' -timeout 20m ./web/
	@echo "screenshots in $(SHOTS)/"

bench: $(ASSETS)
	$(GO) test -run '^$$' -bench . -benchmem ./...

# load measures the server under load with cmd/mpload (BENCHMARKS.md); not part of test.
# LOAD_FLAGS passes options, e.g. make load LOAD_FLAGS='-db big.db'.
load: $(ASSETS)
	$(GO) run ./cmd/mpload $(LOAD_FLAGS)

# profile is the same run with pprof CPU and allocation profiles of each target in profiles/.
profile: $(ASSETS)
	$(GO) run ./cmd/mpload -profile profiles $(LOAD_FLAGS)

# check fails when a .templ file is not formatted (templ fmt has then formatted it in place:
# review and commit), the committed *_templ.go are stale, or gofmt, vet or staticcheck have
# something to say.
check: $(ASSETS)
	@$(GO) tool templ fmt -fail -log-level error views || { echo "templ files were not formatted: 'go tool templ fmt views' has now formatted them; review and commit"; exit 1; }
	$(GO) tool templ generate -path views
	@git diff --exit-code --stat -- 'views/*_templ.go' || { echo "generated templ code is stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard -- 'views/*_templ.go')" || { echo "uncommitted generated templ files"; exit 1; }
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

generate:
	$(GO) tool templ fmt -log-level error views
	$(GO) tool templ generate -path views

assets: $(ASSETS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/assets/htmx.min.js: node_modules/.package-lock.json
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/assets/weui.min.css: node_modules/.package-lock.json
	cp node_modules/weui/dist/style/weui.min.css $@

web/testdata/axe.min.js: node_modules/.package-lock.json
	mkdir -p web/testdata
	cp node_modules/axe-core/axe.min.js $@

clean:
	rm -rf bin node_modules $(ASSETS) $(TEST_ASSETS) $(SHOTS)
