/* sim_rng: seeding, stream derivation and the few draws that are not inline. */
#include "sim_rng.h"

uint64_t
sim_splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
sim_rng_seed(SimRng *r, uint64_t seed)
{
  g_return_if_fail(r != NULL);
  uint64_t st = seed;
  for (int i = 0; i < 4; i++)
    r->s[i] = sim_splitmix64(&st);
  /* SplitMix64 is a bijection of its counter, so four consecutive outputs are never
   * all zero; keep the invariant explicit anyway. */
  g_assert(r->s[0] | r->s[1] | r->s[2] | r->s[3]);
}

void
sim_rng_stream(SimRng *r, const SimRngStreamId *id)
{
  g_return_if_fail(r != NULL && id != NULL);
  /* Fold each identity word through a full SplitMix64 step: a change in any word
   * changes every bit of the key with probability ~1/2. */
  uint64_t key = 0x73796e61636b2121ULL; /* "synack!!" */
  const uint64_t words[4] = { id->seed, id->point, id->replication, id->component };
  for (int i = 0; i < 4; i++) {
    uint64_t st = key ^ words[i];
    key = sim_splitmix64(&st);
  }
  sim_rng_seed(r, key);
}

uint64_t
sim_rng_below(SimRng *r, uint64_t n)
{
  g_return_val_if_fail(n > 0, 0);
  unsigned __int128 m = (unsigned __int128)sim_rng_next(r) * n;
  uint64_t low = (uint64_t)m;
  if (low < n) {
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = (unsigned __int128)sim_rng_next(r) * n;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

double
sim_rng_normal(SimRng *r)
{
  double u, v, s;
  do {
    u = 2.0 * sim_rng_uniform(r) - 1.0;
    v = 2.0 * sim_rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  /* the second variate (v * factor) is dropped: keeping it would make a draw depend on
   * the previous one, and streams simpler to reason about matter more than one log() */
  return u * sqrt(-2.0 * log(s) / s);
}

void
sim_rng_jump(SimRng *r)
{
  static const uint64_t jump[] = { 0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                   0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL };
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (unsigned i = 0; i < G_N_ELEMENTS(jump); i++) {
    for (int b = 0; b < 64; b++) {
      if (jump[i] & (UINT64_C(1) << b)) {
        s0 ^= r->s[0];
        s1 ^= r->s[1];
        s2 ^= r->s[2];
        s3 ^= r->s[3];
      }
      sim_rng_next(r);
    }
  }
  r->s[0] = s0;
  r->s[1] = s1;
  r->s[2] = s2;
  r->s[3] = s3;
}
