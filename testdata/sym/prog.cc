// A small C++ program for the symbolizer's tests: namespaces, templates,
// lambdas, virtual calls and an anonymous namespace, inlined at -O2.
#include <cstddef>

namespace geom {
struct Shape {
	virtual ~Shape() {}
	virtual double area() const = 0;
};
struct Square : Shape {
	double s;
	explicit Square(double x) : s(x) {}
	double area() const override { return s * s; }
};
template <typename T, std::size_t N> T sum(const T (&v)[N])
{
	T t{};
	for (std::size_t i = 0; i < N; i++)
		t += v[i];
	return t;
}
} // namespace geom

namespace {
int scale(int x) { return x * 3 + 1; }
} // namespace

template <typename F> __attribute__((noinline)) double apply(F f, int n)
{
	double r = 0;
	for (int i = 0; i < n; i++)
		r += f(i);
	return r;
}

int main(int argc, char **)
{
	geom::Square sq(argc);
	const geom::Shape &s = sq;
	double v[8];
	for (int i = 0; i < 8; i++)
		v[i] = s.area() * scale(i);
	double a = apply([&](int i) { return v[i % 8] + geom::sum(v); }, argc * 100);
	double b = apply([](int i) { return scale(i) * 0.5; }, argc);
	return (int)(a + b) & 0x7f;
}
