# Convenience front end over CMake + Ninja.
#   make          build build/necstgen
#   make demo     install deps if needed, build, run the main job on the bundled demo capture
#   make check    install deps if needed, build, run every test
#   make asan     build and test under AddressSanitizer + UndefinedBehaviorSanitizer,
#                 and replay the fuzz corpora through the libFuzzer harnesses
BUILD      ?= build
ASAN_BUILD ?= build-asan
CMAKE_ARGS ?=
DEMO_OUT   ?= demo-out

.PHONY: all deps configure build demo check asan clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD)

demo: deps build
	scripts/demo.sh $(BUILD)/necstgen $(DEMO_OUT)

check: deps build
	ctest --test-dir $(BUILD) --output-on-failure -j2

$(ASAN_BUILD)/build.ninja:
	CC=clang cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNG_SANITIZE=ON -DNG_FUZZ=ON $(CMAKE_ARGS)

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j2

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(DEMO_OUT)
