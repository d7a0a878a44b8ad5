// leakserver leaks on purpose, at a known rate, beside work whose
// memory and goroutines come and go, and serves net/http/pprof: the
// program tests/series_go.py captures snapshots of with cprof, and
// testdata/series/make.sh made the bundled snapshots from.
//
// Every 10 ms main.leakSessions keeps 16 KiB for good (1.5625 MiB/s) and
// main.leakGoroutines starts a goroutine that never ends (main.stuckWorker,
// 100/s); main.churnBuffers keeps the last 64 buffers of 32 KiB it made,
// main.churnParse makes garbage, and short-lived goroutines
// (main.shortWorker) come and go. /leaked answers with what was leaked so
// far: "BYTES GOROUTINES UNIXNANOS".
//
// A heap profile shows the heap as of the last garbage collections, which
// come further apart as the leak grows the heap: a collection every 100 ms
// keeps each snapshot within a fraction of a second of its time.
//
//	go build -o leakserver tests/go/leakserver/main.go
//	leakserver [-addr 127.0.0.1:0]     (prints host:port on its first line)
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	tick      = 10 * time.Millisecond
	leakChunk = 16 << 10
)

var (
	leakedBytes      int64
	leakedGoroutines int64

	sessionsMu sync.Mutex
	sessions   = make([][]byte, 0, 1<<16) // room enough: no growth shows in the profile
)

//go:noinline
func leakSessions() {
	b := make([]byte, leakChunk)
	b[0] = 1
	sessionsMu.Lock()
	sessions = append(sessions, b)
	sessionsMu.Unlock()
	atomic.AddInt64(&leakedBytes, leakChunk)
}

var never = make(chan struct{})

//go:noinline
func stuckWorker() {
	<-never
}

//go:noinline
func leakGoroutines() {
	go stuckWorker()
	atomic.AddInt64(&leakedGoroutines, 1)
}

var (
	ring    [64][]byte
	ringPos int
)

//go:noinline
func churnBuffers() {
	for i := 0; i < 4; i++ {
		ring[ringPos%len(ring)] = make([]byte, 32<<10)
		ringPos++
	}
}

var sink int

//go:noinline
func churnParse(n int) {
	parts := make([]string, 0, 64)
	for i := 0; i < 64; i++ {
		parts = append(parts, strconv.Itoa(n*i))
	}
	buf := make([]byte, 64<<10)
	sink += len(parts) + len(buf)
}

//go:noinline
func shortWorker(d time.Duration, wg *sync.WaitGroup) {
	time.Sleep(d)
	wg.Done()
}

func collect() {
	for range time.Tick(100 * time.Millisecond) {
		runtime.GC()
	}
}

func work() {
	var wg sync.WaitGroup
	t := time.NewTicker(tick)
	for n := 0; ; n++ {
		<-t.C
		leakSessions()
		leakGoroutines()
		churnBuffers()
		churnParse(n)
		wg.Add(1)
		go shortWorker(time.Duration(n%5+1)*tick, &wg)
	}
}

func main() {
	// As early as possible, as runtime.MemProfileRate asks: a sample per 4 KiB,
	// for estimates whose noise is well below the leak rule's 1% of the heap.
	runtime.MemProfileRate = 4 << 10
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	http.HandleFunc("/leaked", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d %d %d\n", atomic.LoadInt64(&leakedBytes), atomic.LoadInt64(&leakedGoroutines),
			time.Now().UnixNano())
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stdout, ln.Addr().String())
	go work()
	go collect()
	log.Fatal(http.Serve(ln, nil))
}
