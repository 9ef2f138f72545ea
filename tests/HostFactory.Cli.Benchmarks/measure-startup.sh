#!/usr/bin/env bash
# Whole-process start-up of `getRequestStatus -f input.json` (what Host Factory pays on every poll) next to hello-world
# console apps; prints the medians side by side and their ratios. The call is made as the installed scripts make it,
# through the Native AOT front end (hostfactory-frontend, published with hostfactory), and also straight to the full
# program. Measured twice: as Host Factory runs it (the resident process, started by the preparing calls, serves the
# call; target: <= 2x the Native AOT hello world), and with HOSTFACTORY_RESIDENT=0 (the call runs in its own process:
# what the first call, or a call with the resident process switched off, costs; target: <= 2x the hello world published
# as hostfactory is). The Native AOT publishes need a C toolchain and zlib (docs/host-factory.md).
#
#   tests/HostFactory.Cli.Benchmarks/measure-startup.sh [RUNS]
#
# Environment:
#   MODE=self-contained       (default) self-contained, composite ReadyToRun (application + framework in one image)
#   MODE=framework-dependent  framework-dependent, ReadyToRun per assembly
#   ISA=x86-64-v3             also let crossgen2 assume that instruction set (both apps); the image is then only used
#                             on CPUs that have it (unset by default: portable)
#   OUT=DIR                   where to publish and keep the state (default: a new temp directory)
# Uses hyperfine when installed (apt-get install hyperfine), else a loop timed with date +%s%N.
set -euo pipefail

runs=${1:-20}
mode=${MODE:-self-contained}
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$(mktemp -d /tmp/hf-startup.XXXXXX)}
case "$(uname -m)" in
  aarch64|arm64) rid=linux-arm64 ;;
  *) rid=linux-x64 ;;
esac

flags=(-c Release -r "$rid" -p:PublishReadyToRun=true -nologo -v quiet)
if [ "$mode" = self-contained ]; then
  flags+=(--self-contained true -p:PublishReadyToRunComposite=true)
else
  flags+=(--self-contained false)
fi
if [ -n "${ISA:-}" ]; then
  flags+=("-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:$ISA")
fi

echo "Publishing ($mode${ISA:+, $ISA}) into $out ..."
# ReadyToRun output is cached in obj/ and not redone when only the mode changes: a composite build's rewritten
# assemblies would then be published framework-dependent, and the runtime aborts on them. Start clean.
rm -rf "$repo/src/HostFactory.Cli/obj/Release/net10.0/$rid" "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid"
dotnet publish "$repo/src/HostFactory.Cli" "${flags[@]}" -o "$out/hostfactory" >/dev/null
dotnet publish "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld" "${flags[@]}" -o "$out/hello" >/dev/null
# The same hello world, Native AOT (its own intermediate folder: the ReadyToRun one above is not reused).
rm -rf "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid"
dotnet publish "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld" -c Release -r "$rid" -p:PublishAot=true -nologo -v quiet -o "$out/hello-aot" >/dev/null
rm -rf "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid"

# A prepared work directory: three acquire requests (one machine each) and two returns, all finished, as Host Factory
# leaves them between polls. The quick-start configuration and its local-sleeper template are used.
export HF_PROVIDER_WORKDIR="$out/work" HF_PROVIDER_LOGDIR="$out/logs"
unset HF_PROVIDER_CONFDIR HF_PROVIDER_NAME
rm -rf "$HF_PROVIDER_WORKDIR" "$HF_PROVIDER_LOGDIR"
hf="$out/hostfactory/hostfactory"
field() { grep -o "\"$1\": \"[^\"]*\"" | head -n "${2:-1}" | tail -n 1 | cut -d'"' -f4; }

ids=()
names=()
for _ in 1 2 3; do
  id=$(echo '{"template": {"templateId": "local-sleeper", "machineCount": 1}}' | "$hf" requestMachines | field requestId)
  status=$(echo "{\"requests\": [{\"requestId\": \"$id\"}]}" | "$hf" getRequestStatus)
  ids+=("$id")
  names+=("$(echo "$status" | field name)")
done
for name in "${names[0]}" "${names[1]}"; do
  ret=$(echo "{\"machines\": [{\"name\": \"$name\"}]}" | "$hf" requestReturnMachines | field requestId)
  echo "{\"requests\": [{\"requestId\": \"$ret\"}]}" | "$hf" getRequestStatus >/dev/null
  ids+=("$ret")
done
input="$out/input.json"
{
  printf '{"requests": ['
  sep=''
  for id in "${ids[@]}"; do printf '%s{"requestId": "%s"}' "$sep" "$id"; sep=', '; done
  printf ']}\n'
} > "$input"
"$hf" getRequestStatus -f "$input" | grep -c '"status": "complete"' | xargs -I{} echo "Prepared: {} finished requests asked by $input"

frontend="$out/hostfactory/hostfactory-frontend"
status_cmd="$frontend getRequestStatus -f $input"
full_cmd="$hf getRequestStatus -f $input"
hello_cmd="$out/hello/HelloWorld"
aot_hello_cmd="$out/hello-aot/HelloWorld"

median_ms() {
  # Runs "$@" $runs times (after 3 warm-ups) and prints the median wall time in milliseconds.
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/hyperfine.json" "$*" >&2
    grep -o '"median": [0-9.e-]*' "$out/hyperfine.json" | awk '{ printf "%.1f\n", $2 * 1000 }'
    return
  fi
  local times=() start end
  for _ in 1 2 3; do "$@" >/dev/null; done
  for _ in $(seq "$runs"); do
    start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
}
tool=$(command -v hyperfine >/dev/null && echo "hyperfine -N --warmup 3 --runs $runs" || echo "date +%s%N loop, 3 warm-ups, $runs runs")

# The preparing calls started the resident process; wait until it listens.
for _ in $(seq 100); do ls "$HF_PROVIDER_WORKDIR"/resident/*.sock >/dev/null 2>&1 && break; sleep 0.1; done
resident_ms=$(median_ms $status_cmd)
resident_full_ms=$(median_ms $full_cmd)
aot_hello_ms=$(median_ms $aot_hello_cmd)
hello_ms=$(median_ms $hello_cmd)
own_ms=$(HOSTFACTORY_RESIDENT=0 median_ms $status_cmd)
own_full_ms=$(HOSTFACTORY_RESIDENT=0 median_ms $full_cmd)

# Give the machines back so no process is left behind, then stop the resident process.
echo "{\"machines\": [{\"name\": \"${names[2]}\"}]}" | "$hf" requestReturnMachines >/dev/null
for pidfile in "$HF_PROVIDER_WORKDIR"/resident/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done

echo
echo "Start-up, $mode${ISA:+ ($ISA)}, $rid, $tool, median of $runs runs:"
printf '  %-72s %8s ms\n' "getRequestStatus (${#ids[@]} requests), resident process, front end (as the scripts call it)" "$resident_ms"
printf '  %-72s %8s ms\n' "getRequestStatus, resident process, hostfactory itself" "$resident_full_ms"
printf '  %-72s %8s ms\n' "getRequestStatus, own process (HOSTFACTORY_RESIDENT=0), front end" "$own_ms"
printf '  %-72s %8s ms\n' "getRequestStatus, own process (HOSTFACTORY_RESIDENT=0), hostfactory itself" "$own_full_ms"
printf '  %-72s %8s ms\n' "hello world, Native AOT" "$aot_hello_ms"
printf '  %-72s %8s ms\n' "hello world, $mode ReadyToRun as hostfactory" "$hello_ms"
awk -v w="$resident_ms" -v a="$aot_hello_ms" -v c="$own_ms" -v h="$hello_ms" 'BEGIN {
  printf "  warm: %.2fx the Native AOT hello world (target <= 2.00)\n", w / a
  printf "  cold: %.2fx the %s hello world (target <= 2.00)\n", c / h, "ReadyToRun" }'
