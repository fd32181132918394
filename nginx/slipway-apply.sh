#!/bin/sh
# Makes nginx's switch tier run the model routes deploy-controller wants, and never fails because of a model host.
#   slipway-apply [--require S]  render + nginx -t + reload (what deploy-controller runs through `docker exec`);
#                                with --require, changes nothing and exits 3 when service S would get the fallback
#   slipway-apply --start        render + nginx -t only (the entrypoint, before the switch tier starts)
#
# deploy-controller writes the desired files into the nginx-config volume (/etc/nginx/slipway/upstreams/<svc>.conf,
# routes/<svc>.conf). nginx 1.22 resolves upstream server names once, at config load, and refuses the whole config
# when one does not resolve (a model container that is gone after `down`, a reboot, a removed color). So this script
# renders the effective files into /etc/nginx/slipway/live/: each upstream keeps only the servers whose names
# resolve now, and an upstream with none left is replaced by the fallback server (503 problem+json with Retry-After,
# served by the switch tier on a unix socket). One model without containers costs that model a 503, never the front
# door. deploy-controller compares live/ with the desired files to know whether nginx runs what it wrote.
# Prints "fallback <service>" for each service that got the fallback; exits non-zero only when nginx refused.
set -u
dir=/etc/nginx/slipway
live=$dir/live
switch=/etc/nginx/switch.conf
fallback_sock=unix:/run/slipway/unavailable.sock

fallback_upstream() { # service
    printf '# slipway fallback: no server of %s resolves; answered 503 until deploy-controller brings it back\n' "$1"
    printf 'upstream slipway_model_%s {\n    server %s max_fails=0;\n}\n' "$1" "$fallback_sock"
}

fallback_route() { # service
    printf '# slipway fallback route of %s\nlocation /models/%s/ {\n    proxy_pass http://slipway_model_%s/;\n}\n' \
        "$1" "$1" "$1"
}

# Copies the upstream file, without the server lines whose host does not resolve. Prints how many servers remain.
resolvable_upstream() { # file out
    kept=0
    : > "$2"
    while IFS= read -r line || [ -n "$line" ]; do
        host=$(printf '%s\n' "$line" | sed -n 's/^[[:space:]]*server[[:space:]][[:space:]]*\([A-Za-z0-9_.-][A-Za-z0-9_.-]*\):[0-9][0-9]*.*/\1/p')
        if [ -n "$host" ]; then
            # Bounded: a name server that does not answer must not hold up nginx's start.
            timeout 2 getent hosts "$host" >/dev/null 2>&1 || continue
            kept=$((kept + 1))
        fi
        printf '%s\n' "$line" >> "$2"
    done < "$1"
    echo "$kept"
}

render() { # all_fallback(0|1)
    fallbacks=" "
    rm -rf "$live.new"
    mkdir -p "$live.new/upstreams" "$live.new/routes"
    for file in "$dir"/upstreams/*.conf; do
        [ -f "$file" ] || continue
        service=$(basename "$file" .conf)
        case "$service" in *[!a-z0-9_.-]*) echo "slipway: skipping bad file name $file" >&2; continue ;; esac
        out=$live.new/upstreams/$service.conf
        kept=0
        [ "$1" = 1 ] || kept=$(resolvable_upstream "$file" "$out")
        if [ "$kept" -eq 0 ]; then
            fallback_upstream "$service" > "$out"
            echo "fallback $service"
            fallbacks="$fallbacks $service "
        fi
        if [ "$1" = 0 ] && [ -f "$dir/routes/$service.conf" ]; then
            cp "$dir/routes/$service.conf" "$live.new/routes/$service.conf"
        else
            fallback_route "$service" > "$live.new/routes/$service.conf"
        fi
    done
    rm -rf "$live.old"
    [ -d "$live" ] && mv "$live" "$live.old"
    mv "$live.new" "$live"
}

restore() {
    rm -rf "$live"
    [ -d "$live.old" ] && mv "$live.old" "$live"
}

mkdir -p "$dir/upstreams" "$dir/routes" /run/slipway
render 0
if [ "${1:-}" = --require ] && case "$fallbacks" in *" ${2:-} "*) true ;; *) false ;; esac; then
    # A deploy's new route must reach its containers: keep what runs rather than put the service on the fallback.
    restore
    echo "slipway: no server of ${2:-} resolves; nothing changed" >&2
    exit 3
fi
if ! result=$(nginx -t -q -c "$switch" 2>&1); then
    echo "$result" >&2
    if [ "${1:-}" = --start ]; then
        # A broken desired file must not keep the front door down: start with every model on the fallback.
        echo "slipway: nginx refused the model routes; starting with every model on the 503 fallback" >&2
        render 1
        nginx -t -q -c "$switch" || exit 1
    else
        restore
        exit 1
    fi
fi
chmod -R a+rX "$live"
[ "${1:-}" = --start ] && exit 0
# SIGHUP to the switch master is what `nginx -s reload` sends, without parsing the whole config a third time first.
pid=$(cat /run/nginx-switch.pid 2>/dev/null) && kill -HUP "$pid" 2>/dev/null || nginx -s reload -c "$switch"
