# wa-report: build, run and test the nginx module.
#   make          build build/ngx_http_wa_report_module.so against Debian's nginx
#   make run      start a private redis-server + nginx with demo data (PORT=8000)
#   make stop     stop them
#   make test     unit tests (ASan+UBSan), Lua script tests, integration tests
#   make bench    benchmarks (see BENCHMARKS.md)
#   make deb      the Debian package, in build-deb/ (make deb-check: install test)
#   make faults   the fault suite at full load, writes RELIABILITY.md

SHELL     := /bin/bash
BUILD     ?= build
NGX_SRC   ?= /usr/share/nginx/src
NGX_DIR   := $(BUILD)/nginx
MODULE    := $(BUILD)/ngx_http_wa_report_module.so
PORT      ?= 8000
CXX       ?= g++
CXXFLAGS  ?= -std=c++17 -Wall -Wextra -Werror -g -O1
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

CORE_SRCS := $(wildcard src/core/*.cpp)
MOD_SRCS  := $(wildcard src/*.cpp src/*.hpp src/core/*.cpp src/core/*.hpp)
LUA_SRCS  := $(wildcard lua-compat/*.lua)
UNIT_SRCS := $(wildcard tests/unit/*.cpp)
INT_SRCS  := $(wildcard tests/integration/*.cpp)

# Everything the build, the tests, `make run` and `make bench` need.
DEB_PKGS  := g++ make nginx nginx-dev libpcre2-dev libssl-dev zlib1g-dev \
             libhiredis-dev libjansson-dev libcctz-dev tzdata libgtest-dev \
             libcpp-httplib-dev libcurl4-openssl-dev redis-server redis-tools \
             curl wrk procps openssl clang-format \
             python3-jsonschema libjs-chart.js
# promtool (package prometheus) checks the /metrics text and the example alert rules.
DEB_PKGS  += prometheus

# The dashboard's browser test (make browser-test) needs these too; they are
# large (chromium: about 80 MB to fetch, 290 MB installed), so `make deps`
# leaves them out and `make test` runs that test only when they are there.
BROWSER_PKGS := chromium chromium-driver python3-selenium

.PHONY: all module deps unit integration test run stop bench clean format browser-test deb deb-check faults

all: module

deps:
	@missing=$$(for p in $(DEB_PKGS) $(EXTRA_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	    | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

module: $(MODULE)

# A plain `make` on a machine without the build packages says what to do
# instead of failing deep inside nginx's configure (checked by the first
# recipes that need them).
BUILD_NEEDS := $(NGX_SRC)/conf_flags /usr/include/hiredis/async.h /usr/include/jansson.h \
               /usr/include/cctz/time_zone.h /usr/include/x86_64-linux-gnu/curl/curl.h \
               /usr/include/gtest/gtest.h
BUILDCHECK  = @for f in $(BUILD_NEEDS); do [ -e $$f ] || [ -e $${f/x86_64-linux-gnu\//} ] || { \
	    echo "missing $$f: run 'make deps' first (installs Debian's build and test packages)"; \
	    exit 1; }; done

# Out of tree: a private copy of Debian's nginx source tree, configured with
# the flags Debian's nginx binary was built with, so the .so is binary-compatible.
# configure runs again only when `config` or the list of source files changes;
# nginx's own objs/Makefile then rebuilds what an edit touched (`config` lists
# the headers and the embedded scripts as dependencies of every object).
SRC_LIST   := $(BUILD)/sources.list
LUA_LIST   := $(BUILD)/scripts.list
$(shell mkdir -p $(BUILD); \
    echo $(MOD_SRCS) | cmp -s - $(SRC_LIST) || echo $(MOD_SRCS) > $(SRC_LIST); \
    echo $(LUA_SRCS) | cmp -s - $(LUA_LIST) || echo $(LUA_SRCS) > $(LUA_LIST))
NGX_MAKEFILE := $(NGX_DIR)/objs/Makefile
SCRIPTS_INC  := $(NGX_DIR)/objs/addon/wa_report/wa_report_scripts.inc
OPENAPI      := openapi/openapi.json
OPENAPI_INC  := $(NGX_DIR)/objs/addon/wa_report/wa_report_openapi.inc

$(NGX_MAKEFILE): config tools/embed-lua.sh tools/embed-openapi.sh $(SRC_LIST)
	$(BUILDCHECK)
	rm -rf $(NGX_DIR) && mkdir -p $(BUILD) && cp -a $(NGX_SRC) $(NGX_DIR)
	cd $(NGX_DIR) && source ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" --with-compat \
	        --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -20 configure.log; rm -f objs/Makefile; exit 1; }

# A changed script rewrites the embedded copy without a new configure.
$(SCRIPTS_INC): $(LUA_SRCS) $(LUA_LIST) | $(NGX_MAKEFILE)
	@tools/embed-lua.sh lua-compat > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; touch $@; else mv $@.tmp $@; fi

# A changed OpenAPI document likewise (core/openapi.cpp includes it).
$(OPENAPI_INC): $(OPENAPI) tools/embed-openapi.sh | $(NGX_MAKEFILE)
	@tools/embed-openapi.sh $(OPENAPI) > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; touch $@; else mv $@.tmp $@; fi

# The .so is written beside the old one and renamed over it: a running nginx
# (`make run`) keeps the file it mapped and serves on; an in-place copy would
# change the mapped pages under it and crash its workers.
$(MODULE): $(NGX_MAKEFILE) $(SCRIPTS_INC) $(OPENAPI_INC) $(MOD_SRCS)
	$(MAKE) -s -j2 -C $(NGX_DIR) -f objs/Makefile modules
	cp $(NGX_DIR)/objs/ngx_http_wa_report_module.so $@.tmp
	mv -f $@.tmp $@

# Unit tests: the pure core and its tests, one object per file (ASan+UBSan).
UNIT_OBJS := $(patsubst %.cpp,$(BUILD)/unit/%.o,$(CORE_SRCS) $(UNIT_SRCS))

$(BUILD)/unit/%.o: %.cpp
	$(BUILDCHECK)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(SANITIZE) -Isrc -I$(BUILD)/unit/gen -MMD -MP -c $< -o $@

# The unit tests' own copy of the embedded OpenAPI document.
UNIT_OPENAPI_INC := $(BUILD)/unit/gen/wa_report_openapi.inc
$(UNIT_OPENAPI_INC): $(OPENAPI) tools/embed-openapi.sh
	@mkdir -p $(dir $@)
	@tools/embed-openapi.sh $(OPENAPI) > $@
$(BUILD)/unit/src/core/openapi.o: $(UNIT_OPENAPI_INC)

$(BUILD)/unit_tests: $(UNIT_OBJS)
	$(CXX) $(SANITIZE) $^ -ljansson -lcctz -lcrypto -lgtest -lgtest_main -pthread -o $@

-include $(UNIT_OBJS:.o=.d)

# Integration tests: one object per file, so an edit recompiles that file.
INT_OBJS := $(patsubst %.cpp,$(BUILD)/itest/%.o,$(INT_SRCS))

$(BUILD)/itest/%.o: %.cpp
	$(BUILDCHECK)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -Isrc -MMD -MP -c $< -o $@

$(BUILD)/integration_tests: $(INT_OBJS)
	$(CXX) $^ -lgtest -lhiredis -ljansson -lcrypto -pthread -o $@

-include $(INT_OBJS:.o=.d)

# The fault suite (tests/faults, RELIABILITY.md): its scenarios linked with the
# integration harness and the test gateway. `make test` runs it short.
FAULT_SRCS := $(wildcard tests/faults/*.cpp)
FAULT_OBJS := $(patsubst %.cpp,$(BUILD)/itest/%.o,$(FAULT_SRCS)) \
              $(patsubst %,$(BUILD)/itest/tests/integration/%.o,harness gateway reminder_support seed main)

$(BUILD)/fault_tests: $(FAULT_OBJS)
	$(CXX) $^ -lgtest -lhiredis -ljansson -lcrypto -pthread -o $@

-include $(FAULT_OBJS:.o=.d)

unit: $(BUILD)/unit_tests
integration: $(BUILD)/integration_tests $(MODULE)
integration: $(BUILD)/fault_tests

test: deps
	@$(MAKE) --no-print-directory -j2 module unit integration fuzz-replay
	@tools/run-tests.sh $(BUILD)

run: deps
	@$(MAKE) --no-print-directory module
	@PORT=$(PORT) tools/run.sh start

stop:
	@tools/run.sh stop

# The dashboard in headless Chromium against a make-run-like instance;
# screenshots in build/dashboard.png and build/dashboard-phone.png.
# chromedriver reaches Chromium's DevTools at "localhost": a minimal root
# (a bare debootstrap) has no /etc/hosts, so the name is added when missing,
# as a setup step like the packages.
browser-test:
	@$(MAKE) --no-print-directory deps EXTRA_PKGS="$(BROWSER_PKGS)"
	@getent hosts localhost >/dev/null || { [ "$$(id -u)" -eq 0 ] \
	    && echo "127.0.0.1 localhost" >> /etc/hosts && echo "added localhost to /etc/hosts"; } \
	    || { echo "localhost does not resolve: add '127.0.0.1 localhost' to /etc/hosts"; exit 1; }
	@$(MAKE) --no-print-directory module
	@tests/browser/run.sh $(BUILD)

# Every fault scenario at full load; writes RELIABILITY.md (a few minutes).
faults: deps
	@$(MAKE) --no-print-directory -j2 module $(BUILD)/fault_tests
	@tools/faults.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory module
	@tools/bench.sh
	@tools/bench-reminder.sh
	@RATE=2000 N=40000 tools/bench-reminder.sh
	@tools/bench-lists.sh
	@tools/bench-webhook.sh

# One style for the C++ of src/ and tests/ (.clang-format); make test checks it.
FORMATTED = $(shell git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 2>/dev/null)
format:
	clang-format -i $(FORMATTED)

clean:
	rm -rf $(BUILD) $(DEB_DIR) $(ASAN_BUILD)

# The Debian package, built the way Debian builds nginx modules (debian/,
# dh --with nginx) from a copy of the tree in its own directory, so `make`
# and `make test` keep their build/. The version is debian/changelog's.
DEB_DIR     ?= build-deb
DEB_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
DEB_FILE     = $(DEB_DIR)/libnginx-mod-http-wa-report_$(DEB_VERSION)_$(shell dpkg --print-architecture).deb
DEB_BUILD_PKGS := build-essential debhelper dpkg-dev

deb:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(DEB_BUILD_PKGS)"
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude=./.git --exclude=./$(BUILD) --exclude=./$(DEB_DIR) --exclude=./build-asan --exclude=./run . \
	    | tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc -j2 >../build.log 2>&1 \
	    || { tail -30 ../build.log; exit 1; }
	rm -rf $(DEB_DIR)/src
	@echo "built $(DEB_FILE)"

# Installs, tries and purges the package on this machine: meant for a fresh
# Debian root (../shared/tools/fresh-check.sh . 'make deb-check').
deb-check: deb
	@tools/deb-check.sh $(DEB_FILE)

# Fuzzing (README "Fuzzing"): one libFuzzer target per parser of outside
# input in tests/fuzz/, seeds in tests/fuzz/corpus/<target>/. `make fuzz`
# builds them with clang and runs each for FUZZ_SECONDS; `make test` replays
# the corpus through the same targets built with g++ (no clang needed there).
FUZZ_PKGS    := clang libclang-rt-14-dev libfuzzer-14-dev
FUZZ_SECONDS ?= 60
FUZZ_CXX     ?= clang++-14
FUZZ_DIR     := tests/fuzz
FUZZ_SHARED  := $(FUZZ_DIR)/replay.cpp $(FUZZ_DIR)/fuzz_support.cpp
FUZZ_TARGETS := $(basename $(notdir $(filter-out $(FUZZ_SHARED),$(wildcard $(FUZZ_DIR)/*.cpp))))
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
CORE_UNIT_OBJS := $(patsubst %.cpp,$(BUILD)/unit/%.o,$(CORE_SRCS))
CORE_LIBS    := -ljansson -lcctz -lcrypto

$(BUILD)/fuzz/replay_%: $(BUILD)/unit/$(FUZZ_DIR)/%.o $(BUILD)/unit/$(FUZZ_DIR)/replay.o \
                        $(BUILD)/unit/$(FUZZ_DIR)/fuzz_support.o $(CORE_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) $(SANITIZE) $^ $(CORE_LIBS) -o $@

-include $(patsubst %.cpp,$(BUILD)/unit/%.d,$(wildcard $(FUZZ_DIR)/*.cpp))

fuzz-replay: $(FUZZ_REPLAYS)

# libFuzzer builds: clang's coverage instrumentation on core and the target.
FUZZ_CFLAGS := -std=c++17 -g -O1 -Isrc -I$(BUILD)/unit/gen -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer
$(BUILD)/fuzz/clang/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/clang/src/core/openapi.o: $(UNIT_OPENAPI_INC)

-include $(patsubst %.cpp,$(BUILD)/fuzz/clang/%.d,$(CORE_SRCS) $(wildcard $(FUZZ_DIR)/*.cpp))

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/clang/$(FUZZ_DIR)/%.o $(BUILD)/fuzz/clang/$(FUZZ_DIR)/fuzz_support.o \
                      $(patsubst %.cpp,$(BUILD)/fuzz/clang/%.o,$(CORE_SRCS))
	$(FUZZ_CXX) -fsanitize=address,undefined $^ /usr/lib/llvm-14/lib/libFuzzer.a $(CORE_LIBS) -o $@

.PHONY: fuzz fuzz-deps fuzz-replay asan
# Kept: they are intermediate files of the pattern rules above.
.PRECIOUS: $(BUILD)/fuzz/clang/%.o $(BUILD)/unit/%.o

fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(FUZZ_PKGS)"

# New inputs that reach new code go to build/fuzz/new/<target>/ (merge them
# into the corpus by hand); crashes are kept in tests/fuzz/crashes/.
fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@tools/fuzz.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# An nginx (Debian's version and configure flags, its C source from Debian's
# archive: tools/nginx-source.sh) with the module built in and ASan+UBSan+LSan on nginx and the
# module alike (README "Sanitizers"), in its own tree; `make asan` runs the
# whole integration suite against it and fails on any sanitizer report.
ASAN_BUILD   := build-asan
ASAN_NGX_DIR := $(ASAN_BUILD)/nginx
ASAN_NGINX   := $(ASAN_NGX_DIR)/objs/nginx
ASAN_CC_OPT  := -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_LD_OPT  := -fsanitize=address,undefined -lm
ASAN_SCRIPTS := $(ASAN_NGX_DIR)/objs/addon/wa_report/wa_report_scripts.inc

$(ASAN_NGX_DIR)/objs/Makefile: config tools/embed-lua.sh $(SRC_LIST)
	$(BUILDCHECK)
	tools/nginx-source.sh $(ASAN_NGX_DIR)
	cd $(ASAN_NGX_DIR) && source ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" --add-module=$(CURDIR) \
	        --with-cc-opt="$(ASAN_CC_OPT)" --with-ld-opt="$(ASAN_LD_OPT)" >configure.log 2>&1 \
	    || { tail -20 configure.log; rm -f objs/Makefile; exit 1; }

$(ASAN_SCRIPTS): $(LUA_SRCS) $(LUA_LIST) | $(ASAN_NGX_DIR)/objs/Makefile
	@tools/embed-lua.sh lua-compat > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; touch $@; else mv $@.tmp $@; fi

$(ASAN_NGINX): $(ASAN_NGX_DIR)/objs/Makefile $(ASAN_SCRIPTS) $(MOD_SRCS)
	$(MAKE) -s -j2 -C $(ASAN_NGX_DIR) -f objs/Makefile binary

asan: deps
	@$(MAKE) --no-print-directory -j2 $(ASAN_NGINX) $(BUILD)/integration_tests
	@tools/asan.sh $(ASAN_NGINX) $(BUILD)/integration_tests
