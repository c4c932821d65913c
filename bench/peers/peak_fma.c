/* The peak float FMA rate of one core in C, to check PeakFmaBenchmark against: the same 12
 * independent chains of a = a * m + s, built for the ISA given at compile time (-mavx2 -mfma or
 * -mavx512f). Prints GFLOP/s of the best of 200 runs. See peak_fma.sh. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define STEPS 1000000L
#if defined(__AVX512F__) && !defined(FORCE_256)
typedef __m512 vec;
#define WIDTH 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#else
typedef __m256 vec;
#define WIDTH 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
static float SUM(__m256 v) { float t[8]; _mm256_storeu_ps(t, v); return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7]; }
#endif

static double seconds(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(void) {
    double best = 0; float sink = 0;
    for (int run = 0; run < 200; run++) {
        vec m = SET1(0.999f), s = SET1(1e-3f);
        vec a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m;
        double t = seconds();
        for (long i = 0; i < STEPS; i++) {
            a0 = FMA(a0, m, s); a1 = FMA(a1, m, s); a2 = FMA(a2, m, s); a3 = FMA(a3, m, s);
            a4 = FMA(a4, m, s); a5 = FMA(a5, m, s); a6 = FMA(a6, m, s); a7 = FMA(a7, m, s);
            a8 = FMA(a8, m, s); a9 = FMA(a9, m, s); a10 = FMA(a10, m, s); a11 = FMA(a11, m, s);
            __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5));
            __asm__ volatile("" : "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
        }
        t = seconds() - t;
        double gflops = STEPS * 12.0 * WIDTH * 2 / t / 1e9;
        if (gflops > best) best = gflops;
        sink += SUM(a0) + SUM(a11);
    }
    printf("%d-bit: %.1f GFLOP/s (best of 200; 12 chains)%s\n", WIDTH * 32, best, sink == 0 ? " " : "");
    return 0;
}
