#!/usr/bin/env python3
"""Writes the heap profiles a fleet of one service's pods would write, to
measure merging thousands of profiles (make bench) and to test it.

    tests/fleet.py DIR [PODS [SAMPLES]]

writes DIR/pod-0000.pb.gz ... (PODS files, default 1000; SAMPLES stacks per
pod, default 2600, which makes files of about 200 KB). The same arguments
write the same bytes: everything is drawn from one seeded generator, and a
file that is already there with a stamp of the same arguments is kept.

Every pod runs the same program: one seeded model of a Go service's
functions (packages of the standard library, well-known modules and the
service's own), the locations of its call sites (some with an inlined
line), its mappings and a pool of allocation stacks drawn as random walks
over its call graph, most ending in the runtime's allocation entry
(newobject, makeslice, growslice, ...). A pod samples a few thousand
stacks of the pool, the hot ones more often, with values of its own, and
writes them as Go's runtime/pprof does: the four heap sample types, the
numeric label "bytes" (the object size), ids numbered in the order the
pod's samples first use them, a string table of its own, gzip at
BestSpeed, and its [vdso] at an address of its own (ASLR).
"""
import gzip
import hashlib
import os
import random
import sys

SEED = 20240314
FUNCTIONS = 3500
POOL = 40000
SIZE_CLASSES = [8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
                352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
                2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
                9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
                28672, 32768]
STD = ["bufio", "bytes", "context", "crypto/tls", "encoding/json", "encoding/binary", "fmt", "io",
       "net", "net/http", "net/url", "reflect", "regexp", "sort", "strconv", "strings", "sync", "time",
       "compress/gzip", "database/sql", "html/template", "math/big", "os", "path/filepath", "unicode/utf8"]
MODULES = ["google.golang.org/grpc", "google.golang.org/grpc/internal/transport", "google.golang.org/protobuf/proto",
           "google.golang.org/protobuf/internal/impl", "github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgconn",
           "github.com/redis/go-redis/v9", "go.uber.org/zap", "go.uber.org/zap/zapcore",
           "github.com/prometheus/client_golang/prometheus", "go.opentelemetry.io/otel/sdk/trace",
           "golang.org/x/net/http2", "github.com/go-chi/chi/v5", "github.com/golang/snappy"]
OWN = ["cart", "pricing", "inventory", "payment", "orders", "users", "session", "cache", "db", "api",
       "api/middleware", "events", "search", "recommend", "shipping", "tax", "promo", "auth", "audit", "config"]
VERBS = ["Get", "Put", "List", "Load", "Store", "Apply", "Build", "Encode", "Decode", "Handle", "Process",
         "Resolve", "Validate", "Compute", "Marshal", "Unmarshal", "Fetch", "Update", "Merge", "Render", "Scan",
         "Write", "Read", "Flush", "Parse", "Lookup", "Insert", "Delete", "Sync", "Refresh"]
NOUNS = ["Item", "Order", "Cart", "Price", "User", "Token", "Request", "Response", "Row", "Batch", "Event",
         "Entry", "Key", "Value", "Header", "Frame", "Buffer", "Record", "Query", "Plan", "Rule", "Quote"]
TYPES = ["Service", "Client", "Handler", "Store", "Cache", "Encoder", "Decoder", "Conn", "Pool", "Tx",
         "Builder", "Server", "Stream", "Writer", "Reader", "Registry", "Tracer", "Logger"]
TAILS = [[], [], ["runtime.newobject"], ["runtime.makeslice"], ["runtime.growslice"],
         ["runtime.newobject", "runtime.mapassign_faststr"], ["runtime.makemap"],
         ["runtime.rawstring", "runtime.rawstringtmp", "runtime.concatstrings"],
         ["runtime.rawbyteslice", "runtime.stringtoslicebyte"]]
ROOTS = [["runtime.goexit", "net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP"],
         ["runtime.goexit", "google.golang.org/grpc.(*Server).serveStreams.func1.1",
          "google.golang.org/grpc.(*Server).handleStream", "google.golang.org/grpc.(*Server).processUnaryRPC"],
         ["runtime.goexit", "runtime.main", "main.main"],
         ["runtime.goexit", "github.com/acme/checkout/internal/events.(*Consumer).run"]]
VDSO_SIZE = 0x2000


def varint(v):
    out = bytearray()
    while v > 0x7F:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


VARINT = [varint(i) for i in range(1 << 16)]


def uvar(v):
    return VARINT[v] if v < 65536 else varint(v)


def field(num, payload):
    return uvar(num << 3 | 2) + uvar(len(payload)) + payload


def vfield(num, v):
    return uvar(num << 3) + uvar(v)


class Model:
    """The program every pod runs: functions, call sites, mappings and a pool of stacks."""

    def __init__(self, rng):
        self.funcs = []  # (name, filename, start_line, address)
        self.index = {}
        address = 0x401000
        names = [n for root in ROOTS for n in root] + [n for tail in TAILS for n in tail]
        pkgs = STD + MODULES + ["github.com/acme/checkout/internal/" + p for p in OWN]
        while len(names) < FUNCTIONS:
            pkg = rng.choice(pkgs) if rng.random() < 0.6 else "github.com/acme/checkout/internal/" + rng.choice(OWN)
            verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
            r = rng.random()
            if r < 0.45:
                name = f"{pkg}.(*{rng.choice(TYPES)}).{verb}{noun}"
            elif r < 0.6:
                name = f"{pkg}.{verb}{noun}.func{rng.randint(1, 4)}"
            else:
                name = f"{pkg}.{verb}{noun}"
            if name not in self.index:
                self.index[name] = None
                names.append(name)
        self.index = {}
        for name in dict.fromkeys(names):
            pkg = name.rsplit(".", 1)[0].split(".(")[0]
            if name.startswith("runtime."):
                filename = "/usr/lib/go/src/runtime/" + rng.choice(["malloc.go", "slice.go", "map.go", "string.go"])
            elif pkg.startswith("github.com/acme/"):
                filename = "/src/" + pkg + "/" + rng.choice(NOUNS).lower() + ".go"
            else:
                filename = "/root/go/pkg/mod/" + pkg + "/" + rng.choice(NOUNS).lower() + ".go"
            self.index[name] = len(self.funcs)
            self.funcs.append((name, filename, rng.randint(20, 3000), address))
            address += 16 * rng.randint(8, 400)
        self.text_end = address
        n = len(self.funcs)
        self.plain = [i for i in range(n) if not self.funcs[i][0].startswith("runtime.")]
        # levels of a call graph: each function calls one to four functions of later levels
        rng.shuffle(self.plain)
        self.level = {f: k * 12 // len(self.plain) for k, f in enumerate(self.plain)}
        by_level = [[] for _ in range(13)]
        for f in self.plain:
            by_level[self.level[f]].append(f)
        self.callees = {}
        for f in self.plain:
            lv = self.level[f]
            deeper = [g for l in range(lv + 1, min(lv + 4, 12) + 1) for g in by_level[l][:400]]
            k = 1 + min(3, int(rng.expovariate(0.8)))
            self.callees[f] = [rng.choice(deeper) for _ in range(k)] if deeper else []
        self.inlined = {f: rng.random() < 0.12 for f in range(n)}
        self.sites = {}  # (caller, callee, site) -> location index
        self.locs = []  # (address, [(function, line), ...]) lines leaf first
        self.pool = [self.stack(rng) for _ in range(POOL)]
        self.sizes = [rng.choice(SIZE_CLASSES[:40]) if rng.random() < 0.9 else rng.choice(SIZE_CLASSES)
                      for _ in range(POOL)]

    def location(self, caller, callee, site):
        key = (caller, callee, site)
        loc = self.sites.get(key)
        if loc is None:
            name, _, start, address = self.funcs[caller]
            off = 4 + 8 * (((-1 if callee is None else callee) * 7 + site) % 997 % 50)
            lines = [(caller, start + 2 + off // 8)]
            if callee is not None and self.inlined[callee] and site == 0:
                # the callee's frame folded into its caller's location, Go's inlining
                lines.insert(0, (callee, self.funcs[callee][2] + 3))
            loc = self.sites[key] = len(self.locs)
            self.locs.append((address + off, lines))
        return loc

    def stack(self, rng):
        """A random walk from a root down the call graph, leaf first, often ending in the runtime."""
        root = rng.choice(ROOTS)
        frames = [self.index[n] for n in root]
        f = rng.choice(self.plain[: len(self.plain) // 10])
        depth = rng.randint(4, 26 - len(root))
        while len(frames) < len(root) + depth:
            frames.append(f)
            if not self.callees[f]:
                break
            f = rng.choice(self.callees[f])
        frames += [self.index[n] for n in reversed(rng.choice(TAILS))]
        frames = frames[:32]
        locs = []
        for i in range(len(frames) - 1, -1, -1):  # leaf first
            callee = frames[i + 1] if i + 1 < len(frames) else None
            locs.append(self.location(frames[i], callee, rng.random() < 0.2))
        return locs


class Pod:
    """One pod's profile: its own numbering of locations, functions and strings."""

    def __init__(self):
        self.strings = {"": 0}
        self.loc_ids = {}
        self.func_ids = {}

    def string(self, s):
        i = self.strings.get(s)
        if i is None:
            i = self.strings[s] = len(self.strings)
        return i


def write_pod(model, pod_index, samples, path):
    rng = random.Random(SEED * 1000003 + pod_index)
    pod = Pod()
    out = []
    for t, u in (("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"),
                 ("inuse_space", "bytes")):
        out.append(field(1, vfield(1, pod.string(t)) + vfield(2, pod.string(u))))
    bytes_key = pod.string("bytes")
    # hot stacks are in every pod: draw by a Zipf-like popularity, keep the first of each
    chosen = dict.fromkeys(int(POOL * rng.random() ** 2.2) for _ in range(samples * 2))
    chosen = list(chosen)[:samples]
    loc_ids = pod.loc_ids
    for s in chosen:
        ids = b"".join(uvar(loc_ids.setdefault(l, len(loc_ids) + 1)) for l in model.pool[s])
        size = model.sizes[s]
        objects = 1 + int(rng.paretovariate(1.2) * 512 * 1024 / size / 4)
        inuse = int(objects * rng.random() ** 3)
        values = uvar(objects) + varint(objects * size) + uvar(inuse) + varint(inuse * size)
        label = field(3, vfield(1, bytes_key) + vfield(3, size))
        out.append(field(2, field(1, ids) + field(2, values) + label))
    vdso = 0x7FFC00000000 + rng.randrange(1 << 20) * 0x1000
    out.append(field(3, vfield(1, 1) + vfield(2, 0x400000) + vfield(3, model.text_end) +
                     vfield(5, pod.string("/usr/local/bin/checkout")) +
                     vfield(6, pod.string("6f4e3a2c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f")) +
                     b"\x38\x01\x40\x01\x48\x01\x50\x01"))
    out.append(field(3, vfield(1, 2) + vfield(2, vdso) + vfield(3, vdso + VDSO_SIZE) + vfield(5, pod.string("[vdso]"))))
    func_ids = pod.func_ids
    funcs = []
    for l, i in sorted(loc_ids.items(), key=lambda kv: kv[1]):
        address, lines = model.locs[l]
        body = vfield(1, i) + vfield(2, 1) + vfield(3, address)
        for f, line in lines:
            fid = func_ids.get(f)
            if fid is None:
                fid = func_ids[f] = len(func_ids) + 1
                funcs.append(f)
            body += field(4, vfield(1, fid) + vfield(2, line))
        out.append(field(4, body))
    for f in funcs:
        name, filename, start, _ = model.funcs[f]
        n = pod.string(name)
        out.append(field(5, vfield(1, func_ids[f]) + vfield(2, n) + vfield(3, n) + vfield(4, pod.string(filename)) +
                        vfield(5, start)))
    space = pod.string("space")
    out.append(b"".join(field(6, s.encode()) for s in pod.strings))
    out.append(vfield(9, 1710408413000000000 + pod_index * 7919000) + field(11, vfield(1, space) + vfield(2, bytes_key)) +
               vfield(12, 524288))
    data = b"".join(out)
    with open(path + ".tmp", "wb") as f:
        f.write(gzip.compress(data, compresslevel=1, mtime=0))
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: tests/fleet.py DIR [PODS [SAMPLES]]")
    out = sys.argv[1]
    pods = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    samples = int(sys.argv[3]) if len(sys.argv) > 3 else 2600
    os.makedirs(out, exist_ok=True)
    stamp = hashlib.sha256(open(__file__, "rb").read() + f"{pods} {samples}".encode()).hexdigest()
    stamp_path = os.path.join(out, "stamp")
    paths = [os.path.join(out, f"pod-{i:04d}.pb.gz") for i in range(pods)]
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp and all(map(os.path.exists, paths)):
        return
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    model = Model(random.Random(SEED))
    workers = min(2, os.cpu_count() or 1)
    pids = []
    for w in range(workers):  # two processes write alternate pods
        pid = os.fork()
        if pid == 0:
            for i in range(w, pods, workers):
                write_pod(model, i, samples, paths[i])
            os._exit(0)
        pids.append(pid)
    if any(os.waitpid(pid, 0)[1] for pid in pids):
        sys.exit("fleet: a writer failed")
    with open(stamp_path, "w") as f:
        f.write(stamp)


if __name__ == "__main__":
    main()
