/* sim_suggest: "did you mean ...?" for misspelt names of keys, sections, units,
 * distributions and choices: the closest candidate by edit distance, when close. */
#include "sim_suggest.h"

#include <string.h>

/* Edit distance counting insertions, deletions, substitutions and, as one edit, the
 * swap of two adjacent characters (the optimal-string-alignment form of Damerau's
 * distance): plain Levenshtein charges 2 for "tpc" -> "tcp", the commonest typo, and
 * would miss it under a threshold of 1. O(|a| * |b|) time, three rows of O(|b|). */
static size_t
edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  g_autofree size_t *rows = g_new(size_t, 3 * (lb + 1));
  size_t *before = rows, *prev = rows + lb + 1, *cur = rows + 2 * (lb + 1);
  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t best = prev[j - 1] + (g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]));
      best = MIN(best, prev[j] + 1);
      best = MIN(best, cur[j - 1] + 1);
      if (i > 1 && j > 1 && g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 2]) &&
          g_ascii_tolower(a[i - 2]) == g_ascii_tolower(b[j - 1]))
        best = MIN(best, before[j - 2] + 1);
      cur[j] = best;
    }
    size_t *t = before;
    before = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

const char *
sim_suggest(const char *word, const char *const *candidates, guint n)
{
  g_return_val_if_fail(word != NULL, NULL);
  g_return_val_if_fail(candidates != NULL || n == 0, NULL);
  size_t wl = strlen(word);
  size_t limit = MAX((size_t)1, wl / 3);
  const char *best = NULL;
  size_t best_distance = limit + 1;
  for (guint i = 0; i < n; i++) {
    const char *c = candidates[i];
    if (c == NULL)
      continue;
    size_t cl = strlen(c);
    /* the distance is at least the difference in length */
    if ((cl > wl ? cl - wl : wl - cl) >= best_distance)
      continue;
    size_t d = edit_distance(word, c);
    if (d < best_distance) {   /* strict: on a tie the earlier candidate stays */
      best = c;
      best_distance = d;
    }
  }
  return best;
}

