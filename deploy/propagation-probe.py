#!/usr/bin/env python3
# Measures publish-to-readable latency on the running four-node demo: publishes 30 records on
# LV and polls ES, FR and SE until each reads them. Start the demo with
# `deploy/demo.sh --api-listen 127.0.0.1:7500` first (ports 7500-7503).
import json, time, urllib.request, statistics
base = {c: f"http://127.0.0.1:{7500+i}" for i, c in enumerate(["es","fr","se","lv"])}
def req(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
lv_id = [c for c in req("GET", base["lv"] + "/api/v1/catalogs")[1]["catalogs"] if c["role"] == "owner"][0]["id"]
owner, name = lv_id.split("/")
lat = []
for n in range(30):
    rid = f"lv-prop-{int(time.time()*1000)}-{n}"
    rec = {"id": rid, "kind": "initiative", "access_level": "consortium", "title": {"lv": "Mājas aprūpe", "en": "Home care"},
           "original_lang": "lv", "status": "active", "countries": ["LV"], "summary": {"en": "propagation probe"}}
    assert req("POST", base["lv"] + "/api/v1/records", rec)[0] == 201
    t0 = time.monotonic()
    assert req("POST", f"{base['lv']}/api/v1/catalogs/{owner}/{name}/publish", {"id": rid})[0] == 200
    t_ack = time.monotonic()
    pending = {"es", "fr", "se"}
    while pending:
        for c in list(pending):
            if req("GET", f"{base[c]}/api/v1/records/{rid}")[0] == 200:
                lat.append((time.monotonic() - t_ack) * 1000)
                pending.discard(c)
    time.sleep(0.1)
lat.sort()
print(f"n={len(lat)} p50={statistics.median(lat):.1f}ms p99~max={lat[-1]:.1f}ms")
