#!/bin/sh
# Burns audio files (or one CUE sheet) onto a recorder through redburnd with gdbus, showing
# the job's signals until it finishes. The bus starts redburnd if it is not running.
#   examples/dbus/burn.sh RECORDER FILE...      e.g. burn.sh emu:default *.flac
set -eu
recorder=$1
shift
files=""
for f in "$@"; do
    files="$files${files:+, }'$(realpath "$f")'"
done
call() { gdbus call --session --dest org.redburn.Redburn1 "$@"; }
job=$(call --object-path /org/redburn/Redburn1 --method org.redburn.Redburn1.Manager.Burn \
    "['$recorder']" "[$files]" "{'verify': <true>}" | sed -n "s/^(objectpath '\(.*\)',)\$/\1/p")
echo "job $job"
# Listen before starting, so that no signal is missed.
fifo=$(mktemp -u)
mkfifo "$fifo"
# (stdbuf: gdbus would hold its lines back in a buffer when writing to a pipe.)
stdbuf -oL gdbus monitor --session --dest org.redburn.Redburn1 --object-path "$job" >"$fifo" &
monitor=$!
trap 'kill "$monitor" 2>/dev/null' EXIT
trap 'exit 1' INT TERM
exec 3<"$fifo"
rm "$fifo"
read -r _ <&3   # "Monitoring signals on object …": subscribed
call --object-path "$job" --method org.redburn.Redburn1.Job.Start >/dev/null
status=1
while read -r line <&3; do
    case $line in
    *Job.Phase*) echo "$line" | sed 's/.*Phase (/phase (/' ;;
    *Job.Update*)
        written=$(echo "$line" | sed -n "s/.*'written': <uint64 \([0-9]*\)>.*/\1/p")
        total=$(echo "$line" | sed -n "s/.*'total': <uint64 \([0-9]*\)>.*/\1/p")
        [ -n "$written" ] && echo "written $written of $total sectors" ;;
    *Job.Finished*)
        echo "$line" | sed 's/.*Finished (/finished (/'
        case $line in *"Finished (true"*) status=0 ;; esac
        break ;;
    esac
done
exit $status
