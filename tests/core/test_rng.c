/* Tests for core/sim_rng.c: golden values pin SplitMix64, xoshiro256**, the stream
 * derivation and jump (all checked against an independent implementation of the
 * published algorithms), then the draws' ranges and moments and the independence of
 * streams. Statistical tests use fixed seeds and ~5 standard errors, so they are
 * deterministic yet still catch a scale that is off by 1%. */
#include <math.h>
#include <stdint.h>
#include "test_util.h"
#include "sim_rng.h"

#define N_BIG 1000000

static const SimRngStreamId base_id = { 42, 3, 7, 11 };

/* Running mean and variance (Welford), enough for the moment tests here. */
typedef struct {
  double n, mean, m2;
} Moments;

static void
moments_add(Moments *m, double x)
{
  m->n += 1;
  double delta = x - m->mean;
  m->mean += delta / m->n;
  m->m2 += delta * (x - m->mean);
}

static double
moments_variance(const Moments *m)
{
  return m->m2 / (m->n - 1);
}

/* Pearson correlation of the next @n uniforms of @a and @b. */
static double
correlation(SimRng *a, SimRng *b, int n)
{
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int i = 0; i < n; i++) {
    double x = sim_rng_uniform(a), y = sim_rng_uniform(b);
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  double cov = sab / n - (sa / n) * (sb / n);
  double va = saa / n - (sa / n) * (sa / n);
  double vb = sbb / n - (sb / n) * (sb / n);
  return cov / sqrt(va * vb);
}

static void
splitmix64_from_zero_matches_reference(void)
{
  static const uint64_t expected[] = { 0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
                                       0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL,
                                       0x1b39896a51a8749bULL };
  uint64_t state = 0;
  for (unsigned i = 0; i < G_N_ELEMENTS(expected); i++)
    CU_ASSERT_EQUAL(sim_splitmix64(&state), expected[i]);
  CU_ASSERT_EQUAL(state, 5 * 0x9e3779b97f4a7c15ULL);
}

static void
seed_takes_four_splitmix_outputs(void)
{
  SimRng r;
  sim_rng_seed(&r, 0);
  CU_ASSERT_EQUAL(r.s[0], 0xe220a8397b1dcdafULL);
  CU_ASSERT_EQUAL(r.s[1], 0x6e789e6aa1b965f4ULL);
  CU_ASSERT_EQUAL(r.s[2], 0x06c45d188009454fULL);
  CU_ASSERT_EQUAL(r.s[3], 0xf88bb8a8724c81ecULL);
}

static void
next_from_1234_matches_xoshiro_reference(void)
{
  static const uint64_t expected[] = { 11520ULL, 0ULL, 1509978240ULL,
                                       1215971899390074240ULL, 1216172134540287360ULL,
                                       607988272756665600ULL, 16172922978634559625ULL,
                                       8476171486693032832ULL };
  SimRng r = { { 1, 2, 3, 4 } };
  for (unsigned i = 0; i < G_N_ELEMENTS(expected); i++)
    CU_ASSERT_EQUAL(sim_rng_next(&r), expected[i]);
}

static void
stream_golden_values_pin_derivation(void)
{
  SimRng r;
  sim_rng_stream(&r, &base_id);
  CU_ASSERT_EQUAL(r.s[0], 0x139d214d5ca50117ULL);
  CU_ASSERT_EQUAL(r.s[1], 0x384818d37d86d664ULL);
  CU_ASSERT_EQUAL(r.s[2], 0x36c3451dd4d1b834ULL);
  CU_ASSERT_EQUAL(r.s[3], 0xa40d1b7905bd3001ULL);
  static const uint64_t expected[] = { 0x562e968859d7ca6cULL, 0x79f1991dcec7c008ULL,
                                       0xcffb981acc5071c7ULL, 0xb6453f71ef4e4961ULL };
  for (unsigned i = 0; i < G_N_ELEMENTS(expected); i++)
    CU_ASSERT_EQUAL(sim_rng_next(&r), expected[i]);

  /* the all-zero identity is a valid stream too */
  const SimRngStreamId zero = { 0, 0, 0, 0 };
  sim_rng_stream(&r, &zero);
  CU_ASSERT_EQUAL(sim_rng_next(&r), 0x4bc1114c501eedb6ULL);
  CU_ASSERT_EQUAL(sim_rng_next(&r), 0xc729b3f5f9c8b3b4ULL);
  CU_ASSERT_EQUAL(sim_rng_next(&r), 0x44c77359b2f838caULL);
}

static void
uniform_extremes_stay_in_their_intervals(void)
{
  SimRng r = test_rng_with_next_output(0);
  CU_ASSERT_EQUAL(sim_rng_uniform(&r), 0.0);
  r = test_rng_with_next_output(0);
  CU_ASSERT_EQUAL(sim_rng_uniform_pos(&r), 0x1.0p-53);

  r = test_rng_with_next_output(UINT64_MAX);
  double u = sim_rng_uniform(&r);
  CU_ASSERT(u < 1.0);
  CU_ASSERT_EQUAL(u, 1.0 - 0x1.0p-53);
  r = test_rng_with_next_output(UINT64_MAX);
  CU_ASSERT_EQUAL(sim_rng_uniform_pos(&r), 1.0);
  /* and the exponential of the largest uniform_pos is exactly 0, never negative */
  r = test_rng_with_next_output(UINT64_MAX);
  CU_ASSERT_EQUAL(sim_rng_exp(&r, 3.0), 0.0);
}

static void
uniform_draws_in_range_with_mean_one_half(void)
{
  SimRng r;
  sim_rng_seed(&r, 1);
  Moments m = { 0 };
  gboolean in_range = TRUE, pos_in_range = TRUE;
  for (int i = 0; i < N_BIG; i++) {
    double u = sim_rng_uniform(&r);
    double p = sim_rng_uniform_pos(&r);
    in_range &= u >= 0.0 && u < 1.0;
    pos_in_range &= p > 0.0 && p <= 1.0;
    moments_add(&m, u);
  }
  CU_ASSERT(in_range);
  CU_ASSERT(pos_in_range);
  double se = sqrt(1.0 / 12 / N_BIG);
  CU_ASSERT_DOUBLE_EQUAL(m.mean, 0.5, 5 * se);
  CU_ASSERT_DOUBLE_EQUAL(moments_variance(&m), 1.0 / 12, 5 * sqrt(1.0 / 180 / N_BIG));
}

/* Pearson's chi-square statistic of @counts against equal expectations. */
static double
chi_square(const uint64_t *counts, int bins, uint64_t total)
{
  double expected = (double)total / bins, x2 = 0;
  for (int i = 0; i < bins; i++)
    x2 += ((double)counts[i] - expected) * ((double)counts[i] - expected) / expected;
  return x2;
}

static void
below_ten_passes_chi_square(void)
{
  SimRng r;
  sim_rng_seed(&r, 2);
  uint64_t counts[10] = { 0 };
  gboolean in_range = TRUE;
  for (int i = 0; i < N_BIG; i++) {
    uint64_t k = sim_rng_below(&r, 10);
    in_range &= k < 10;
    counts[k < 10 ? k : 0]++;
  }
  CU_ASSERT(in_range);
  /* 9 degrees of freedom: P(X2 > 27.88) = 0.001 */
  CU_ASSERT(chi_square(counts, 10, N_BIG) < 27.88);
}

/* n = 3 * 2^62 does not divide 2^64, so the usual shortcuts are visibly biased:
 * x % n gives [0, 2^62) twice the weight of the rest, and a multiply-shift without
 * rejection gives k = 0 (mod 3) twice the weight of the other classes. Both would push
 * these chi-squares into the thousands. */
static void
below_is_unbiased_when_n_does_not_divide_2_64(void)
{
  const uint64_t n = 3ULL << 62;
  SimRng r;
  sim_rng_seed(&r, 3);
  uint64_t by_third[3] = { 0 }, by_residue[3] = { 0 };
  const int draws = 300000;
  gboolean in_range = TRUE;
  for (int i = 0; i < draws; i++) {
    uint64_t k = sim_rng_below(&r, n);
    in_range &= k < n;
    by_third[MIN(k >> 62, 2)]++;
    by_residue[k % 3]++;
  }
  CU_ASSERT(in_range);
  /* 2 degrees of freedom: P(X2 > 13.82) = 0.001 */
  CU_ASSERT(chi_square(by_third, 3, draws) < 13.82);
  CU_ASSERT(chi_square(by_residue, 3, draws) < 13.82);
}

static void
below_is_always_less_than_n(void)
{
  static const uint64_t ns[] = { 1, 2, 3, 7, 1000, (1ULL << 63) - 1, 1ULL << 63,
                                 (1ULL << 63) + 1, UINT64_MAX - 1, UINT64_MAX };
  SimRng r;
  sim_rng_seed(&r, 4);
  for (unsigned j = 0; j < G_N_ELEMENTS(ns); j++) {
    gboolean ok = TRUE;
    for (int i = 0; i < 10000; i++)
      ok &= sim_rng_below(&r, ns[j]) < ns[j];
    CU_ASSERT(ok);
  }
  gboolean zero = TRUE;
  for (int i = 0; i < 1000; i++)
    zero &= sim_rng_below(&r, 1) == 0;
  CU_ASSERT(zero);
  /* a huge n still reaches its upper half about half the time */
  int upper = 0;
  for (int i = 0; i < 10000; i++)
    upper += sim_rng_below(&r, UINT64_MAX) >= (1ULL << 63);
  CU_ASSERT(upper > 4500 && upper < 5500);
}

static void
bernoulli_respects_probability(void)
{
  SimRng r;
  sim_rng_seed(&r, 5);
  int never = 0, always = 0, hits = 0;
  for (int i = 0; i < 100000; i++) {
    never += sim_rng_bernoulli(&r, 0.0);
    never += sim_rng_bernoulli(&r, -1.0);
    always += sim_rng_bernoulli(&r, 1.0);
    always += sim_rng_bernoulli(&r, 2.0);
    hits += sim_rng_bernoulli(&r, 0.3);
  }
  CU_ASSERT_EQUAL(never, 0);
  CU_ASSERT_EQUAL(always, 200000);
  /* "never" holds even for the smallest uniform, exactly 0 */
  r = test_rng_with_next_output(0);
  CU_ASSERT_FALSE(sim_rng_bernoulli(&r, 0.0));
  r = test_rng_with_next_output(UINT64_MAX);
  CU_ASSERT_TRUE(sim_rng_bernoulli(&r, 1.0));
  CU_ASSERT_DOUBLE_EQUAL(hits / 100000.0, 0.3, 5 * sqrt(0.3 * 0.7 / 100000));
}

static void
streams_differing_in_one_word_are_uncorrelated(void)
{
  for (int word = 0; word < 4; word++) {
    SimRngStreamId other = base_id;
    uint64_t *w[4] = { &other.seed, &other.point, &other.replication, &other.component };
    *w[word] += 1;
    SimRng a, b;
    sim_rng_stream(&a, &base_id);
    sim_rng_stream(&b, &other);
    CU_ASSERT(a.s[0] != b.s[0] || a.s[1] != b.s[1] || a.s[2] != b.s[2] || a.s[3] != b.s[3]);
    /* 1e5 pairs: the standard error of r is 0.0032 */
    double rho = correlation(&a, &b, 100000);
    if (!(fabs(rho) < 0.01))
      fprintf(stderr, "\n  word %d: correlation %g\n", word, rho);
    CU_ASSERT(fabs(rho) < 0.01);
  }
}

static void
streams_are_not_disturbed_by_other_streams(void)
{
  SimRng alone;
  sim_rng_stream(&alone, &base_id);
  uint64_t expected[100];
  for (int i = 0; i < 100; i++)
    expected[i] = sim_rng_next(&alone);

  SimRng a, b;
  SimRngStreamId other = base_id;
  other.component = 12;
  sim_rng_stream(&a, &base_id);
  sim_rng_stream(&b, &other);
  gboolean same = TRUE;
  for (int i = 0; i < 100; i++) {
    for (int j = 0; j < 37; j++)
      sim_rng_next(&b);
    if (i == 50) {
      sim_rng_jump(&b);
      SimRng c;
      sim_rng_stream(&c, &other);
    }
    same &= sim_rng_next(&a) == expected[i];
  }
  CU_ASSERT(same);
}

static void
jump_matches_reference(void)
{
  SimRng r;
  sim_rng_seed(&r, 42);
  sim_rng_jump(&r);
  CU_ASSERT_EQUAL(r.s[0], 0x81746704fde896b5ULL);
  CU_ASSERT_EQUAL(r.s[1], 0x645e944932dae0aeULL);
  CU_ASSERT_EQUAL(r.s[2], 0xf4776829231c282cULL);
  CU_ASSERT_EQUAL(r.s[3], 0x2393f9798732dba1ULL);
  CU_ASSERT_EQUAL(sim_rng_next(&r), 0x50086ef83cbf4f4aULL);
  CU_ASSERT_EQUAL(sim_rng_next(&r), 0xba285ec21347d703ULL);
}

static void
jump_is_deterministic_and_moves_the_state(void)
{
  SimRng a, b, start;
  sim_rng_stream(&start, &base_id);
  a = start;
  b = start;
  sim_rng_jump(&a);
  sim_rng_jump(&b);
  CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
  CU_ASSERT_NOT_EQUAL(memcmp(&a, &start, sizeof a), 0);
  /* the jumped stream is not the start stream a few steps on */
  SimRng walk = start;
  gboolean overlap = FALSE;
  for (int i = 0; i < 1000; i++) {
    overlap |= memcmp(&walk, &a, sizeof a) == 0;
    sim_rng_next(&walk);
  }
  CU_ASSERT_FALSE(overlap);
  SimRng c = start;
  CU_ASSERT(fabs(correlation(&a, &c, 100000)) < 0.01);
  /* a second jump lands somewhere new again */
  SimRng twice = b;
  sim_rng_jump(&twice);
  CU_ASSERT_NOT_EQUAL(memcmp(&twice, &b, sizeof b), 0);
}

static void
exp_has_requested_mean_and_variance(void)
{
  const double mean = 2.5;
  SimRng r;
  sim_rng_stream(&r, &base_id);
  Moments m = { 0 };
  gboolean nonneg = TRUE;
  for (int i = 0; i < N_BIG; i++) {
    double x = sim_rng_exp(&r, mean);
    nonneg &= x >= 0;
    moments_add(&m, x);
  }
  CU_ASSERT(nonneg);
  /* Var(X) = mean^2; the sample variance has SE sqrt((mu4 - s^4) / n) = sqrt(8) s^2 / sqrt(n) */
  CU_ASSERT_DOUBLE_EQUAL(m.mean, mean, 5 * mean / sqrt(N_BIG));
  CU_ASSERT_DOUBLE_EQUAL(moments_variance(&m), mean * mean,
                         5 * sqrt(8.0) * mean * mean / sqrt(N_BIG));
}

static void
normal_is_standard(void)
{
  SimRng r;
  sim_rng_stream(&r, &base_id);
  Moments m = { 0 };
  int within_one = 0;
  for (int i = 0; i < N_BIG; i++) {
    double z = sim_rng_normal(&r);
    within_one += fabs(z) < 1;
    moments_add(&m, z);
  }
  CU_ASSERT_DOUBLE_EQUAL(m.mean, 0.0, 5 / sqrt(N_BIG));
  CU_ASSERT_DOUBLE_EQUAL(moments_variance(&m), 1.0, 5 * sqrt(2.0 / N_BIG));
  /* the shape, not just two moments: P(|Z| < 1) = erf(1 / sqrt 2) */
  const double p = erf(1 / sqrt(2.0));
  CU_ASSERT_DOUBLE_EQUAL((double)within_one / N_BIG, p, 5 * sqrt(p * (1 - p) / N_BIG));
}

void test_rng_register(void);
void
test_rng_register(void)
{
  static const CU_TestInfo tests[] = {
    { "splitmix64_from_zero_matches_reference", splitmix64_from_zero_matches_reference },
    { "seed_takes_four_splitmix_outputs", seed_takes_four_splitmix_outputs },
    { "next_from_1234_matches_xoshiro_reference", next_from_1234_matches_xoshiro_reference },
    { "stream_golden_values_pin_derivation", stream_golden_values_pin_derivation },
    { "uniform_extremes_stay_in_their_intervals", uniform_extremes_stay_in_their_intervals },
    { "uniform_draws_in_range_with_mean_one_half", uniform_draws_in_range_with_mean_one_half },
    { "below_ten_passes_chi_square", below_ten_passes_chi_square },
    { "below_is_unbiased_when_n_does_not_divide_2_64",
      below_is_unbiased_when_n_does_not_divide_2_64 },
    { "below_is_always_less_than_n", below_is_always_less_than_n },
    { "bernoulli_respects_probability", bernoulli_respects_probability },
    { "streams_differing_in_one_word_are_uncorrelated",
      streams_differing_in_one_word_are_uncorrelated },
    { "streams_are_not_disturbed_by_other_streams", streams_are_not_disturbed_by_other_streams },
    { "jump_matches_reference", jump_matches_reference },
    { "jump_is_deterministic_and_moves_the_state", jump_is_deterministic_and_moves_the_state },
    { "exp_has_requested_mean_and_variance", exp_has_requested_mean_and_variance },
    { "normal_is_standard", normal_is_standard },
    CU_TEST_INFO_NULL,
  };
  test_add_suite("rng", tests);
}
