/* sim_suggest: the closest known name to a misspelt one, for error messages. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name in @candidates closest to @word by edit distance (insertions, deletions,
 * substitutions and swaps of adjacent characters each count one; ASCII case is
 * ignored), if close enough to be a likely misspelling: distance <= max(1,
 * strlen(word) / 3). Ties go to the earlier candidate; NULL entries are skipped.
 * Returns one of @candidates or NULL. */
const char *sim_suggest(const char *word, const char *const *candidates, guint n);

G_END_DECLS
