# The one list of the flags a release build of convo takes; sourced by scripts/install.sh and the benchmark
# scripts, so that what is measured is what is installed: `swift build "${release_flags[@]}" --product convo`.
#
# --static-swift-stdlib links the Swift runtime into the binary (no shared libraries to load and relocate).
# On Linux every module, the dependencies included, reaches the metadata of generic types through accessor
# functions instead of mangled names (-disable-concrete-type-metadata-mangled-name-accessors): resolving a
# type like `[ConnectionPool.Key: HTTPConnectionPool]` by name proves its `Hashable` key at run time by scanning
# all ~9,400 protocol conformance records of the static binary (0.28 M instructions a scan). Package.swift
# gives the flag to convo's own modules; only a command-line -Xswiftc reaches NIO, AsyncHTTPClient, GRDB and
# ArgumentParser. `convo say` 53.5 M -> 40.5 M instructions, `status` start-up 11.4 M -> 8.1 M (BENCHMARKS.md,
# "Start-up slice, second round"). A build with other flags into the same .build rebuilds every module.
release_flags=(-c release --static-swift-stdlib)
if [ "$(uname -s)" = Linux ]; then
    release_flags+=(-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)
fi
