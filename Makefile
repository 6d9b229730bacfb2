# wa-report: build, run and test the nginx module.
#   make          build build/ngx_http_wa_report_module.so against Debian's nginx
#   make run      start a private redis-server + nginx with demo data (PORT=8000)
#   make stop     stop them
#   make test     unit tests (ASan+UBSan), Lua script tests, integration tests
#   make bench    benchmarks (see BENCHMARKS.md)
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

.PHONY: all module deps unit integration test run stop bench clean format browser-test faults

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
	@$(MAKE) --no-print-directory -j2 module unit integration
	@tools/run-tests.sh $(BUILD)

run: deps
	@$(MAKE) --no-print-directory module
	@PORT=$(PORT) tools/run.sh start

stop:
	@tools/run.sh stop

# The dashboard in headless Chromium against a make-run-like instance;
# screenshots in build/dashboard.png and build/dashboard-phone.png.
browser-test:
	@$(MAKE) --no-print-directory deps EXTRA_PKGS="$(BROWSER_PKGS)"
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

# One style for the C++ of src/ and tests/ (.clang-format); make test checks it.
FORMATTED = $(shell git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 2>/dev/null)
format:
	clang-format -i $(FORMATTED)

clean:
	rm -rf $(BUILD)
