/* Shared helpers for synack's CUnit suites. */
#include "test_util.h"

#include <glib/gstdio.h>

char *
test_data_path(const char *name)
{
  return g_build_filename(SYNACK_TEST_DATA_DIR, name, NULL);
}

/* Newton's iteration for the inverse of an odd number modulo 2^64: each step doubles the
 * number of correct low bits, so six steps from a (correct to 3 bits) suffice. */
static uint64_t
inverse_odd(uint64_t a)
{
  uint64_t x = a;
  for (int i = 0; i < 6; i++)
    x *= 2 - a * x;
  return x;
}

SimRng
test_rng_with_next_output(uint64_t x)
{
  /* xoshiro256** outputs rotl(s[1] * 5, 7) * 9; 5 and 9 are invertible modulo 2^64 */
  uint64_t y = x * inverse_odd(9);
  y = (y >> 7) | (y << 57);
  SimRng r = { { 1, y * inverse_odd(5), 0, 0 } };
  return r;
}

static unsigned criticals;
static guint critical_handler;

static void
count_critical(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
  (void)domain, (void)level, (void)msg, (void)data;
  criticals++;
}

void
test_criticals_catch(void)
{
  criticals = 0;
  critical_handler = g_log_set_handler("synack", G_LOG_LEVEL_CRITICAL, count_critical, NULL);
}

unsigned
test_criticals_count(void)
{
  return criticals;
}

unsigned
test_criticals_release(void)
{
  g_log_remove_handler("synack", critical_handler);
  critical_handler = 0;
  return criticals;
}

void
test_remove_tree(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      test_remove_tree(child);
    }
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}
