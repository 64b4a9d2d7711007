/* sim_rng: xoshiro256** random streams, seeded through SplitMix64.
 * Every component (link, host, app) owns one stream derived from
 * (master seed, sweep point, replication, component id), so adding a component never
 * changes another component's draws, and replication r of every variant draws the same
 * numbers (common random numbers). The integer stream and the doubles derived from it
 * are exact and identical on every machine and build; golden-value tests pin them. */
#pragma once

#include <stdint.h>
#include <math.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  uint64_t s[4];
} SimRng;

/* The identity of a stream. */
typedef struct {
  uint64_t seed;         /* the experiment's master seed */
  uint64_t point;        /* index of the sweep point */
  uint64_t replication;  /* index of the replication */
  uint64_t component;    /* id of the component that owns the stream */
} SimRngStreamId;

/* SplitMix64: advances *state and returns the next output. Used for seeding. */
uint64_t sim_splitmix64(uint64_t *state);

/* Seeds @r from a single 64-bit value (four SplitMix64 outputs; never all-zero). */
void sim_rng_seed(SimRng *r, uint64_t seed);

/* Seeds @r as the stream named by @id: the four identity words are folded through
 * SplitMix64's finaliser, so streams differing in any one word are unrelated. */
void sim_rng_stream(SimRng *r, const SimRngStreamId *id);

static inline uint64_t
sim_rng__rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman & Vigna): the next 64 random bits. */
static inline uint64_t
sim_rng_next(SimRng *r)
{
  uint64_t *s = r->s;
  const uint64_t result = sim_rng__rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = sim_rng__rotl(s[3], 45);
  return result;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double
sim_rng_uniform(SimRng *r)
{
  return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform double in (0, 1]: safe to take the logarithm of. */
static inline double
sim_rng_uniform_pos(SimRng *r)
{
  return (double)((sim_rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

/* Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject); n > 0. */
uint64_t sim_rng_below(SimRng *r, uint64_t n);

/* TRUE with probability @p (p <= 0: never, p >= 1: always). */
static inline gboolean
sim_rng_bernoulli(SimRng *r, double p)
{
  return sim_rng_uniform(r) < p;
}

/* Exponential with the given mean, by inversion (one draw per sample). */
static inline double
sim_rng_exp(SimRng *r, double mean)
{
  return -mean * log(sim_rng_uniform_pos(r));
}

/* Standard normal by the polar (Marsaglia) method; deterministic, uses a variable
 * number of draws. */
double sim_rng_normal(SimRng *r);

/* Advances @r by 2^128 draws: carves non-overlapping substreams from one stream. */
void sim_rng_jump(SimRng *r);

G_END_DECLS
