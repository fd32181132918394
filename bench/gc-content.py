#!/usr/bin/env python3
"""Writes registry content in CNCF distribution's storage layout (which mirror-service shares, without the
docker/registry/v2 prefix): REPOS repositories x IMAGES images x (manifest + config + LAYERS layers) blobs, every
blob distinct; then deletes the manifests of every other image (revision link and tag), so half the blobs are garbage.
Usage: gc-content.py <root> [repos] [images per repo] [layers per image] [layer bytes]"""
import hashlib
import json
import os
import random
import sys

root = sys.argv[1]
repos = int(sys.argv[2]) if len(sys.argv) > 2 else 50
images = int(sys.argv[3]) if len(sys.argv) > 3 else 10
layers = int(sys.argv[4]) if len(sys.argv) > 4 else 18
size = int(sys.argv[5]) if len(sys.argv) > 5 else 1024
rnd = random.Random(10)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def blob(data):
    h = hashlib.sha256(data).hexdigest()
    write(f"{root}/blobs/sha256/{h[:2]}/{h}/data", data)
    return "sha256:" + h


def link(path, digest):
    write(path, digest.encode())


blobs = garbage = 0
for r in range(repos):
    repo = f"{root}/repositories/bench/model-{r}"
    for i in range(images):
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"i": f"{r}-{i}"}},
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        c = blob(config)
        link(f"{repo}/_layers/{c.replace(':', '/')}/link", c)
        descriptors = []
        for _ in range(layers):
            data = rnd.randbytes(size)
            d = blob(data)
            link(f"{repo}/_layers/{d.replace(':', '/')}/link", d)
            descriptors.append({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": size,
                                "digest": d})
        manifest = json.dumps({"schemaVersion": 2,
                               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                               "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                          "size": len(config), "digest": c},
                               "layers": descriptors}).encode()
        m = blob(manifest)
        link(f"{repo}/_layers/{m.replace(':', '/')}/link", m)
        blobs += layers + 2
        if i % 2 == 1:
            garbage += layers + 2  # deleted: no revision link, no tag
            continue
        link(f"{repo}/_manifests/revisions/{m.replace(':', '/')}/link", m)
        link(f"{repo}/_manifests/tags/v{i}/current/link", m)
        link(f"{repo}/_manifests/tags/v{i}/index/{m.replace(':', '/')}/link", m)
print(f"{blobs} {garbage}")
