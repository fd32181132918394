#!/bin/sh
# Hands the model route directory to deploy-controller (uid 1001), renders the live model routes (slipway-apply),
# starts the switch tier (daemon) and runs the front tier. deploy-controller writes the route files of every model
# service it finds (compose services labelled io.slipway.model-service=true); nginx needs no list of them.
#   SLIPWAY_MODEL_SERVICES="sample-model:8000 other-model:8080"   optional, for nginx without deploy-controller
#   (tests): seeds files for these services (compose service name : port) when they have none yet
set -eu
dir=/etc/nginx/slipway
mkdir -p "$dir/upstreams" "$dir/routes" /run/slipway
for entry in ${SLIPWAY_MODEL_SERVICES:-}; do
    service=${entry%%:*}
    port=${entry##*:}
    case "$service" in
        *[!a-z0-9_.-]*|"") echo "slipway: bad model service name '$service'" >&2; exit 1 ;;
    esac
    case "$port" in
        *[!0-9]*|"") echo "slipway: bad port '$port' for $service" >&2; exit 1 ;;
    esac
    if [ ! -f "$dir/upstreams/$service.conf" ]; then
        cat > "$dir/upstreams/$service.conf" <<CONF
# seeded by slipway-entrypoint.sh; deploy-controller owns this file after the first deploy
upstream slipway_model_$service {
    server $service:$port max_fails=0;
    keepalive 32;
}
CONF
    fi
    if [ ! -f "$dir/routes/$service.conf" ]; then
        cat > "$dir/routes/$service.conf" <<CONF
# seeded by slipway-entrypoint.sh; deploy-controller owns this file after the first deploy
location /models/$service/ {
    proxy_pass http://slipway_model_$service/;
    proxy_next_upstream error http_502 http_503 non_idempotent;
    proxy_next_upstream_tries 3;
}
CONF
    fi
done
chown -R "${SLIPWAY_CONFIG_OWNER:-1001:0}" "$dir"
chmod -R u+rwX,g+rwX "$dir"
# Sockets left by a killed container would make the switch tier fail to bind.
rm -f /run/slipway/switch.sock /run/slipway/unavailable.sock
# Renders live/ from the desired files; a model whose containers are gone gets the 503 fallback, never a failed start.
/usr/local/bin/slipway-apply --start
nginx -c /etc/nginx/switch.conf
nginx -t -q
exec "$@"
