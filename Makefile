# c2c: the two commands are `make demo` and `make test`. Everything else is a step of them.
BUILD      ?= build
ASAN_BUILD ?= build-asan
DEMO_DB    ?= demo.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: all deps build demo test test-unit test-api test-e2e test-fuzz test-asan check-src bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(DEMO_DB): | build
	$(BUILD)/c2c init --db $(DEMO_DB) --demo

demo: deps build $(DEMO_DB)
	@echo "c2c demo: open http://$(LISTEN)/ (Ctrl-C stops the server)"
	$(BUILD)/c2c serve --db $(DEMO_DB) --listen $(LISTEN)

# The whole suite: source checks, unit, API, fuzz and browser tests, then unit and API
# tests again under AddressSanitizer and UBSan.
test: deps
	@scripts/run-tests

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
