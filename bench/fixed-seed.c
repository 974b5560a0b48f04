/* Preloaded into tshark by the instruction benchmarks (LD_PRELOAD): GLib's
 * global random numbers, from which Wireshark seeds the hashes of its wmem
 * maps, come from a fixed seed instead of /dev/urandom. With a fresh seed
 * each run, which buckets collide changes from run to run, and so does
 * tshark's instruction count: by about 100 instructions a packet on the
 * bare-TCP capture, more than the differences the benchmark looks for. With
 * the seed fixed, two runs of one build agree to about 1 instruction a
 * packet. BENCH_SEED (a number, default 1) picks another seed, to see that
 * a result does not hang on one seed's luck. */
#include <stdint.h>
#include <stdlib.h>

static uint32_t state;

static uint32_t next(void)
{
    if (state == 0) {
        const char *seed = getenv("BENCH_SEED");
        state = seed ? (uint32_t)strtoul(seed, NULL, 0) : 1;
        if (state == 0)
            state = 1;
    }
    /* xorshift32: any fixed sequence of distinct numbers does */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

uint32_t g_random_int(void);
int32_t g_random_int_range(int32_t begin, int32_t end);
double g_random_double(void);

uint32_t g_random_int(void) { return next(); }

int32_t g_random_int_range(int32_t begin, int32_t end)
{
    return begin + (int32_t)(next() % (uint32_t)(end - begin));
}

double g_random_double(void) { return next() / 4294967296.0; }
