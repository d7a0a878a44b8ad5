// pprofserver serves net/http/pprof under a small, steady load, for
// tests/remote.sh: live memory allocated in named functions, goroutines
// parked in named functions, and a CPU loop. It prints the address it
// listens on (host:port) on its first line of output.
//
//	go build -o pprofserver tests/go/pprofserver/main.go
//	pprofserver [-addr 127.0.0.1:0]
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
	"sync"
	"time"
)

// kept holds what the allocators made, so that it is still in use.
var (
	keptMu sync.Mutex
	kept   [][]byte
)

func keep(b []byte) {
	keptMu.Lock()
	kept = append(kept, b)
	keptMu.Unlock()
}

//go:noinline
func allocLarge() {
	for i := 0; i < 64; i++ {
		keep(make([]byte, 256<<10))
	}
}

//go:noinline
func allocSmall() {
	for i := 0; i < 4096; i++ {
		keep(make([]byte, 512))
	}
}

//go:noinline
func parkOnChannel(c chan struct{}, wg *sync.WaitGroup) {
	wg.Done()
	<-c
}

//go:noinline
func parkInSleep(wg *sync.WaitGroup) {
	wg.Done()
	for {
		time.Sleep(time.Hour)
	}
}

var sink uint64

//go:noinline
func spin() {
	x := uint64(1)
	for {
		for i := 0; i < 1000000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		sink = x
		time.Sleep(time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	runtime.MemProfileRate = 4096

	allocLarge()
	allocSmall()
	var wg sync.WaitGroup
	never := make(chan struct{})
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go parkOnChannel(never, &wg)
		go parkInSleep(&wg)
	}
	wg.Wait()
	go spin()
	runtime.GC()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr().String())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, nil))
}
