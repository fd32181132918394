# Sourced by the S3 benchmarks (bench/mirror-s3.sh, bench/gc.sh), after they define free_port and wait_http:
# start_s3proxy <dir> [<port> [<log level>]] starts one s3proxy (filesystem backend under <dir>/data, bucket $BUCKET
# already there, access key $KEY / $SECRET) from $S3PROXY on 127.0.0.1:<port> and adds its pid to PIDS; without a port
# it takes a free one and sets S3 to its URL. At log level debug it logs one "request: Request(METHOD url)" line per
# S3 request (bench/mirror-s3.sh counts them).
start_s3proxy() {
  local dir=$1 level=${3:-info} url
  if [ -n "${2:-}" ]; then url="http://127.0.0.1:$2"; else S3="http://127.0.0.1:$(free_port)"; url=$S3; fi
  mkdir -p "$dir/data/$BUCKET"
  cat > "$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=$url
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$KEY
s3proxy.credential=$SECRET
jclouds.provider=filesystem
jclouds.identity=$KEY
jclouds.credential=$SECRET
jclouds.filesystem.basedir=$dir/data
CONF
  LOG_LEVEL=$level java -Xmx512m -jar "$S3PROXY" --properties "$dir/s3proxy.conf" > "$dir/out.log" 2>&1 &
  PIDS+=($!)
  wait_http "$url/"
}
