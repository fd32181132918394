# Helpers the benchmark scripts share; source it: . "$(dirname "$0")/lib.sh" (new scripts; older ones still carry
# their own copies).
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }
now() { date +%s.%N; }
since() { python3 -c "print(round($(now) - $1, 2))"; }
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 2))" "$@"; }
ratio() { python3 -c "print(round($1 / $2, 2))"; }
require_tools() { for tool in "$@"; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }; done; }
