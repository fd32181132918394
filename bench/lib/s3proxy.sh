# Sourced by the S3 benchmarks (bench/mirror-s3.sh, bench/gc.sh), after they define free_port and wait_http:
# start_s3proxy <dir> starts one s3proxy (filesystem backend under <dir>/data, bucket $BUCKET already there, access key
# $KEY / $SECRET) on a free 127.0.0.1 port from $S3PROXY, sets S3 to its URL and adds its pid to PIDS.
start_s3proxy() {
  local dir=$1
  S3="http://127.0.0.1:$(free_port)"
  mkdir -p "$dir/data/$BUCKET"
  cat > "$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=$S3
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$KEY
s3proxy.credential=$SECRET
jclouds.provider=filesystem
jclouds.identity=$KEY
jclouds.credential=$SECRET
jclouds.filesystem.basedir=$dir/data
CONF
  java -Xmx512m -jar "$S3PROXY" --properties "$dir/s3proxy.conf" > "$dir/out.log" 2>&1 &
  PIDS+=($!)
  wait_http "$S3/"
}
