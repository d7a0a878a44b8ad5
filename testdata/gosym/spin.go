// spin: a small CPU-bound Go program for cprof's symbolizer tests. Its
// profile (spin.cpu) is made by hand (mkprofile.py): stacks through the
// runtime's assembly functions, whose symbol-table names carry the ABI0
// suffix (runtime.goexit.abi0, runtime.systemstack.abi0).
package main

//go:noinline
func hash(n int) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < n; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

//go:noinline
func work(rounds int) uint64 {
	var s uint64
	for r := 0; r < rounds; r++ {
		s += hash(1 << 16)
	}
	return s
}

func main() {
	done := make(chan uint64)
	go func() { done <- work(100) }()
	if work(100)+<-done == 42 {
		println("unlikely")
	}
}
