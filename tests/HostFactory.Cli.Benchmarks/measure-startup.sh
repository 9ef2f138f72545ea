#!/usr/bin/env bash
# Whole-process start-up of `getRequestStatus -f input.json` (what Host Factory pays on every poll) next to hello-world
# console apps; prints the medians side by side and their ratios. The call is made as the installed scripts make it,
# through the Native AOT front end (hostfactory-frontend, published with hostfactory), and also straight to the full
# program (hostfactory) and to its Native AOT build (hostfactory-native, which the front end runs when no resident
# process serves). Measured twice: as Host Factory runs it (the resident process, started by the preparing calls, serves the
# call; target: <= 2x the Native AOT hello world), and with HOSTFACTORY_RESIDENT=0 (the call runs in its own process:
# what the first call, or a call with the resident process switched off, costs; target: <= 2x the hello world published
# as hostfactory is). A third baseline, SameLibraries, is the libraries hostfactory is built on doing the same kind of
# work with no Host Factory code (input parsed, configuration loaded, a container with logging and options, the request
# and machine documents read, the answer written): what those libraries alone cost a one-call process. The Native AOT publishes need a C compiler (docs/host-factory.md).
#
#   tests/HostFactory.Cli.Benchmarks/measure-startup.sh [RUNS]
#
# Environment:
#   MODE=self-contained       (default) self-contained, composite ReadyToRun (application + framework in one image)
#   MODE=framework-dependent  framework-dependent, ReadyToRun per assembly
#   ISA=x86-64-v3             also let crossgen2 assume that instruction set (both apps); the image is then only used
#                             on CPUs that have it (unset by default: portable)
#   OUT=DIR                   where to publish and keep the state (default: a new temp directory)
#   PUBLISH=0                 time the programs an earlier run published into OUT again, without publishing
# Every row is timed in each of RUNS rounds (after 3 warm-up rounds), the rows in an order that rotates from round to
# round; the ratios are medians of per-round ratios.
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

if [ "${PUBLISH:-1}" != 0 ]; then
  echo "Publishing ($mode${ISA:+, $ISA}) into $out ..."
  # ReadyToRun output is cached in obj/ and not redone when only the mode changes: a composite build's rewritten
  # assemblies would then be published framework-dependent, and the runtime aborts on them. Start clean.
  rm -rf "$repo/src/HostFactory.Cli/obj/Release/net10.0/$rid" "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid" \
    "$repo/tests/HostFactory.Cli.Benchmarks/SameLibraries/obj/Release/net10.0/$rid"
  dotnet publish "$repo/src/HostFactory.Cli" "${flags[@]}" -o "$out/hostfactory" >/dev/null
  dotnet publish "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld" "${flags[@]}" -o "$out/hello" >/dev/null
  dotnet publish "$repo/tests/HostFactory.Cli.Benchmarks/SameLibraries" "${flags[@]}" -o "$out/same-libraries" >/dev/null
  # The same hello world, Native AOT (its own intermediate folder: the ReadyToRun one above is not reused).
  rm -rf "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid"
  dotnet publish "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld" -c Release -r "$rid" -p:PublishAot=true -nologo -v quiet -o "$out/hello-aot" >/dev/null
  rm -rf "$repo/tests/HostFactory.Cli.Benchmarks/HelloWorld/obj/Release/net10.0/$rid"
fi

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
native_cmd="$out/hostfactory/hostfactory-native getRequestStatus -f $input"
hello_cmd="$out/hello/HelloWorld"
aot_hello_cmd="$out/hello-aot/HelloWorld"
same_libraries_cmd="$out/same-libraries/SameLibraries $input $out/hostfactory/config/hostfactory.json $HF_PROVIDER_WORKDIR/data"
$same_libraries_cmd | grep -c '"requestId"' | xargs -I{} echo "SameLibraries answers: {} requests"

# Rounds: each runs every row once, in an order that rotates from round to round, so a load that comes and goes during
# the run reaches every row alike (the machine this runs on is shared). Each ratio printed is the median of the ratios
# of two rows timed in the same round. Every row starts through env, so each pays the same extra exec.
rows=(resident resident_full own own_full own_native aot_hello hello same_libraries)
declare -A cmd=(
  [resident]="env -u HOSTFACTORY_RESIDENT $status_cmd"
  [resident_full]="env -u HOSTFACTORY_RESIDENT $full_cmd"
  [own]="env HOSTFACTORY_RESIDENT=0 $status_cmd"
  [own_full]="env HOSTFACTORY_RESIDENT=0 $full_cmd"
  [own_native]="env HOSTFACTORY_RESIDENT=0 $native_cmd"
  [aot_hello]="env -u HOSTFACTORY_RESIDENT $aot_hello_cmd"
  [hello]="env -u HOSTFACTORY_RESIDENT $hello_cmd"
  [same_libraries]="env -u HOSTFACTORY_RESIDENT $same_libraries_cmd"
)
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
median_ms() { awk '{ print $1 / 1000 }' "$out/times.$1" | median; }
ratio() { paste "$out/times.$1" "$out/times.$2" | awk '{ print $1 / $2 }' | median; }
tool="date +%s%N, $runs rounds after 3 warm-up rounds, rows in rotating order"

# The preparing calls started the resident process; wait until it listens.
for _ in $(seq 100); do ls "$HF_PROVIDER_WORKDIR"/resident/*.sock >/dev/null 2>&1 && break; sleep 0.1; done
rm -f "$out"/times.*
for round in $(seq -2 "$runs"); do
  for k in "${!rows[@]}"; do
    row=${rows[$(( (k + round + 3 * ${#rows[@]}) % ${#rows[@]} ))]}
    start=$(date +%s%N); ${cmd[$row]} >/dev/null; end=$(date +%s%N)
    if [ "$round" -gt 0 ]; then echo $(( (end - start) / 1000 )) >> "$out/times.$row"; fi
  done
done

# Give the machines back so no process is left behind, then stop the resident process.
echo "{\"machines\": [{\"name\": \"${names[2]}\"}]}" | "$hf" requestReturnMachines >/dev/null
for pidfile in "$HF_PROVIDER_WORKDIR"/resident/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done

echo
echo "Start-up, $mode${ISA:+ ($ISA)}, $rid, $tool, medians:"
printf '  %-72s %8s ms\n' "getRequestStatus (${#ids[@]} requests), resident process, front end (as the scripts call it)" "$(median_ms resident)"
printf '  %-72s %8s ms\n' "getRequestStatus, resident process, hostfactory itself" "$(median_ms resident_full)"
printf '  %-72s %8s ms\n' "getRequestStatus, own process (HOSTFACTORY_RESIDENT=0), front end" "$(median_ms own)"
printf '  %-72s %8s ms\n' "getRequestStatus, own process (HOSTFACTORY_RESIDENT=0), hostfactory itself" "$(median_ms own_full)"
printf '  %-72s %8s ms\n' "getRequestStatus, own process (HOSTFACTORY_RESIDENT=0), hostfactory-native itself" "$(median_ms own_native)"
printf '  %-72s %8s ms\n' "hello world, Native AOT" "$(median_ms aot_hello)"
printf '  %-72s %8s ms\n' "hello world, $mode ReadyToRun as hostfactory" "$(median_ms hello)"
printf '  %-72s %8s ms\n' "SameLibraries (the libraries alone, the same kind of work), as hostfactory" "$(median_ms same_libraries)"
echo "  warm: $(ratio resident aot_hello)x the Native AOT hello world (target <= 2.00)"
echo "  cold: $(ratio own hello)x the ReadyToRun hello world (target <= 2.00)"
echo "  the libraries alone: $(ratio same_libraries hello)x the ReadyToRun hello world; the cold call is $(ratio own same_libraries)x them"
